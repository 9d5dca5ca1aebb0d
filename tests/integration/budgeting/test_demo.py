"""The budgeting demo step on Northbay's units and people: a strategy revised once, about 400 lines in
12 units, two units without a demonstrated contribution, and an optimised scenario that moves money
to the new goal."""

from __future__ import annotations

import pytest

from spaceforchange.alerts.models import Alert
from spaceforchange.alerts.services import evaluate_alerts
from spaceforchange.budgeting import demo, selectors
from spaceforchange.budgeting.models import (
    BudgetCycle,
    BudgetLine,
    GoalContribution,
    LineDependency,
    Scenario,
    StrategicGoal,
    StrategyRevision,
    UnitContributionStatement,
    UnitEnvelope,
)
from spaceforchange.core.management.commands import seed_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded() -> seed_demo.DemoContext:
    context = seed_demo.DemoContext()
    seed_demo.seed_northbay_units(context)
    seed_demo.seed_northbay_people(context)
    demo.seed(context)
    return context


def _money(scenario: Scenario, goal: StrategicGoal) -> float:
    return next(row["money"] for row in scenario.figures["goals"] if row["goal"] == str(goal.pk))


def test_strategy_is_revised_once_with_a_new_goal_weighted_highest(seeded) -> None:
    context = seeded
    northbay = context.organizations["northbay"]
    revisions = list(StrategyRevision.objects.filter(organization=northbay).order_by("number"))
    assert [revision.number for revision in revisions] == [1, 2]
    assert "Children and young people thrive" in revisions[1].summary and revisions[1].reason
    weights = dict(StrategicGoal.objects.filter(organization=northbay, active=True).values_list("title", "weight"))
    assert weights == {
        demo.OLD_CARE: 25,
        demo.OLD_CONTACT: 15,
        demo.OLD_GREEN: 20,
        demo.NEW_GOAL: 40,
    }
    assert StrategicGoal.objects.get(organization=northbay, title=demo.NEW_GOAL).owner.email == (
        "bjorn.myhre@northbay.example"
    )


def test_budget_has_about_400_lines_in_12_units_with_envelopes_and_dependencies(seeded) -> None:
    context = seeded
    cycle = BudgetCycle.objects.get(organization=context.organizations["northbay"], name=demo.CYCLE_NAME)
    lines = BudgetLine.objects.filter(cycle=cycle)
    assert lines.count() == 396
    assert lines.values("unit").distinct().count() == 12
    assert lines.filter(mandatory=True).count() == 72
    assert lines.filter(basis="carried_over").count() == 12 * (demo.MANDATORY + demo.ONGOING)
    assert lines.filter(previous_amount__isnull=True).count() > 0
    assert LineDependency.objects.filter(line__cycle=cycle).count() == 12
    assert UnitEnvelope.objects.filter(cycle=cycle).count() == 12
    assert GoalContribution.objects.filter(budget_line__cycle=cycle).count() > 300


def test_two_units_have_no_demonstrated_contribution(seeded) -> None:
    context = seeded
    cycle = BudgetCycle.objects.get(organization=context.organizations["northbay"], name=demo.CYCLE_NAME)
    statements = UnitContributionStatement.objects.filter(cycle=cycle)
    assert statements.count() == 11 and statements.filter(demonstrated=True).count() == 10
    challenged = selectors.demonstrate_or_change(cycle).units
    assert sorted((row.unit.name, row.status) for row in challenged) == [
        ("Library", "missing"),
        ("Roads and Parks", "not_demonstrated"),
    ]
    evaluate_alerts(organization=cycle.organization)
    warned = Alert.objects.filter(organization=cycle.organization, rule_key="unit_without_contribution")
    assert warned.count() == 2


def test_optimised_scenario_moves_money_to_the_new_goal(seeded) -> None:
    context = seeded
    northbay = context.organizations["northbay"]
    cycle = BudgetCycle.objects.get(organization=northbay, name=demo.CYCLE_NAME)
    scenarios = {scenario.method: scenario for scenario in Scenario.objects.filter(cycle=cycle)}
    assert set(scenarios) == {"current", "optimised", "greedy"}
    optimised, current, greedy = scenarios["optimised"], scenarios["current"], scenarios["greedy"]
    assert optimised.status == "optimal"
    new_goal = StrategicGoal.objects.get(organization=northbay, title=demo.NEW_GOAL)
    assert _money(optimised, new_goal) > 1.5 * _money(current, new_goal)
    assert optimised.objective > current.objective and optimised.objective >= greedy.objective
    assert float(optimised.total_cost) <= float(cycle.total_budget)
    old_care = StrategicGoal.objects.get(organization=northbay, title=demo.OLD_CARE)
    assert _money(optimised, old_care) < _money(current, old_care)


def test_seeding_again_adds_nothing(seeded) -> None:
    context = seeded
    counts = [model.objects.count() for model in (StrategyRevision, BudgetCycle, BudgetLine, Scenario)]
    statements = UnitContributionStatement.objects.count()
    demo.seed(context)
    assert [model.objects.count() for model in (StrategyRevision, BudgetCycle, BudgetLine, Scenario)] == counts
    assert UnitContributionStatement.objects.count() == statements
