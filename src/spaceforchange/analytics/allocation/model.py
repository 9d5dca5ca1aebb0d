"""The records of a budget allocation problem and of its answers.

A problem is a budget, weighted strategic goals, organisational units, purpose-mix bounds and
budget lines; every line has funding options, and an allocation picks exactly one option per
line. ``docs/reference/budget-scenario.md`` states the meaning of every field; the scenario file
format (``scenario.py``) maps onto these records one to one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class FundingOption:
    id: str
    cost: float
    contributions: Mapping[str, float] = field(default_factory=dict)  # goal id -> score 0..5
    name: str = ""


@dataclass(frozen=True)
class Line:
    id: str
    unit: str
    purpose: str
    options: tuple[FundingOption, ...]
    mandatory: bool = False  # a legal obligation: must take an option that costs more than 0
    requires: tuple[str, ...] = ()  # funded (cost > 0) only if each of these lines is funded
    previous_cost: float | None = None  # last cycle's cost; None for a new line
    max_change: float | None = None  # stability: cost within previous_cost x (1 +/- max_change)
    locked_option: str | None = None
    name: str = ""

    def option(self, option_id: str) -> FundingOption:
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(f"line {self.id} has no option {option_id}")


@dataclass(frozen=True)
class Goal:
    id: str
    weight: float
    name: str = ""


@dataclass(frozen=True)
class Unit:
    id: str
    floor: float | None = None
    ceiling: float | None = None
    name: str = ""


@dataclass(frozen=True)
class PurposeBound:
    """Bounds on a purpose's share (0..1) of the total cost of the allocation."""

    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class AllocationProblem:
    budget: float
    goals: tuple[Goal, ...]
    units: tuple[Unit, ...]
    purpose_bounds: Mapping[str, PurposeBound]
    lines: tuple[Line, ...]
    name: str = ""

    def option_value(self, option: FundingOption) -> float:
        """What the objective gains when ``option`` is chosen: sum of goal weight x contribution."""
        weights = {goal.id: goal.weight for goal in self.goals}
        return sum(weights.get(goal, 0.0) * score for goal, score in option.contributions.items())


@dataclass(frozen=True)
class AllocationParameters:
    time_limit_s: float = 60.0  # for the optimisation itself
    mip_rel_gap: float = 0.001  # "optimal" means proven within this relative gap of the best bound
    diagnosis_time_limit_s: float = 60.0  # for narrowing an infeasible problem down to its conflict
    tolerance: float = 1e-6  # relative slack when checking a constraint (solver round-off)
    # HiGHS's presolve spends seconds probing the dense budget and share rows and gains nothing
    # on these problems (5,000 lines: 1.0 s without it, 4.4 s with it; docs/performance.md).
    presolve: bool = False

    def __post_init__(self) -> None:
        for name in ("time_limit_s", "diagnosis_time_limit_s"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, not {getattr(self, name)}")
        for name in ("mip_rel_gap", "tolerance"):
            if not 0 <= getattr(self, name) < 1:
                raise ValueError(f"{name} must be in [0, 1), not {getattr(self, name)}")


DEFAULT_PARAMETERS = AllocationParameters()


class ConstraintKind(StrEnum):
    BUDGET = "budget"
    UNIT_FLOOR = "unit_floor"
    UNIT_CEILING = "unit_ceiling"
    PURPOSE_MIN = "purpose_min"
    PURPOSE_MAX = "purpose_max"
    MANDATORY = "mandatory"
    REQUIRES = "requires"
    STABILITY = "stability"
    LOCK = "lock"
    # A whole group, named when an infeasible problem could not be narrowed down to its members.
    ALL_MANDATORY = "all_mandatory"
    ALL_REQUIRES = "all_requires"
    ALL_STABILITY = "all_stability"
    ALL_LOCKS = "all_locks"


@dataclass(frozen=True)
class Conflict:
    """One constraint: in a conflict (infeasible problem) or broken by an allocation.

    ``key`` is stable and machine-readable (``budget``, ``unit_floor:u1``, ``requires:l2:l7``);
    ``subject`` holds the ids it is about; ``message`` says it in English for people.
    """

    key: str
    kind: ConstraintKind
    subject: tuple[str, ...]
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "kind": str(self.kind), "subject": list(self.subject), "message": self.message}


class Status(StrEnum):
    OPTIMAL = "optimal"  # proven optimal within mip_rel_gap
    FEASIBLE = "feasible"  # meets every constraint; optimality not proven (time limit) or not sought
    INFEASIBLE = "infeasible"  # no allocation meets every constraint; ``conflicts`` says why
    TIME_LIMIT = "time_limit"  # the time ran out before any allocation meeting every constraint was found
    ERROR = "error"  # the solver failed; ``message`` says how
    VIOLATES_CONSTRAINTS = "violates_constraints"  # a greedy or current allocation breaks ``conflicts``


class Method(StrEnum):
    OPTIMAL = "optimal"
    GREEDY = "greedy"
    CURRENT = "current"


@dataclass(frozen=True)
class AllocationResult:
    method: Method
    status: Status
    objective: float | None  # the value of ``chosen``; None when there is no allocation
    chosen: Mapping[str, str]  # line id -> option id; empty when there is no allocation
    total_cost: float | None
    gap: float | None  # relative gap to the best bound (optimiser only)
    seconds: float
    conflicts: tuple[Conflict, ...] = ()
    narrowed: bool = True  # infeasible: whether ``conflicts`` is proven irreducible
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": str(self.method),
            "status": str(self.status),
            "objective": self.objective,
            "chosen": dict(self.chosen),
            "total_cost": self.total_cost,
            "gap": self.gap,
            "seconds": round(self.seconds, 4),
            "conflicts": [conflict.as_dict() for conflict in self.conflicts],
            "narrowed": self.narrowed,
            "message": self.message,
        }
