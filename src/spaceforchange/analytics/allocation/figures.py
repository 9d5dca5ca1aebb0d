"""The figures of one allocation: totals, value, purpose mix, units, money by goal, broken constraints.

Money by goal: each line's chosen cost is shared among the goals its chosen option contributes
to, in proportion to the contribution scores (a line costing 100 with scores 4 for g1 and 1 for
g2 gives 80 to g1 and 20 to g2; goal weights play no part). The cost of options contributing to
no goal is ``unattributed``. Previous figures use each line's ``previous_cost`` (none counts 0).

A constraint counts as broken only beyond a relative slack of ``parameters.tolerance`` (of the
bound, or of the total cost for purpose shares, and at least of 1), so that solver round-off of
a fraction of a cent is not reported as a breach.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from spaceforchange.analytics.allocation import constraints as c
from spaceforchange.analytics.allocation.model import (
    DEFAULT_PARAMETERS,
    AllocationParameters,
    AllocationProblem,
    Conflict,
    FundingOption,
    Line,
)


@dataclass(frozen=True)
class PurposeFigures:
    purpose: str
    cost: float
    share: float  # of the total cost; 0 when the total is 0
    previous_cost: float
    previous_share: float
    min: float | None
    max: float | None


@dataclass(frozen=True)
class UnitFigures:
    unit: str
    cost: float
    previous_cost: float
    change: float  # cost - previous_cost
    floor: float | None
    ceiling: float | None


@dataclass(frozen=True)
class GoalMoney:
    goal: str
    money: float
    previous_money: float  # the same split applied to the options closest to the previous costs


@dataclass(frozen=True)
class ScenarioFigures:
    budget: float
    total_cost: float
    previous_total: float
    value: float  # the objective: sum of goal weight x contribution of the chosen options
    funded_lines: int  # lines whose chosen option costs more than 0
    purposes: tuple[PurposeFigures, ...]
    units: tuple[UnitFigures, ...]
    goals: tuple[GoalMoney, ...]
    unattributed: float  # money of options contributing to no goal
    violations: tuple[Conflict, ...]


def closest_to_previous(line: Line) -> FundingOption:
    """The option whose cost is nearest the line's previous cost (0 for a new line); first on ties."""
    target = line.previous_cost or 0.0
    return min(line.options, key=lambda option: abs(option.cost - target))


def _options(problem: AllocationProblem, chosen: Mapping[str, str]) -> list[FundingOption]:
    ids = {line.id for line in problem.lines}
    wrong = [f"line {line.id} has no option chosen" for line in problem.lines if line.id not in chosen]
    wrong += [f"there is no line {line_id}" for line_id in chosen if line_id not in ids]
    options: list[FundingOption] = []
    for line in problem.lines:
        matching = [option for option in line.options if option.id == chosen.get(line.id)]
        if line.id in chosen and not matching:
            wrong.append(f"line {line.id} has no option {chosen[line.id]}")
        options.extend(matching[:1])
    if wrong:
        raise ValueError("Not an allocation of this problem: " + "; ".join(wrong) + ".")
    return options


def evaluate(
    problem: AllocationProblem, chosen: Mapping[str, str], parameters: AllocationParameters = DEFAULT_PARAMETERS
) -> ScenarioFigures:
    """The figures of the allocation ``chosen`` (line id -> option id, every line exactly once)."""
    options = _options(problem, chosen)
    total = sum(option.cost for option in options)
    previous = [line.previous_cost or 0.0 for line in problem.lines]
    goals, unattributed = _goal_money(problem, options)
    before, _ = _goal_money(problem, [closest_to_previous(line) for line in problem.lines])
    return ScenarioFigures(
        budget=problem.budget,
        total_cost=total,
        previous_total=sum(previous),
        value=sum(problem.option_value(option) for option in options),
        funded_lines=sum(option.cost > 0 for option in options),
        purposes=_purposes(problem, options, previous),
        units=_units(problem, options, previous),
        goals=tuple(GoalMoney(goal.id, goals[goal.id], before[goal.id]) for goal in problem.goals),
        unattributed=unattributed,
        violations=violations(problem, options, parameters.tolerance),
    )


def _goal_money(problem: AllocationProblem, options: list[FundingOption]) -> tuple[dict[str, float], float]:
    money = {goal.id: 0.0 for goal in problem.goals}
    unattributed = 0.0
    for option in options:
        scores = {goal: score for goal, score in option.contributions.items() if score > 0 and goal in money}
        if not scores:
            unattributed += option.cost
            continue
        for goal, score in scores.items():
            money[goal] += option.cost * score / sum(scores.values())
    return money, unattributed


def _purposes(
    problem: AllocationProblem, options: list[FundingOption], previous: list[float]
) -> tuple[PurposeFigures, ...]:
    names = list(dict.fromkeys([line.purpose for line in problem.lines] + list(problem.purpose_bounds)))
    total, previous_total = sum(option.cost for option in options), sum(previous)
    figures = []
    for name in names:
        cost = sum(option.cost for line, option in zip(problem.lines, options, strict=True) if line.purpose == name)
        before = sum(cost for line, cost in zip(problem.lines, previous, strict=True) if line.purpose == name)
        bound = problem.purpose_bounds.get(name)
        figures.append(
            PurposeFigures(
                purpose=name,
                cost=cost,
                share=cost / total if total > 0 else 0.0,
                previous_cost=before,
                previous_share=before / previous_total if previous_total > 0 else 0.0,
                min=bound.min if bound else None,
                max=bound.max if bound else None,
            )
        )
    return tuple(figures)


def _units(problem: AllocationProblem, options: list[FundingOption], previous: list[float]) -> tuple[UnitFigures, ...]:
    bounds = {unit.id: unit for unit in problem.units}
    names = list(dict.fromkeys(list(bounds) + [line.unit for line in problem.lines]))
    cost = dict.fromkeys(names, 0.0)
    before = dict.fromkeys(names, 0.0)
    for line, option, last in zip(problem.lines, options, previous, strict=True):
        cost[line.unit] += option.cost
        before[line.unit] += last
    return tuple(
        UnitFigures(
            unit=name,
            cost=cost[name],
            previous_cost=before[name],
            change=cost[name] - before[name],
            floor=bounds[name].floor if name in bounds else None,
            ceiling=bounds[name].ceiling if name in bounds else None,
        )
        for name in names
    )


def violations(problem: AllocationProblem, options: list[FundingOption], tolerance: float) -> tuple[Conflict, ...]:
    """Every constraint the allocation (one option per line, in line order) breaks."""

    def slack(scale: float) -> float:
        return tolerance * max(1.0, abs(scale))

    total = sum(option.cost for option in options)
    found: list[Conflict] = []
    if total > problem.budget + slack(problem.budget):
        found.append(_broken(c.budget_conflict(problem), f"the total cost is {c.money(total)}"))
    unit_cost = dict.fromkeys([line.unit for line in problem.lines], 0.0)
    for line, option in zip(problem.lines, options, strict=True):
        unit_cost[line.unit] += option.cost
    for unit in problem.units:
        spent = unit_cost.get(unit.id, 0.0)
        if unit.floor is not None and spent < unit.floor - slack(unit.floor):
            found.append(_broken(c.unit_floor_conflict(unit.id, unit.floor), f"it receives {c.money(spent)}"))
        if unit.ceiling is not None and spent > unit.ceiling + slack(unit.ceiling):
            found.append(_broken(c.unit_ceiling_conflict(unit.id, unit.ceiling), f"it receives {c.money(spent)}"))
    for purpose, bound in problem.purpose_bounds.items():
        spent = sum(option.cost for line, option in zip(problem.lines, options, strict=True) if line.purpose == purpose)
        held = f"it has {c.share(spent / total) if total > 0 else c.share(0)}"
        if bound.min is not None and spent - bound.min * total < -slack(total):
            found.append(_broken(c.purpose_min_conflict(purpose, bound.min), held))
        if bound.max is not None and spent - bound.max * total > slack(total):
            found.append(_broken(c.purpose_max_conflict(purpose, bound.max), held))
    return tuple(found) + _line_violations(problem, options)


def _line_violations(problem: AllocationProblem, options: list[FundingOption]) -> tuple[Conflict, ...]:
    chosen = {line.id: option for line, option in zip(problem.lines, options, strict=True)}
    found: list[Conflict] = []
    for line, option in zip(problem.lines, options, strict=True):
        taken = f"it takes option {option.id} costing {c.money(option.cost)}"
        if line.mandatory and option.cost <= 0:
            found.append(_broken(c.mandatory_conflict(line.id), taken))
        for required in line.requires:
            if option.cost > 0 and chosen[required].cost <= 0:
                found.append(_broken(c.requires_conflict(line.id, required), f"{taken} but {required} is not funded"))
        if line.previous_cost is not None and line.max_change is not None and not c.in_window(line, option.cost):
            found.append(_broken(c.stability_conflict(line), taken))
        if line.locked_option is not None and option.id != line.locked_option:
            found.append(_broken(c.lock_conflict(line.id, line.locked_option), f"it takes option {option.id}"))
    return tuple(found)


def _broken(conflict: Conflict, how: str) -> Conflict:
    """The constraint, its message followed by how the allocation breaks it."""
    return Conflict(conflict.key, conflict.kind, conflict.subject, f"{conflict.message} Broken: {how}.")
