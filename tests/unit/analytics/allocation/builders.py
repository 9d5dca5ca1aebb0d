"""Small allocation problems for the tests: the issue's example and seeded random instances."""

from __future__ import annotations

from typing import Any

import numpy as np

from spaceforchange.analytics.allocation import AllocationProblem, FundingOption, Goal, Line, PurposeBound, Unit


def example_document() -> dict[str, Any]:
    """The JSON of issue #7, with the line it requires (l7) added so that it is complete."""
    return {
        "budget": 1000000,
        "goals": [{"id": "g1", "weight": 40}, {"id": "g2", "weight": 60}],
        "units": [{"id": "u1", "floor": 0, "ceiling": 400000}, {"id": "u2"}],
        "purpose_bounds": {"innovation": {"min": 0.08, "max": 0.3}},
        "lines": [
            {
                "id": "l1",
                "unit": "u1",
                "purpose": "innovation",
                "mandatory": False,
                "requires": ["l7"],
                "previous_cost": 20000,
                "max_change": 0.5,
                "locked_option": None,
                "options": [
                    {"id": "none", "cost": 0, "contributions": {}},
                    {"id": "half", "cost": 10000, "contributions": {"g1": 2}},
                    {"id": "full", "cost": 20000, "contributions": {"g1": 4}},
                ],
            },
            {
                "id": "l7",
                "unit": "u2",
                "purpose": "service_delivery",
                "mandatory": True,
                "options": [
                    {"id": "none", "cost": 0},
                    {"id": "half", "cost": 100000, "contributions": {"g2": 2}},
                    {"id": "full", "cost": 200000, "contributions": {"g2": 5}},
                ],
            },
        ],
    }


def option(option_id: str, cost: float, **contributions: float) -> FundingOption:
    return FundingOption(option_id, cost, contributions)


def levels(
    line_id: str, unit: str, purpose: str, costs: tuple[float, ...], scores: tuple[float, ...], **fields: Any
) -> Line:
    """A line whose options o0, o1, ... cost ``costs`` and contribute ``scores`` to goal g."""
    options = tuple(option(f"o{k}", cost, g=score) for k, (cost, score) in enumerate(zip(costs, scores, strict=True)))
    return Line(line_id, unit, purpose, options, **fields)


def one_goal(budget: float, *lines: Line, units: tuple[Unit, ...] = (), **bounds: PurposeBound) -> AllocationProblem:
    unit_ids = dict.fromkeys(line.unit for line in lines)
    listed = units + tuple(Unit(unit) for unit in unit_ids if unit not in {u.id for u in units})
    return AllocationProblem(budget, (Goal("g", 1.0),), listed, bounds, lines)


def seeded(seed: int, lines: int = 8) -> AllocationProblem:
    """A random problem of ``lines`` lines x 3 options with every kind of constraint."""
    rng = np.random.default_rng(seed)
    goals = tuple(Goal(f"g{i}", float(rng.integers(1, 50))) for i in range(3))
    units = (Unit("u0", 20.0, 400.0), Unit("u1", None, 300.0), Unit("u2", 10.0, None))
    built = []
    for i in range(lines):
        full = float(rng.integers(10, 120))
        costs = (0.0, round(full / 2), full)
        contributions = [
            {g.id: float(rng.integers(0, 6)) * k / 2 for g in goals if rng.random() < 0.6} for k in range(3)
        ]
        previous = float(costs[rng.integers(0, 3)]) if rng.random() < 0.7 else None
        built.append(
            Line(
                f"l{i}",
                f"u{rng.integers(0, 3)}",
                str(rng.choice(["innovation", "efficiency", "service_delivery"])),
                tuple(FundingOption(f"o{k}", costs[k], contributions[k]) for k in range(3)),
                mandatory=bool(rng.random() < 0.2),
                requires=(f"l{(i + 1) % lines}",) if rng.random() < 0.2 else (),
                previous_cost=previous,
                max_change=0.5 if previous is not None and rng.random() < 0.4 else None,
                locked_option="o2" if rng.random() < 0.1 else None,
            )
        )
    bounds = {"innovation": PurposeBound(0.125, 0.5), "service_delivery": PurposeBound(None, 0.75)}
    return AllocationProblem(float(rng.integers(150, 500)), goals, units, bounds, tuple(built))
