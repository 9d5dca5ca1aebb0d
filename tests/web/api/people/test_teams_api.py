"""The teams API: list with filters, add, read, change, archive; members, leader roles, exploration shares and
alignment sessions; roles, tenancy and bad input (nothing changes on a refusal)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from spaceforchange.people import services
from spaceforchange.people.models import ExplorationShare, LeaderRole, Team, TeamMember
from tests.factories import make_member, make_organization, make_unit
from tests.web.api.helpers import assert_problem
from tests.web.people.helpers import World

pytestmark = pytest.mark.django_db

ORG = "/api/v1/organizations/northbay"
TEAMS = f"{ORG}/teams"
WRITERS = ["lead", "admin"]
NOT_WRITERS = ["member", "leader", "oversight"]


def send(client: Client, method: str, url: str, body: object) -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def fields_of(response: Any) -> set[str]:
    return {str(error["loc"][-1]) for error in response.json()["errors"]}


def refused_fields(response: Any) -> set[str]:
    """The fields a 422 problem names."""
    assert_problem(response, 422)
    return fields_of(response)


def team_url(world: World, key: str, rest: str = "") -> str:
    return f"{TEAMS}/{world.teams[key].pk}{rest}"


def snapshot(world: World) -> tuple[Any, ...]:
    """Everything the team endpoints could write, to show that a refusal wrote nothing."""
    teams = list(Team.objects.filter(organization=world.organization).order_by("pk").values())
    members = list(TeamMember.objects.order_by("pk").values_list("team_id", "user_id"))
    roles = list(LeaderRole.objects.order_by("pk").values_list("team_id", "role_key", "holder_id", "holder_name"))
    shares = list(ExplorationShare.objects.order_by("pk").values_list("team_id", "period", "share", "note"))
    return teams, members, roles, shares


# --- List ---------------------------------------------------------------------------------------


def test_every_member_lists_the_teams_with_their_figures_and_warnings(
    world: World, as_person: Callable[[str], Client]
) -> None:
    body = as_person("member").get(TEAMS).json()
    assert body["count"] == 3
    rows = {row["name"]: row for row in body["items"]}
    assert list(rows) == ["Digital desk", "Home care", "Road works"]
    desk = rows["Digital desk"]
    assert (desk["unit_name"], desk["autonomy_level"], desk["self_managed"], desk["member_count"]) == (
        "Schools",
        4,
        True,
        1,
    )
    assert (desk["exploration_share"], desk["exploration_period"], desk["roles_covered"], desk["roles_total"]) == (
        0.02,
        "2026-Q2",
        0,
        4,
    )
    assert [warning["rule_key"] for warning in desk["warnings"]] == ["routine_lock_in", "strategic_drift"]
    assert desk["warnings"][0]["name"] == "Routine lock-in"
    assert desk["warnings"][0]["facts"]["exploration_share"] == 0.02
    assert [warning["rule_key"] for warning in rows["Home care"]["warnings"]] == ["unsupported_transition"]
    assert rows["Road works"]["warnings"] == []


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("q=care", ["Home care"]),
        ("q=SCHOOLS", ["Digital desk"]),
        ("transition_status=in_transition", ["Home care"]),
        ("self_managed=true", ["Digital desk"]),
        ("self_managed=false", ["Home care", "Road works"]),
        ("with_warnings=false", ["Road works"]),
        ("limit=1&offset=1", ["Home care"]),
    ],
)
def test_teams_are_filtered_and_paged(
    world: World, as_person: Callable[[str], Client], query: str, names: list[str]
) -> None:
    body = as_person("oversight").get(f"{TEAMS}?{query}").json()
    assert [row["name"] for row in body["items"]] == names


def test_the_unit_filter_lists_the_units_teams_and_refuses_another_organisations_unit(
    world: World, as_person: Callable[[str], Client]
) -> None:
    client = as_person("member")
    body = client.get(f"{TEAMS}?unit_id={world.units[1].pk}").json()
    assert [row["name"] for row in body["items"]] == ["Home care"]
    foreign = make_unit(make_organization(slug="elsewhere"), "Theirs")
    assert_problem(client.get(f"{TEAMS}?unit_id={foreign.pk}"), 404)
    problem = assert_problem(client.get(f"{TEAMS}?transition_status=flying"), 422)
    assert "not_started" in problem["errors"][0]["msg"]


def test_an_organisation_one_is_not_a_member_of_answers_404(world: World) -> None:
    stranger = make_member(make_organization(slug="elsewhere")).user
    client = Client()
    client.force_login(stranger)
    assert_problem(client.get(TEAMS), 404)
    assert_problem(client.get(team_url(world, "desk")), 404)
    assert Client().get(TEAMS).status_code == 401


# --- Add, read, change, archive -----------------------------------------------------------------


@pytest.mark.parametrize("name", WRITERS)
def test_leads_and_admins_add_a_team(world: World, as_person: Callable[[str], Client], name: str) -> None:
    body = {
        "name": "  Welfare lab ",
        "unit_id": world.units[1].pk,
        "description": "Tries things.",
        "autonomy_level": 3,
        "transition_status": "in_transition",
        "transition_started_on": "2026-01-15",
    }
    response = send(as_person(name), "post", TEAMS, body)
    assert response.status_code == 201, response.json()
    team = response.json()
    assert (team["name"], team["unit_name"], team["autonomy_level"], team["self_managed"]) == (
        "Welfare lab",
        "Health",
        3,
        True,
    )
    assert (team["transition_status"], team["transition_started_on"], team["members"]) == (
        "in_transition",
        "2026-01-15",
        [],
    )
    assert [role["covered"] for role in team["leader_roles"]] == [False] * 4
    assert Team.objects.get(pk=team["id"]).organization == world.organization


@pytest.mark.parametrize("name", NOT_WRITERS)
def test_others_may_not_add_or_change_teams(world: World, as_person: Callable[[str], Client], name: str) -> None:
    before = snapshot(world)
    client = as_person(name)
    assert_problem(send(client, "post", TEAMS, {"name": "Sneaky"}), 403)
    assert_problem(send(client, "patch", team_url(world, "desk"), {"autonomy_level": 1}), 403)
    assert_problem(client.post(team_url(world, "desk", "/archive")), 403)
    assert_problem(send(client, "post", team_url(world, "roads", "/members"), {"user_id": world.lead.pk}), 403)
    assert_problem(client.delete(team_url(world, "desk", f"/members/{world.member.pk}")), 403)
    role_url = team_url(world, "care", "/leader-roles/paradoxical_leadership")
    assert_problem(send(client, "put", role_url, {"holder_name": "Kari"}), 403)
    assert snapshot(world) == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"name"}),
        ({"name": "digital DESK"}, {"name"}),
        ({"name": "x" * 201}, {"name"}),
        ({"name": "New", "autonomy_level": 9}, {"autonomy_level"}),
        ({"name": "New", "transition_status": "flying"}, {"transition_status"}),
        ({"name": "New", "transition_started_on": "2999-01-01"}, {"transition_started_on"}),
        ({"name": "", "autonomy_level": 0, "description": "d" * 2001}, {"name", "autonomy_level", "description"}),
        ({"name": "x" * 401}, {"name"}),
        ({"name": "New", "autonomy_level": "lots"}, {"autonomy_level"}),
        ({"name": "New", "transition_started_on": "yesterday"}, {"transition_started_on"}),
    ],
)
def test_invalid_teams_are_refused_with_every_field_named(
    world: World, as_person: Callable[[str], Client], body: dict[str, Any], fields: set[str]
) -> None:
    before = snapshot(world)
    response = send(as_person("lead"), "post", TEAMS, body)
    assert_problem(response, 422)
    assert fields_of(response) == fields
    assert snapshot(world) == before


@pytest.mark.parametrize(
    "raw", ['"a team"', "[1, 2]", "{not json", "null", '{"name": "\u0000"', "7"], ids=lambda raw: raw[:8]
)
def test_hostile_bodies_are_refused_and_write_nothing(
    world: World, as_person: Callable[[str], Client], raw: str
) -> None:
    before = snapshot(world)
    response = as_person("lead").post(TEAMS, data=raw, content_type="application/json")
    assert_problem(response, 400)
    assert snapshot(world) == before


def test_another_organisations_unit_in_a_body_answers_404(world: World, as_person: Callable[[str], Client]) -> None:
    foreign = make_unit(make_organization(slug="elsewhere"), "Theirs")
    before = snapshot(world)
    problem = assert_problem(send(as_person("lead"), "post", TEAMS, {"name": "New", "unit_id": foreign.pk}), 404)
    assert "unit" in problem["detail"]
    assert_problem(send(as_person("lead"), "patch", team_url(world, "desk"), {"unit_id": foreign.pk}), 404)
    assert snapshot(world) == before


def test_a_team_is_read_with_members_roles_and_exploration(world: World, as_person: Callable[[str], Client]) -> None:
    services.assign_leader_role(
        team=world.teams["desk"], role_key="protect_exploration", holder_name="Kari Nordmann", actor=world.lead
    )
    team = as_person("oversight").get(team_url(world, "desk")).json()
    assert [member["user_id"] for member in team["members"]] == [world.member.pk]
    assert [(role["role_key"], role["covered"], role["held_by"]) for role in team["leader_roles"]] == [
        ("paradoxical_leadership", False, ""),
        ("protect_exploration", True, "Kari Nordmann"),
        ("regular_strategic_alignment", False, ""),
        ("shape_risk_and_learning_climate", False, ""),
    ]
    assert [(row["period"], row["share"]) for row in team["exploration_shares"]] == [("2026-Q2", 0.02)]
    assert team["roles_covered"] == 1


def test_another_organisations_team_answers_404_everywhere(world: World, as_person: Callable[[str], Client]) -> None:
    other = make_organization(slug="elsewhere")
    theirs = services.create_team(organization=other, name="Their team", actor=None)
    client = as_person("admin")
    url = f"{TEAMS}/{theirs.pk}"
    assert_problem(client.get(url), 404)
    assert_problem(send(client, "patch", url, {"name": "Mine now"}), 404)
    assert_problem(client.post(url + "/archive"), 404)
    assert_problem(send(client, "post", url + "/members", {"user_id": world.member.pk}), 404)
    assert_problem(send(client, "put", url + "/exploration-shares/2026-Q3", {"share": 0.5}), 404)
    assert_problem(send(client, "post", url + "/alignment-sessions", {"held_on": "2026-11-01"}), 404)
    assert_problem(client.get(url + "/composition"), 404)
    theirs.refresh_from_db()
    assert (theirs.name, theirs.archived, theirs.members.count()) == ("Their team", False, 0)


def test_patch_changes_only_the_fields_sent(world: World, as_person: Callable[[str], Client]) -> None:
    response = send(as_person("lead"), "patch", team_url(world, "roads"), {"autonomy_level": 3, "unit_id": None})
    assert response.status_code == 200, response.json()
    team = Team.objects.get(pk=world.teams["roads"].pk)
    assert (team.name, team.autonomy_level, team.unit_id, team.transition_status) == (
        "Road works",
        3,
        None,
        "not_started",
    )
    refused = send(as_person("lead"), "patch", team_url(world, "roads"), {"name": None, "autonomy_level": 2})
    assert refused_fields(refused) == {"name"}
    assert Team.objects.get(pk=team.pk).autonomy_level == 3


def test_archiving_hides_a_team_until_it_is_restored(world: World, as_person: Callable[[str], Client]) -> None:
    client = as_person("admin")
    assert client.post(team_url(world, "roads", "/archive")).json()["archived"] is True
    assert [row["name"] for row in client.get(TEAMS).json()["items"]] == ["Digital desk", "Home care"]
    assert client.get(f"{TEAMS}?include_archived=true").json()["count"] == 3
    assert client.post(team_url(world, "roads", "/restore")).json()["archived"] is False
    assert client.get(TEAMS).json()["count"] == 3


# --- Members and leader roles -------------------------------------------------------------------


def test_members_are_added_and_removed(world: World, as_person: Callable[[str], Client]) -> None:
    client = as_person("lead")
    response = send(client, "post", team_url(world, "roads", "/members"), {"user_id": world.leader.pk})
    assert response.status_code == 201, response.json()
    assert [member["user_id"] for member in response.json()["members"]] == [world.leader.pk]
    again = send(client, "post", team_url(world, "roads", "/members"), {"user_id": world.leader.pk})
    assert refused_fields(again) == {"user_id"}
    assert client.delete(team_url(world, "roads", f"/members/{world.leader.pk}")).status_code == 204
    assert not TeamMember.objects.filter(team=world.teams["roads"]).exists()
    gone = client.delete(team_url(world, "roads", f"/members/{world.leader.pk}"))
    assert refused_fields(gone) == {"user_id"}


@pytest.mark.parametrize("who", ["stranger", "missing", "none"])
def test_only_active_members_of_the_organisation_join_a_team(
    world: World, as_person: Callable[[str], Client], who: str
) -> None:
    person_id = {
        "stranger": make_member(make_organization(slug="elsewhere")).user.pk,
        "missing": 987654,
        "none": None,
    }[who]
    before = snapshot(world)
    response = send(as_person("lead"), "post", team_url(world, "roads", "/members"), {"user_id": person_id})
    assert_problem(response, 422)
    assert fields_of(response) == {"user_id"}
    assert snapshot(world) == before


def test_leader_roles_are_held_by_members_or_named_people(world: World, as_person: Callable[[str], Client]) -> None:
    client = as_person("admin")
    url = team_url(world, "care", "/leader-roles/paradoxical_leadership")
    role = send(client, "put", url, {"holder_id": world.lead.pk}).json()
    assert (role["role_key"], role["covered"], role["holder_id"], role["held_by"]) == (
        "paradoxical_leadership",
        True,
        world.lead.pk,
        "lead@northbay.example",
    )
    role = send(client, "put", url, {"holder_name": "Ola Outsider"}).json()
    assert (role["holder_id"], role["holder_name"], role["covered"]) == (None, "Ola Outsider", True)
    assert send(client, "put", url, {}).json()["covered"] is False
    assert LeaderRole.objects.filter(team=world.teams["care"]).count() == 2


@pytest.mark.parametrize(
    ("role_key", "body", "field"),
    [
        ("chief_of_everything", {"holder_name": "Kari"}, "role_key"),
        ("protect_exploration", {"holder_id": 987654}, "holder_id"),
        ("protect_exploration", {"holder_name": "k" * 201}, "holder_name"),
    ],
)
def test_invalid_leader_roles_are_refused(
    world: World, as_person: Callable[[str], Client], role_key: str, body: dict[str, Any], field: str
) -> None:
    before = snapshot(world)
    response = send(as_person("lead"), "put", team_url(world, "care", f"/leader-roles/{role_key}"), body)
    assert_problem(response, 422)
    assert fields_of(response) == {field}
    assert snapshot(world) == before


# --- Exploration shares and alignment sessions --------------------------------------------------


def test_team_members_record_their_exploration_share_and_rerecording_updates_it(
    world: World, as_person: Callable[[str], Client]
) -> None:
    client = as_person("member")  # in Digital desk
    url = team_url(world, "desk", "/exploration-shares/2026-q3")
    first = send(client, "put", url, {"share": 0.15, "note": "Hackathon"})
    assert first.status_code == 200, first.json()
    assert (first.json()["period"], first.json()["share"], first.json()["note"]) == ("2026-Q3", 0.15, "Hackathon")
    send(client, "put", url, {"share": "0.2"})
    listed = client.get(team_url(world, "desk", "/exploration-shares")).json()
    assert [(row["period"], row["share"]) for row in listed["items"]] == [("2026-Q3", 0.2), ("2026-Q2", 0.02)]
    assert ExplorationShare.objects.filter(team=world.teams["desk"]).count() == 2


@pytest.mark.parametrize("name", ["leader", "oversight"])
def test_people_outside_the_team_may_not_record_for_it(
    world: World, as_person: Callable[[str], Client], name: str
) -> None:
    before = snapshot(world)
    client = as_person(name)
    assert_problem(send(client, "put", team_url(world, "desk", "/exploration-shares/2026-Q3"), {"share": 0.5}), 403)
    assert_problem(send(client, "post", team_url(world, "desk", "/alignment-sessions"), {"held_on": "2026-11-01"}), 403)
    assert snapshot(world) == before


@pytest.mark.parametrize(
    ("period", "body", "fields"),
    [
        ("2026-Q3", {}, {"share"}),
        ("2026-Q3", {"share": 1.5}, {"share"}),
        ("2026-Q3", {"share": -0.1}, {"share"}),
        ("2026-Q5", {"share": 0.1}, {"period"}),
        ("summer", {"share": 0.1, "note": "n" * 2001}, {"period", "note"}),
        ("2026-Q3", {"share": "lots"}, {"share"}),
    ],
)
def test_invalid_exploration_shares_are_refused(
    world: World, as_person: Callable[[str], Client], period: str, body: dict[str, Any], fields: set[str]
) -> None:
    before = snapshot(world)
    response = send(as_person("lead"), "put", team_url(world, "desk", f"/exploration-shares/{period}"), body)
    assert_problem(response, 422)
    assert fields_of(response) == fields
    assert snapshot(world) == before


def test_alignment_sessions_keep_the_latest_day(world: World, as_person: Callable[[str], Client]) -> None:
    client = as_person("member")
    url = team_url(world, "desk", "/alignment-sessions")
    assert send(client, "post", url, {"held_on": "2026-10-01"}).json()["last_alignment_on"] == "2026-10-01"
    team = send(client, "post", url, {"held_on": "2026-09-01"}).json()
    assert team["last_alignment_on"] == "2026-10-01"
    assert "strategic_drift" not in [warning["rule_key"] for warning in team["warnings"]]
    for body, field in (({}, "held_on"), ({"held_on": "2999-01-01"}, "held_on")):
        refused = send(client, "post", url, body)
        assert refused_fields(refused) == {field}
    assert Team.objects.get(pk=world.teams["desk"].pk).last_alignment_on.isoformat() == "2026-10-01"
