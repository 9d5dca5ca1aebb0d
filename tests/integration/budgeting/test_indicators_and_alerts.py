"""Indicators of FRAMEWORKS.md §11 on a hand-computed cycle; demonstrate-or-change; the money warnings."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from spaceforchange.alerts.models import Alert
from spaceforchange.alerts.services import evaluate_alerts
from spaceforchange.budgeting import budget_services, selectors, services
from spaceforchange.budgeting.models import StrategyRevision
from spaceforchange.portfolio.services import today_in
from tests.integration.budgeting.conftest import World, revise

MARCH_2027 = datetime.date(2027, 3, 1)


def _cycle_2026(world: World):  # -> BudgetCycle
    return budget_services.create_budget_cycle(
        organization=world.organization,
        name="2026",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        total_budget=1000,
    )


@pytest.fixture
def hand_computed(world: World) -> World:
    """2026 (before the revision): A1 900 service, carried over, goal 0 scores 4; A3 100 efficiency, no goal.
    2027 (after): A1 600 as before, A2 300 innovation re-decided (goals 0 and 1 score 2), A3 100 as before."""
    StrategyRevision.objects.filter(organization=world.organization).update(
        revised_at=timezone.make_aware(datetime.datetime(2026, 6, 1, 12))
    )
    before = _cycle_2026(world)
    world.score(world.line("A1", 900, cycle=before, basis="carried_over"), 0, 4)
    world.line("A3", 100, cycle=before, purpose="efficiency", basis="carried_over")
    world.score(world.line("A1", 600, basis="carried_over"), 0, 4)
    second = world.line("A2", 300, purpose="innovation", unit=1)
    world.score(second, 0, 2)
    world.score(second, 1, 2)
    world.line("A3", 100, purpose="efficiency", basis="carried_over", unit=2)
    return world


def test_indicators_match_the_hand_computed_figures(hand_computed: World) -> None:
    figures = selectors.indicators(hand_computed.cycle)
    assert (figures.total, figures.line_count) == (1000, 3)
    assert figures.linked_share == 0.9  # 900 of 1000 in lines scoring a goal above 0
    assert figures.carried_over_share == 0.7
    assert figures.purpose_mix == {"innovation": 0.3, "efficiency": 0.1, "service_delivery": 0.6}
    assert figures.mix_distance == 0.2  # (0.2 + 0.1 + 0.1) / 2 against 0.1 / 0.2 / 0.7
    money = {(goal.title or "unlinked"): (goal.money, goal.share) for goal in figures.goals}
    assert money == {
        "Digital services": (750.0, 0.75),
        "Climate": (150.0, 0.15),
        "Early help": (0.0, 0.0),
        "unlinked": (100.0, 0.1),
    }
    structure = figures.structure
    assert structure is not None
    assert (structure.baseline, structure.revision_number, structure.first_after) == ("2026", 1, True)
    assert (structure.by_goal, structure.by_line, structure.by_purpose, structure.change) == (0.15, 0.3, 0.3, 0.3)
    assert (
        selectors.indicators(
            selectors.cycle_detail(hand_computed.organization, hand_computed.lines[0].cycle_id)
        ).structure
        is None
    )


def test_demonstrate_or_change_lists_units_and_unlinked_lines(hand_computed: World) -> None:
    world = hand_computed
    statement = services.submit_contribution_statement(
        cycle=world.cycle, unit=world.units[1], statement="Chat pilots", submitted_by=world.member
    )
    services.submit_contribution_statement(
        cycle=world.cycle, unit=world.units[0], statement="Schools", submitted_by=world.member
    )
    services.review_contribution_statement(
        statement=world.cycle.statements.get(unit=world.units[0]), demonstrated=True, reviewed_by=world.leader
    )
    challenge = selectors.demonstrate_or_change(world.cycle)
    assert [(row.unit.name, row.amount, row.status) for row in challenge.units] == [
        ("Health", 300.0, "pending"),
        ("Roads", 100.0, "missing"),
    ]
    assert [line.code for line in challenge.lines] == ["A3"]
    services.review_contribution_statement(
        statement=statement, demonstrated=False, note="No evidence.", reviewed_by=world.leader
    )
    assert [row.status for row in selectors.demonstrate_or_change(world.cycle).units] == ["not_demonstrated", "missing"]


def _alerts(world: World, today: datetime.date) -> dict[str, set[object]]:
    evaluate_alerts(organization=world.organization, today=today)
    found: dict[str, set[object]] = {}
    for alert in Alert.objects.filter(organization=world.organization, status__in=("open", "acknowledged")):
        found.setdefault(alert.rule_key, set()).add(alert.subject_id)
    return found


def test_the_money_warnings_fire_and_clear(hand_computed: World) -> None:
    world = hand_computed
    found = _alerts(world, MARCH_2027)
    assert "strategy_budget_disconnect" not in found  # 90 % linked, 30 % moved
    assert found["unit_without_contribution"] == {unit.pk for unit in world.units}
    assert "ai_strategy_not_revised" not in found
    label = Alert.objects.filter(rule_key="unit_without_contribution", subject_id=world.units[2].pk).get().subject_label
    assert label == "Roads"
    for unit in world.units:
        statement = services.submit_contribution_statement(
            cycle=world.cycle, unit=unit, statement="Shown", submitted_by=world.member
        )
        services.review_contribution_statement(statement=statement, demonstrated=True, reviewed_by=world.leader)
    for line in world.cycle.lines.filter(code__in=["A1", "A2"]):
        for goal in world.goals:
            services.set_goal_contribution(goal=goal, subject=line, score=0)
    found = _alerts(world, MARCH_2027)
    assert "unit_without_contribution" not in found
    assert found["strategy_budget_disconnect"] == {None}
    alert = Alert.objects.get(rule_key="strategy_budget_disconnect", status="open")
    assert alert.facts["linked_share"] == 0.0


def test_an_unchanged_structure_after_a_revision_is_a_disconnect(hand_computed: World) -> None:
    world = hand_computed
    line = world.cycle.lines.get(code="A2")
    budget_services.delete_budget_line(line=line)
    a1 = world.cycle.lines.get(code="A1")
    budget_services.save_budget_line(
        cycle=world.cycle, line=a1, code="A1", title="A1", unit=world.units[0], amount=900, purpose="service_delivery"
    )
    found = _alerts(world, MARCH_2027)
    assert found["strategy_budget_disconnect"] == {None}
    assert Alert.objects.get(rule_key="strategy_budget_disconnect", status="open").facts["structure_change"] == 0.0


def test_an_overdue_revision_fires_until_the_strategy_is_revised(world: World) -> None:
    strategy = selectors.strategy_for(world.organization)
    assert strategy is not None and strategy.next_revision_due is not None
    late = strategy.next_revision_due + datetime.timedelta(days=31)
    assert _alerts(world, late)["ai_strategy_not_revised"] == {strategy.pk}
    assert "ai_strategy_not_revised" not in _alerts(world, strategy.next_revision_due + datetime.timedelta(days=30))
    assert _alerts(world, late)["ai_strategy_not_revised"] == {strategy.pk}
    revise(world.organization, {"Digital services": 100}, world.leader)
    assert "ai_strategy_not_revised" not in _alerts(world, today_in(world.organization))
    assert set(Alert.objects.filter(rule_key="ai_strategy_not_revised").values_list("status", flat=True)) == {
        "resolved"
    }
