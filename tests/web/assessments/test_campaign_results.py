"""The results page: a radar and a table per visible group, the weakest dimensions with the
practices that widen them, and nothing of a hidden group."""

from __future__ import annotations

import pytest

from spaceforchange.assessments.models import Response
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
    assert "when this page was requested" in page.select_one("[data-computed-at]").get_text()


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
