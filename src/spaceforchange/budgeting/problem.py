"""A budget cycle as an ``analytics.allocation.AllocationProblem``, and in the scenario file format.

Ids are database ids as text (lines, units, goals); options are keyed by their key. Goals are the
active goals with their weights; units are those with lines in the cycle or an envelope (floor and
ceiling); a locked line keeps the option whose cost is nearest its amount.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from spaceforchange.analytics import allocation
from spaceforchange.budgeting.models import (
    BudgetCycle,
    BudgetLine,
    FundingOption,
    LineDependency,
    StrategicGoal,
    UnitEnvelope,
)
from spaceforchange.core.models import Unit


def _options(cycle: BudgetCycle) -> dict[int, list[allocation.FundingOption]]:
    options: dict[int, list[allocation.FundingOption]] = defaultdict(list)
    for option in FundingOption.objects.filter(line__cycle=cycle).order_by("line_id", "cost", "key"):
        options[option.line_id].append(
            allocation.FundingOption(
                id=option.key,
                cost=float(option.cost),
                contributions={str(goal): float(score) for goal, score in option.contributions.items()},
                name=option.label,
            )
        )
    return options


def _locked_option(amount: float, options: list[allocation.FundingOption]) -> str | None:
    """A locked line keeps the option whose cost is nearest its amount (the first on a tie)."""
    return min(options, key=lambda option: abs(option.cost - amount)).id if options else None


def _units(cycle: BudgetCycle, unit_ids: set[int]) -> tuple[allocation.Unit, ...]:
    envelopes = {envelope.unit_id: envelope for envelope in UnitEnvelope.objects.filter(cycle=cycle)}
    names = dict(Unit.objects.filter(pk__in=unit_ids | set(envelopes)).values_list("pk", "name"))
    return tuple(
        allocation.Unit(
            id=str(pk),
            floor=float(envelopes[pk].floor) if pk in envelopes else None,
            ceiling=float(envelopes[pk].ceiling) if pk in envelopes and envelopes[pk].ceiling is not None else None,
            name=names.get(pk, ""),
        )
        for pk in sorted(unit_ids | set(envelopes))
    )


def allocation_problem(cycle: BudgetCycle) -> allocation.AllocationProblem:
    """The cycle as an allocation problem: ids are database ids as text, options keyed by their key."""
    options = _options(cycle)
    requires: dict[int, list[str]] = defaultdict(list)
    for line_id, required_id in LineDependency.objects.filter(line__cycle=cycle).values_list("line_id", "requires_id"):
        requires[line_id].append(str(required_id))
    lines = []
    unit_ids: set[int] = set()
    for line in BudgetLine.objects.filter(cycle=cycle).order_by("code", "pk"):
        unit_ids.add(line.unit_id)
        line_options = options.get(line.pk, [])
        lines.append(
            allocation.Line(
                id=str(line.pk),
                unit=str(line.unit_id),
                purpose=line.purpose,
                options=tuple(line_options),
                mandatory=line.mandatory,
                requires=tuple(sorted(requires.get(line.pk, []))),
                previous_cost=float(line.previous_amount) if line.previous_amount is not None else None,
                max_change=line.max_change,
                locked_option=_locked_option(float(line.amount), line_options) if line.locked else None,
                name=f"{line.code} {line.title}",
            )
        )
    goals = tuple(
        allocation.Goal(id=str(pk), weight=float(weight), name=title)
        for pk, weight, title in StrategicGoal.objects.filter(organization_id=cycle.organization_id, active=True)
        .order_by("pk")
        .values_list("pk", "weight", "title")
    )
    bounds = {
        purpose: allocation.PurposeBound(min=bound.get("min"), max=bound.get("max"))
        for purpose, bound in cycle.purpose_bounds.items()
    }
    return allocation.AllocationProblem(
        budget=float(cycle.total_budget),
        goals=goals,
        units=_units(cycle, unit_ids),
        purpose_bounds=bounds,
        lines=tuple(lines),
        name=cycle.name,
    )


def scenario_document(cycle: BudgetCycle) -> dict[str, Any]:
    """The cycle in the scenario file format (docs/reference/budget-scenario.md), for ``sfc budget optimize``."""
    return allocation.problem_to_dict(allocation_problem(cycle))
