"""Scenarios end to end with the real optimiser on a small cycle: run, compare, adopt."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from spaceforchange.budgeting import budget_services, scenario_services, selectors
from spaceforchange.budgeting.models import BudgetCycle, Scenario
from tests.integration.budgeting.conftest import World


@pytest.fixture
def small(world: World) -> World:
    """Budget 1,000; three lines of 400 (previously 400 each); weights 50/30/20.

    A1 (mandatory, service delivery) scores 1 on the first goal, A2 (innovation) 5 on the second,
    A3 (efficiency) 1 on the third. Best: A1 and A2 in full, A3 half: 50 + 150 + 10 = 210 for 1,000.
    """
    for code, unit, purpose, goal, score in (
        ("A1", 0, "service_delivery", 0, 1),
        ("A2", 1, "innovation", 1, 5),
        ("A3", 2, "efficiency", 2, 1),
    ):
        line = world.line(code, 400, unit=unit, purpose=purpose, previous_amount=Decimal(400), mandatory=code == "A1")
        world.score(line, goal, score)
    return world


def _chosen(scenario: Scenario) -> dict[str, str]:
    codes = dict(scenario.cycle.lines.values_list("pk", "code"))
    return {codes[int(pk)]: key for pk, key in scenario.chosen.items()}


def test_current_optimised_and_greedy(small: World) -> None:
    current = scenario_services.run_scenario(cycle=small.cycle, method="current", actor=small.lead)
    assert current.status == "violates_constraints"  # 1,200 of last cycle's lines on a budget of 1,000
    assert _chosen(current) == {"A1": "full", "A2": "full", "A3": "full"}
    assert [conflict["kind"] for conflict in current.figures["violations"]] == ["budget"]
    optimised = scenario_services.run_scenario(cycle=small.cycle, method="optimised", name="Best", actor=small.lead)
    assert (optimised.status, optimised.name, optimised.objective) == ("optimal", "Best", pytest.approx(210))
    assert _chosen(optimised) == {"A1": "full", "A2": "full", "A3": "half"}
    assert optimised.total_cost == Decimal(1000)
    assert optimised.figures["violations"] == []
    greedy = scenario_services.run_scenario(cycle=small.cycle, method="greedy", actor=small.lead)
    assert greedy.objective <= optimised.objective + 1e-9
    assert greedy.name == "Greedy by score 1"
    units = {row["unit"]: row["change"] for row in optimised.figures["units"]}
    assert units == {str(small.units[0].pk): 0.0, str(small.units[1].pk): 0.0, str(small.units[2].pk): -200.0}


def test_a_manual_scenario_is_evaluated(small: World) -> None:
    lines = dict(small.cycle.lines.values_list("code", "pk"))
    chosen = {str(lines["A1"]): "half", str(lines["A2"]): "full", str(lines["A3"]): "full"}
    manual = scenario_services.run_scenario(cycle=small.cycle, method="manual", chosen=chosen, name="By hand")
    assert (manual.status, manual.objective) == ("feasible", pytest.approx(195))
    with pytest.raises(ValidationError, match="funding option"):
        scenario_services.run_scenario(cycle=small.cycle, method="manual", chosen={str(lines["A1"]): "gold"})
    with pytest.raises(ValidationError) as raised:
        scenario_services.run_scenario(cycle=small.cycle, method="manual", name="by hand", chosen=chosen)
    assert "name" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        scenario_services.run_scenario(cycle=small.cycle, method="magic")
    assert "method" in raised.value.message_dict


def test_an_infeasible_cycle_is_stored_with_its_conflicts(small: World) -> None:
    budget_services.update_budget_cycle(cycle=small.cycle, purpose_bounds={"innovation": {"min": 0.9}})
    scenario = scenario_services.run_scenario(cycle=small.cycle, method="optimised")
    assert (scenario.status, scenario.chosen, scenario.figures) == ("infeasible", {}, {})
    kinds = {conflict["kind"] for conflict in scenario.conflicts}
    assert "purpose_min" in kinds
    with pytest.raises(ValidationError, match="no allocation"):
        scenario_services.adopt_scenario(scenario=scenario, note="Go", actor=small.leader)


def test_an_empty_cycle_has_nothing_to_allocate(world: World) -> None:
    with pytest.raises(ValidationError) as raised:
        scenario_services.run_scenario(cycle=world.cycle, method="optimised")
    assert "cycle" in raised.value.message_dict
    assert not Scenario.objects.exists()


def test_two_scenarios_side_by_side(small: World, other: World) -> None:
    current = scenario_services.run_scenario(cycle=small.cycle, method="current")
    optimised = scenario_services.run_scenario(cycle=small.cycle, method="optimised")
    comparison = selectors.scenario_comparison(current, optimised)
    totals = {row.key: (row.a, row.b, row.difference) for row in comparison.totals}
    assert totals["total_cost"] == (1200.0, 1000.0, -200.0)
    assert totals["value"] == (pytest.approx(220.0), pytest.approx(210.0), pytest.approx(-10.0))
    units = {row.label: row.difference for row in comparison.units}
    assert units == {"Schools": 0.0, "Health": 0.0, "Roads": -200.0}
    goals = {row.label: (row.a, row.b) for row in comparison.goals}
    assert goals["Early help"] == (400.0, 200.0)
    assert goals["No goal"] == (0.0, 0.0)
    assert [(change.label, change.a, change.b) for change in comparison.lines] == [("A3 Line A3", "full", "half")]
    purposes = {row.key: round(row.b, 4) for row in comparison.purposes}
    assert purposes == {"service_delivery": 0.4, "innovation": 0.4, "efficiency": 0.2}
    other.line("X1", 10)
    foreign = scenario_services.run_scenario(cycle=other.cycle, method="current")
    with pytest.raises(ValidationError):
        selectors.scenario_comparison(current, foreign)


def test_adopting_records_the_decision_once_per_cycle(small: World, other: World) -> None:
    optimised = scenario_services.run_scenario(cycle=small.cycle, method="optimised")
    greedy = scenario_services.run_scenario(cycle=small.cycle, method="greedy")
    with pytest.raises(ValidationError) as raised:
        scenario_services.adopt_scenario(scenario=optimised, note=" ", actor=other.leader)
    assert set(raised.value.message_dict) == {"note", "actor"}
    adopted = scenario_services.adopt_scenario(scenario=optimised, note="Council decision 12/27", actor=small.leader)
    assert (adopted.adopted_by, adopted.adoption_note) == (small.leader, "Council decision 12/27")
    assert adopted.adopted_at is not None
    assert BudgetCycle.objects.get(pk=small.cycle.pk).status == "decided"
    with pytest.raises(ValidationError, match="already adopted"):
        scenario_services.adopt_scenario(scenario=greedy, note="Rather this", actor=small.leader)
    assert list(Scenario.objects.filter(adopted_at__isnull=False)) == [optimised]
    with pytest.raises(Http404):
        selectors.scenario_of(other.organization, optimised.pk)


def test_the_cycle_as_a_scenario_file(small: World) -> None:
    document = selectors.scenario_document(small.cycle)
    assert document["budget"] == 1000.0
    assert [goal["weight"] for goal in document["goals"]] == [50.0, 30.0, 20.0]
    first = document["lines"][0]
    assert (first["mandatory"], first["previous_cost"], [o["id"] for o in first["options"]]) == (
        True,
        400.0,
        ["none", "half", "full"],
    )
