"""Greedy-by-score and the current allocation, step by step as documented."""

from __future__ import annotations

from spaceforchange.analytics.allocation import (
    AllocationProblem,
    FundingOption,
    Goal,
    Line,
    Method,
    Status,
    Unit,
    allowed_options,
    current_allocation,
    greedy_by_score,
)
from tests.unit.analytics.allocation.builders import levels, one_goal


def test_greedy_funds_by_value_per_cost_until_the_money_runs_out():
    problem = one_goal(
        100,
        levels("a", "u", "p", (0, 50, 100), (0, 4, 6)),  # 0.08 per unit, then the full package 0.06
        levels("b", "u", "p", (0, 40), (0, 4)),  # 0.10 per unit: first
        levels("c", "u", "p", (0, 20), (0, 1)),  # 0.05: no money left
    )
    result = greedy_by_score(problem)
    assert result.method is Method.GREEDY
    assert result.status is Status.FEASIBLE
    assert dict(result.chosen) == {"a": "o1", "b": "o1", "c": "o0"}
    assert (result.objective, result.total_cost, result.gap) == (8, 90, None)


def test_a_bigger_package_supersedes_a_smaller_one_when_money_allows():
    problem = one_goal(200, levels("a", "u", "p", (0, 50, 100), (0, 4, 6)))
    assert dict(greedy_by_score(problem).chosen) == {"a": "o2"}


def test_mandatory_and_locked_lines_come_first():
    problem = one_goal(
        100,
        levels("m", "u", "p", (0, 70, 90), (0, 1, 2), mandatory=True),
        levels("k", "u", "p", (0, 10, 30), (0, 1, 9), locked_option="o1"),
        levels("x", "u", "p", (0, 20), (0, 9)),
        levels("y", "u", "p", (0, 20), (0, 8)),
    )
    result = greedy_by_score(problem)
    # m takes 70 and k 10; 20 left for the best of x and y; m's upgrade and k's better option are not taken
    assert dict(result.chosen) == {"m": "o1", "k": "o1", "x": "o1", "y": "o0"}


def test_upgrades_need_their_required_lines_funded_and_room_under_the_unit_ceiling():
    problem = one_goal(
        1000,
        levels("a", "u", "p", (0, 10), (0, 9), requires=("b",)),  # best score, but b is not funded yet
        levels("b", "u", "p", (0, 10), (0, 2)),
        levels("c", "v", "p", (0, 50, 80), (0, 5, 7)),
        units=(Unit("v", None, 60),),
    )
    assert dict(greedy_by_score(problem).chosen) == {"a": "o0", "b": "o1", "c": "o1"}


def test_greedy_lists_what_it_breaks():
    problem = one_goal(100, levels("a", "u", "p", (0, 10), (0, 1)), units=(Unit("u", 50, None),))
    result = greedy_by_score(problem)
    assert result.status is Status.VIOLATES_CONSTRAINTS
    assert [conflict.key for conflict in result.conflicts] == ["unit_floor:u"]


def test_allowed_options_follow_lock_stability_and_mandatory_and_fall_back_to_all():
    line = levels("a", "u", "p", (0, 50, 100), (0, 1, 2), previous_cost=60, max_change=0.5)
    assert [option.id for option in allowed_options(line)] == ["o1"]
    assert [option.id for option in allowed_options(levels("b", "u", "p", (0, 5), (0, 1), mandatory=True))] == ["o1"]
    locked = levels("c", "u", "p", (0, 5), (0, 1), locked_option="o0", mandatory=True)
    assert [option.id for option in allowed_options(locked)] == ["o0"]
    stuck = levels("d", "u", "p", (0, 5), (0, 1), previous_cost=100, max_change=0.1)
    assert [option.id for option in allowed_options(stuck)] == ["o0", "o1"]


def test_the_current_allocation_is_the_option_closest_to_last_cycle():
    problem = AllocationProblem(
        1000,
        (Goal("g", 2),),
        (Unit("u"),),
        {},
        (
            Line("a", "u", "p", (FundingOption("o0", 0), FundingOption("o1", 100, {"g": 3})), previous_cost=90),
            Line("b", "u", "p", (FundingOption("o0", 0), FundingOption("o1", 100, {"g": 3})), locked_option="o1"),
        ),
    )
    result = current_allocation(problem)
    assert result.method is Method.CURRENT
    assert dict(result.chosen) == {"a": "o1", "b": "o0"}
    assert (result.objective, result.total_cost) == (6, 100)
    assert result.status is Status.VIOLATES_CONSTRAINTS
    assert [conflict.key for conflict in result.conflicts] == ["lock:b"]
