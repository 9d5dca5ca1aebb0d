"""The results page: a radar and a table per visible group, the weakest dimensions with the
practices that widen them, and nothing of a hidden group."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils.formats import date_format

from spaceforchange.assessments import response_services, services, snapshots
from spaceforchange.assessments.models import Campaign, Response, ResultSnapshot
from spaceforchange.assessments.results import campaign_results
from tests.factories import make_campaign, make_pack, make_response, make_unit, pack_data
from tests.web.assessments.conftest import ROLES
from tests.web.core.conftest import soup

pytestmark = pytest.mark.django_db

RESULT_READERS = {"innovation_lead", "leader", "oversight", "admin"}
# Room scores high, openness lowest and trust in between.
ANSWERS = (
    {"r1": 5, "r2": 1, "o1": 1, "o2": 2, "t1": 3},
    {"r1": 4, "r2": 2, "o1": 2, "o2": 1, "t1": 4},
    {"r1": 5, "r2": 1, "o1": 2, "o2": 2, "t1": 3},
)


def three_dimension_pack():  # type: ignore[no-untyped-def]
    data = pack_data("results_pack")
    data["items"].append(
        {
            "key": "trust",
            "kind": "dimension",
            "order": 3,
            "provenance": "working-model",
            "name": {"en": "Trust", "nb": "Tillit"},
            "description": {"en": "How much people trust each other.", "nb": "Hvor mye folk stoler på hverandre."},
        }
    )
    data["instruments"][0]["statements"].append(
        {
            "key": "t1",
            "dimension": "trust",
            "provenance": "working-model",
            "text": {"en": "We trust.", "nb": "Vi stoler."},
        }
    )
    return make_pack(data=data)


@pytest.fixture
def answered(org):  # type: ignore[no-untyped-def]
    campaign = make_campaign(org.organization, version=three_dimension_pack(), anonymity_threshold=2)
    for answers in ANSWERS:
        make_response(campaign, answers)
    return campaign


def results_url(org, campaign):  # type: ignore[no-untyped-def]
    return org.url("assessments:campaign_results", campaign_id=campaign.pk)


def table(section):  # type: ignore[no-untyped-def]
    return {
        row["data-dimension"]: {cell["data-figure"]: cell.get_text(strip=True) for cell in row.select("td")}
        for row in section.select("table[data-dimensions] tbody tr")
    }


def test_the_table_shows_the_computed_figures(org, client_as, answered):
    response = client_as("admin").get(results_url(org, answered))
    assert response.status_code == 200
    page = soup(response)
    expected = campaign_results(answered)["groups"][0]["dimensions"]
    shown = table(page.select_one("section[data-group]"))
    assert list(shown) == ["room", "openness", "trust"]  # the pack's order
    for key, figures in expected.items():
        assert shown[key] == {
            "mean": f"{figures['mean']:.2f}",
            "interval": f"{figures['ci_low']:.2f}–{figures['ci_high']:.2f}",
            "favourable": f"{round(figures['share_favourable'] * 100)} %",
            "n": str(figures["n"]),
            "alpha": f"{figures['alpha']:.2f}" if figures["alpha"] is not None else "—",
        }
    assert page.select_one("[data-respondents]").get_text(strip=True) == "3"
    assert page.select_one("[data-computed-at]").get_text(" ", strip=True).startswith("Results computed at ")
    assert not page.select("[data-stale]")


def test_the_radar_has_one_corner_per_dimension_and_a_text_equivalent(org, client_as, answered):
    page = soup(client_as("admin").get(results_url(org, answered)))
    svg = page.select_one("svg.sfc-radar")
    assert svg["role"] == "img"
    assert svg.title.get_text(strip=True)
    corners = svg.select_one("[data-radar-values]")["points"].split()
    assert len(corners) == 3
    # Room (4.67 on 1..5) reaches furthest out, straight up from the centre of the 320 box.
    x, y = (float(number) for number in corners[0].split(","))
    assert (x, y) == pytest.approx((160.0, 160.0 - 110 * (14 / 3 - 1) / 4), abs=0.01)
    assert not page.select("[style], style")


def test_the_two_weakest_dimensions_come_with_practices_or_their_description(org, client_as, answered):
    page = soup(client_as("admin").get(results_url(org, answered)))
    assert [row["data-dimension"] for row in page.select("tr[data-weakest]")] == ["openness", "trust"]
    advice = {item["data-weakest-dimension"]: item for item in page.select("[data-weakest-dimension]")}
    assert list(advice) == ["openness", "trust"]
    assert [p.strong.get_text(strip=True) for p in advice["openness"].select("[data-practice]")] == ["Open dialogue"]
    assert "How much people trust each other." in advice["trust"].get_text()


def test_the_page_follows_the_language_with_english_fallback(org, client_as, answered):
    page = soup(client_as("admin").get(results_url(org, answered), HTTP_ACCEPT_LANGUAGE="nb"))
    names = [row.th.get_text(" ", strip=True) for row in page.select("table[data-dimensions] tbody tr")]
    assert names[0] == "Rom"


def test_suppressed_groups_show_no_figures(org, client_as, answered):
    finance = make_unit(org.organization, "Finance")
    first_two = Response.objects.filter(campaign=answered).order_by("pk").values_list("pk", flat=True)[:2]
    Response.objects.filter(pk__in=list(first_two)).update(unit=finance)
    response = client_as("admin").get(results_url(org, answered), {"group_by": "unit"})
    assert response.status_code == 200
    sections = soup(response).select("section[data-group]")
    assert [section["data-group"] for section in sections] == ["Finance", "(no unit)"]
    for section in sections:
        assert (
            section.select_one("[data-suppressed]").get_text(strip=True).startswith("Hidden: fewer than 2 respondents")
        )
        assert not section.select("table, svg, [data-weakest-dimension]")


def test_grouping_by_an_attribute_is_offered_and_shown(org, client_as, answered):
    Response.objects.filter(campaign=answered).update(attributes={"agency": "Tax"})
    response = client_as("admin").get(results_url(org, answered), {"group_by": "attribute:agency"})
    page = soup(response)
    assert page.select_one("#group-by option[selected]")["value"] == "attribute:agency"
    section = page.select_one("section[data-group]")
    assert section["data-group"] == "Tax"
    expected = campaign_results(answered, group_by="attribute:agency")["groups"][0]["dimensions"]
    assert table(section)["openness"]["mean"] == f"{expected['openness']['mean']:.2f}"


@pytest.mark.parametrize("group_by", ["team", "attribute:", "unit;drop"])
def test_a_bad_group_by_is_400_with_the_message(org, client_as, answered, group_by):
    response = client_as("admin").get(results_url(org, answered), {"group_by": group_by})
    assert response.status_code == 400
    page = soup(response)
    assert f"not “{group_by}”" in page.select_one("#group-by-error").get_text()
    assert not page.select("table, svg")


@pytest.mark.parametrize("role", ROLES)
def test_only_result_readers_see_the_page_and_the_link_to_it(org, client_as, answered, role):
    client = client_as(role)
    response = client.get(results_url(org, answered))
    assert response.status_code == (200 if role in RESULT_READERS else 403)
    detail = soup(client.get(org.url("assessments:campaign", campaign_id=answered.pk)))
    link = detail.select_one("#results-link")
    assert (link["href"] if link else None) == (results_url(org, answered) if role in RESULT_READERS else None)


def test_the_creator_reads_the_results_of_their_campaign(org, client_as, pack):
    own = make_campaign(org.organization, version=pack, created_by=org.people["member"].user)
    assert client_as("member").get(results_url(org, own)).status_code == 200


def test_another_organisations_campaign_is_404(org, other_org, client_as, campaign_in):
    foreign = campaign_in(other_org)
    assert client_as("admin").get(results_url(org, foreign)).status_code == 404


def test_a_campaign_without_answers_has_an_empty_table(org, client_as, campaign_in):
    page = soup(client_as("admin").get(results_url(org, campaign_in(org))))
    assert page.select_one("[data-respondents]").get_text(strip=True) == "0"
    assert set(table(page.select_one("section[data-group]"))["room"].values()) == {"—", "0"}
    assert not page.select("[data-weakest-dimension]")


# --- Stored results: when they were computed ---------------------------------------------------


def test_the_computed_time_is_the_stored_one_in_the_organisations_time_zone(org, client_as, answered):
    org.organization.time_zone = "America/New_York"
    org.organization.save(update_fields=["time_zone"])
    snapshots.current_results(answered)  # stores the results
    moment = datetime.datetime(2026, 1, 15, 12, 30, tzinfo=datetime.UTC)
    ResultSnapshot.objects.filter(campaign=answered, group_by="").update(computed_at=moment)
    page = soup(client_as("admin").get(results_url(org, answered)))
    shown = date_format(moment.astimezone(ZoneInfo("America/New_York")), "SHORT_DATETIME_FORMAT")
    assert "7:30" in shown  # 12:30 UTC is 7:30 in New York in January
    assert page.select_one("[data-computed-at]").get_text(" ", strip=True) == f"Results computed at {shown}"


def test_stale_results_say_newer_answers_are_being_included(org, client_as, answered, monkeypatch):
    snapshots.current_results(answered)
    monkeypatch.setattr(snapshots, "INLINE_LIMIT", 0)  # as if the campaign were too big to score on the spot
    Campaign.objects.filter(pk=answered.pk).update(answers_version=F("answers_version") + 1)
    page = soup(client_as("admin").get(results_url(org, answered)))
    assert "Newer answers have arrived" in page.select_one("[data-stale]").get_text()


# --- Units side by side ------------------------------------------------------------------------


def _units(org, campaign, sizes):  # type: ignore[no-untyped-def]
    """Spread the campaign's responses over new units of these sizes, in order."""
    ids = list(Response.objects.filter(campaign=campaign).order_by("pk").values_list("pk", flat=True))
    start = 0
    for name, size in sizes.items():
        Response.objects.filter(pk__in=ids[start : start + size]).update(unit=make_unit(org.organization, name))
        start += size


def side_by_side(page):  # type: ignore[no-untyped-def]
    table = page.select_one("[data-side-by-side] table")
    columns = [th.get_text(" ", strip=True) for th in table.select("thead th")][1:]
    rows = {
        row.get("data-dimension") or row["data-row"]: [td.get_text(strip=True) for td in row.select("td")]
        for row in table.select("tbody tr")
    }
    return columns, rows


def test_units_are_shown_side_by_side_with_hidden_ones_marked(org, client_as, pack):
    campaign = make_campaign(org.organization, version=pack, anonymity_threshold=2)
    for answers in ({"r1": 5, "r2": 1, "o1": 4, "o2": 4},) * 2 + ({"r1": 2, "r2": 4, "o1": 2, "o2": 1},) * 3:
        make_response(campaign, answers)
    make_response(campaign)
    _units(org, campaign, {"Alpha": 2, "Beta": 3, "Gamma": 1})
    page = soup(client_as("admin").get(results_url(org, campaign), {"group_by": "unit"}))
    columns, rows = side_by_side(page)
    # Gamma (1) is below 2; Alpha, the smallest visible one, goes too so Gamma cannot be derived.
    assert columns == [
        "Alpha hidden: fewer than 2 respondents",
        "Beta",
        "Gamma hidden: fewer than 2 respondents",
    ]
    expected = {group["group"]: group for group in campaign_results(campaign, group_by="unit")["groups"]}
    assert [expected[name]["suppressed"] for name in ("Alpha", "Beta", "Gamma")] == [True, False, True]
    assert rows["respondents"] == ["hidden", "3", "hidden"]
    assert rows["room"] == ["hidden", f"{expected['Beta']['dimensions']['room']['mean']:.2f}", "hidden"]
    assert rows["room"][1] == "2.00"  # r1 2 and the reverse-worded r2 4, flipped to 2
    assert page.select_one("[data-side-by-side] .usa-table-container--scrollable")["tabindex"] == "0"


def test_the_whole_campaign_has_no_side_by_side_table_but_offers_the_sub_units(org, client_as, pack):
    parent = make_unit(org.organization, "Health")
    make_unit(org.organization, "Home care", parent=parent)
    campaign = make_campaign(org.organization, version=pack, unit=parent, include_subunits=True)
    page = soup(client_as("admin").get(results_url(org, campaign)))
    assert not page.select("[data-side-by-side]")
    assert page.select_one("[data-subunits-link] a")["href"] == "?group_by=unit"
    plain = make_campaign(org.organization, version=pack, unit=parent)
    assert not soup(client_as("admin").get(results_url(org, plain))).select("[data-subunits-link]")


# --- Comments and their themes -----------------------------------------------------------------


def respond_with_comments(campaign, comments):  # type: ignore[no-untyped-def]
    token = services.create_shared_link(campaign=campaign)
    response, _resume = response_services.start_response(token=token)
    response = response_services.save_answers(
        response=response, answers={"r1": 4, "r2": 2, "o1": 3, "o2": 3}, comments=comments
    )
    return response_services.submit_response(response=response)


ROOM_COMMENTS = ("Too many rules block us", "The rules change every month", "Rules, rules and more rules", "")


def commented(org, pack, threshold):  # type: ignore[no-untyped-def]
    campaign = make_campaign(org.organization, version=pack, anonymity_threshold=threshold)
    for text in ROOM_COMMENTS:
        respond_with_comments(campaign, {"room": text} if text else {})
    return campaign


def test_comments_show_counts_themes_and_the_texts_in_alphabetical_order(org, client_as, pack):
    campaign = commented(org, pack, threshold=4)
    page = soup(client_as("admin").get(results_url(org, campaign)))
    room = page.select_one("[data-comment-dimension=room]")
    assert room.select_one("[data-comment-count]").get_text(strip=True) == "3 comments"
    theme = room.select_one("[data-theme]")
    assert (theme["data-theme"], theme["data-theme-comments"]) == ("rules", "3")
    assert theme.q.get_text() == "Rules, rules and more rules"
    assert [li.get_text() for li in room.select("[data-comment-texts] li")] == [
        "Rules, rules and more rules",
        "The rules change every month",
        "Too many rules block us",
    ]
    openness = page.select_one("[data-comment-dimension=openness]")
    assert openness.select_one("[data-comment-count]").get_text(strip=True) == "0 comments"
    assert not openness.select("[data-themes], [data-comment-texts]")


def test_comments_are_hidden_below_the_threshold_even_their_number(org, client_as, pack):
    campaign = commented(org, pack, threshold=5)
    page = soup(client_as("admin").get(results_url(org, campaign)))
    section = page.select_one("[data-comments]")
    assert "fewer than 5 respondents" in section.select_one("[data-comments-hidden]").get_text()
    assert not section.select("[data-comment-dimension], [data-theme], [data-comment-texts]")
    assert "rules" not in section.get_text().lower()


def test_comments_are_never_split_by_group(org, client_as, pack):
    campaign = commented(org, pack, threshold=2)
    Response.objects.filter(campaign=campaign).update(attributes={"team": "A"})
    first = Response.objects.filter(campaign=campaign).order_by("pk").first()
    Response.objects.filter(pk=first.pk).update(attributes={"team": "B"})
    page = soup(client_as("admin").get(results_url(org, campaign), {"group_by": "attribute:team"}))
    assert len(page.select("[data-comments]")) == 1
    for section in page.select("section[data-group]"):
        assert not section.select("[data-comment-texts], [data-theme]")
    assert len(page.select("[data-comments] [data-comment-dimension=room] [data-comment-texts] li")) == 3


def test_comments_are_escaped(org, client_as, pack):
    campaign = make_campaign(org.organization, version=pack, anonymity_threshold=2)
    respond_with_comments(campaign, {"room": "<script>alert(1)</script> rules"})
    respond_with_comments(campaign, {"room": "rules"})
    response = client_as("admin").get(results_url(org, campaign))
    assert b"<script>alert(1)</script>" not in response.content
    assert "<script>alert(1)</script> rules" in [
        li.get_text() for li in soup(response).select("[data-comment-texts] li")
    ]


# --- Bad groupings -----------------------------------------------------------------------------


@pytest.mark.parametrize("group_by", ["attribute:nonexistent", "attribute:" + "x" * 200])
def test_an_unknown_or_oversized_attribute_is_400_and_stores_nothing(org, client_as, answered, group_by):
    before = ResultSnapshot.objects.filter(campaign=answered).count()
    response = client_as("admin").get(results_url(org, answered), {"group_by": group_by})
    assert response.status_code == 400
    assert "no attribute" in soup(response).select_one("#group-by-error").get_text()
    assert ResultSnapshot.objects.filter(campaign=answered).count() == before


# --- Queries -----------------------------------------------------------------------------------


def _queries(client, url, params):  # type: ignore[no-untyped-def]
    client.get(url, params)  # stores the results of this grouping first
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_the_query_count_does_not_grow_with_groups_comments_or_campaigns_to_compare(org, client_as, pack):
    campaign = make_campaign(org.organization, version=pack, anonymity_threshold=2)
    for _ in range(4):
        respond_with_comments(campaign, {"room": "rules block us", "openness": "rules"})
    earlier = make_campaign(org.organization, version=pack, anonymity_threshold=2)
    make_response(earlier)
    make_response(earlier)
    client, url = client_as("admin"), results_url(org, campaign)
    params = {"group_by": "unit", "compare": earlier.pk}
    few = _queries(client, url, params)
    for _ in range(3):
        make_response(make_campaign(org.organization, version=pack))
    for response_id in Response.objects.filter(campaign=campaign).values_list("pk", flat=True):
        Response.objects.filter(pk=response_id).update(unit=make_unit(org.organization))
    for _ in range(3):
        respond_with_comments(campaign, {"room": "more rules", "openness": "and more"})
    assert _queries(client, url, params) == few
