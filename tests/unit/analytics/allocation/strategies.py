"""Hypothesis strategies: small allocation problems with every kind of constraint.

Costs are whole numbers and share bounds multiples of 1/8, so that every comparison is exact
and the exhaustive search and the solver cannot disagree on a boundary by round-off.
"""

from __future__ import annotations

from hypothesis import strategies as st

from spaceforchange.analytics.allocation import AllocationProblem, FundingOption, Goal, Line, PurposeBound, Unit

PURPOSES = ("innovation", "efficiency", "service_delivery")
EIGHTHS = st.integers(0, 8).map(lambda k: k / 8)


@st.composite
def problems(draw: st.DrawFn, max_lines: int = 6, max_options: int = 3) -> AllocationProblem:
    goals = tuple(Goal(f"g{i}", draw(st.integers(0, 10))) for i in range(draw(st.integers(1, 3))))
    units = []
    for i in range(draw(st.integers(1, 3))):
        floor = draw(st.none() | st.none() | st.none() | st.integers(0, 120))
        ceiling = draw(st.none() | st.none() | st.integers(floor or 0, 300))
        units.append(Unit(f"u{i}", floor, ceiling))
    bounds = {}
    for purpose in draw(st.lists(st.sampled_from(PURPOSES), unique=True, max_size=1)):
        low = draw(st.none() | EIGHTHS)
        high = draw(st.none() | EIGHTHS.filter(lambda value, low=low: low is None or value >= low))
        bounds[purpose] = PurposeBound(low, high)
    count = draw(st.integers(1, max_lines))
    lines = [_line(draw, i, count, goals, len(units), max_options) for i in range(count)]
    return AllocationProblem(draw(st.integers(50, 600)), goals, tuple(units), bounds, tuple(lines))


def _line(draw: st.DrawFn, i: int, count: int, goals: tuple[Goal, ...], units: int, max_options: int) -> Line:
    zero_first = draw(st.integers(0, 3)) > 0  # most lines can be left unfunded
    options = tuple(
        FundingOption(
            f"o{k}",
            0 if k == 0 and zero_first else draw(st.integers(0, 100)),
            {goal.id: draw(st.integers(0, 5)) for goal in goals if draw(st.booleans())},
        )
        for k in range(draw(st.integers(1, max_options)))
    )
    others = [f"l{j}" for j in range(count) if j != i]
    previous = draw(st.none() | st.sampled_from([option.cost for option in options]) | st.integers(0, 100))
    return Line(
        id=f"l{i}",
        unit=f"u{draw(st.integers(0, units - 1))}",
        purpose=draw(st.sampled_from(PURPOSES)),
        options=options,
        mandatory=draw(st.booleans()) and draw(st.booleans()),
        requires=tuple(draw(st.lists(st.sampled_from(others), unique=True, max_size=1))) if others else (),
        previous_cost=previous,
        max_change=draw(st.sampled_from([0.0, 0.25, 0.5, 1.0, 1.0]))
        if previous is not None and draw(st.booleans())
        else None,
        locked_option=draw(st.none() | st.none() | st.sampled_from([option.id for option in options])),
    )
