"""Team services: validation, tenancy, and that a refusal writes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from spaceforchange.people import services
from spaceforchange.people.models import ExplorationShare, LeaderRole, Team, TeamMember
from tests.factories import make_member, make_organization, make_unit, make_user
from tests.integration.people.conftest import make_team

pytestmark = pytest.mark.django_db


def messages(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


def test_create_and_update_a_team(organization, unit, lead):
    team = services.create_team(
        organization=organization,
        name="  Home care north ",
        unit=unit,
        description="Visits in the north",
        autonomy_level=3,
        transition_status="in_transition",
        actor=lead,
    )
    assert (team.name, team.unit, team.autonomy_level, team.self_managed) == ("Home care north", unit, 3, True)
    assert team.transition_started_on is not None  # a team in transition always has a start
    started = team.transition_started_on
    services.update_team(
        team=team,
        name="Home care N",
        unit=None,
        description="",
        autonomy_level=2,
        transition_status="in_transition",
        actor=lead,
    )
    team.refresh_from_db()
    assert (team.name, team.unit, team.autonomy_level, team.transition_started_on) == ("Home care N", None, 2, started)
    assert not team.self_managed
    assert LogEntry.objects.get_for_object(team).count() == 2


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"name": ""}, "name", "Give the team a name"),
        ({"name": "x" * 201}, "name", "At most 200"),
        ({"name": "home CARE"}, "name", "already has a team"),
        ({"description": "d" * 2001}, "description", "At most 2000"),
        ({"autonomy_level": 0}, "autonomy_level", "1 to 5"),
        ({"autonomy_level": 6}, "autonomy_level", "1 to 5"),
        ({"autonomy_level": True}, "autonomy_level", "1 to 5"),
        ({"autonomy_level": "3"}, "autonomy_level", "1 to 5"),
        ({"transition_status": "chaos"}, "transition_status", "Choose one of"),
        ({"transition_started_on": "2026-01-01"}, "transition_started_on", "date the transition started"),
        ({"transition_started_on": datetime.date(2999, 1, 1)}, "transition_started_on", "future"),
    ],
)
def test_bad_team_fields_are_refused_and_nothing_is_written(organization, lead, fields, field, fragment):
    make_team(organization, "Home care")
    before = Team.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.create_team(organization=organization, **{"name": "New team", **fields}, actor=lead)
    assert fragment in " ".join(messages(refused.value)[field])
    assert Team.objects.count() == before


def test_a_unit_of_another_organisation_is_refused(organization, lead):
    foreign = make_unit(make_organization())
    with pytest.raises(ValidationError) as refused:
        services.create_team(organization=organization, name="T", unit=foreign, actor=lead)
    assert messages(refused.value)["unit"] == ["The unit belongs to another organisation."]
    team = make_team(organization)
    with pytest.raises(ValidationError):
        services.update_team(
            team=team,
            name=team.name,
            unit=foreign,
            description="",
            autonomy_level=1,
            transition_status="not_started",
            actor=lead,
        )
    team.refresh_from_db()
    assert team.unit is None


def test_names_are_unique_per_organisation_ignoring_case_but_not_across_organisations(organization):
    make_team(organization, "Care")
    other = make_team(make_organization(), "CARE")
    assert other.name == "CARE"
    second = make_team(organization, "Care 2")
    with pytest.raises(ValidationError):
        services.update_team(
            team=second,
            name="care",
            unit=None,
            description="",
            autonomy_level=1,
            transition_status="not_started",
            actor=None,
        )


def test_members_must_be_active_members_of_the_organisation(organization, lead):
    team = make_team(organization)
    member = make_member(organization).user
    services.add_team_member(team=team, user=member, actor=lead)
    assert list(team.members.values_list("user", flat=True)) == [member.pk]
    with pytest.raises(ValidationError) as twice:
        services.add_team_member(team=team, user=member, actor=lead)
    assert "already a member" in messages(twice.value)["user"][0]
    outsider = make_member(make_organization()).user
    stranger = make_user()
    for person in (outsider, stranger, None):
        with pytest.raises(ValidationError) as refused:
            services.add_team_member(team=team, user=person, actor=lead)
        assert messages(refused.value)["user"] == ["The person must be an active member of the organisation."]
    assert TeamMember.objects.count() == 1
    services.remove_team_member(team=team, user=member, actor=lead)
    assert TeamMember.objects.count() == 0
    with pytest.raises(ValidationError):
        services.remove_team_member(team=team, user=member, actor=lead)


def test_archived_teams_take_no_new_records_until_restored(organization, lead):
    team = services.archive_team(team=make_team(organization), actor=lead)
    assert team.archived
    member = make_member(organization).user
    with pytest.raises(ValidationError) as refused:
        services.add_team_member(team=team, user=member, actor=lead)
    assert "archived" in messages(refused.value)["team"][0]
    with pytest.raises(ValidationError):
        services.record_exploration_share(team=team, period="2026-Q1", share="0.1", actor=lead)
    services.archive_team(team=team, archived=False, actor=lead)
    services.add_team_member(team=team, user=member, actor=lead)


def test_exploration_shares_are_recorded_per_quarter_and_re_recording_updates(organization, lead):
    team = make_team(organization)
    first = services.record_exploration_share(team=team, period="2026-q3", share="0.15", note="Pilot", actor=lead)
    assert (first.period, first.share, first.note, first.recorded_by) == ("2026-Q3", Decimal("0.150"), "Pilot", lead)
    again = services.record_exploration_share(team=team, period="2026-Q3", share=0.2, note="", actor=None)
    assert again.pk == first.pk
    again.refresh_from_db()
    assert (again.share, again.note) == (Decimal("0.200"), "")
    assert ExplorationShare.objects.count() == 1
    assert LogEntry.objects.get_for_object(again).count() == 2


@pytest.mark.parametrize(
    ("period", "share", "note", "field"),
    [
        ("2026-Q5", "0.1", "", "period"),
        ("2026-Q0", "0.1", "", "period"),
        ("1999-Q4", "0.1", "", "period"),
        ("2101-Q1", "0.1", "", "period"),
        ("2026Q1", "0.1", "", "period"),
        ("2026-03", "0.1", "", "period"),
        ("", "0.1", "", "period"),
        ("2026-Q1", "1.01", "", "share"),
        ("2026-Q1", "-0.1", "", "share"),
        ("2026-Q1", "NaN", "", "share"),
        ("2026-Q1", "Infinity", "", "share"),
        ("2026-Q1", "15%", "", "share"),
        ("2026-Q1", True, "", "share"),
        ("2026-Q1", None, "", "share"),
        ("2026-Q1", "0.1", "n" * 2001, "note"),
    ],
)
def test_bad_periods_shares_and_notes_are_refused(organization, lead, period, share, note, field):
    team = make_team(organization)
    with pytest.raises(ValidationError) as refused:
        services.record_exploration_share(team=team, period=period, share=share, note=note, actor=lead)
    assert field in messages(refused.value)
    assert ExplorationShare.objects.count() == 0


def test_period_boundaries_are_accepted(organization):
    team = make_team(organization)
    for period in ("2000-Q1", "2100-Q4"):
        services.record_exploration_share(team=team, period=period, share=1, actor=None)
    services.record_exploration_share(team=team, period="2050-Q2", share=0, actor=None)
    assert sorted(team.exploration_shares.values_list("period", flat=True)) == ["2000-Q1", "2050-Q2", "2100-Q4"]


def test_alignment_sessions_keep_the_latest_date(organization, lead):
    team = make_team(organization)
    services.record_alignment_session(team=team, held_on=datetime.date(2026, 3, 1), actor=lead)
    services.record_alignment_session(team=team, held_on=datetime.date(2026, 1, 1), actor=lead)
    team.refresh_from_db()
    assert team.last_alignment_on == datetime.date(2026, 3, 1)
    for bad in (datetime.date(2999, 1, 1), "2026-01-01", None, datetime.date(1999, 12, 31)):
        with pytest.raises(ValidationError) as refused:
            services.record_alignment_session(team=team, held_on=bad, actor=lead)
        assert "held_on" in messages(refused.value)
    team.refresh_from_db()
    assert team.last_alignment_on == datetime.date(2026, 3, 1)


def test_leader_roles_by_member_or_name_and_uncovering(organization, lead):
    team = make_team(organization)
    holder = make_member(organization).user
    role = services.assign_leader_role(team=team, role_key="paradoxical_leadership", holder=holder, actor=lead)
    assert role.covered and role.holder == holder
    named = services.assign_leader_role(
        team=team, role_key="protect_exploration", holder_name="Kari from the county", actor=lead
    )
    assert named.covered and named.holder is None
    cleared = services.assign_leader_role(team=team, role_key="paradoxical_leadership", actor=lead)
    assert cleared.pk == role.pk and not cleared.covered
    assert LeaderRole.objects.filter(team=team).count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"role_key": "tyrant"}, "role_key"),
        ({"holder_name": "n" * 201}, "holder_name"),
        ({"holder": "outsider"}, "holder"),
    ],
)
def test_bad_leader_roles_are_refused(organization, lead, fields, field):
    team = make_team(organization)
    if fields.get("holder") == "outsider":
        fields = {"holder": make_member(make_organization()).user}
    with pytest.raises(ValidationError) as refused:
        services.assign_leader_role(team=team, **{"role_key": "protect_exploration", **fields}, actor=lead)
    assert field in messages(refused.value)
    assert LeaderRole.objects.count() == 0


def test_every_write_asks_for_a_re_evaluation_of_the_warnings(organization, lead, monkeypatch):
    asked = []
    monkeypatch.setattr(services, "alerts_may_have_changed", asked.append)
    team = make_team(organization)
    member = make_member(organization).user
    services.add_team_member(team=team, user=member, actor=lead)
    services.record_exploration_share(team=team, period="2026-Q1", share="0.1", actor=lead)
    services.record_alignment_session(team=team, held_on=datetime.date(2026, 1, 2), actor=lead)
    services.assign_leader_role(team=team, role_key="protect_exploration", holder=member, actor=lead)
    services.remove_team_member(team=team, user=member, actor=lead)
    services.archive_team(team=team, actor=lead)
    assert asked == [organization.pk] * 7
