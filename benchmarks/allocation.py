"""Budget optimiser benchmark: ``analytics.allocation.optimize`` (HiGHS) against PuLP with CBC.

Issue #7's check: instances of 1,000, 5,000 and 20,000 budget lines, three funding options each,
40 units, 8 goals and every kind of constraint, are solved to proven optimality or within a
0.1 % gap, 5,000 lines in under 5 s; the value gained over greedy-by-score is reported.

A deterministic synthetic budget (numpy ``default_rng``, seed per size). Last cycle's cost of a
line is log-normal (median 120,000). Three lines in ten are "none / half / full" packages (full
= the previous cost; a tenth of those are new, without a previous cost), the rest "reduce /
keep / expand" (0.7x, 1x, 1.3x the previous cost). Every line contributes to one to three of
the 8 goals (weights summing to 100), with scores 0-5 growing with the option but with
diminishing returns (half a package gives 60 % of its value, expanding by 30 % adds 15 %, reducing
by 30 % loses 20 %), and a random spread of +/-20 % per option and goal; a new strategy
is imitated by making innovation lines score higher on the goals of most weight. Constraints:
budget 97 % of last cycle's total; unit floors 80 % and ceilings 125 % of the unit's previous
total; innovation between 8 % and 30 % of the total and service delivery at least 40 %; a
third of the package lines mandatory; one line in twenty requiring another of its unit; half
the lines with a previous cost limited to +/-35 % change; one in fifty locked to its previous
option. An extra case makes the 5,000-line budget infeasible (one unit's ceiling set halfway
between what its lines need at the least and what they need with its mandatory lines funded) and
times the diagnosis of the conflict.

The product is ``optimize`` (model building included); the peer is the same 0-1 model written
in PuLP and solved by its bundled CBC with the same relative gap and time limit (model building
included). Both allocations are checked with ``evaluate``. One JSON line per case::

    {"benchmark": "allocation", "case": "5000 lines", "product_s": ..., "peer": "PuLP ... CBC",
     "peer_s": ..., "ratio": ..., "status": "optimal", "gap": ..., "objective": ...,
     "greedy_objective": ..., "gain_over_greedy_pct": ..., ...}

    bench-venv/bin/python benchmarks/allocation.py [--sizes 1000,5000,20000] [--time-limit 60]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import replace
from typing import Any

import numpy as np
import pulp
import scipy

from spaceforchange.analytics.allocation import (
    AllocationParameters,
    AllocationProblem,
    FundingOption,
    Goal,
    Line,
    PurposeBound,
    Unit,
    allowed_options,
    current_allocation,
    evaluate,
    greedy_by_score,
    optimize,
)

UNITS = 40
GOALS = 8
PURPOSES = ("innovation", "efficiency", "service_delivery")
PURPOSE_SHARES = (0.15, 0.35, 0.5)
TARGET_GAP = 0.001
TARGET_SECONDS = {5000: 5.0}


def _options(
    rng: np.random.Generator, previous: float, package: bool, gains: list[tuple[int, float]]
) -> tuple[FundingOption, ...]:
    levels = (0.0, 0.5, 1.0) if package else (0.7, 1.0, 1.3)
    returns = (0.0, 0.6, 1.0) if package else (0.8, 1.0, 1.15)  # diminishing returns on money
    names = ("none", "half", "full") if package else ("reduce", "keep", "expand")
    options = []
    for name, level, value in zip(names, levels, returns, strict=True):
        scores = {
            f"g{goal}": float(np.clip(round(gain * value * rng.uniform(0.8, 1.2), 1), 0, 5)) for goal, gain in gains
        }
        options.append(FundingOption(name, round(previous * level), {g: s for g, s in scores.items() if s > 0}))
    return tuple(options)


def generate(lines: int, seed: int) -> AllocationProblem:
    rng = np.random.default_rng(seed)
    weights = np.round(rng.dirichlet(np.ones(GOALS) * 2) * 100, 1)
    favoured = np.argsort(-weights)[:3]
    built: list[Line] = []
    for i in range(lines):
        unit = f"u{i % UNITS:02d}"
        purpose = str(rng.choice(PURPOSES, p=PURPOSE_SHARES))
        previous = float(round(rng.lognormal(np.log(120_000), 0.8), -2))
        package = rng.random() < 0.3
        goals = rng.choice(GOALS, size=int(rng.integers(1, 4)), replace=False)
        boost = 1.6 if purpose == "innovation" else 1.0
        gains = [(int(g), min(5.0, rng.uniform(1, 4) * (boost if g in favoured else 1.0))) for g in goals]
        options = _options(rng, previous, package, gains)
        new = package and rng.random() < 0.1
        stable = not new and rng.random() < 0.5
        requires: tuple[str, ...] = ()
        if rng.random() < 0.05 and i >= UNITS:
            requires = (f"l{i - UNITS * int(rng.integers(1, i // UNITS + 1))}",)
        built.append(
            Line(
                id=f"l{i}",
                unit=unit,
                purpose=purpose,
                options=options,
                mandatory=package and rng.random() < 1 / 3,
                requires=requires,
                previous_cost=None if new else previous,
                max_change=0.35 if stable else None,
                locked_option=(options[-1].id if package else "keep") if not new and rng.random() < 0.02 else None,
            )
        )
    return _bounded(tuple(built), weights)


def _bounded(lines: tuple[Line, ...], weights: np.ndarray) -> AllocationProblem:
    previous: dict[str, float] = {}
    for line in lines:
        previous[line.unit] = previous.get(line.unit, 0.0) + (line.previous_cost or 0.0)
    units = tuple(Unit(unit, round(total * 0.8), round(total * 1.25)) for unit, total in sorted(previous.items()))
    goals = tuple(Goal(f"g{g}", float(weight)) for g, weight in enumerate(weights))
    bounds = {"innovation": PurposeBound(0.08, 0.30), "service_delivery": PurposeBound(0.40, None)}
    return AllocationProblem(round(sum(previous.values()) * 0.97), goals, units, bounds, lines)


def infeasible(problem: AllocationProblem) -> AllocationProblem:
    """The problem with the first unit's ceiling halfway between what it needs without and with its mandatory lines."""
    unit = problem.units[0]
    mine = [line for line in problem.lines if line.unit == unit.id]
    free = sum(min(option.cost for option in allowed_options(replace(line, mandatory=False))) for line in mine)
    bound = sum(min(option.cost for option in allowed_options(line)) for line in mine)
    return replace(problem, units=(replace(unit, floor=None, ceiling=round((free + bound) / 2)), *problem.units[1:]))


def peer_solve(problem: AllocationProblem, time_limit: float) -> tuple[float, str, dict[str, str]]:
    """The same 0-1 model in PuLP, solved by CBC: (seconds, status, chosen)."""
    started = time.perf_counter()
    model = pulp.LpProblem("allocation", pulp.LpMaximize)
    x = {
        (line.id, option.id): pulp.LpVariable(f"x_{i}_{k}", cat="Binary")
        for i, line in enumerate(problem.lines)
        for k, option in enumerate(line.options)
    }
    cost = {key: 0.0 for key in x}
    for line in problem.lines:
        for option in line.options:
            cost[line.id, option.id] = option.cost
    model += pulp.lpSum(problem.option_value(o) * x[line.id, o.id] for line in problem.lines for o in line.options)
    for line in problem.lines:
        model += pulp.lpSum(x[line.id, o.id] for o in line.options) == 1
    model += pulp.lpSum(cost[key] * var for key, var in x.items()) <= problem.budget
    _peer_constraints(problem, model, x)
    solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, gapRel=TARGET_GAP)
    model.solve(solver)
    chosen = {}
    for line in problem.lines:
        values = [x[line.id, option.id].value() or 0.0 for option in line.options]
        chosen[line.id] = line.options[int(np.argmax(values))].id
    return time.perf_counter() - started, pulp.LpStatus[model.status], chosen


def _peer_constraints(problem: AllocationProblem, model: Any, x: dict[tuple[str, str], Any]) -> None:
    def spent(lines: list[Line]) -> Any:
        return pulp.lpSum(o.cost * x[line.id, o.id] for line in lines for o in line.options)

    total = spent(list(problem.lines))
    for unit in problem.units:
        mine = spent([line for line in problem.lines if line.unit == unit.id])
        if unit.floor is not None:
            model += mine >= unit.floor
        if unit.ceiling is not None:
            model += mine <= unit.ceiling
    for purpose, bound in problem.purpose_bounds.items():
        mine = spent([line for line in problem.lines if line.purpose == purpose])
        if bound.min is not None:
            model += mine - bound.min * total >= 0
        if bound.max is not None:
            model += mine - bound.max * total <= 0
    lines = {line.id: line for line in problem.lines}
    for line in problem.lines:
        _peer_line(lines, model, x, line)


def _peer_line(lines: dict[str, Line], model: Any, x: dict[tuple[str, str], Any], line: Line) -> None:
    funded = pulp.lpSum(x[line.id, o.id] for o in line.options if o.cost > 0)
    if line.mandatory:
        model += funded == 1
    for required in line.requires:
        other = lines[required]
        model += funded <= pulp.lpSum(x[other.id, o.id] for o in other.options if o.cost > 0)
    for option in line.options:
        low = (line.previous_cost or 0) * (1 - (line.max_change or 0))
        high = (line.previous_cost or 0) * (1 + (line.max_change or 0))
        outside = line.max_change is not None and line.previous_cost is not None and not low <= option.cost <= high
        if outside or (line.locked_option is not None and option.id != line.locked_option):
            model += x[line.id, option.id] == 0


def case(name: str, problem: AllocationProblem, time_limit: float) -> dict[str, Any]:
    parameters = AllocationParameters(time_limit_s=time_limit, mip_rel_gap=TARGET_GAP)
    result = optimize(problem, parameters)
    peer_s, peer_status, peer_chosen = peer_solve(problem, time_limit)
    record: dict[str, Any] = {
        "benchmark": "allocation",
        "case": name,
        "product_s": round(result.seconds, 3),
        "peer": f"PuLP {pulp.__version__} + CBC (bundled), same model, gapRel {TARGET_GAP}",
        "peer_s": round(peer_s, 3),
        "ratio": round(peer_s / result.seconds, 2),
        "status": str(result.status),
        "gap": result.gap,
        "objective": result.objective,
        "peer_status": peer_status,
        "lines": len(problem.lines),
        "variables": sum(len(line.options) for line in problem.lines),
    }
    if result.chosen:
        peer_figures = evaluate(problem, peer_chosen)
        greedy = greedy_by_score(problem)
        current = current_allocation(problem)
        record |= {
            "violations": len(evaluate(problem, result.chosen).violations),
            "peer_objective": round(peer_figures.value, 3),
            "peer_violations": len(peer_figures.violations),
            "greedy_status": str(greedy.status),
            "greedy_objective": round(greedy.objective or 0.0, 3),
            "gain_over_greedy_pct": round((result.objective - greedy.objective) / greedy.objective * 100, 2),
            "greedy_violations": [c.key for c in greedy.conflicts],
            "current_objective": round(current.objective or 0.0, 3),
            "gain_over_current_pct": round((result.objective - current.objective) / current.objective * 100, 2),
            "current_violations": len(current.conflicts),
            "target_met": result.status == "optimal"
            and (result.gap or 0) <= TARGET_GAP
            and result.seconds < TARGET_SECONDS.get(len(problem.lines), float("inf")),
        }
    else:
        record |= {"conflicts": [c.key for c in result.conflicts], "narrowed": result.narrowed}
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000,20000", help="line counts (default 1000,5000,20000)")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per solve, both solvers (default 60)")
    options = parser.parse_args()
    common = {"scipy": scipy.__version__, "numpy": np.__version__}
    for size in (int(text) for text in options.sizes.split(",")):
        problem = generate(size, seed=7000 + size)
        record = case(f"{size} lines", problem, options.time_limit)
        print(json.dumps(record | common | {"load_1m": round(os.getloadavg()[0], 2)}), flush=True)
        if size == 5000:
            record = case(f"infeasible {size} lines (diagnosis)", infeasible(problem), options.time_limit)
            print(json.dumps(record | common | {"load_1m": round(os.getloadavg()[0], 2)}), flush=True)


if __name__ == "__main__":
    main()
