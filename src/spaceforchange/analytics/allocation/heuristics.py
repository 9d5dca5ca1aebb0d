"""The two reference allocations an optimised one is compared with: greedy-by-score and current.

Greedy-by-score does what priority-based-budgeting tools do: rank by contribution per cost and
fund down the list until the money runs out. Exactly:

1. Each line's allowed options: a locked line only its locked option; otherwise the options
   within its maximum change from the previous cost, and for a mandatory line only those
   costing more than 0. A line left with none falls back to all its options (the breach is
   then reported).
2. Obligations first: every line starts at its cheapest allowed option (on equal cost the one
   of most value, then the first), so mandatory lines are funded before anything else.
3. Every other allowed option of an unlocked line that costs more and is worth more than the
   line's starting option is an upgrade, scored by value gained per extra cost against the
   starting option. Upgrades are taken in order of score (ties: line order, then option
   order), each once, if it costs more than the line's option at that moment, is worth more,
   its extra cost fits in the money left, it keeps the unit within its ceiling, and every line
   it requires is funded at that moment; otherwise it is skipped.

It does not seek unit floors or purpose-mix bounds, and a starting option may break a dependency
(a line that cannot go unfunded requiring one that is not funded); whatever it breaks is listed.

Current: each line takes the option whose cost is closest to its previous cost (a new line,
without one, the cheapest); locks are ignored, as this is what the last cycle funded.
"""

from __future__ import annotations

from time import perf_counter

from spaceforchange.analytics.allocation.constraints import in_window
from spaceforchange.analytics.allocation.figures import closest_to_previous, evaluate
from spaceforchange.analytics.allocation.model import (
    DEFAULT_PARAMETERS,
    AllocationParameters,
    AllocationProblem,
    AllocationResult,
    FundingOption,
    Line,
    Method,
    Status,
)


def allowed_options(line: Line) -> tuple[FundingOption, ...]:
    if line.locked_option is not None:
        return (line.option(line.locked_option),)
    kept = tuple(
        option for option in line.options if in_window(line, option.cost) and (option.cost > 0 or not line.mandatory)
    )
    return kept or line.options


def greedy_by_score(
    problem: AllocationProblem, parameters: AllocationParameters = DEFAULT_PARAMETERS
) -> AllocationResult:
    """Fund the options of most value per cost first, as priority-based budgeting does (module docstring)."""
    started = perf_counter()
    current: dict[str, FundingOption] = {}
    upgrades: list[tuple[float, int, int, Line, FundingOption]] = []
    for position, line in enumerate(problem.lines):
        allowed = allowed_options(line)
        start = min(allowed, key=lambda option: (option.cost, -problem.option_value(option)))
        current[line.id] = start
        if line.locked_option is not None:
            continue
        for index, option in enumerate(allowed):
            gain = problem.option_value(option) - problem.option_value(start)
            if option.cost > start.cost and gain > 0:
                upgrades.append((-gain / (option.cost - start.cost), position, index, line, option))
    upgrades.sort(key=lambda upgrade: upgrade[:3])
    money_left = problem.budget - sum(option.cost for option in current.values())
    ceilings = {unit.id: unit.ceiling for unit in problem.units if unit.ceiling is not None}
    unit_cost: dict[str, float] = {}
    for line in problem.lines:
        unit_cost[line.unit] = unit_cost.get(line.unit, 0.0) + current[line.id].cost
    for *_, line, option in upgrades:
        held = current[line.id]
        extra = option.cost - held.cost
        if extra <= 0 or problem.option_value(option) <= problem.option_value(held) or extra > money_left:
            continue
        if unit_cost[line.unit] + extra > ceilings.get(line.unit, float("inf")):
            continue
        if any(current[required].cost <= 0 for required in line.requires):
            continue
        current[line.id] = option
        money_left -= extra
        unit_cost[line.unit] += extra
    return _checked(problem, {line: option.id for line, option in current.items()}, Method.GREEDY, parameters, started)


def current_allocation(
    problem: AllocationProblem, parameters: AllocationParameters = DEFAULT_PARAMETERS
) -> AllocationResult:
    """Each line at the option closest to its previous cost: what the last cycle funded."""
    started = perf_counter()
    chosen = {line.id: closest_to_previous(line).id for line in problem.lines}
    return _checked(problem, chosen, Method.CURRENT, parameters, started)


def _checked(
    problem: AllocationProblem,
    chosen: dict[str, str],
    method: Method,
    parameters: AllocationParameters,
    started: float,
) -> AllocationResult:
    figures = evaluate(problem, chosen, parameters)
    if figures.violations:
        status, message = Status.VIOLATES_CONSTRAINTS, "This allocation breaks the constraints listed."
    else:
        status, message = Status.FEASIBLE, ""
    return AllocationResult(
        method, status, figures.value, chosen, figures.total_cost, None, perf_counter() - started,
        figures.violations, True, message,
    )  # fmt: skip
