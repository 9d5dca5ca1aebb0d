"""Teams in a person's data export, and what erasing the person does to teams and roles."""

from __future__ import annotations

import pytest

from spaceforchange.core import privacy
from spaceforchange.people import services
from spaceforchange.people.models import ExplorationShare, LeaderRole, TeamMember
from tests.factories import make_member, make_user
from tests.integration.people.conftest import make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def kari(organization):
    return make_member(organization, user=make_user(display_name="Kari Nordmann")).user


@pytest.fixture
def records(organization, kari):
    team = make_team(organization, "Home care")
    services.add_team_member(team=team, user=kari, actor=None)
    services.assign_leader_role(team=team, role_key="protect_exploration", holder=kari, actor=None)
    services.assign_leader_role(
        team=team, role_key="paradoxical_leadership", holder_name="Kari Nordmann (county)", actor=None
    )
    services.record_exploration_share(
        team=team, period="2026-Q1", share="0.1", note="Agreed with Kari Nordmann", actor=kari
    )
    bystander = make_member(organization).user
    services.add_team_member(team=team, user=bystander, actor=None)
    return team, bystander


def test_the_people_section_is_registered_and_exports_teams_roles_and_shares(organization, kari, records):
    assert "people" in {section.name for section in privacy.sections()}
    exported = privacy.export_person(user=kari)
    people = exported["sections"]["people"]
    assert people["team_memberships"][0]["team"] == "Home care"
    assert people["leader_roles"] == [
        {"organization": organization.slug, "team": "Home care", "role": "protect_exploration"}
    ]
    assert people["exploration_shares_recorded"][0]["share"] == "0.100"


def test_erasure_removes_memberships_and_roles_and_scrubs_names(organization, kari, records):
    team, bystander = records
    privacy.erase_person(user=kari)
    assert list(TeamMember.objects.filter(team=team).values_list("user", flat=True)) == [bystander.pk]
    roles = {role.role_key: role for role in LeaderRole.objects.filter(team=team)}
    assert roles["protect_exploration"].holder is None and not roles["protect_exploration"].covered
    assert "Kari" not in roles["paradoxical_leadership"].holder_name
    share = ExplorationShare.objects.get(team=team)
    assert share.recorded_by is None and "Kari" not in share.note
