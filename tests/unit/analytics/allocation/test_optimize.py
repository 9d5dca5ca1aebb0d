"""The optimiser on known instances: the issue's example, golden instances, infeasibility reports."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from spaceforchange.analytics.allocation import (
    AllocationParameters,
    AllocationProblem,
    ConstraintKind,
    Method,
    PurposeBound,
    Status,
    Unit,
    evaluate,
    optimize,
    parse_scenario,
)
from tests.unit.analytics.allocation.builders import example_document, levels, one_goal, seeded
from tests.unit.analytics.allocation.oracle import best_value, restrict

EXACT = AllocationParameters(mip_rel_gap=0.0)


def test_the_issue_example_funds_both_lines_fully():
    result = optimize(parse_scenario(example_document()))
    assert result.method is Method.OPTIMAL
    assert result.status is Status.OPTIMAL
    assert dict(result.chosen) == {"l1": "full", "l7": "full"}
    assert result.objective == 40 * 4 + 60 * 5
    assert result.total_cost == 220000
    assert result.gap == pytest.approx(0.0, abs=1e-9)
    assert result.seconds > 0
    assert result.conflicts == ()


@pytest.mark.parametrize("seed", range(12))
def test_golden_instances_of_eight_lines_match_exhaustive_search(seed):
    problem = seeded(seed)
    best = best_value(problem)
    result = optimize(problem, EXACT)
    if best is None:
        assert result.status is Status.INFEASIBLE
        assert result.narrowed
        keys = {conflict.key for conflict in result.conflicts}
        assert best_value(restrict(problem, keys)) is None
        assert all(best_value(restrict(problem, keys - {key})) is not None for key in keys)
    else:
        assert result.status is Status.OPTIMAL
        assert math.isclose(result.objective, best)
        assert evaluate(problem, result.chosen).violations == ()


def test_golden_instances_include_feasible_infeasible_and_binding_ones():
    """The seeded instances exercise both answers, and the budget binds in some feasible ones."""
    feasible = [seeded(seed) for seed in range(12) if best_value(seeded(seed)) is not None]
    assert 4 <= len(feasible) <= 8
    loose = [best_value(replace(problem, budget=math.inf)) for problem in feasible]
    assert any(best_value(p) < value for p, value in zip(feasible, loose, strict=True))


def test_budget_binds_and_the_best_value_per_money_wins():
    problem = one_goal(
        100,
        levels("a", "u", "p", (0, 60, 100), (0, 5, 6)),
        levels("b", "u", "p", (0, 40), (0, 4)),
    )
    result = optimize(problem, EXACT)
    assert dict(result.chosen) == {"a": "o1", "b": "o1"}
    assert result.objective == 9
    assert result.total_cost == 100


def test_purpose_share_bounds_shape_the_mix():
    problem = one_goal(
        1000,
        levels("inn", "u", "innovation", (0, 100), (0, 1)),
        levels("ops", "u", "operations", (0, 100, 300), (0, 5, 6)),
        innovation=PurposeBound(0.25, None),
    )
    result = optimize(problem, EXACT)
    # 300 for operations would leave innovation 100 / 400 = 25 %: allowed at the bound
    assert dict(result.chosen) == {"inn": "o1", "ops": "o2"}
    tighter = replace(problem, purpose_bounds={"innovation": PurposeBound(0.3, None)})
    assert dict(optimize(tighter, EXACT).chosen) == {"inn": "o1", "ops": "o1"}


def test_a_line_left_without_options_by_its_own_constraints_is_named():
    problem = one_goal(
        1000,
        levels("a", "u", "p", (0, 50, 100), (0, 1, 2), mandatory=True, locked_option="o0"),
        levels("b", "u", "p", (0, 50), (0, 1)),
    )
    result = optimize(problem)
    assert result.status is Status.INFEASIBLE
    assert [conflict.key for conflict in result.conflicts] == ["mandatory:a", "lock:a"]
    assert result.narrowed
    assert "dropping any one resolves it" in result.message


def test_stability_that_excludes_every_option_is_named_with_its_window():
    problem = one_goal(1000, levels("a", "u", "p", (0, 50, 100), (0, 1, 2), previous_cost=200, max_change=0.25))
    result = optimize(problem)
    assert result.status is Status.INFEASIBLE
    (conflict,) = result.conflicts
    assert conflict.key == "stability:a"
    assert conflict.kind is ConstraintKind.STABILITY
    assert "between 150 and 250" in conflict.message


def test_mandatory_lines_beyond_the_budget_conflict_with_it():
    problem = one_goal(
        100,
        levels("a", "u", "p", (0, 60), (0, 1), mandatory=True),
        levels("b", "u", "p", (0, 60), (0, 1), mandatory=True),
        levels("c", "u", "p", (0, 10), (0, 1), mandatory=True),
    )
    result = optimize(problem)
    assert result.status is Status.INFEASIBLE
    assert {conflict.key for conflict in result.conflicts} == {"budget", "mandatory:a", "mandatory:b"}
    assert result.narrowed


def test_a_dependency_on_an_unaffordable_line_is_part_of_the_conflict():
    problem = one_goal(
        1000,
        levels("a", "u", "p", (0, 50), (0, 1), mandatory=True, requires=("b",)),
        levels("b", "v", "p", (0, 80), (0, 1)),
        units=(Unit("v", None, 70),),
    )
    result = optimize(problem)
    assert {conflict.key for conflict in result.conflicts} == {"mandatory:a", "requires:a:b", "unit_ceiling:v"}


def test_when_the_diagnosis_runs_out_of_time_the_groups_are_named_whole():
    problem = one_goal(
        100,
        levels("a", "u", "p", (0, 60), (0, 1), mandatory=True),
        levels("b", "u", "p", (0, 60), (0, 1), mandatory=True),
    )
    result = optimize(problem, AllocationParameters(diagnosis_time_limit_s=1e-9))
    assert result.status is Status.INFEASIBLE
    assert not result.narrowed
    assert "could not be narrowed down" in result.message or "ran out" in result.message
    keys = {conflict.key for conflict in result.conflicts}
    assert keys == {"budget", "all_mandatory"}
    assert best_value(restrict(problem, keys)) is None
    group = next(conflict for conflict in result.conflicts if conflict.key == "all_mandatory")
    assert "(2)" in group.message


def test_a_solver_stopped_before_any_solution_says_so():
    lines = [levels(f"l{i}", "u", "p", (10 + i % 7, 20 + i % 11, 35), (1, 2 + i % 3, 4)) for i in range(2000)]
    problem = one_goal(45000, *lines)
    result = optimize(problem, AllocationParameters(time_limit_s=1e-6))
    assert result.status is Status.TIME_LIMIT
    assert result.chosen == {} and result.objective is None
    assert "time limit" in result.message


def test_a_problem_without_lines_is_trivially_optimal_or_infeasible():
    empty = AllocationProblem(100.0, (), (Unit("u", None, None),), {}, ())
    result = optimize(empty)
    assert (result.status, result.objective, result.total_cost, dict(result.chosen)) == (Status.OPTIMAL, 0.0, 0.0, {})
    floored = replace(empty, units=(Unit("u", 10.0, None),))
    result = optimize(floored)
    assert result.status is Status.INFEASIBLE
    assert [conflict.key for conflict in result.conflicts] == ["unit_floor:u"]


def test_an_allocation_that_costs_nothing_meets_every_share_bound():
    problem = one_goal(0, levels("a", "u", "innovation", (0, 10), (0, 1)), innovation=PurposeBound(0.5, 1.0))
    result = optimize(problem)
    assert result.status is Status.OPTIMAL
    assert dict(result.chosen) == {"a": "o0"}


@pytest.mark.parametrize(
    ("field", "value"),
    [("time_limit_s", 0.0), ("diagnosis_time_limit_s", -1.0), ("mip_rel_gap", 1.0), ("tolerance", -0.1)],
)
def test_parameters_out_of_range_are_refused(field, value):
    with pytest.raises(ValueError, match=field):
        AllocationParameters(**{field: value})


def test_results_serialise_to_plain_json_values():
    result = optimize(parse_scenario(example_document()))
    document = result.as_dict()
    assert document["status"] == "optimal" and type(document["status"]) is str
    assert document["chosen"] == {"l1": "full", "l7": "full"}
    assert set(document) >= {"status", "objective", "chosen", "total_cost", "gap", "seconds", "conflicts"}


def test_a_unit_ceiling_conflict_is_narrowed_down_to_the_unit_lines_that_cause_it():
    """Groups first, then the lines of the unit the ceiling touches (diagnosis.py)."""
    problem = one_goal(
        10_000,
        levels("a", "u0", "p", (0, 60), (0, 1), mandatory=True),
        levels("b", "u0", "p", (0, 60, 90), (0, 1, 2), mandatory=True),
        levels("c", "u0", "p", (0, 30), (0, 5)),
        levels("d", "u1", "p", (0, 500), (0, 1), mandatory=True),
        levels("e", "u1", "p", (0, 400, 450), (0, 3, 4), previous_cost=450, max_change=0.1),
        levels("f", "u2", "p", (0, 10), (0, 1), mandatory=True, requires=("d",)),
        units=(Unit("u0", None, 100), Unit("u1", 100, 2000)),
    )
    result = optimize(problem, EXACT)
    assert result.status is Status.INFEASIBLE
    assert result.narrowed
    assert {conflict.key for conflict in result.conflicts} == {"unit_ceiling:u0", "mandatory:a", "mandatory:b"}
    assert best_value(restrict(problem, {"unit_ceiling:u0", "mandatory:a", "mandatory:b"})) is None


def test_constraints_that_forbid_nothing_are_never_named():
    problem = one_goal(
        50,
        levels("a", "u", "p", (60, 80), (1, 2), mandatory=True, previous_cost=70, max_change=0.5, locked_option="o0"),
        levels("b", "u", "p", (0, 10), (0, 1), requires=("a",)),
    )
    result = optimize(problem, EXACT)
    assert result.status is Status.INFEASIBLE
    # a costs at least 60 whatever its mandatory flag, stability or lock say: the budget alone conflicts
    assert [conflict.key for conflict in result.conflicts] == ["budget"]
