"""Reads shaped for the strategy and budget pages, on top of ``selectors``: each takes the
organisation explicitly and loads what its page shows in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.http import Http404

from spaceforchange.budgeting import selectors
from spaceforchange.budgeting.models import (
    BudgetCycle,
    BudgetLine,
    GoalContribution,
    StrategicGoal,
    StrategyRevision,
    UnitEnvelope,
)
from spaceforchange.core.models import Organization, Unit, User
from spaceforchange.portfolio.models import Initiative

INITIATIVE, LINE, UNIT = "initiative", "line", "unit"
SUBJECT_MODELS: dict[str, Any] = {INITIATIVE: Initiative, LINE: BudgetLine, UNIT: Unit}


def active_goals(organization: Organization) -> list[StrategicGoal]:
    """The strategy's goals, heaviest first, with their owners."""
    return list(selectors.goals_for(organization, active_only=True).order_by("-weight", "title"))


def unit_choices(organization: Organization) -> list[tuple[int, str]]:
    return list(Unit.objects.filter(organization=organization).order_by("name").values_list("pk", "name"))


def cycles_newest_first(organization: Organization) -> list[BudgetCycle]:
    """The cycles with their line counts and totals, the latest first: the GROUP BY of the counts drops
    the model's ordering, so it is set again here."""
    return list(selectors.cycles_for(organization).order_by("-starts_on", "-pk"))


@dataclass(frozen=True)
class EnvelopeRow:
    """A unit of the organisation in a cycle: what its lines add up to, and its floor and ceiling if set."""

    unit: Unit
    total: Decimal
    line_count: int
    floor: Decimal | None
    ceiling: Decimal | None

    @property
    def has_envelope(self) -> bool:
        return self.floor is not None


def envelope_rows(cycle: BudgetCycle) -> list[EnvelopeRow]:
    """Every unit of the cycle's organisation by name, with its lines' total and its envelope (three queries)."""
    sums = BudgetLine.objects.filter(cycle=cycle).values("unit_id").annotate(total=Sum("amount"), count=Count("pk"))
    totals: dict[int, tuple[Decimal, int]] = {row["unit_id"]: (row["total"], row["count"]) for row in sums}
    envelopes = {row.unit_id: row for row in UnitEnvelope.objects.filter(cycle=cycle)}
    rows = []
    for unit in Unit.objects.filter(organization_id=cycle.organization_id).order_by("name", "pk"):
        envelope = envelopes.get(unit.pk)
        total, count = totals.get(unit.pk, (Decimal(0), 0))
        rows.append(
            EnvelopeRow(
                unit=unit,
                total=total,
                line_count=count,
                floor=envelope.floor if envelope else None,
                ceiling=envelope.ceiling if envelope else None,
            )
        )
    return rows


def line_totals(lines: QuerySet[BudgetLine]) -> dict[str, Any]:
    """The sums of ``amount`` and ``previous_amount`` over the lines (the filtered list, every page)."""
    return BudgetLine.objects.filter(pk__in=lines.values("pk")).aggregate(
        amount=Sum("amount"), previous=Sum("previous_amount")
    )


@dataclass(frozen=True)
class GoalChange:
    title: str
    field: str
    before: Any
    after: Any


def people_names(organization: Organization, revisions: Sequence[StrategyRevision]) -> dict[int, str]:
    """The owners named in the revisions' changes, by id (one query for all of them)."""
    ids: set[int] = set()
    for revision in revisions:
        for changed in revision.changes.get("goals_changed", ()):
            ids.update(value for value in changed["changes"].get("owner_id", ()) if value)
    users = User.objects.filter(pk__in=ids, memberships__organization=organization)
    return {user.pk: str(user) for user in users}


def goal_changes(revision: StrategyRevision, names: Mapping[int, str]) -> list[GoalChange]:
    """The changed fields of the revision's re-weighted, renamed or re-owned goals, one per field."""
    found = []
    for changed in revision.changes.get("goals_changed", ()):
        for field, (before, after) in changed["changes"].items():
            if field == "owner_id":
                before, after = names.get(before, "—") if before else "—", names.get(after, "—") if after else "—"
            found.append(GoalChange(changed.get("title") or "", field, before, after))
    return found


def contributions_of(goal: StrategicGoal) -> dict[str, list[GoalContribution]]:
    """The goal's contributions by kind of subject, strongest first."""
    rows = (
        GoalContribution.objects.filter(organization=goal.organization, goal=goal)
        .select_related("initiative", "budget_line__cycle", "budget_line__unit", "unit")
        .order_by("-score", "pk")
    )
    grouped: dict[str, list[GoalContribution]] = defaultdict(list)
    for row in rows:
        kind = INITIATIVE if row.initiative_id else LINE if row.budget_line_id else UNIT
        grouped[kind].append(row)
    return {kind: grouped.get(kind, []) for kind in (INITIATIVE, LINE, UNIT)}


def subject_choices(
    organization: Organization, labels: Mapping[str, str], owner: User | None = None
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Initiatives, budget lines (of every cycle) and units of the organisation, as grouped choices
    ``kind:id``; given ``owner``, only the initiatives they own (empty groups left out)."""
    initiatives = Initiative.objects.filter(organization=organization).order_by("title")
    if owner is not None:
        initiatives = initiatives.filter(owner=owner)
        lines, units = BudgetLine.objects.none(), Unit.objects.none()
    else:
        lines = BudgetLine.objects.filter(organization=organization).order_by("-cycle__starts_on", "code")
        units = Unit.objects.filter(organization=organization).order_by("name")
    groups = [
        (labels[INITIATIVE], [(f"{INITIATIVE}:{pk}", title) for pk, title in initiatives.values_list("pk", "title")]),
        (
            labels[LINE],
            [
                (f"{LINE}:{pk}", f"{cycle} · {code} {title}")
                for pk, code, title, cycle in lines.values_list("pk", "code", "title", "cycle__name")
            ],
        ),
        (labels[UNIT], [(f"{UNIT}:{pk}", name) for pk, name in units.values_list("pk", "name")]),
    ]
    return [(label, choices) for label, choices in groups if choices]


def subject_of(organization: Organization, value: str) -> Any:
    """The initiative, line or unit a ``kind:id`` choice names, in the organisation (404 otherwise)."""
    kind, _sep, number = value.partition(":")
    model = SUBJECT_MODELS.get(kind)
    if model is None or not number.isdigit():
        raise Http404("No such subject.")
    found = model.objects.filter(organization=organization, pk=int(number)).first()
    if found is None:
        raise Http404("No such subject.")
    return found


# --- Scenarios --------------------------------------------------------------------------------


def _ids(values: Sequence[str]) -> list[int]:
    return [int(value) for value in values if str(value).isdigit()]


@dataclass(frozen=True)
class Names:
    """What a scenario's ids stand for: lines (code and title), units and goals, by id as text."""

    lines: dict[str, str]
    units: dict[str, str]
    goals: dict[str, str]


def scenario_names(
    organization: Organization, figures: Mapping[str, Any], conflicts: Sequence[Mapping[str, Any]]
) -> Names:
    """Names for the ids in a scenario's figures and conflicts (three queries)."""
    subjects = [str(value) for conflict in conflicts for value in conflict.get("subject", ())]
    line_rows = BudgetLine.objects.filter(organization=organization, pk__in=_ids(subjects))
    unit_ids = _ids([str(row.get("unit")) for row in figures.get("units", ())] + subjects)
    goal_ids = _ids([str(row.get("goal")) for row in figures.get("goals", ())])
    return Names(
        lines={str(pk): f"{code} {title}" for pk, code, title in line_rows.values_list("pk", "code", "title")},
        units={
            str(pk): name
            for pk, name in Unit.objects.filter(organization=organization, pk__in=unit_ids).values_list("pk", "name")
        },
        goals={
            str(pk): title
            for pk, title in StrategicGoal.objects.filter(organization=organization, pk__in=goal_ids).values_list(
                "pk", "title"
            )
        },
    )
