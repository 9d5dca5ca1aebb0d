"""The constraints of an allocation problem as a 0-1 linear programme, one removable piece each.

Variable ``x[j]`` is 1 when option ``j`` (options of all lines, in order) is chosen. "Exactly one
option per line" is structural and always present. Every other constraint is a ``Member``: the
rows and the variables it forbids (fixes to 0). Keeping them apart lets the diagnosis of an
infeasible problem switch members off and on (``diagnosis.py``).

- budget: sum cost x <= budget
- unit floor/ceiling: sum over the unit's lines of cost x >= floor / <= ceiling
- purpose min/max: cost_p - min x total >= 0 and cost_p - max x total <= 0, the linear form of
  min <= cost_p / total <= max (so an allocation costing nothing meets every share bound)
- mandatory: the line's options costing 0 are forbidden
- requires (one member per pair): sum of the line's cost > 0 options <= the required line's
- stability: options costing outside previous_cost x (1 +/- max_change) are forbidden
- lock: every option but the locked one is forbidden
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_array

from spaceforchange.analytics.allocation.model import AllocationProblem, Conflict, ConstraintKind, Line

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
EMPTY = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class Row:
    columns: IntArray
    coefficients: FloatArray
    lower: float
    upper: float


@dataclass(frozen=True)
class Member:
    conflict: Conflict
    rows: tuple[Row, ...] = ()
    forbidden: IntArray = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True)
class Formulation:
    costs: FloatArray  # per variable
    values: FloatArray  # per variable: sum of goal weight x contribution
    starts: IntArray  # first variable of each line; starts[-1] is the number of variables
    structural: csr_array  # one row per line: sum of its variables = 1
    members: tuple[Member, ...]

    @property
    def size(self) -> int:
        return int(self.starts[-1])


def money(amount: float) -> str:
    return f"{amount:,.2f}".removesuffix(".00")


def share(fraction: float) -> str:
    return f"{fraction * 100:.4g} %"


def in_window(line: Line, cost: float) -> bool:
    """Whether ``cost`` keeps the line within its maximum change (always, without stability)."""
    if line.previous_cost is None or line.max_change is None:
        return True
    slack = 1e-9 * max(1.0, abs(line.previous_cost))
    low = line.previous_cost * (1 - line.max_change)
    high = line.previous_cost * (1 + line.max_change)
    return low - slack <= cost <= high + slack


def formulate(problem: AllocationProblem) -> Formulation:
    counts = np.array([len(line.options) for line in problem.lines], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    costs = np.array([option.cost for line in problem.lines for option in line.options], dtype=np.float64)
    values = np.array(
        [problem.option_value(option) for line in problem.lines for option in line.options], dtype=np.float64
    )
    size = int(starts[-1])
    line_of = np.repeat(np.arange(len(problem.lines)), counts)
    structural = csr_array((np.ones(size), (line_of, np.arange(size))), shape=(len(problem.lines), size))
    members = [
        *_money_members(problem, costs, line_of),
        *_line_members(problem, costs, starts),
    ]
    return Formulation(costs, values, starts, structural, tuple(members))


def _money_members(problem: AllocationProblem, costs: FloatArray, line_of: IntArray) -> list[Member]:
    everything = np.arange(len(costs), dtype=np.int64)
    members = [Member(budget_conflict(problem), (Row(everything, costs, -np.inf, problem.budget),))]
    unit_of_line = np.array([line.unit for line in problem.lines], dtype=object)
    for unit in problem.units:
        columns = np.flatnonzero(unit_of_line[line_of] == unit.id) if len(costs) else EMPTY
        if unit.floor is not None:
            row = Row(columns, costs[columns], unit.floor, np.inf)
            members.append(Member(unit_floor_conflict(unit.id, unit.floor), (row,)))
        if unit.ceiling is not None:
            row = Row(columns, costs[columns], -np.inf, unit.ceiling)
            members.append(Member(unit_ceiling_conflict(unit.id, unit.ceiling), (row,)))
    purpose_of_line = np.array([line.purpose for line in problem.lines], dtype=object)
    for purpose, bound in problem.purpose_bounds.items():
        mine = (purpose_of_line[line_of] == purpose).astype(np.float64) if len(costs) else np.zeros(0)
        if bound.min is not None:
            row = Row(everything, (mine - bound.min) * costs, 0.0, np.inf)
            members.append(Member(purpose_min_conflict(purpose, bound.min), (row,)))
        if bound.max is not None:
            row = Row(everything, (mine - bound.max) * costs, -np.inf, 0.0)
            members.append(Member(purpose_max_conflict(purpose, bound.max), (row,)))
    return members


def _line_members(problem: AllocationProblem, costs: FloatArray, starts: IntArray) -> list[Member]:
    index = {line.id: position for position, line in enumerate(problem.lines)}
    members: list[Member] = []
    for position, line in enumerate(problem.lines):
        columns = np.arange(starts[position], starts[position + 1], dtype=np.int64)
        funded = columns[costs[columns] > 0]
        # A constraint that forbids nothing is left out: it can be part of no conflict.
        if line.mandatory and (costs[columns] <= 0).any():
            members.append(Member(mandatory_conflict(line.id), forbidden=columns[costs[columns] <= 0]))
        for required in line.requires if len(funded) else ():
            other = np.arange(starts[index[required]], starts[index[required] + 1], dtype=np.int64)
            other = other[costs[other] > 0]
            row = Row(
                np.concatenate((funded, other)),
                np.concatenate((np.ones(len(funded)), -np.ones(len(other)))),
                -np.inf,
                0.0,
            )
            members.append(Member(requires_conflict(line.id, required), (row,)))
        if line.previous_cost is not None and line.max_change is not None:
            outside = np.array([not in_window(line, option.cost) for option in line.options], dtype=bool)
            if outside.any():
                members.append(Member(stability_conflict(line), forbidden=columns[outside]))
        if line.locked_option is not None:
            others = np.array([option.id != line.locked_option for option in line.options], dtype=bool)
            if others.any():
                members.append(Member(lock_conflict(line.id, line.locked_option), forbidden=columns[others]))
    return members


def budget_conflict(problem: AllocationProblem) -> Conflict:
    text = f"The total cost must not exceed the budget of {money(problem.budget)}."
    return Conflict("budget", ConstraintKind.BUDGET, (), text)


def unit_floor_conflict(unit: str, floor: float) -> Conflict:
    text = f"Unit {unit} must receive at least {money(floor)}."
    return Conflict(f"unit_floor:{unit}", ConstraintKind.UNIT_FLOOR, (unit,), text)


def unit_ceiling_conflict(unit: str, ceiling: float) -> Conflict:
    text = f"Unit {unit} must receive at most {money(ceiling)}."
    return Conflict(f"unit_ceiling:{unit}", ConstraintKind.UNIT_CEILING, (unit,), text)


def purpose_min_conflict(purpose: str, bound: float) -> Conflict:
    text = f"Purpose {purpose} must have at least {share(bound)} of the total cost."
    return Conflict(f"purpose_min:{purpose}", ConstraintKind.PURPOSE_MIN, (purpose,), text)


def purpose_max_conflict(purpose: str, bound: float) -> Conflict:
    text = f"Purpose {purpose} must have at most {share(bound)} of the total cost."
    return Conflict(f"purpose_max:{purpose}", ConstraintKind.PURPOSE_MAX, (purpose,), text)


def mandatory_conflict(line: str) -> Conflict:
    text = f"Line {line} is mandatory: it must take an option that costs more than 0."
    return Conflict(f"mandatory:{line}", ConstraintKind.MANDATORY, (line,), text)


def requires_conflict(line: str, required: str) -> Conflict:
    text = f"Line {line} can be funded only if line {required} is funded."
    return Conflict(f"requires:{line}:{required}", ConstraintKind.REQUIRES, (line, required), text)


def stability_conflict(line: Line) -> Conflict:
    assert line.previous_cost is not None and line.max_change is not None  # callers check
    low = max(0.0, line.previous_cost * (1 - line.max_change))
    high = line.previous_cost * (1 + line.max_change)
    text = (
        f"Line {line.id} may change by at most {share(line.max_change)} from its previous cost of "
        f"{money(line.previous_cost)}: its cost must be between {money(low)} and {money(high)}."
    )
    return Conflict(f"stability:{line.id}", ConstraintKind.STABILITY, (line.id,), text)


def lock_conflict(line: str, option: str) -> Conflict:
    text = f"Line {line} is locked to option {option}."
    return Conflict(f"lock:{line}", ConstraintKind.LOCK, (line,), text)


GROUPS = {
    ConstraintKind.MANDATORY: ConstraintKind.ALL_MANDATORY,
    ConstraintKind.REQUIRES: ConstraintKind.ALL_REQUIRES,
    ConstraintKind.STABILITY: ConstraintKind.ALL_STABILITY,
    ConstraintKind.LOCK: ConstraintKind.ALL_LOCKS,
}
GROUP_TEXT = {
    ConstraintKind.ALL_MANDATORY: "every mandatory line ({count}) must be funded",
    ConstraintKind.ALL_REQUIRES: "every dependency between lines ({count})",
    ConstraintKind.ALL_STABILITY: "every line's maximum change from its previous cost ({count} lines)",
    ConstraintKind.ALL_LOCKS: "every locked line ({count})",
}


def group_conflict(kind: ConstraintKind, count: int) -> Conflict:
    text = "Together: " + GROUP_TEXT[kind].format(count=count) + "."
    return Conflict(f"{kind}", kind, (), text)
