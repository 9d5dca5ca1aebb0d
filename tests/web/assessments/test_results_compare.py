"""Comparing a campaign's results with another campaign of the same instrument."""

from __future__ import annotations

import math

import pytest

from spaceforchange.assessments import services
from spaceforchange.assessments.models import Response
from spaceforchange.assessments.results import campaign_results
from tests.factories import make_campaign, make_response, make_unit
from tests.web.core.conftest import soup

pytestmark = pytest.mark.django_db

BEFORE = (
    {"r1": 2, "r2": 4, "o1": 2, "o2": 3},
    {"r1": 3, "r2": 4, "o1": 2, "o2": 2},
    {"r1": 2, "r2": 5, "o1": 3, "o2": 2},
    {"r1": 2, "r2": 4, "o1": 2, "o2": 3},
)
AFTER = (
    {"r1": 5, "r2": 1, "o1": 2, "o2": 3},
    {"r1": 4, "r2": 1, "o1": 3, "o2": 2},
    {"r1": 5, "r2": 1, "o1": 2, "o2": 2},
    {"r1": 4, "r2": 1, "o1": 2, "o2": 3},
)


def answered(org, pack, answers, *, close=False, **options):  # type: ignore[no-untyped-def]
    campaign = make_campaign(org.organization, version=pack, anonymity_threshold=2, **options)
    for entry in answers:
        make_response(campaign, entry)
    return services.close_campaign(campaign=campaign) if close else campaign


@pytest.fixture
def pair(org, pack):  # type: ignore[no-untyped-def]
    earlier = answered(org, pack, BEFORE, title="Spring scan", close=True)
    later = answered(org, pack, AFTER, title="Autumn scan")
    return earlier, later


def url(org, campaign):  # type: ignore[no-untyped-def]
    return org.url("assessments:campaign_results", campaign_id=campaign.pk)


def change_table(page, kind="dimensions"):  # type: ignore[no-untyped-def]
    return {
        row["data-key"]: {cell["data-figure"]: cell.get_text(strip=True) for cell in row.select("td")}
        for row in page.select(f"table[data-compare-{kind}] tbody tr")
    }


def beyond(before, after):  # type: ignore[no-untyped-def]
    """The rule written out independently: standard errors from each 95 % interval."""
    se_before = (before["ci_high"] - before["ci_low"]) / (2 * 1.96)
    se_after = (after["ci_high"] - after["ci_low"]) / (2 * 1.96)
    return abs(after["mean"] - before["mean"]) > 1.96 * math.sqrt(se_before**2 + se_after**2)


def test_the_change_per_dimension_with_its_verdict(org, client_as, pair):
    earlier, later = pair
    response = client_as("admin").get(url(org, later), {"compare": earlier.pk})
    assert response.status_code == 200
    page = soup(response)
    before = campaign_results(earlier)["groups"][0]["dimensions"]
    after = campaign_results(later)["groups"][0]["dimensions"]
    shown = change_table(page)
    assert list(shown) == ["room", "openness"]
    for key in shown:
        change = after[key]["mean"] - before[key]["mean"]
        assert shown[key] == {
            "previous": f"{before[key]['mean']:.2f}",
            "current": f"{after[key]['mean']:.2f}",
            "change": f"{'+' if change > 0 else ''}{change:.2f}",
            "beyond": "yes" if beyond(before[key], after[key]) else "no",
        }
    # Room rose from 2.0 to 4.75 with little spread: beyond. Openness stayed at 2.375: not.
    assert (shown["room"]["change"], shown["room"]["beyond"]) == ("+2.75", "yes")
    assert (shown["openness"]["change"], shown["openness"]["beyond"]) == ("0.00", "no")
    assert set(change_table(page, "items")) == {"r1", "r2", "o1", "o2"}
    assert page.select_one("#compare option[selected]")["value"] == str(earlier.pk)


def test_the_radar_gets_a_dashed_outline_of_the_other_campaign(org, client_as, pair):
    earlier, later = pair
    page = soup(client_as("admin").get(url(org, later), {"compare": earlier.pk}))
    previous = page.select_one("section[data-group] [data-radar-previous]")
    current = page.select_one("section[data-group] [data-radar-values]")
    assert len(previous["points"].split()) == len(current["points"].split()) == 2
    assert previous["points"] != current["points"]
    assert "Spring scan" in page.select_one("[data-radar-legend]").get_text()
    assert not soup(client_as("admin").get(url(org, later))).select("[data-radar-previous]")


def test_the_choices_are_the_organisations_campaigns_of_the_same_instrument(org, other_org, client_as, pair, pack):
    earlier, later = pair
    make_campaign(org.organization, title="Another instrument")  # a new pack's "scan"
    make_campaign(other_org.organization, version=pack, title="Foreign scan")
    page = soup(client_as("admin").get(url(org, later)))
    options = [(option["value"], option.get_text()) for option in page.select("#compare option")]
    assert [value for value, _text in options] == ["", str(earlier.pk)]
    assert options[1][1].startswith("Spring scan (")
    assert not page.select("table[data-compare-dimensions]")


def test_grouped_pages_compare_the_whole_campaigns_and_keep_the_grouping(org, client_as, pair):
    earlier, later = pair
    Response.objects.filter(campaign=later).update(unit=make_unit(org.organization, "Finance"))
    page = soup(client_as("admin").get(url(org, later), {"compare": earlier.pk, "group_by": "unit"}))
    after = campaign_results(later)["groups"][0]["dimensions"]
    assert change_table(page)["room"]["current"] == f"{after['room']['mean']:.2f}"
    assert page.select_one("#compare-form input[name=group_by]")["value"] == "unit"
    assert page.select_one("#group-by-form input[name=compare]")["value"] == str(earlier.pk)


def test_a_hidden_campaign_is_not_compared(org, client_as, pack, pair):
    _earlier, later = pair
    small = make_campaign(org.organization, version=pack, anonymity_threshold=5)
    make_response(small)
    page = soup(client_as("admin").get(url(org, later), {"compare": small.pk}))
    assert page.select_one("[data-compare-hidden]")
    assert not page.select("table[data-compare-dimensions], [data-radar-previous]")


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "٣", "9" * 30, "1;DROP TABLE"])
def test_a_malformed_compare_is_400_with_a_message_and_no_other_data(org, client_as, pair, value):
    _earlier, later = pair
    response = client_as("admin").get(url(org, later), {"compare": value})
    assert response.status_code == 400
    page = soup(response)
    assert "Choose the campaign to compare with" in page.select_one("#compare-error").get_text()
    assert not page.select("table[data-compare-dimensions]")
    assert page.select("table[data-dimensions]")  # the campaign's own results are still there


def test_comparing_with_itself_is_refused(org, client_as, pair):
    _earlier, later = pair
    response = client_as("admin").get(url(org, later), {"compare": later.pk})
    assert response.status_code == 400
    assert "compared with itself" in soup(response).select_one("#compare-error").get_text()


def test_a_different_instrument_is_refused_with_a_message(org, client_as, pair):
    _earlier, later = pair
    other = make_campaign(org.organization, title="Different instrument")
    make_response(other)
    response = client_as("admin").get(url(org, later), {"compare": other.pk})
    assert response.status_code == 400
    page = soup(response)
    assert "same instrument" in page.select_one("#compare-error").get_text()
    assert not page.select("table[data-compare-dimensions]")


def test_another_organisations_campaign_is_404(org, other_org, client_as, pack, pair):
    _earlier, later = pair
    foreign = answered(other_org, pack, BEFORE)
    response = client_as("admin").get(url(org, later), {"compare": foreign.pk})
    assert response.status_code == 404
    assert b"Spring" not in response.content


def test_a_campaign_that_does_not_exist_is_404(org, client_as, pair):
    _earlier, later = pair
    assert client_as("admin").get(url(org, later), {"compare": 987654321}).status_code == 404


def test_a_creator_cannot_compare_with_a_campaign_whose_results_they_may_not_read(org, client_as, pack, pair):
    earlier, _later = pair
    own = answered(org, pack, AFTER, created_by=org.people["member"].user)
    client = client_as("member")
    page = soup(client.get(url(org, own)))
    assert [option["value"] for option in page.select("#compare option")] == []
    assert page.select_one("[data-no-comparison]")
    assert client.get(url(org, own), {"compare": earlier.pk}).status_code == 403
