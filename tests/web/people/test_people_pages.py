"""The people pages: the overview, the archetype mix per unit and per team, the culture pulse, and a
team's composition against the organisation's mix.

Every figure is a group's; a group below the campaign's anonymity threshold says "Fewer than N
answers" and shows no counts, and no page shows one person's archetype to anyone, whatever their
role. Every role reads; other organisations' teams are 404; the query counts are bounded.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from spaceforchange.assessments import services as assessment_services
from spaceforchange.assessments.models import Campaign
from spaceforchange.assessments.selectors import instrument_of
from tests.web.people.helpers import (
    ORG,
    World,
    answer_archetype_campaign,
    answer_as,
    archetype_campaign,
    culture_campaign,
    soup_of,
    table_rows,
    text_of,
)

pytestmark = pytest.mark.django_db
ROLES = ("member", "lead", "leader", "oversight", "admin")


def page_urls(world: World) -> list[str]:
    desk = world.teams["desk"].pk
    return [
        ORG,
        ORG + "archetypes/",
        ORG + "archetypes/?by=team",
        ORG + "culture/",
        ORG + "teams/",
        f"{ORG}teams/{desk}/",
        f"{ORG}teams/{desk}/composition/",
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_every_people_page(
    world: World, answered: Campaign, as_person: Callable[[str], Client], role: str
) -> None:
    client = as_person(role)
    for url in page_urls(world):
        assert client.get(url).status_code == 200, url


def test_overview_shows_the_organisation_mix_with_chart_and_table(
    world: World, answered: Campaign, as_person: Callable[[str], Client]
) -> None:
    soup = soup_of(as_person("member").get(ORG))
    assert table_rows(soup, "#org-mix") == [
        ["Magistrate", "8", "47 %"],
        ["Bohemian", "1", "6 %"],
        ["Crusader", "6", "35 %"],
        ["Revolutionist", "2", "12 %"],
    ]
    assert "17 respondents" in text_of(soup, "#org-mix caption")
    assert soup.select_one("svg#org-mix-chart title") is not None
    assert "Archetypes 2026" in text_of(soup, "#mix-campaign")
    assert "Individuals are never shown" in text_of(soup, "#privacy-note")
    assert "No archetype is better than another" in text_of(soup, "main")
    terms = text_of(soup, "#archetype-terms")
    assert all(name in terms for name in ("Magistrate", "Bohemian", "Crusader", "Revolutionist"))
    links = [link["href"] for link in soup.select("#people-links a")]
    assert links == [ORG + "archetypes/", ORG + "culture/", ORG + "teams/"]


def test_overview_without_a_campaign_explains_the_archetypes(world: World, as_person: Callable[[str], Client]) -> None:
    soup = soup_of(as_person("member").get(ORG))
    assert "No archetype self-assessment has been run yet" in text_of(soup, "#no-campaign")
    assert soup.select_one("#org-mix") is None
    assert "Revolutionist" in text_of(soup, "#archetype-terms")


def test_overview_hides_a_total_below_the_threshold(world: World, as_person: Callable[[str], Client]) -> None:
    campaign = archetype_campaign(world.organization)
    answer_archetype_campaign(campaign, [(world.member, "revolutionist"), (world.lead, "magistrate")])
    soup = soup_of(as_person("admin").get(ORG))
    assert text_of(soup, "#mix-suppressed").startswith("Fewer than 5 answers")
    assert soup.select_one("#org-mix") is None and soup.select_one("#org-mix-chart") is None


def test_archetypes_per_unit_hide_small_units_and_their_complement(
    world: World, answered: Campaign, as_person: Callable[[str], Client]
) -> None:
    soup = soup_of(as_person("leader").get(ORG + "archetypes/"))
    assert table_rows(soup, "#mix-table") == [
        ["Health", "Fewer than 5 answers"],
        ["Roads", "Fewer than 5 answers"],
        ["Schools", "10", "8 (80 %)", "1 (10 %)", "1 (10 %)", "0 (0 %)"],
    ]
    assert [
        " ".join(cell.get_text(" ").split()) for cell in soup.select("#mix-table tfoot th, #mix-table tfoot td")
    ] == [
        "Organisation",
        "17",
        "8 (47 %)",
        "1 (6 %)",
        "6 (35 %)",
        "2 (12 %)",
    ]
    assert soup.select_one("svg#mix-chart") is not None


def test_archetypes_per_team_use_primary_suppression(
    world: World, answered: Campaign, as_person: Callable[[str], Client]
) -> None:
    soup = soup_of(as_person("member").get(ORG + "archetypes/?by=team"))
    assert table_rows(soup, "#mix-table") == [
        ["Digital desk", "10", "8 (80 %)", "1 (10 %)", "1 (10 %)", "0 (0 %)"],
        ["Home care", "Fewer than 5 answers"],
    ]
    assert soup.select_one("input#id_by_team")["checked"] is not None


def test_archetypes_choose_among_the_organisations_campaigns_only(
    world: World, other: World, answered: Campaign, as_person: Callable[[str], Client]
) -> None:
    foreign = archetype_campaign(other.organization, title="Southport secrets")
    earlier = archetype_campaign(world.organization, title="Archetypes 2025")
    client = as_person("member")
    for hostile in (str(foreign.pk), "abc", "-1", "9" * 30, "<script>"):
        soup = soup_of(client.get(ORG + "archetypes/", {"campaign": hostile, "by": "evil"}))
        assert "Southport secrets" not in soup.get_text()
        assert "Archetypes 2025" in text_of(soup, "#mix-table caption")  # the newest of this organisation
    chosen = soup_of(client.get(ORG + "archetypes/", {"campaign": answered.pk}))
    assert "Archetypes 2026" in text_of(chosen, "#mix-table caption")
    assert earlier.pk != answered.pk


def test_archetypes_without_a_campaign_is_an_empty_state(world: World, as_person: Callable[[str], Client]) -> None:
    soup = soup_of(as_person("member").get(ORG + "archetypes/"))
    assert "No archetype self-assessment" in text_of(soup, "#no-campaign")


def test_team_composition_compares_the_team_with_the_organisation(
    world: World, answered: Campaign, as_person: Callable[[str], Client]
) -> None:
    soup = soup_of(as_person("lead").get(f"{ORG}teams/{world.teams['desk'].pk}/composition/"))
    assert table_rows(soup, "#composition-table") == [
        ["Magistrate", "8 (80 %)", "8 (47 %)", "+33"],
        ["Bohemian", "1 (10 %)", "1 (6 %)", "+4"],
        ["Crusader", "1 (10 %)", "6 (35 %)", "-25"],
        ["Revolutionist", "0 (0 %)", "2 (12 %)", "-12"],
    ]
    warning = soup.select_one("#composition-warnings li[data-rule=few_crusaders_and_revolutionists]")
    assert warning is not None
    text = " ".join(warning.get_text(" ").split())
    assert "Crusaders and Revolutionists are 10 % of 10 respondents" in text
    assert "Balance the mix of archetypes" in text
    assert soup.select_one("svg#composition-chart") is not None


def test_team_composition_below_the_threshold_shows_nothing_of_the_team(
    world: World, answered: Campaign, as_person: Callable[[str], Client]
) -> None:
    soup = soup_of(as_person("admin").get(f"{ORG}teams/{world.teams['care'].pk}/composition/"))
    assert text_of(soup, "#composition-suppressed").startswith("Fewer than 5 answers")
    assert soup.select_one("#composition-table") is None and soup.select_one("#composition-warnings") is None


def test_team_composition_without_answers_or_campaign(world: World, as_person: Callable[[str], Client]) -> None:
    url = f"{ORG}teams/{world.teams['roads'].pk}/composition/"
    assert "No archetype self-assessment" in text_of(soup_of(as_person("lead").get(url)), "#no-campaign")
    archetype_campaign(world.organization)
    assert text_of(soup_of(as_person("lead").get(url)), "#composition-suppressed").startswith("No answers")


def test_other_organisations_teams_are_not_found(
    world: World, other: World, as_person: Callable[[str], Client]
) -> None:
    client = as_person("admin")
    foreign = other.teams["desk"].pk
    for rest in ("", "composition/", "edit/", "members/", "roles/", "exploration/", "alignment/"):
        assert client.get(f"{ORG}teams/{foreign}/{rest}").status_code == 404, rest
        assert client.post(f"{ORG}teams/{foreign}/{rest}", {"name": "Taken"}).status_code in (404, 405), rest
    assert client.get(f"{ORG}teams/999999/").status_code == 404


def test_no_page_shows_one_persons_archetype(world: World, as_person: Callable[[str], Client]) -> None:
    """A lone respondent (threshold 2): every page, for every role, hides the group."""
    campaign = archetype_campaign(world.organization, anonymity_threshold=2)
    answer_archetype_campaign(campaign, [(world.member, "revolutionist")])
    for role in ROLES:
        client = as_person(role)
        for url in page_urls(world):
            soup = soup_of(client.get(url))
            for table in soup.select("#org-mix, #mix-table, #composition-table"):
                cells = [cell.get_text(" ").strip() for cell in table.select("td")]
                assert all(cell in ("Fewer than 2 answers", "No answers") for cell in cells), (role, url, cells)
            main = soup.select_one("main").get_text(" ")
            assert "100 %" not in main and "1 (" not in main, (role, url)
            assert "Your innovator archetype" not in main and "Only you can see" not in main


def culture_answers(campaign: Campaign, value: int) -> dict[str, int | None]:
    return {statement.key: value for statement in instrument_of(campaign).statements}


def test_culture_trend_per_campaign_with_changes_and_suppression(
    world: World, as_person: Callable[[str], Client]
) -> None:
    first = culture_campaign(world.organization, title="Pulse spring")
    second = culture_campaign(world.organization, title="Pulse autumn")
    third = culture_campaign(world.organization, title="Pulse winter")
    for campaign, value, count in ((first, 2, 5), (second, 4, 6), (third, 5, 2)):
        token = assessment_services.create_shared_link(campaign=campaign)
        for _n in range(count):
            answer_as(campaign, world.person(0), culture_answers(campaign, value), token)
    soup = soup_of(as_person("member").get(ORG + "culture/"))
    rows = table_rows(soup, "#culture-table")
    assert [row[0] for row in rows] == ["Pulse spring", "Pulse autumn", "Pulse winter"]
    assert rows[0][2] == "5" and rows[1][2] == "6"
    assert rows[2][2] == "Fewer than 5 answers"
    # Reverse-worded statements are reversed, so a flat 2 or 4 does not give a flat mean.
    assert all("(" not in cell for cell in rows[0][3:])
    assert all(cell.count("(") == 1 for cell in rows[1][3:])
    assert soup.select_one("svg#culture-chart") is not None
    headers = [cell.get_text(strip=True) for cell in soup.select("#culture-table thead th")]
    assert "Calculated risk-taking" in headers and "Experimentation" in headers


def test_culture_per_unit_and_hostile_unit_filters(
    world: World, other: World, as_person: Callable[[str], Client]
) -> None:
    campaign = culture_campaign(world.organization, title="Pulse")
    token = assessment_services.create_shared_link(campaign=campaign)
    for unit, count in ((0, 5), (1, 5)):
        for _n in range(count):
            answer_as(campaign, world.person(unit), culture_answers(campaign, 4), token)
    client = as_person("member")
    health = soup_of(client.get(ORG + "culture/", {"unit": world.units[1].pk}))
    assert table_rows(health, "#culture-table")[0][2] == "5"
    assert "Health" in text_of(health, "#culture-table caption")
    roads = soup_of(client.get(ORG + "culture/", {"unit": world.units[2].pk}))
    assert table_rows(roads, "#culture-table")[0][2] == "No answers"
    for hostile in (str(other.units[0].pk), "abc", "-5", "9" * 40):
        soup = soup_of(client.get(ORG + "culture/", {"unit": hostile}))
        assert table_rows(soup, "#culture-table")[0][2] == "10", hostile
        assert "Culture pulse of the organisation" in text_of(soup, "#culture-table caption")


def test_culture_without_campaigns_is_an_empty_state(world: World, as_person: Callable[[str], Client]) -> None:
    soup = soup_of(as_person("oversight").get(ORG + "culture/"))
    assert "No culture pulse has been run yet" in text_of(soup, "#no-campaign")


def test_people_pages_take_a_bounded_number_of_queries(
    world: World, answered: Campaign, as_person: Callable[[str], Client], django_assert_max_num_queries
) -> None:
    client = as_person("member")
    desk = world.teams["desk"].pk
    for url, bound in (
        (ORG, 20),
        (ORG + "archetypes/?by=unit", 20),
        (ORG + "archetypes/?by=team", 20),
        (ORG + "culture/", 15),
        (f"{ORG}teams/{desk}/composition/", 30),
    ):
        with django_assert_max_num_queries(bound):
            assert client.get(url).status_code == 200, url


def test_pages_link_their_downloads(world: World, answered: Campaign, as_person: Callable[[str], Client]) -> None:
    client = as_person("member")
    archetypes = soup_of(client.get(ORG + "archetypes/"))
    links = [link["href"] for link in archetypes.select("#downloads a")]
    assert links == [
        f"{ORG}archetypes/export/?campaign={answered.pk}&format=csv",
        f"{ORG}archetypes/export/?campaign={answered.pk}&format=xlsx",
    ]
    teams = [link["href"] for link in soup_of(client.get(ORG + "teams/")).select("#downloads a")]
    assert teams == [f"{ORG}teams/export/?format=csv", f"{ORG}teams/export/?format=xlsx"]
    for link in [*links, *teams]:
        assert client.get(link).status_code == 200, link
