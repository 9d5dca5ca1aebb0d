"""An independent check of the optimiser: every allocation of a small problem, vectorised.

``feasible_mask`` restates the constraints of the scenario format (docs/reference/
budget-scenario.md) directly over all combinations of options; ``restrict`` keeps only some
constraints, to check that a reported conflict is infeasible alone and irreducible.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np

from spaceforchange.analytics.allocation import AllocationProblem, PurposeBound

TOLERANCE = 1e-6


def combinations(problem: AllocationProblem) -> np.ndarray:
    ranges = [range(len(line.options)) for line in problem.lines]
    return np.array(list(itertools.product(*ranges)), dtype=np.int64).reshape(-1, len(problem.lines))


def feasible_mask(problem: AllocationProblem, combos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(whether each combination meets every constraint, the cost of each line in each combination)"""
    costs = np.zeros(combos.shape, dtype=float)
    for i, line in enumerate(problem.lines):
        costs[:, i] = np.array([option.cost for option in line.options])[combos[:, i]]
    total = costs.sum(axis=1)
    ok = total <= problem.budget + TOLERANCE
    for unit in problem.units:
        spent = costs[:, [line.unit == unit.id for line in problem.lines]].sum(axis=1)
        if unit.floor is not None:
            ok &= spent >= unit.floor - TOLERANCE
        if unit.ceiling is not None:
            ok &= spent <= unit.ceiling + TOLERANCE
    for purpose, bound in problem.purpose_bounds.items():
        spent = costs[:, [line.purpose == purpose for line in problem.lines]].sum(axis=1)
        if bound.min is not None:
            ok &= spent - bound.min * total >= -TOLERANCE
        if bound.max is not None:
            ok &= spent - bound.max * total <= TOLERANCE
    return ok & _lines_mask(problem, combos, costs), costs


def _lines_mask(problem: AllocationProblem, combos: np.ndarray, costs: np.ndarray) -> np.ndarray:
    ok = np.ones(len(combos), dtype=bool)
    index = {line.id: i for i, line in enumerate(problem.lines)}
    for i, line in enumerate(problem.lines):
        if line.mandatory:
            ok &= costs[:, i] > 0
        for required in line.requires:
            ok &= (costs[:, i] <= 0) | (costs[:, index[required]] > 0)
        if line.previous_cost is not None and line.max_change is not None:
            ok &= costs[:, i] >= line.previous_cost * (1 - line.max_change) - TOLERANCE
            ok &= costs[:, i] <= line.previous_cost * (1 + line.max_change) + TOLERANCE
        if line.locked_option is not None:
            locked = [option.id for option in line.options].index(line.locked_option)
            ok &= combos[:, i] == locked
    return ok


def values(problem: AllocationProblem, combos: np.ndarray) -> np.ndarray:
    weights = {goal.id: goal.weight for goal in problem.goals}
    result = np.zeros(len(combos))
    for i, line in enumerate(problem.lines):
        per_option = np.array(
            [sum(weights[goal] * score for goal, score in option.contributions.items()) for option in line.options]
        )
        result += per_option[combos[:, i]]
    return result


def best_value(problem: AllocationProblem) -> float | None:
    """The optimal objective by exhaustive search, or None when no allocation is feasible."""
    combos = combinations(problem)
    ok, _ = feasible_mask(problem, combos)
    if not ok.any():
        return None
    return float(values(problem, combos)[ok].max())


def is_feasible(problem: AllocationProblem, chosen: dict[str, str]) -> bool:
    combo = np.array(
        [[[option.id for option in line.options].index(chosen[line.id]) for line in problem.lines]], dtype=np.int64
    ).reshape(1, -1)
    ok, _ = feasible_mask(problem, combo)
    return bool(ok[0])


def restrict(problem: AllocationProblem, keys: set[str]) -> AllocationProblem:
    """``problem`` with only the constraints named by ``keys`` (conflict keys, or whole groups)."""

    def on(key: str, group: str) -> bool:
        return key in keys or group in keys

    units = tuple(
        replace(
            unit,
            floor=unit.floor if f"unit_floor:{unit.id}" in keys else None,
            ceiling=unit.ceiling if f"unit_ceiling:{unit.id}" in keys else None,
        )
        for unit in problem.units
    )
    bounds = {
        purpose: PurposeBound(
            bound.min if f"purpose_min:{purpose}" in keys else None,
            bound.max if f"purpose_max:{purpose}" in keys else None,
        )
        for purpose, bound in problem.purpose_bounds.items()
    }
    lines = tuple(
        replace(
            line,
            mandatory=line.mandatory and on(f"mandatory:{line.id}", "all_mandatory"),
            requires=tuple(r for r in line.requires if on(f"requires:{line.id}:{r}", "all_requires")),
            max_change=line.max_change if on(f"stability:{line.id}", "all_stability") else None,
            locked_option=line.locked_option if on(f"lock:{line.id}", "all_locks") else None,
        )
        for line in problem.lines
    )
    budget = problem.budget if "budget" in keys else float("inf")
    return replace(problem, budget=budget, units=units, purpose_bounds=bounds, lines=lines)
