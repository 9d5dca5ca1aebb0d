"""Strategy and money as personal data, and who may do what (the matrix in ``budgeting.permissions``)."""

from __future__ import annotations

import pytest

from spaceforchange.budgeting import scenario_services, services
from spaceforchange.budgeting.models import Scenario, StrategyRevision, UnitContributionStatement
from spaceforchange.core import privacy
from spaceforchange.portfolio import services as portfolio_services
from spaceforchange.portfolio.models import Goal
from tests.factories import make_member, make_user
from tests.integration.budgeting.conftest import World


def test_access_request_and_erasure(world: World) -> None:
    goals = [{"id": world.goals[0].pk, "weight": 100, "owner": world.leader}]
    reason = "Asked by leader@northbay.example"
    services.revise_strategy(
        organization=world.organization, vision="", goals=goals, summary="One goal", reason=reason, actor=world.leader
    )
    world.score(world.line("A1", 100), 0, 3)
    services.submit_contribution_statement(
        cycle=world.cycle, unit=world.units[0], statement="We serve the goal.", submitted_by=world.leader
    )
    scenario = scenario_services.run_scenario(cycle=world.cycle, method="optimised", actor=world.leader)
    scenario_services.adopt_scenario(scenario=scenario, note="Adopted.", actor=world.leader)
    section = privacy.export_person(user=world.leader)["sections"]["budgeting"]
    assert [row["goal"] for row in section["goals_owned"]] == ["Digital services"]
    assert [row["number"] for row in section["strategy_revisions"]] == [1, 2]
    assert [row["statement"] for row in section["contribution_statements"]] == ["We serve the goal."]
    assert [row["decision"] for row in section["scenarios_adopted"]] == ["Adopted."]
    assert section["scenarios_run"] == 1
    privacy.erase_person(user=world.leader)
    assert Goal.objects.get(pk=world.goals[0].pk).owner_id is None
    assert not StrategyRevision.objects.filter(revised_by=world.leader).exists()
    assert "leader@northbay.example" not in StrategyRevision.objects.get(number=2).reason
    assert UnitContributionStatement.objects.get().submitted_by_id is None
    assert Scenario.objects.get().adopted_by_id is None and Scenario.objects.get().adopted_at is not None


ROLES = ("member", "innovation_lead", "leader", "oversight", "admin")
# permission → the roles that have it on the organisation
MATRIX = {
    "budgeting.view_strategy": set(ROLES),
    "budgeting.view_budgets": set(ROLES),
    "budgeting.revise_strategy": {"leader"},
    "budgeting.manage_budgets": {"innovation_lead", "leader"},
    "budgeting.review_statement": {"leader"},
    "budgeting.adopt_scenario": {"leader"},
    "budgeting.view_demonstrate_or_change": {"innovation_lead", "leader", "oversight"},
    "budgeting.view_scenarios": {"innovation_lead", "leader", "oversight"},
    "budgeting.run_scenarios": {"innovation_lead", "leader"},
}


@pytest.mark.parametrize("permission", sorted(MATRIX))
def test_the_role_matrix(world: World, other: World, permission: str) -> None:
    for role in ROLES:
        person = make_member(world.organization, roles=["member", role] if role != "member" else ["member"]).user
        assert person.has_perm(permission, world.organization) is (role in MATRIX[permission]), (role, permission)
        assert not person.has_perm(permission, other.organization)


def test_members_submit_and_read_their_own_units_statements(world: World) -> None:
    placed = make_member(world.organization, unit=world.units[1]).user
    assert placed.has_perm("budgeting.submit_statement", world.units[1])
    assert not placed.has_perm("budgeting.submit_statement", world.units[2])
    statement = services.submit_contribution_statement(
        cycle=world.cycle, unit=world.units[1], statement="Ours.", submitted_by=placed
    )
    assert placed.has_perm("budgeting.view_statement", statement)
    assert not world.member.has_perm("budgeting.view_statement", statement)  # placed in another unit
    assert world.oversight.has_perm("budgeting.view_statement", statement)
    assert not world.oversight.has_perm("budgeting.submit_statement", world.units[1])
    assert world.lead.has_perm("budgeting.submit_statement", world.units[2])


def test_initiative_owners_score_their_own_initiatives(world: World) -> None:
    owner = make_member(world.organization, roles=["member", "owner"], user=make_user()).user
    mine = portfolio_services.create_initiative(organization=world.organization, title="Mine", owner=owner)
    theirs = portfolio_services.create_initiative(organization=world.organization, title="Theirs")
    assert owner.has_perm("budgeting.set_goal_contribution", mine)
    assert not owner.has_perm("budgeting.set_goal_contribution", theirs)
    assert world.lead.has_perm("budgeting.set_goal_contribution", theirs)
