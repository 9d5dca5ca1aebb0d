"""Reads shaped for the budgeting API, on top of ``selectors``: each takes the organisation (or an object
already fetched through it) explicitly; another organisation's ids give 404."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from spaceforchange.budgeting import selectors
from spaceforchange.budgeting.comparison import Comparison
from spaceforchange.budgeting.indicators import CycleIndicators
from spaceforchange.budgeting.models import BudgetLine, GoalContribution, StrategicGoal
from spaceforchange.core.models import Organization, Unit, User
from spaceforchange.portfolio.models import Initiative

SUBJECT_MODELS: dict[str, tuple[type[Any], str, str]] = {
    # API name → model, GoalContribution field, what it is called in a 404
    "initiative": (Initiative, "initiative", "initiative"),
    "line": (BudgetLine, "budget_line", "budget line"),
    "unit": (Unit, "unit", "unit"),
}


def members_of(organization: Organization) -> QuerySet[User]:
    return User.objects.filter(memberships__organization=organization, memberships__is_active=True)


def strategy_summary(organization: Organization, today: datetime.date) -> dict[str, Any]:
    """The strategy as ``StrategyOut`` reads it; before anyone set one up, an empty strategy never revised."""
    strategy = selectors.strategy_for(organization)
    goals = selectors.goals_for(organization, active_only=True).order_by("-weight", "title")
    return {
        "vision": strategy.vision if strategy else "",
        "cadence_months": strategy.revision_cadence_months if strategy else 12,
        "last_revised_at": strategy.last_revised_at if strategy else None,
        "next_revision_due": strategy.next_revision_due if strategy else None,
        "overdue": strategy.is_overdue(today) if strategy else False,
        "revision_count": selectors.revisions(organization).count(),
        "goals": list(goals),
    }


def subject_kind(row: GoalContribution) -> str:
    return "initiative" if row.initiative_id else "line" if row.budget_line_id else "unit"


def subject_name(row: GoalContribution) -> str:
    if row.initiative is not None:
        return str(row.initiative.title)
    if row.budget_line is not None:
        return f"{row.budget_line.code} {row.budget_line.title}"
    return str(row.unit.name) if row.unit is not None else ""


def contributions_to(goal: StrategicGoal, kind: str | None = None) -> QuerySet[GoalContribution]:
    """The goal's contributions, strongest first, optionally of one kind of subject."""
    rows = GoalContribution.objects.filter(organization=goal.organization, goal=goal)
    if kind in SUBJECT_MODELS:
        rows = rows.filter(**{f"{SUBJECT_MODELS[kind][1]}__isnull": False})
    return rows.select_related("initiative", "budget_line", "unit").order_by("-score", "pk")


def subject_of(organization: Organization, kind: str, pk: int) -> Any:
    """The organisation's initiative, budget line or unit by id; 404 otherwise."""
    model, _field, what = SUBJECT_MODELS[kind]
    found = model.objects.filter(organization=organization, pk=pk).first()
    if found is None:
        raise HttpError(404, _("No %(what)s of this organisation has the id %(id)d.") % {"what": _(what), "id": pk})
    return found


def contribution_of(goal: StrategicGoal, subject: Any) -> GoalContribution:
    field = {model: name for model, name, _what in SUBJECT_MODELS.values()}[type(subject)]
    return GoalContribution.objects.select_related("initiative", "budget_line", "unit").get(
        goal=goal, **{field: subject}
    )


# --- Cycles and lines -------------------------------------------------------------------------


def indicators_as_dict(found: CycleIndicators) -> dict[str, Any]:
    """The cycle's indicators as JSON-ready data (``BudgetIndicatorsOut``)."""
    return dataclasses.asdict(found)


# --- Scenarios --------------------------------------------------------------------------------


def comparison_as_dict(found: Comparison) -> dict[str, Any]:
    """Two scenarios side by side as JSON-ready data (``ScenarioComparisonOut``)."""

    def rows(items: list[Any]) -> list[dict[str, Any]]:
        return [
            {"key": row.key, "label": row.label, "a": row.a, "b": row.b, "difference": row.difference} for row in items
        ]

    return {
        "a": found.a.pk,
        "b": found.b.pk,
        "totals": rows(found.totals),
        "purposes": rows(found.purposes),
        "purpose_money": rows(found.purpose_money),
        "units": rows(found.units),
        "goals": rows(found.goals),
        "lines": [dataclasses.asdict(change) for change in found.lines],
    }
