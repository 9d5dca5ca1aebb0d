"""Budget allocation: choose one funding option per budget line so that money follows strategy.

``optimize`` solves the allocation exactly (0-1 linear programme, HiGHS through
``scipy.optimize.milp``) and explains infeasible problems; ``greedy_by_score`` and
``current_allocation`` give the reference allocations it is compared with; ``evaluate`` gives
the figures of any allocation; ``parse_scenario`` and ``problem_to_dict`` read and write the
scenario file format of ``docs/reference/budget-scenario.md``.
"""

from spaceforchange.analytics.allocation.figures import (
    GoalMoney,
    PurposeFigures,
    ScenarioFigures,
    UnitFigures,
    closest_to_previous,
    evaluate,
)
from spaceforchange.analytics.allocation.heuristics import allowed_options, current_allocation, greedy_by_score
from spaceforchange.analytics.allocation.model import (
    AllocationParameters,
    AllocationProblem,
    AllocationResult,
    Conflict,
    ConstraintKind,
    FundingOption,
    Goal,
    Line,
    Method,
    PurposeBound,
    Status,
    Unit,
)
from spaceforchange.analytics.allocation.scenario import ScenarioError, parse_scenario, problem_to_dict
from spaceforchange.analytics.allocation.solver import optimize

__all__ = [
    "AllocationParameters",
    "AllocationProblem",
    "AllocationResult",
    "Conflict",
    "ConstraintKind",
    "FundingOption",
    "Goal",
    "GoalMoney",
    "Line",
    "Method",
    "PurposeBound",
    "PurposeFigures",
    "ScenarioError",
    "ScenarioFigures",
    "Status",
    "Unit",
    "UnitFigures",
    "allowed_options",
    "closest_to_previous",
    "current_allocation",
    "evaluate",
    "greedy_by_score",
    "optimize",
    "parse_scenario",
    "problem_to_dict",
]
