"""Reads of strategy and money shaped for the pages, the API, the alerts and the scenarios.

Every selector takes the organisation explicitly (or an object already fetched through one);
another organisation's ids give 404. Some live in their own modules and are re-exported here:
the indicators and the demonstrate-or-change list (``indicators``), two scenarios side by side
(``comparison``), the cycle as an allocation problem (``problem``), the lines as CSV or XLSX
(``import_lines.export_lines``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from spaceforchange.budgeting.comparison import Comparison as Comparison
from spaceforchange.budgeting.comparison import scenario_comparison as scenario_comparison
from spaceforchange.budgeting.import_lines import export_lines as export_lines
from spaceforchange.budgeting.indicators import CycleIndicators as CycleIndicators
from spaceforchange.budgeting.indicators import DemonstrateOrChange as DemonstrateOrChange
from spaceforchange.budgeting.indicators import demonstrate_or_change as demonstrate_or_change
from spaceforchange.budgeting.indicators import indicators as indicators
from spaceforchange.budgeting.indicators import line_facts as line_facts
from spaceforchange.budgeting.models import (
    Basis,
    BudgetCycle,
    BudgetLine,
    GoalContribution,
    LineDependency,
    Purpose,
    Scenario,
    StrategicGoal,
    Strategy,
    StrategyRevision,
    UnitContributionStatement,
    UnitEnvelope,
)
from spaceforchange.budgeting.problem import allocation_problem as allocation_problem
from spaceforchange.budgeting.problem import scenario_document as scenario_document
from spaceforchange.core.models import Organization

SEARCH_MAX = 200
LINE_SORTS = {
    "code": ("code", "pk"),
    "title": ("title", "pk"),
    "amount": ("-amount", "code", "pk"),
    "unit": ("unit__name", "code", "pk"),
}
LINE_FILTERS = ("unit", "purpose", "basis", "mandatory", "linked")


# --- Strategy ---------------------------------------------------------------------------------


def strategy_for(organization: Organization) -> Strategy | None:
    """The organisation's strategy, or None before anyone set one up."""
    return Strategy.objects.filter(organization=organization).first()


def goals_for(organization: Organization, *, active_only: bool = False) -> QuerySet[StrategicGoal]:
    goals = StrategicGoal.objects.filter(organization=organization).select_related("owner")
    return goals.filter(active=True) if active_only else goals


def goal_of(organization: Organization, goal_id: int) -> StrategicGoal:
    return get_object_or_404(goals_for(organization), pk=goal_id)


def revisions(organization: Organization) -> QuerySet[StrategyRevision]:
    """Every revision, newest first, with who made it."""
    return StrategyRevision.objects.filter(organization=organization).select_related("revised_by").order_by("-number")


def revision_of(organization: Organization, revision_id: int) -> StrategyRevision:
    return get_object_or_404(revisions(organization), pk=revision_id)


def contributions_of(subject: Any) -> QuerySet[GoalContribution]:
    """The goal contributions of an initiative, a budget line or a unit, with their goals."""
    field = {"Initiative": "initiative", "BudgetLine": "budget_line", "Unit": "unit"}[type(subject).__name__]
    return GoalContribution.objects.filter(**{field: subject}).select_related("goal").order_by("goal__title")


# --- Cycles and lines -------------------------------------------------------------------------


def cycles_for(organization: Organization) -> QuerySet[BudgetCycle]:
    """The organisation's cycles, latest first, with their line count and total of line amounts."""
    return BudgetCycle.objects.filter(organization=organization).annotate(
        line_count=Count("lines", distinct=True), lines_total=Sum("lines__amount")
    )


def cycle_detail(organization: Organization, cycle_id: int) -> BudgetCycle:
    return get_object_or_404(BudgetCycle.objects.filter(organization=organization), pk=cycle_id)


def line_of(organization: Organization, line_id: int) -> BudgetLine:
    """One line with its unit, options, goal contributions and dependencies; 404 for another organisation's."""
    queryset = BudgetLine.objects.filter(organization=organization).select_related("unit", "cycle")
    queryset = queryset.prefetch_related(
        "options",
        Prefetch("goal_contributions", queryset=GoalContribution.objects.select_related("goal")),
        Prefetch("dependencies", queryset=LineDependency.objects.select_related("requires")),
    )
    return get_object_or_404(queryset, pk=line_id)


def _line_filters(queryset: QuerySet[BudgetLine], filters: Mapping[str, Any]) -> QuerySet[BudgetLine]:
    if filters.get("unit"):
        queryset = queryset.filter(unit_id=filters["unit"])
    if filters.get("purpose") in Purpose.values:
        queryset = queryset.filter(purpose=filters["purpose"])
    if filters.get("basis") in Basis.values:
        queryset = queryset.filter(basis=filters["basis"])
    if filters.get("mandatory") in (True, False):
        queryset = queryset.filter(mandatory=filters["mandatory"])
    if filters.get("linked") in (True, False):
        linked = Q(goal_contributions__score__gt=0)
        queryset = queryset.filter(linked) if filters["linked"] else queryset.exclude(linked)
    return queryset.distinct() if filters.get("linked") is True else queryset


def lines_for(
    cycle: BudgetCycle, *, search: str = "", filters: Mapping[str, Any] | None = None, sort: str = "code"
) -> QuerySet[BudgetLine]:
    """The cycle's lines (the view paginates): searched in code and title, filtered by ``unit`` (id),
    ``purpose``, ``basis``, ``mandatory`` and ``linked`` (bool), sorted by a key of ``LINE_SORTS``.
    Each line carries ``goal_count`` and its contributions with their goals."""
    queryset = BudgetLine.objects.filter(cycle=cycle).select_related("unit")
    text = search.strip()[:SEARCH_MAX]
    if text:
        queryset = queryset.filter(Q(code__icontains=text) | Q(title__icontains=text))
    queryset = _line_filters(queryset, filters or {})
    queryset = queryset.annotate(goal_count=Count("goal_contributions", filter=Q(goal_contributions__score__gt=0)))
    queryset = queryset.prefetch_related(
        Prefetch("goal_contributions", queryset=GoalContribution.objects.select_related("goal"))
    )
    return queryset.order_by(*LINE_SORTS.get(sort, LINE_SORTS["code"]))


def envelopes_for(cycle: BudgetCycle) -> QuerySet[UnitEnvelope]:
    return UnitEnvelope.objects.filter(cycle=cycle).select_related("unit").order_by("unit__name")


def statements_for(cycle: BudgetCycle) -> QuerySet[UnitContributionStatement]:
    return (
        UnitContributionStatement.objects.filter(cycle=cycle)
        .select_related("unit", "submitted_by", "reviewed_by")
        .prefetch_related("goals")
        .order_by("unit__name")
    )


def statement_of(organization: Organization, statement_id: int) -> UnitContributionStatement:
    queryset = UnitContributionStatement.objects.filter(organization=organization).select_related("cycle", "unit")
    return get_object_or_404(queryset, pk=statement_id)


def scenarios_for(cycle: BudgetCycle) -> QuerySet[Scenario]:
    return Scenario.objects.filter(cycle=cycle).select_related("created_by", "adopted_by").order_by("created_at", "pk")


def scenario_of(organization: Organization, scenario_id: int) -> Scenario:
    queryset = Scenario.objects.filter(organization=organization).select_related("cycle", "adopted_by", "created_by")
    return get_object_or_404(queryset, pk=scenario_id)
