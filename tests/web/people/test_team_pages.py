"""The team pages: the overview (search, filters, sort, pages, empty states), a team's page with its
§12 warnings, and the forms: a new or edited team, members, leader roles, exploration shares and
alignment sessions.

Per role (innovation leads and admins manage; a team's members also record; oversight changes
nothing), with bad, oversized and hostile input (re-rendered with errors, nothing changed), other
organisations' people and units refused, and bounded query counts.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from spaceforchange.people import services
from spaceforchange.people.models import ExplorationShare, LeaderRole, Team, TeamMember
from tests.web.people.helpers import ORG, World, errors_of, soup_of, table_rows, text_of

pytestmark = pytest.mark.django_db
TEAMS = ORG + "teams/"
TEAM_FORM = {
    "name": "Data lab",
    "unit": "",
    "description": "Shares data across units.",
    "autonomy_level": "3",
    "transition_status": "in_transition",
    "transition_started_on": "2026-01-15",
}


def team_url(world: World, key: str, rest: str = "") -> str:
    return f"{TEAMS}{world.teams[key].pk}/{rest}"


# --- The overview -------------------------------------------------------------------------------


def test_teams_overview_lists_figures_and_warnings(world: World, as_person: Callable[[str], Client]) -> None:
    soup = soup_of(as_person("member").get(TEAMS))
    assert table_rows(soup, "#teams") == [
        [
            "Digital desk",
            "Schools",
            "1",
            "4",
            "Self-managed",
            "2 % (2026-Q2)",
            "Never",
            "0 of 4",
            "Routine lock-in Strategic drift",
        ],
        [
            "Home care",
            "Health",
            "0",
            "2",
            "In transition",
            "Not recorded",
            "Never",
            "1 of 4",
            "Unsupported transition to self-management",
        ],
        ["Road works", "Roads", "0", "1", "Not started", "Not recorded", "Never", "0 of 4", "None"],
    ]
    assert soup.find("a", string="New team") is None
    assert soup_of(as_person("lead").get(TEAMS)).find("a", string="New team") is not None


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"q": "DESK"}, ["Digital desk"]),
        ({"q": "schools"}, ["Digital desk"]),  # the description
        ({"status": "in_transition"}, ["Home care"]),
        ({"sort": "warnings"}, ["Digital desk", "Home care", "Road works"]),
        ({"sort": "autonomy"}, ["Digital desk", "Home care", "Road works"]),
        ({"sort": "exploration"}, ["Digital desk", "Home care", "Road works"]),
        ({"sort": "unit"}, ["Home care", "Road works", "Digital desk"]),
        ({"sort": "evil", "status": "boss", "unit": "abc", "page": "999"}, ["Digital desk", "Home care", "Road works"]),
        ({"q": "x" * 500}, ["Digital desk", "Home care", "Road works"]),
    ],
)
def test_teams_overview_searches_filters_and_sorts(
    world: World, as_person: Callable[[str], Client], query: dict[str, str], names: list[str]
) -> None:
    soup = soup_of(as_person("member").get(TEAMS, query))
    assert [row[0] for row in table_rows(soup, "#teams")] == names


def test_teams_overview_filters_by_unit_of_this_organisation_only(
    world: World, other: World, as_person: Callable[[str], Client]
) -> None:
    client = as_person("member")
    health = soup_of(client.get(TEAMS, {"unit": world.units[1].pk}))
    assert [row[0] for row in table_rows(health, "#teams")] == ["Home care"]
    foreign = soup_of(client.get(TEAMS, {"unit": other.units[1].pk}))
    assert "No team matches the filter." in text_of(foreign, "#no-teams")
    assert "Southport" not in foreign.get_text()


def test_teams_overview_pages_and_archived_teams(world: World, as_person: Callable[[str], Client]) -> None:
    for number in range(30):
        services.create_team(organization=world.organization, name=f"Team {number:02d}", actor=world.lead)
    services.archive_team(team=world.teams["roads"], actor=world.lead)
    client = as_person("member")
    first = soup_of(client.get(TEAMS))
    assert len(table_rows(first, "#teams")) == 25
    assert "32 teams" in text_of(first, "#teams caption")
    second = soup_of(client.get(TEAMS, {"page": "2", "sort": "name"}))
    assert [row[0] for row in table_rows(second, "#teams")][-1] == "Team 29"
    assert "Page 2 of 2" in text_of(second, ".usa-pagination")
    archived = soup_of(client.get(TEAMS, {"archived": "1"}))
    assert [row[0] for row in table_rows(archived, "#teams")] == ["Road works"]


def test_no_teams_is_an_empty_state(world: World, as_person: Callable[[str], Client]) -> None:
    Team.objects.all().delete()
    soup = soup_of(as_person("member").get(TEAMS))
    assert text_of(soup, "#no-teams") == "No teams yet."
    assert "No archived teams." in text_of(soup_of(as_person("member").get(TEAMS, {"archived": "1"})), "#no-teams")


def test_teams_overview_query_count_does_not_grow_with_teams(
    world: World, as_person: Callable[[str], Client], django_assert_max_num_queries
) -> None:
    client = as_person("member")
    with django_assert_max_num_queries(20):
        assert client.get(TEAMS).status_code == 200
    for number in range(20):
        team = services.create_team(
            organization=world.organization, name=f"Team {number}", autonomy_level=4, actor=world.lead
        )
        services.add_team_member(team=team, user=world.member, actor=world.lead)
        services.record_exploration_share(team=team, period="2026-Q1", share="0", actor=world.lead)
    with django_assert_max_num_queries(20):
        assert client.get(TEAMS).status_code == 200


# --- A team's page ------------------------------------------------------------------------------


def test_team_page_shows_details_roles_shares_and_warnings_with_practices(
    world: World, as_person: Callable[[str], Client]
) -> None:
    services.assign_leader_role(
        team=world.teams["desk"], role_key="paradoxical_leadership", holder_name="Kari Nordmann", actor=world.lead
    )
    soup = soup_of(as_person("member").get(team_url(world, "desk")))
    warnings = {item["data-rule"]: " ".join(item.get_text(" ").split()) for item in soup.select("#team-warnings li")}
    assert set(warnings) == {"routine_lock_in", "strategic_drift"}
    assert "2 % of working time on exploration in 2026-Q2" in warnings["routine_lock_in"]
    assert "What answers it: Protect time for exploration" in warnings["routine_lock_in"]
    assert "Schedule alignment sessions" in warnings["strategic_drift"]
    assert table_rows(soup, "#team-roles")[0] == ["Paradoxical leadership", "Kari Nordmann"]
    assert table_rows(soup, "#team-roles")[1] == ["Protect exploration", "Not covered"]
    assert table_rows(soup, "#team-exploration") == [["2026-Q2", "2 %", "—", "lead@northbay.example"]]
    assert text_of(soup, "#team-members") == "member@northbay.example"
    composition = soup.find("a", string="Team composition")
    assert composition["href"] == team_url(world, "desk", "composition/")
    # A member of the team records; only managers edit.
    assert soup.find("a", string="Record an alignment session") is not None
    assert soup.find("a", string="Edit the team") is None


def test_team_page_warns_of_an_unsupported_transition(world: World, as_person: Callable[[str], Client]) -> None:
    soup = soup_of(as_person("oversight").get(team_url(world, "care")))
    warning = text_of(soup, "#team-warnings li[data-rule=unsupported_transition]")
    assert "In transition for 100 days with 1 of 4 leader roles covered (at least 3 needed)" in warning
    assert "Nobody covers paradoxical leadership." in warning
    assert "Support the transition to self-management" in warning
    assert soup.find("a", string="Record an alignment session") is None
    assert soup.find("a", string="Edit the team") is None


def test_team_without_warnings_or_records(world: World, as_person: Callable[[str], Client]) -> None:
    soup = soup_of(as_person("lead").get(team_url(world, "roads")))
    assert text_of(soup, "#no-warnings") == "No warnings for this team."
    assert soup.select_one("#no-members") is not None and soup.select_one("#no-exploration") is not None
    assert soup.find("a", string="Edit the team") is not None


def test_team_page_query_count(world: World, as_person: Callable[[str], Client], django_assert_max_num_queries) -> None:
    for _n in range(10):
        world.person(0, "desk")
    client = as_person("member")
    with django_assert_max_num_queries(15):
        assert client.get(team_url(world, "desk")).status_code == 200


# --- Permissions --------------------------------------------------------------------------------

MANAGE_PAGES = ("edit/", "members/", "roles/")
RECORD_PAGES = ("exploration/", "alignment/")


@pytest.mark.parametrize(
    ("role", "manage", "record_own", "record_other"),
    [
        ("lead", 200, 200, 200),
        ("admin", 200, 200, 200),
        ("member", 403, 200, 403),  # a member of Digital desk, not of Home care
        ("leader", 403, 403, 403),
        ("oversight", 403, 403, 403),
    ],
)
def test_who_manages_and_records_teams(
    world: World, as_person: Callable[[str], Client], role: str, manage: int, record_own: int, record_other: int
) -> None:
    client = as_person(role)
    assert client.get(TEAMS + "new/").status_code == manage
    for rest in MANAGE_PAGES:
        assert client.get(team_url(world, "desk", rest)).status_code == manage, rest
    for rest in RECORD_PAGES:
        assert client.get(team_url(world, "desk", rest)).status_code == record_own, rest
        assert client.get(team_url(world, "care", rest)).status_code == record_other, rest


@pytest.mark.parametrize("role", ["member", "leader", "oversight"])
def test_refused_writes_change_nothing(world: World, as_person: Callable[[str], Client], role: str) -> None:
    client = as_person(role)
    care = world.teams["care"]
    assert client.post(TEAMS + "new/", TEAM_FORM).status_code == 403
    assert client.post(team_url(world, "care", "edit/"), TEAM_FORM).status_code == 403
    assert client.post(team_url(world, "care", "edit/"), {"archive": "1"}).status_code == 403
    assert client.post(team_url(world, "care", "members/"), {"user": world.admin.pk}).status_code == 403
    assert client.post(team_url(world, "care", "roles/"), {"paradoxical_leadership_name": "X"}).status_code == 403
    assert (
        client.post(team_url(world, "care", "exploration/"), {"period": "2026-Q3", "percentage": "10"}).status_code
        == 403
    )
    assert client.post(team_url(world, "care", "alignment/"), {"held_on": "2026-01-10"}).status_code == 403
    care.refresh_from_db()
    assert Team.objects.count() == 3 and not care.archived and care.last_alignment_on is None
    assert not TeamMember.objects.filter(team=care).exists()
    assert not ExplorationShare.objects.filter(team=care).exists()
    assert LeaderRole.objects.filter(team=care).count() == 1


# --- Creating and editing a team ----------------------------------------------------------------


def test_lead_creates_edits_archives_and_restores_a_team(world: World, as_person: Callable[[str], Client]) -> None:
    lead = as_person("lead")
    response = lead.post(TEAMS + "new/", TEAM_FORM | {"unit": world.units[1].pk})
    team = Team.objects.get(name="Data lab")
    assert response.status_code == 302 and response["Location"] == f"{TEAMS}{team.pk}/"
    assert (team.unit, team.autonomy_level, team.transition_status, str(team.transition_started_on)) == (
        world.units[1],
        3,
        "in_transition",
        "2026-01-15",
    )
    form = soup_of(lead.get(f"{TEAMS}{team.pk}/edit/"))
    assert form.select_one("input[name=name]")["value"] == "Data lab"
    edited = lead.post(f"{TEAMS}{team.pk}/edit/", TEAM_FORM | {"name": "Data lab II", "autonomy_level": "5"})
    assert edited.status_code == 302
    team.refresh_from_db()
    assert (team.name, team.autonomy_level, team.unit) == ("Data lab II", 5, None)
    assert lead.post(f"{TEAMS}{team.pk}/edit/", {"archive": "1"}).status_code == 302
    team.refresh_from_db()
    assert team.archived
    assert "This team is archived" in text_of(soup_of(lead.get(f"{TEAMS}{team.pk}/")), "#archived-note")
    lead.post(f"{TEAMS}{team.pk}/edit/", {"archive": "0"})
    team.refresh_from_db()
    assert not team.archived


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "Name"),
        ({"name": "   "}, "Name"),
        ({"name": "x" * 201}, "Name"),
        ({"name": "digital DESK"}, "already has a team called"),
        ({"description": "x" * 2001}, "Description"),
        ({"autonomy_level": "9"}, "Autonomy level"),
        ({"autonomy_level": "three"}, "Autonomy level"),
        ({"transition_status": "boss"}, "Transition to self-management"),
        ({"transition_started_on": "1800-01-01"}, "out of range"),
        ({"transition_started_on": "2026-02-30"}, "Transition started on"),
        ({"transition_started_on": "2999-01-01"}, "cannot start in the future"),
        ({"unit": "abc"}, "Unit"),
        ({"unit": "999999"}, "Unit"),
        ({"name": "<script>alert(1)</script>", "autonomy_level": ""}, "Autonomy level"),
    ],
)
def test_bad_teams_rerender_with_errors(
    world: World, as_person: Callable[[str], Client], change: dict[str, str], message: str
) -> None:
    soup = soup_of(as_person("admin").post(TEAMS + "new/", TEAM_FORM | change))
    assert message in errors_of(soup)
    assert Team.objects.count() == 3
    assert "<script>alert" not in str(soup.select_one("main"))


def test_another_organisations_unit_is_refused(world: World, other: World, as_person: Callable[[str], Client]) -> None:
    lead = as_person("lead")
    soup = soup_of(lead.post(team_url(world, "desk", "edit/"), TEAM_FORM | {"unit": other.units[0].pk}))
    assert "Unit" in errors_of(soup)
    world.teams["desk"].refresh_from_db()
    assert world.teams["desk"].name == "Digital desk"


# --- Members ------------------------------------------------------------------------------------


def test_lead_adds_and_removes_members(world: World, as_person: Callable[[str], Client]) -> None:
    lead = as_person("lead")
    url = team_url(world, "care", "members/")
    assert lead.post(url, {"user": world.admin.pk}).status_code == 302
    assert lead.post(url, {"user": world.member.pk}).status_code == 302
    soup = soup_of(lead.get(url))
    assert [row[0] for row in table_rows(soup, "#members")] == ["admin@northbay.example", "member@northbay.example"]
    offered = [option.get_text() for option in soup.select("select[name=user] option")]
    assert "admin@northbay.example" not in offered and "lead@northbay.example" in offered
    assert lead.post(url, {"remove": world.admin.pk}).status_code == 302
    assert list(TeamMember.objects.filter(team=world.teams["care"]).values_list("user", flat=True)) == [world.member.pk]


def test_empty_team_members_page(world: World, as_person: Callable[[str], Client]) -> None:
    soup = soup_of(as_person("admin").get(team_url(world, "roads", "members/")))
    assert soup.select_one("#no-members") is not None


@pytest.mark.parametrize("field", ["user", "remove"])
def test_members_refuse_strangers_and_hostile_ids(
    world: World, other: World, as_person: Callable[[str], Client], field: str
) -> None:
    lead = as_person("lead")
    url = team_url(world, "desk", "members/")
    before = set(TeamMember.objects.values_list("team", "user"))
    for hostile in (other.member.pk, other.lead.pk, "abc", "", "-1", "9" * 40, "<b>x</b>"):
        soup = soup_of(lead.post(url, {field: hostile}))
        assert soup.select_one("#error-summary") is not None, hostile
    # Adding someone already in the team, or removing someone who is not, is refused too.
    assert soup_of(lead.post(url, {"user": world.member.pk})).select_one("#error-summary") is not None
    assert soup_of(lead.post(url, {"remove": world.admin.pk})).select_one("#error-summary") is not None
    assert set(TeamMember.objects.values_list("team", "user")) == before


def test_inactive_members_cannot_be_added(world: World, as_person: Callable[[str], Client]) -> None:
    from spaceforchange.core.models import Membership

    Membership.objects.filter(user=world.oversight).update(is_active=False)
    soup = soup_of(as_person("lead").post(team_url(world, "desk", "members/"), {"user": world.oversight.pk}))
    assert "Person to add" in errors_of(soup)
    assert not TeamMember.objects.filter(user=world.oversight).exists()


# --- Leader roles -------------------------------------------------------------------------------


def roles_form(**fields: Any) -> dict[str, Any]:
    keys = ("paradoxical_leadership", "protect_exploration", "regular_strategic_alignment")
    empty = {f"{key}_{part}": "" for key in (*keys, "shape_risk_and_learning_climate") for part in ("holder", "name")}
    return empty | fields


def test_lead_assigns_leader_roles(world: World, as_person: Callable[[str], Client]) -> None:
    lead = as_person("lead")
    url = team_url(world, "care", "roles/")
    form = soup_of(lead.get(url))
    assert form.select_one("select[name=protect_exploration_holder] option[selected]")["value"] == str(world.leader.pk)
    response = lead.post(
        url,
        roles_form(paradoxical_leadership_holder=world.lead.pk, regular_strategic_alignment_name="  Ola Nordmann  "),
    )
    assert response.status_code == 302
    roles = {role.role_key: role for role in LeaderRole.objects.filter(team=world.teams["care"])}
    assert roles["paradoxical_leadership"].holder == world.lead
    assert roles["regular_strategic_alignment"].holder_name == "Ola Nordmann"
    assert not roles["protect_exploration"].covered  # emptied: no longer covered
    soup = soup_of(lead.get(team_url(world, "care")))
    assert "2 of 4 leader roles covered" in text_of(soup, "#team-roles caption")


@pytest.mark.parametrize(
    "fields",
    [
        {"paradoxical_leadership_holder": "other", "paradoxical_leadership_name": "Both"},
        {"paradoxical_leadership_name": "x" * 201},
        {"paradoxical_leadership_holder": "abc"},
        {"paradoxical_leadership_holder": "stranger"},
    ],
)
def test_bad_leader_roles_change_nothing(
    world: World, other: World, as_person: Callable[[str], Client], fields: dict[str, Any]
) -> None:
    values = {
        key: (world.admin.pk if value == "other" else other.lead.pk if value == "stranger" else value)
        for key, value in fields.items()
    }
    soup = soup_of(as_person("admin").post(team_url(world, "care", "roles/"), roles_form(**values)))
    assert soup.select_one("#error-summary") is not None
    assert list(LeaderRole.objects.filter(team=world.teams["care"]).values_list("role_key", "holder")) == [
        ("protect_exploration", world.leader.pk)
    ]


# --- Exploration shares and alignment sessions ------------------------------------------------


def test_a_team_member_records_and_rerecords_an_exploration_share(
    world: World, as_person: Callable[[str], Client]
) -> None:
    member = as_person("member")
    url = team_url(world, "desk", "exploration/")
    response = member.post(url, {"period": "2026-q3", "percentage": "12.5", "note": "Hackathon week"})
    assert response.status_code == 302 and response["Location"] == team_url(world, "desk")
    entry = ExplorationShare.objects.get(team=world.teams["desk"], period="2026-Q3")
    assert (entry.share, entry.note, entry.recorded_by) == (Decimal("0.125"), "Hackathon week", world.member)
    member.post(url, {"period": "2026-Q3", "percentage": "20", "note": ""})
    entry.refresh_from_db()
    assert entry.share == Decimal("0.200")
    soup = soup_of(member.get(TEAMS))
    assert table_rows(soup, "#teams")[0][5] == "20 % (2026-Q3)"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"period": "2026-Q5"}, "Quarter"),
        ({"period": "26-Q1"}, "Quarter"),
        ({"period": "1999-Q1"}, "Quarter"),
        ({"period": ""}, "Quarter"),
        ({"period": "2026-Q1" * 50}, "Quarter"),
        ({"percentage": "101"}, "Share of working time"),
        ({"percentage": "-1"}, "Share of working time"),
        ({"percentage": "12.55"}, "Share of working time"),
        ({"percentage": "1e400"}, "Share of working time"),
        ({"percentage": "NaN"}, "Share of working time"),
        ({"percentage": "ten"}, "Share of working time"),
        ({"note": "x" * 2001}, "Note"),
    ],
)
def test_bad_exploration_shares_change_nothing(
    world: World, as_person: Callable[[str], Client], fields: dict[str, str], message: str
) -> None:
    values = {"period": "2026-Q3", "percentage": "10", "note": ""} | fields
    soup = soup_of(as_person("lead").post(team_url(world, "desk", "exploration/"), values))
    assert message in errors_of(soup)
    assert list(ExplorationShare.objects.values_list("period", flat=True)) == ["2026-Q2"]


def test_archived_teams_refuse_records_with_a_message(world: World, as_person: Callable[[str], Client]) -> None:
    services.archive_team(team=world.teams["desk"], actor=world.lead)
    soup = soup_of(
        as_person("lead").post(team_url(world, "desk", "exploration/"), {"period": "2026-Q3", "percentage": "5"})
    )
    assert "archived" in errors_of(soup)
    assert ExplorationShare.objects.count() == 1


def test_a_team_member_records_an_alignment_session(world: World, as_person: Callable[[str], Client]) -> None:
    member = as_person("member")
    url = team_url(world, "desk", "alignment/")
    assert member.post(url, {"held_on": "2026-01-10"}).status_code == 302
    desk = world.teams["desk"]
    desk.refresh_from_db()
    assert str(desk.last_alignment_on) == "2026-01-10"
    assert "Last session recorded: 2026-01-10." in text_of(soup_of(member.get(url)), "#last-alignment")


@pytest.mark.parametrize(
    ("held_on", "message"),
    [
        ("", "Date of the alignment session"),
        ("next week", "Date of the alignment session"),
        ("2026-13-01", "Date of the alignment session"),
        ("1800-01-01", "out of range"),
        ("1950-01-01", "from the year 2000"),
        ("2999-01-01", "before it is held"),
    ],
)
def test_bad_alignment_sessions_change_nothing(
    world: World, as_person: Callable[[str], Client], held_on: str, message: str
) -> None:
    soup = soup_of(as_person("lead").post(team_url(world, "desk", "alignment/"), {"held_on": held_on}))
    assert message in errors_of(soup)
    world.teams["desk"].refresh_from_db()
    assert world.teams["desk"].last_alignment_on is None
