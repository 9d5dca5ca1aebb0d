"""Invariants of the optimiser on generated problems, checked against exhaustive search."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings

from spaceforchange.analytics.allocation import (
    AllocationParameters,
    AllocationProblem,
    Status,
    current_allocation,
    evaluate,
    greedy_by_score,
    optimize,
)
from tests.unit.analytics.allocation.oracle import best_value, is_feasible, restrict
from tests.unit.analytics.allocation.strategies import problems

EXACT = AllocationParameters(mip_rel_gap=0.0)
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(problems())
def test_the_optimum_is_found_and_breaks_nothing_or_infeasibility_is_reported(problem: AllocationProblem) -> None:
    result = optimize(problem, EXACT)
    best = best_value(problem)
    if best is None:
        assert result.status is Status.INFEASIBLE
        assert result.conflicts and result.chosen == {} and result.objective is None
    else:
        assert result.status is Status.OPTIMAL
        assert math.isclose(result.objective, best, abs_tol=1e-6)
        assert result.gap is not None and result.gap <= 1e-9
        # a solution never violates a constraint
        figures = evaluate(problem, result.chosen)
        assert figures.violations == ()
        assert is_feasible(problem, dict(result.chosen))
        assert math.isclose(figures.value, result.objective)
        assert math.isclose(figures.total_cost, result.total_cost)
        assert figures.total_cost <= problem.budget


@SETTINGS
@given(problems())
def test_the_optimum_is_never_worse_than_greedy(problem: AllocationProblem) -> None:
    greedy = greedy_by_score(problem)
    assert greedy.status in (Status.FEASIBLE, Status.VIOLATES_CONSTRAINTS)
    assert set(greedy.chosen) == {line.id for line in problem.lines}
    if greedy.status is Status.FEASIBLE:
        result = optimize(problem, EXACT)
        assert result.status is Status.OPTIMAL
        assert result.objective >= greedy.objective - 1e-9


@SETTINGS
@given(problems())
def test_reference_allocations_report_exactly_the_constraints_they_break(problem: AllocationProblem) -> None:
    for result in (greedy_by_score(problem), current_allocation(problem)):
        feasible = is_feasible(problem, dict(result.chosen))
        assert (result.status is Status.FEASIBLE) == feasible
        assert bool(result.conflicts) == (not feasible)
        for conflict in result.conflicts:
            # the allocation breaks this constraint alone
            assert not is_feasible(restrict(problem, {conflict.key}), dict(result.chosen))


@SETTINGS
@given(problems(max_lines=5))
def test_a_reported_conflict_is_infeasible_and_irreducible(problem: AllocationProblem) -> None:
    result = optimize(problem, EXACT)
    if result.status is not Status.INFEASIBLE:
        return
    keys = {conflict.key for conflict in result.conflicts}
    assert len(keys) == len(result.conflicts)
    assert best_value(restrict(problem, keys)) is None
    assert result.narrowed
    for key in keys:
        assert best_value(restrict(problem, keys - {key})) is not None, key
