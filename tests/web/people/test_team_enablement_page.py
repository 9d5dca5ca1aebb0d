"""The team page's enablement table and its API twin: the team's means beside everyone's, hidden below
the survey's threshold."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from tests.integration.people.conftest import answer_all, make_enablement_campaign
from tests.web.people.helpers import World, soup_of, table_rows, text_of
from tests.web.people.test_team_pages import team_url


def test_team_page_shows_the_enablement_of_its_members_beside_everyone(
    world: World, as_person: Callable[[str], Client]
) -> None:
    campaign = make_enablement_campaign(world.organization, threshold=3)
    for _n in range(3):
        answer_all(campaign, 4, world.person(0, "desk"))
    for _n in range(3):
        answer_all(campaign, 2, world.person(1))
    soup = soup_of(as_person("member").get(team_url(world, "desk")))
    assert "Team enablement" in text_of(soup, "#team-enablement caption")
    # rt5 is reverse-worded: (4 × 4 + 2) / 5 for the team, and everyone's mean halfway to (4 × 2 + 4) / 5.
    assert table_rows(soup, "#team-enablement")[0] == ["Risk-taking", "3.60", "3.00"]


def test_a_team_below_the_threshold_shows_no_enablement_means(world: World, as_person: Callable[[str], Client]) -> None:
    campaign = make_enablement_campaign(world.organization, threshold=3)
    answer_all(campaign, 5, world.person(0, "desk"))
    for _n in range(3):
        answer_all(campaign, 2, world.person(1))
    soup = soup_of(as_person("lead").get(team_url(world, "desk")))
    assert [row[1] for row in table_rows(soup, "#team-enablement")] == ["Fewer than 3 answers"] * 3
    body = as_person("lead").get(f"/api/v1/organizations/northbay/teams/{world.teams['desk'].pk}/enablement").json()
    assert body["team_suppressed"] is True
    assert body["team_respondents"] is None
    assert set(body["team_means"].values()) == {None}
    assert body["organization_means"]["risk_taking"] is not None


def test_without_a_survey_the_team_page_says_how_to_run_one(world: World, as_person: Callable[[str], Client]) -> None:
    soup = soup_of(as_person("member").get(team_url(world, "roads")))
    assert "No team-enablement survey has been run yet." in text_of(soup, "#no-enablement")


def test_the_enablement_api_reads_the_team_and_refuses_other_organisations_teams(
    world: World, other: World, as_person: Callable[[str], Client]
) -> None:
    campaign = make_enablement_campaign(world.organization, threshold=3)
    for _n in range(3):
        answer_all(campaign, 4, world.person(0, "desk"))
    client = as_person("oversight")
    body = client.get(f"/api/v1/organizations/northbay/teams/{world.teams['desk'].pk}/enablement").json()
    assert body["campaign_title"] == "Team enablement"
    assert [term["key"] for term in body["dimensions"]] == [
        "risk_taking",
        "learning_from_mistakes",
        "strategic_alignment",
    ]
    assert body["team_respondents"] == 3
    assert body["team_means"]["risk_taking"] == body["organization_means"]["risk_taking"]
    foreign = other.teams["desk"].pk
    assert client.get(f"/api/v1/organizations/northbay/teams/{foreign}/enablement").status_code == 404
