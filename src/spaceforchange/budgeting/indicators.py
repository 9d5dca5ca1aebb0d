"""The indicators of FRAMEWORKS.md §11 for a cycle, the demonstrate-or-change list, and what the warnings read.

The arithmetic is in ``domain`` (its docstring defines each figure); this module loads the data in
a fixed number of queries. Re-exported by ``selectors``.

**Which cycles a strategy revision splits.** A revision applies to the cycles starting on or after
the day it was saved (in the organisation's time zone); the cycle it is measured against is the
latest one starting before that day. The *current* cycle, which the warnings read, is the latest
cycle with lines that has started, or, when none has, the earliest cycle with lines.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from spaceforchange.budgeting import domain
from spaceforchange.budgeting.models import (
    BudgetCycle,
    BudgetLine,
    GoalContribution,
    Purpose,
    StrategicGoal,
    Strategy,
    StrategyRevision,
    UnitContributionStatement,
)
from spaceforchange.core.models import Organization, Unit
from spaceforchange.core.selectors import organization_zone


def line_facts(cycle: BudgetCycle) -> list[domain.LineFacts]:
    """The cycle's lines as the indicators read them (two queries)."""
    scores: dict[int, dict[int, int]] = defaultdict(dict)
    rows = GoalContribution.objects.filter(budget_line__cycle=cycle, score__gt=0)
    for line_id, goal_id, score in rows.values_list("budget_line_id", "goal_id", "score"):
        scores[line_id][goal_id] = score or 0
    lines = BudgetLine.objects.filter(cycle=cycle).order_by("code")
    return [
        domain.LineFacts(code, unit_id, float(amount), purpose, basis, scores.get(pk, {}))
        for pk, code, unit_id, amount, purpose, basis in lines.values_list(
            "pk", "code", "unit_id", "amount", "purpose", "basis"
        )
    ]


@dataclass(frozen=True)
class GoalMoney:
    goal_id: int | None  # None: the money in lines linked to no goal
    title: str
    weight: int
    money: float
    share: float  # of the cycle's lines' total


@dataclass(frozen=True)
class StructureChange:
    revision_number: int
    revised_on: datetime.date
    baseline: str  # the cycle measured against
    change: float  # the largest of the three views
    by_goal: float
    by_line: float
    by_purpose: float
    first_after: bool  # the cycle is the first budget after the revision


@dataclass(frozen=True)
class CycleIndicators:
    total: float
    line_count: int
    linked_share: float
    carried_over_share: float
    purpose_mix: dict[str, float]
    target_mix: dict[str, float]
    mix_distance: float | None  # half L1 between mix and target; None without a target
    goals: list[GoalMoney] = field(default_factory=list)
    structure: StructureChange | None = None


def revised_on(revision: StrategyRevision, organization: Organization) -> datetime.date:
    return timezone.localtime(revision.revised_at, organization_zone(organization)).date()


def _revision_before(cycle: BudgetCycle) -> StrategyRevision | None:
    """The latest revision saved on or before the cycle's first day (the org's calendar)."""
    candidates = StrategyRevision.objects.filter(organization_id=cycle.organization_id).order_by("-revised_at")
    for revision in candidates.only("number", "revised_at"):
        if revised_on(revision, cycle.organization) <= cycle.starts_on:
            return revision
    return None


def structure_change(cycle: BudgetCycle, facts: list[domain.LineFacts]) -> StructureChange | None:
    """How much the cycle's structure moved against the last cycle before the strategy revision it follows."""
    revision = _revision_before(cycle)
    if revision is None:
        return None
    day = revised_on(revision, cycle.organization)
    cycles = BudgetCycle.objects.filter(organization_id=cycle.organization_id).exclude(pk=cycle.pk)
    baseline = cycles.filter(starts_on__lt=day).order_by("-starts_on", "-pk").first()
    if baseline is None:
        return None
    earlier_after = cycles.filter(starts_on__gte=day, starts_on__lt=cycle.starts_on).exists()
    figures = domain.structure_change(line_facts(baseline), facts)
    return StructureChange(revision.number, day, baseline.name, first_after=not earlier_after, **figures)


def _goal_money(organization: Organization, facts: list[domain.LineFacts], total: float) -> list[GoalMoney]:
    money = domain.money_by_goal(facts)
    goals = StrategicGoal.objects.filter(organization=organization).filter(Q(active=True) | Q(pk__in=_ids(money)))
    rows = [
        GoalMoney(
            goal.pk, goal.title, goal.weight, money.get(str(goal.pk), 0.0), _share(money.get(str(goal.pk)), total)
        )
        for goal in goals.order_by("-weight", "title")
    ]
    unlinked = money.get(domain.UNLINKED, 0.0)
    return [*rows, GoalMoney(None, "", 0, unlinked, _share(unlinked, total))]


def _ids(money: dict[str, float]) -> list[int]:
    return [int(key) for key in money if key != domain.UNLINKED]


def _share(part: float | None, total: float) -> float:
    return round((part or 0.0) / total, domain.ROUND) if total > 0 else 0.0


def indicators(cycle: BudgetCycle) -> CycleIndicators:
    """Share linked to goals, share carried over, purpose mix against the target, money by goal, and
    the structure change after the strategy revision the cycle follows."""
    facts = line_facts(cycle)
    total = sum(line.amount for line in facts)
    mix = domain.purpose_mix(facts, Purpose.values)
    target = {key: float(value) for key, value in cycle.target_purpose_mix.items()}
    return CycleIndicators(
        total=round(total, 2),
        line_count=len(facts),
        linked_share=domain.share_linked(facts),
        carried_over_share=domain.share_carried_over(facts),
        purpose_mix=mix,
        target_mix=target,
        mix_distance=domain.distance(mix, target) if target else None,
        goals=_goal_money(cycle.organization, facts, total),
        structure=structure_change(cycle, facts),
    )


# --- Demonstrate or change --------------------------------------------------------------------


@dataclass(frozen=True)
class UnitChallenge:
    unit: Unit
    amount: float  # the unit's money in the cycle
    statement: UnitContributionStatement | None  # None: no statement submitted

    @property
    def status(self) -> str:
        """``missing`` (no statement), ``pending`` (not reviewed yet) or ``not_demonstrated``."""
        if self.statement is None:
            return "missing"
        return "pending" if self.statement.reviewed_at is None else "not_demonstrated"


@dataclass(frozen=True)
class DemonstrateOrChange:
    units: list[UnitChallenge]
    lines: QuerySet[BudgetLine]  # lines with no goal contribution above 0 (the view paginates)


def demonstrate_or_change(cycle: BudgetCycle) -> DemonstrateOrChange:
    """For leadership: units with money in the cycle and no demonstrated contribution, and unlinked lines."""
    money = dict(
        BudgetLine.objects.filter(cycle=cycle)
        .values("unit_id")
        .annotate(total=Sum("amount"))
        .values_list("unit_id", "total")
    )
    statements = {row.unit_id: row for row in UnitContributionStatement.objects.filter(cycle=cycle)}
    units = Unit.objects.filter(pk__in=money).order_by("name")
    challenged = [
        UnitChallenge(unit, float(money[unit.pk]), statements.get(unit.pk))
        for unit in units
        if not (unit.pk in statements and statements[unit.pk].demonstrated)
    ]
    lines = (
        BudgetLine.objects.filter(cycle=cycle)
        .exclude(goal_contributions__score__gt=0)
        .select_related("unit")
        .order_by("-amount", "code")
    )
    return DemonstrateOrChange(challenged, lines)


# --- What the warnings read -------------------------------------------------------------------


def current_cycle(organization: Organization, today: datetime.date) -> BudgetCycle | None:
    with_lines = BudgetCycle.objects.filter(organization=organization, lines__isnull=False).distinct()
    started = with_lines.filter(starts_on__lte=today).order_by("-starts_on", "-pk").first()
    return started or with_lines.order_by("starts_on", "pk").first()


def unit_streaks(organization: Organization, cycle: BudgetCycle) -> dict[int, int]:
    """Each unit with money in ``cycle`` → how many cycles in a row, back from it, it had money and no
    demonstrated contribution (a cycle in which it had no money ends the streak)."""
    cycles = list(
        BudgetCycle.objects.filter(organization=organization, starts_on__lte=cycle.starts_on)
        .order_by("-starts_on", "-pk")
        .values_list("pk", flat=True)
    )
    funded: dict[int, set[int]] = defaultdict(set)
    for cycle_id, unit_id in BudgetLine.objects.filter(cycle_id__in=cycles).values_list("cycle_id", "unit_id"):
        funded[cycle_id].add(unit_id)
    shown = set(
        UnitContributionStatement.objects.filter(cycle_id__in=cycles, demonstrated=True).values_list(
            "cycle_id", "unit_id"
        )
    )
    streaks: dict[int, int] = {}
    for unit_id in funded[cycle.pk]:
        streak = 0
        for cycle_id in cycles[cycles.index(cycle.pk) :]:
            if unit_id not in funded[cycle_id] or (cycle_id, unit_id) in shown:
                break
            streak += 1
        streaks[unit_id] = streak
    return streaks


def money_snapshot(organization: Organization, today: datetime.date) -> domain.MoneySnapshot:
    """The organisation's strategy and current cycle as the money warnings read them."""
    strategy = Strategy.objects.filter(organization=organization).first()
    common: dict[str, Any] = {}
    if strategy is not None and strategy.last_revised_at is not None:
        common = {
            "strategy_id": strategy.pk,
            "revision_due": strategy.next_revision_due,
            "cadence_months": strategy.revision_cadence_months,
        }
    cycle = current_cycle(organization, today)
    if cycle is None:
        return domain.MoneySnapshot(**common)
    facts = line_facts(cycle)
    structure = structure_change(cycle, facts)
    streaks = unit_streaks(organization, cycle)
    names = dict(Unit.objects.filter(pk__in=streaks).values_list("pk", "name"))
    return domain.MoneySnapshot(
        cycle_name=cycle.name,
        linked_share=domain.share_linked(facts),
        structure=structure.change if structure is not None and structure.first_after else None,
        unit_streaks=streaks,
        unit_names=names,
        **common,
    )
