"""Figures of one allocation: totals, value, purpose mix, units, money by goal, broken constraints."""

from __future__ import annotations

import pytest

from spaceforchange.analytics.allocation import (
    AllocationProblem,
    FundingOption,
    Goal,
    GoalMoney,
    Line,
    PurposeBound,
    PurposeFigures,
    Unit,
    UnitFigures,
    closest_to_previous,
    evaluate,
)


def problem() -> AllocationProblem:
    return AllocationProblem(
        budget=200,
        goals=(Goal("g1", 2), Goal("g2", 3)),
        units=(Unit("u1", 50, 120), Unit("u2", None, None), Unit("u3", 10, None)),
        purpose_bounds={"innovation": PurposeBound(0.5, None)},
        lines=(
            Line("a", "u1", "innovation", (FundingOption("none", 0), FundingOption("full", 100, {"g1": 4, "g2": 1}))),
            Line(
                "b",
                "u2",
                "operations",
                (FundingOption("keep", 80), FundingOption("grow", 150, {"g2": 5})),
                previous_cost=80,
                max_change=0.5,
            ),
            Line(
                "c",
                "u1",
                "innovation",
                (FundingOption("none", 0), FundingOption("full", 30, {"g1": 1})),
                previous_cost=30,
            ),
        ),
    )


def test_figures_of_a_feasible_allocation():
    figures = evaluate(problem(), {"a": "full", "b": "keep", "c": "none"})
    assert (figures.budget, figures.total_cost, figures.previous_total) == (200, 180, 110)
    assert figures.value == 2 * 4 + 3 * 1
    assert figures.funded_lines == 2
    assert figures.purposes == (
        PurposeFigures("innovation", 100, 100 / 180, 30, 30 / 110, 0.5, None),
        PurposeFigures("operations", 80, 80 / 180, 80, 80 / 110, None, None),
    )
    assert figures.units == (
        UnitFigures("u1", 100, 30, 70, 50, 120),
        UnitFigures("u2", 80, 80, 0, None, None),
        UnitFigures("u3", 0, 0, 0, 10, None),
    )
    # a's 100 split 4:1 between g1 and g2; b's option contributes to no goal
    assert figures.goals == (GoalMoney("g1", 80, 30), GoalMoney("g2", 20, 0))
    assert figures.unattributed == 80
    assert [violation.key for violation in figures.violations] == ["unit_floor:u3"]
    assert figures.violations[0].message == "Unit u3 must receive at least 10. Broken: it receives 0."


def test_every_broken_constraint_is_listed():
    figures = evaluate(problem(), {"a": "none", "b": "grow", "c": "none"})
    assert [violation.key for violation in figures.violations] == [
        "unit_floor:u1",
        "unit_floor:u3",
        "purpose_min:innovation",
        "stability:b",
    ]
    assert "Broken: it has 0 %" in figures.violations[2].message
    assert "between 40 and 120. Broken: it takes option grow costing 150" in figures.violations[3].message


def test_round_off_within_the_tolerance_is_not_a_breach():
    base = problem()
    tight = AllocationProblem(180.0001, base.goals, base.units, base.purpose_bounds, base.lines)
    figures = evaluate(tight, {"a": "full", "b": "keep", "c": "none"})
    assert "budget" not in [violation.key for violation in figures.violations]
    short = AllocationProblem(179.9999, base.goals, base.units, base.purpose_bounds, base.lines)
    assert "budget" not in [
        violation.key for violation in evaluate(short, {"a": "full", "b": "keep", "c": "none"}).violations
    ]
    over = AllocationProblem(179, base.goals, base.units, base.purpose_bounds, base.lines)
    assert "budget" in [
        violation.key for violation in evaluate(over, {"a": "full", "b": "keep", "c": "none"}).violations
    ]


def test_an_allocation_must_name_one_known_option_per_line():
    with pytest.raises(ValueError, match="line c has no option chosen; there is no line z; line a has no option half"):
        evaluate(problem(), {"a": "half", "b": "keep", "z": "none"})


def test_closest_to_previous_takes_the_first_on_ties_and_the_cheapest_for_new_lines():
    line = Line(
        "x", "u", "p", (FundingOption("o0", 0), FundingOption("o1", 40), FundingOption("o2", 60)), previous_cost=50
    )
    assert closest_to_previous(line).id == "o1"
    assert closest_to_previous(Line("y", "u", "p", line.options)).id == "o0"
