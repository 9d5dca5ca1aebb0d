"""Scenarios: allocate a cycle's money (current, optimised, greedy-by-score or by hand) and adopt one.

The cycle is read into an ``analytics.allocation.AllocationProblem`` (``selectors.allocation_problem``),
solved outside any transaction (the optimiser may take seconds, and a transaction would hold
SQLite's write lock that long), then stored in one transaction with its figures.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spaceforchange.analytics import allocation
from spaceforchange.budgeting import selectors
from spaceforchange.budgeting.models import BudgetCycle, CycleStatus, Method, Scenario, ScenarioStatus
from spaceforchange.core.models import User
from spaceforchange.portfolio.services import check_length, is_member

NAME_MAX, NOTE_MAX = 100, 4000
Solver = Callable[[allocation.AllocationProblem, allocation.AllocationParameters], allocation.AllocationResult]
SOLVERS: dict[str, Solver] = {
    Method.CURRENT: allocation.current_allocation,
    Method.OPTIMISED: allocation.optimize,
    Method.GREEDY: allocation.greedy_by_score,
}
# Scenarios with an allocation to adopt.
ADOPTABLE = {ScenarioStatus.OPTIMAL, ScenarioStatus.FEASIBLE, ScenarioStatus.VIOLATES_CONSTRAINTS}


def _manual(problem: allocation.AllocationProblem, chosen: Mapping[str, str]) -> allocation.AllocationResult:
    try:
        figures = allocation.evaluate(problem, chosen)
    except ValueError as error:
        raise ValidationError({"chosen": [_("Choose one funding option of the cycle for every line.")]}) from error
    status = allocation.Status.VIOLATES_CONSTRAINTS if figures.violations else allocation.Status.FEASIBLE
    return allocation.AllocationResult(
        allocation.Method.CURRENT,
        status,
        figures.value,
        dict(chosen),
        figures.total_cost,
        None,
        0.0,
        figures.violations,
    )


def _name(cycle: BudgetCycle, method: str, name: str) -> str:
    if name:
        return name
    label = str(Method(method).label)
    taken = set(cycle.scenarios.values_list("name", flat=True))
    number = 1
    while f"{label} {number}" in taken:
        number += 1
    return f"{label} {number}"


def _check(cycle: BudgetCycle, method: str, name: str, chosen: Mapping[str, str] | None) -> None:
    errors: dict[str, list[str]] = {}
    if method not in Method.values:
        errors["method"] = [_("Choose current, optimised, greedy or manual.")]
    elif (method == Method.MANUAL) != (chosen is not None):
        errors["chosen"] = [_("A manual scenario, and only a manual one, names its chosen options.")]
    if len(name) > NAME_MAX:
        errors["name"] = [_("At most %(limit)d characters.") % {"limit": NAME_MAX}]
    elif name and cycle.scenarios.filter(name__iexact=name).exists():
        errors["name"] = [_("The cycle already has a scenario with this name.")]
    if not cycle.lines.exists():
        errors["cycle"] = [_("The cycle has no budget lines to allocate.")]
    if errors:
        raise ValidationError(errors)


def figures_as_json(figures: allocation.ScenarioFigures) -> dict[str, Any]:
    data = dataclasses.asdict(figures)
    data["violations"] = [conflict.as_dict() for conflict in figures.violations]
    return data


# Pages and the API wait for a scenario, and a request times out after 60 s (`sfc serve --timeout`):
# the optimisation and the narrowing-down of a conflict get 20 s each there. What the time limit
# cuts short is still reported honestly (`feasible` with its gap, or `time_limit`);
# `sfc budget optimize` keeps the optimiser's full minute.
INTERACTIVE_PARAMETERS = allocation.AllocationParameters(time_limit_s=20.0, diagnosis_time_limit_s=20.0)


def run_scenario(
    *,
    cycle: BudgetCycle,
    method: str,
    name: str = "",
    chosen: Mapping[str, str] | None = None,
    actor: User | None = None,
    parameters: allocation.AllocationParameters | None = None,
) -> Scenario:
    """Allocate the cycle by ``method`` (``current``, ``optimised``, ``greedy``, or ``manual`` with
    ``chosen``: line id as text → option key) and store the scenario with its figures.

    An infeasible optimisation is stored too, with the conflicting constraints in ``conflicts``.
    """
    name = name.strip()
    _check(cycle, method, name, chosen)
    problem = selectors.allocation_problem(cycle)
    if method == Method.MANUAL:
        result = _manual(problem, chosen or {})
    else:
        result = SOLVERS[method](problem, parameters or INTERACTIVE_PARAMETERS)
    figures = figures_as_json(allocation.evaluate(problem, result.chosen)) if result.chosen else {}
    with transaction.atomic():
        try:
            return Scenario.objects.create(
                organization_id=cycle.organization_id,
                cycle=cycle,
                name=_name(cycle, method, name),
                method=method,
                status=str(result.status),
                objective=result.objective or 0.0,
                total_cost=Decimal(str(round(result.total_cost or 0.0, 2))),
                gap=result.gap,
                seconds=round(result.seconds, 4),
                chosen=dict(result.chosen),
                figures=figures,
                conflicts=[conflict.as_dict() for conflict in result.conflicts],
                created_by=actor,
            )
        except IntegrityError as error:  # the same name saved meanwhile by someone else
            raise ValidationError({"name": [_("The cycle already has a scenario with this name.")]}) from error


@transaction.atomic
def adopt_scenario(*, scenario: Scenario, note: str, actor: User) -> Scenario:
    """Record leadership's decision: this scenario is the cycle's allocation (the cycle becomes decided).

    One adopted scenario per cycle; a scenario without an allocation (infeasible, out of time,
    failed) cannot be adopted. ``note`` records the decision and its reasons.
    """
    cycle = BudgetCycle.objects.select_for_update().get(pk=scenario.cycle_id)
    errors: dict[str, list[str]] = {}
    text = note.strip()
    if not text:
        errors["note"] = [_("Record the decision: what is adopted and why.")]
    check_length(errors, "note", text, NOTE_MAX)
    if not is_member(cycle.organization, actor):
        errors["actor"] = [_("Only members of the organisation adopt scenarios.")]
    if scenario.status not in ADOPTABLE or not scenario.chosen:
        errors["scenario"] = [_("This scenario has no allocation to adopt.")]
    elif cycle.scenarios.filter(adopted_at__isnull=False).exists():
        errors["scenario"] = [_("A scenario of this cycle is already adopted.")]
    if errors:
        raise ValidationError(errors)
    scenario.adopted_at, scenario.adopted_by, scenario.adoption_note = timezone.now(), actor, text
    scenario.save(update_fields=["adopted_at", "adopted_by", "adoption_note"])
    cycle.status = CycleStatus.DECIDED
    cycle.save(update_fields=["status"])
    return scenario
