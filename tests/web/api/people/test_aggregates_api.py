"""The people aggregates API: the archetype mix by unit and team, a team's composition, the culture trend and
their downloads. Hidden groups carry no figures, and no response holds one person's archetype."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from spaceforchange.assessments.selectors import instrument_of
from spaceforchange.people.terms import LEADER_ROLES
from tests.factories import make_member, make_organization, make_response, make_unit
from tests.web.api.helpers import assert_problem
from tests.web.api.people.conftest import Answered
from tests.web.people.helpers import World, answer_archetype_campaign, archetype_campaign, culture_campaign

pytestmark = pytest.mark.django_db

ORG = "/api/v1/organizations/northbay"
MIX = f"{ORG}/people/archetype-mix"
TREND = f"{ORG}/people/culture-trend"
ARCHETYPES = {"magistrate", "bohemian", "crusader", "revolutionist"}
HIDDEN = {"respondents": None, "counts": None, "shares": None, "suppressed": True}


def hidden(mix: dict[str, Any]) -> dict[str, Any]:
    return {key: mix[key] for key in HIDDEN}


def test_the_organisations_mix_without_groups(answered: Answered, as_person: Callable[[str], Client]) -> None:
    body = as_person("member").get(MIX).json()
    assert (body["campaign"]["id"], body["campaign"]["title"], body["by"], body["threshold"]) == (
        answered.campaign.pk,
        "Archetypes 2026",
        None,
        5,
    )
    assert [term["key"] for term in body["archetypes"]] == ["magistrate", "bohemian", "crusader", "revolutionist"]
    assert body["total"]["respondents"] == 17
    assert body["total"]["counts"] == {"magistrate": 8, "bohemian": 1, "crusader": 6, "revolutionist": 2}
    assert body["total"]["shares"]["crusader"] == pytest.approx(6 / 17, abs=1e-6)
    assert body["groups"] == []


def test_units_below_the_threshold_and_their_complement_are_hidden(
    world: World, answered: Answered, as_person: Callable[[str], Client]
) -> None:
    body = as_person("oversight").get(f"{MIX}?by=unit&campaign_id={answered.campaign.pk}").json()
    groups = {group["label"]: group for group in body["groups"]}
    assert list(groups) == ["Health", "Roads", "Schools"]
    assert groups["Schools"]["mix"]["counts"] == {"magistrate": 8, "bohemian": 1, "crusader": 1, "revolutionist": 0}
    assert groups["Schools"]["mix"]["respondents"] == 10
    assert groups["Schools"]["difference"]["magistrate"] == pytest.approx(100 * (8 / 10 - 8 / 17), abs=1e-3)
    assert hidden(groups["Health"]["mix"]) == HIDDEN
    assert (groups["Health"]["mix"]["reason"], groups["Health"]["mix"]["note"]) == (
        "below_threshold",
        "Fewer than 5 answers",
    )
    assert hidden(groups["Roads"]["mix"]) == HIDDEN
    assert groups["Roads"]["mix"]["reason"] == "complementary"
    assert groups["Health"]["difference"] == {} and groups["Roads"]["difference"] == {}


def test_teams_below_the_threshold_are_hidden(
    world: World, answered: Answered, as_person: Callable[[str], Client]
) -> None:
    body = as_person("admin").get(f"{MIX}?by=team").json()
    groups = {group["label"]: group for group in body["groups"]}
    assert list(groups) == ["Digital desk", "Home care"]
    assert groups["Digital desk"]["key"] == str(world.teams["desk"].pk)
    assert groups["Digital desk"]["mix"]["counts"]["magistrate"] == 8
    assert hidden(groups["Home care"]["mix"]) == HIDDEN
    assert groups["Home care"]["mix"]["note"] == "Fewer than 5 answers"


def test_the_campaign_must_be_an_opened_archetype_self_assessment_of_the_organisation(
    world: World, answered: Answered, as_person: Callable[[str], Client]
) -> None:
    client = as_person("member")
    theirs = archetype_campaign(make_organization(slug="elsewhere"))
    assert_problem(client.get(f"{MIX}?campaign_id={theirs.pk}"), 404)
    assert_problem(client.get(f"{MIX}?campaign_id=987654"), 404)
    problem = assert_problem(client.get(f"{MIX}?campaign_id={answered.culture.pk}"), 422)
    assert problem["errors"][0]["loc"][-1] == "campaign_id"
    draft = archetype_campaign(world.organization, status="draft")
    assert_problem(client.get(f"{MIX}?campaign_id={draft.pk}"), 422)
    assert_problem(client.get(f"{MIX}?by=person"), 422)
    assert_problem(client.get(f"{MIX}?campaign_id=abc"), 422)


def test_without_a_self_assessment_the_mix_is_empty(world: World, as_person: Callable[[str], Client]) -> None:
    body = as_person("member").get(f"{MIX}?by=unit").json()
    assert body == {"campaign": None, "by": None, "threshold": None, "archetypes": [], "total": None, "groups": []}
    assert as_person("member").get(f"{ORG}/people/archetype-campaigns").json() == {"items": [], "count": 0}
    composition = as_person("member").get(f"{ORG}/teams/{world.teams['desk'].pk}/composition").json()
    assert (composition["campaign"], composition["team"], composition["warnings"]) == (None, None, [])


def test_archetype_campaigns_are_listed_newest_first(
    world: World, answered: Answered, as_person: Callable[[str], Client]
) -> None:
    body = as_person("member").get(f"{ORG}/people/archetype-campaigns").json()
    assert [(row["id"], row["anonymity_threshold"]) for row in body["items"]] == [(answered.campaign.pk, 5)]


def test_a_teams_composition_against_the_organisation_with_its_warnings(
    world: World, answered: Answered, as_person: Callable[[str], Client]
) -> None:
    body = as_person("member").get(f"{ORG}/teams/{world.teams['desk'].pk}/composition").json()
    assert body["team"]["counts"] == {"magistrate": 8, "bohemian": 1, "crusader": 1, "revolutionist": 0}
    assert body["organization"]["respondents"] == 17
    assert body["gaps"]["crusader"] == pytest.approx(100 * (1 / 10 - 6 / 17), abs=1e-3)
    assert [warning["rule_key"] for warning in body["warnings"]] == ["few_crusaders_and_revolutionists"]
    assert body["warnings"][0]["facts"]["respondents"] == 10


def test_a_hidden_teams_composition_shows_no_figures_and_no_warnings(
    world: World, answered: Answered, as_person: Callable[[str], Client]
) -> None:
    body = as_person("admin").get(f"{ORG}/teams/{world.teams['care'].pk}/composition").json()
    assert hidden(body["team"]) == HIDDEN
    assert (body["gaps"], body["warnings"]) == ({}, [])
    roads = as_person("admin").get(f"{ORG}/teams/{world.teams['roads'].pk}/composition").json()
    assert (hidden(roads["team"]), roads["team"]["reason"]) == (HIDDEN, "no_answers")


# --- Culture trend ------------------------------------------------------------------------------


def culture_answers(campaign: Any, value: int) -> dict[str, int | None]:
    return {statement.key: value for statement in instrument_of(campaign).statements}


def test_the_culture_trend_shows_means_and_hides_small_campaigns(
    world: World, as_person: Callable[[str], Client]
) -> None:
    first = culture_campaign(world.organization, title="Pulse spring")
    for _n in range(5):
        make_response(first, culture_answers(first, 4))
    second = culture_campaign(world.organization, title="Pulse autumn")
    for _n in range(2):
        make_response(second, culture_answers(second, 2))
    body = as_person("member").get(TREND).json()
    assert body["unit_id"] is None
    keys = [term["key"] for term in body["dimensions"]]
    assert "experimentation" in keys
    points = {point["campaign_title"]: point for point in body["points"]}
    spring, autumn = points["Pulse spring"], points["Pulse autumn"]
    assert (spring["respondents"], spring["suppressed"]) == (5, False)
    assert all(mean is not None for mean in spring["means"].values())
    assert (autumn["respondents"], autumn["suppressed"], autumn["note"]) == (None, True, "Fewer than 5 answers")
    assert set(autumn["means"].values()) == {None}
    assert set(autumn["changes"].values()) == {None}


def test_the_culture_trend_of_a_unit_and_another_organisations_unit(
    world: World, as_person: Callable[[str], Client]
) -> None:
    client = as_person("member")
    assert client.get(f"{TREND}?unit_id={world.units[1].pk}").json()["unit_id"] == world.units[1].pk
    foreign = make_unit(make_organization(slug="elsewhere"), "Theirs")
    assert_problem(client.get(f"{TREND}?unit_id={foreign.pk}"), 404)


# --- Privacy ------------------------------------------------------------------------------------


def walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def every_people_response(world: World, client: Client) -> list[Any]:
    urls = [
        f"{ORG}/teams",
        f"{ORG}/teams?include_archived=true",
        f"{ORG}/people/archetype-campaigns",
        MIX,
        f"{MIX}?by=unit",
        f"{MIX}?by=team",
        TREND,
    ]
    for team in world.teams.values():
        urls += [f"{ORG}/teams/{team.pk}", f"{ORG}/teams/{team.pk}/composition"]
        urls += [f"{ORG}/teams/{team.pk}/exploration-shares"]
    responses = [client.get(url) for url in urls]
    assert [response.status_code for response in responses] == [200] * len(urls)
    return [response.json() for response in responses]


@pytest.mark.parametrize("name", ["member", "lead", "leader", "oversight", "admin"])
def test_no_response_holds_one_persons_archetype(
    world: World, answered: Answered, as_person: Callable[[str], Client], name: str
) -> None:
    """Whatever the role: people appear only as team members and role holders, never next to an archetype,
    and every hidden group carries no respondents, counts or shares."""
    solo = world.person(2, "roads")  # the only respondent of Road works
    answer_archetype_campaign(answered.campaign, [(solo, "revolutionist")])
    person_keys = {"user_id", "holder_id", "email"}
    for body in every_people_response(world, as_person(name)):
        for found in walk(body):
            if person_keys & set(found):
                assert not ARCHETYPES & {str(value) for value in found.values()}, found
                assert not ARCHETYPES & set(found), found
            if found.get("suppressed") is True and "counts" in found:
                assert (found["respondents"], found["counts"], found["shares"]) == (None, None, None), found
    roads = as_person(name).get(f"{ORG}/teams/{world.teams['roads'].pk}/composition").json()
    assert hidden(roads["team"]) == HIDDEN
    assert roads["team"]["note"] == "Fewer than 5 answers"


def test_leader_role_keys_are_the_packs(world: World, as_person: Callable[[str], Client]) -> None:
    team = as_person("member").get(f"{ORG}/teams/{world.teams['care'].pk}").json()
    assert tuple(role["role_key"] for role in team["leader_roles"]) == LEADER_ROLES


# --- Downloads ----------------------------------------------------------------------------------


def csv_rows(response: Any) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_archetype_mix_export_marks_hidden_groups_without_counts(
    world: World, answered: Answered, as_person: Callable[[str], Client]
) -> None:
    response = as_person("member").get(f"{MIX}/export?format=csv&campaign_id={answered.campaign.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="northbay-archetype-mix-20') and disposition.endswith('.csv"')
    rows = [row for row in csv_rows(response) if row[0] == "archetype_mix"]
    by_name = {row[3]: row for row in rows}
    assert list(by_name) == ["Northbay", "Health", "Roads", "Schools", "Digital desk", "Home care"]
    assert by_name["Northbay"][4:11] == ["17", "False", "", "8", "1", "6", "2"]
    assert by_name["Schools"][1:5] == ["unit", str(world.units[0].pk), "Schools", "10"]
    for name in ("Health", "Home care"):
        assert by_name[name][4:7] == ["", "True", "Fewer than 5 answers"]
        assert set(by_name[name][7:]) == {""}
    assert by_name["Roads"][5] == "True" and set(by_name["Roads"][7:]) == {""}


def test_the_exports_come_as_xlsx_too(world: World, answered: Answered, as_person: Callable[[str], Client]) -> None:
    client = as_person("oversight")
    for url, sheets in (
        (f"{MIX}/export?format=xlsx", ["Campaign", "Archetype mix"]),
        (f"{ORG}/teams/export?format=xlsx", ["Teams"]),
        (f"{TREND}/export?format=xlsx", ["Culture trend"]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Disposition"].endswith('.xlsx"')
        workbook = load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames == sheets
    teams = load_workbook(io.BytesIO(client.get(f"{ORG}/teams/export?format=xlsx").content))["Teams"]
    values = list(teams.values)
    assert values[0][:3] == ("team_id", "name", "unit")
    assert [row[1] for row in values[1:]] == ["Digital desk", "Home care", "Road works"]
    assert values[1][13] == "routine_lock_in; strategic_drift"


@pytest.mark.parametrize("file_format", ["pdf", "json", "", "csv;rm -rf"])
def test_other_formats_are_a_400(
    world: World, answered: Answered, as_person: Callable[[str], Client], file_format: str
) -> None:
    client = as_person("member")
    for url in (f"{MIX}/export", f"{ORG}/teams/export", f"{TREND}/export"):
        problem = assert_problem(client.get(url, {"format": file_format}), 400)
        assert "csv or xlsx" in problem["detail"]


def test_exports_answer_404_outside_the_organisation_and_without_a_campaign(world: World) -> None:
    stranger = make_member(make_organization(slug="elsewhere")).user
    client = Client()
    client.force_login(stranger)
    assert_problem(client.get(f"{ORG}/teams/export?format=csv"), 404)
    member = Client()
    member.force_login(world.member)
    problem = assert_problem(member.get(f"{MIX}/export?format=csv"), 404)
    assert "self-assessment" in problem["detail"]
