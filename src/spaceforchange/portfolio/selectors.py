"""Reads of initiatives, shaped for the pages, the API and the pure life-cycle rules."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from spaceforchange.analytics import portfolio as rules
from spaceforchange.analytics.portfolio.snapshot import ProgrammeReadiness
from spaceforchange.assessments.models import Campaign, CampaignStatus
from spaceforchange.assessments.snapshots import current_results
from spaceforchange.core.models import Organization, User
from spaceforchange.core.selectors import organization_zone
from spaceforchange.portfolio import gate_inputs
from spaceforchange.portfolio.models import (
    Backing,
    Constraint,
    ConstraintStatusChange,
    Goal,
    Initiative,
    Setback,
    StageGate,
    StageTransition,
)
from spaceforchange.portfolio.terms import SCAN_INSTRUMENT, SCAN_PACK

# Gates can stand in front of the stages an initiative moves forward into.
GATED_STAGES = (rules.Stage.EXPERIMENT, rules.Stage.SCALING, rules.Stage.INTEGRATED)


def initiatives_for(organization: Organization, *, search: str = "", stage: str = "") -> QuerySet[Initiative]:
    queryset = Initiative.objects.filter(organization=organization).select_related("unit", "owner")
    if search:
        queryset = queryset.filter(Q(title__icontains=search) | Q(summary__icontains=search))
    if stage:
        queryset = queryset.filter(stage=stage)
    return queryset.order_by("title")


def initiative_detail(organization: Organization, initiative_id: int) -> Initiative:
    """One initiative with its units, team and goals loaded; 404 for another organisation's id."""
    queryset = (
        initiatives_for(organization)
        .select_related("organization")
        .prefetch_related("units", Prefetch("team", queryset=User.objects.order_by("email")), "goals")
    )
    return get_object_or_404(queryset, pk=initiative_id)


def people_of(organization: Organization) -> QuerySet[User]:
    """The organisation's active members, who can own, join, back and decide."""
    return User.objects.filter(memberships__organization=organization, memberships__is_active=True).order_by("email")


def goals_for(organization: Organization, *, active_only: bool = False) -> QuerySet[Goal]:
    goals = Goal.objects.filter(organization=organization).select_related("owner")
    return goals.filter(active=True) if active_only else goals


def goal_of(organization: Organization, goal_id: int) -> Goal:
    return get_object_or_404(goals_for(organization), pk=goal_id)


def constraint_of(initiative: Initiative, constraint_id: int) -> Constraint:
    return get_object_or_404(Constraint.objects.filter(initiative=initiative), pk=constraint_id)


def constraints_of(initiative: Initiative) -> QuerySet[Constraint]:
    return Constraint.objects.filter(initiative=initiative).order_by("-severity", "pk")


def backing_of(initiative: Initiative) -> QuerySet[Backing]:
    return Backing.objects.filter(initiative=initiative).select_related("backer").order_by("recorded_on", "pk")


def setbacks_of(initiative: Initiative) -> QuerySet[Setback]:
    return Setback.objects.filter(initiative=initiative).order_by("occurred_on", "pk")


def transitions_of(initiative: Initiative) -> QuerySet[StageTransition]:
    return (
        StageTransition.objects.filter(initiative=initiative)
        .select_related("decided_by", "recorded_by")
        .order_by("decided_on", "pk")
    )


def status_changes_of(initiative: Initiative) -> QuerySet[ConstraintStatusChange]:
    return (
        ConstraintStatusChange.objects.filter(constraint__initiative=initiative)
        .select_related("constraint", "changed_by")
        .order_by("changed_on", "pk")
    )


# --- Gates ------------------------------------------------------------------------------------


def gates_for(organization: Organization) -> dict[rules.Stage, tuple[rules.GateCondition, ...]]:
    """The organisation's gate per stage: its configured conditions, else the default gate of that stage."""
    gates = {stage: tuple(rules.DEFAULT_GATES.get(stage, ())) for stage in GATED_STAGES}
    for row in StageGate.objects.filter(organization=organization):
        gates[rules.Stage(row.stage)] = tuple(rules.parse_condition(entry) for entry in row.conditions)
    return gates


def configured_stages(organization: Organization) -> set[str]:
    return set(StageGate.objects.filter(organization=organization).values_list("stage", flat=True))


# --- Scans ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScanSummary:
    """A space-for-change scan of an initiative as the page shows it and the gates read it."""

    campaign: Campaign
    taken_on: datetime.date
    respondents: int
    # dimension key → mean; dimensions without a published mean (no answers, too few) are left out.
    means: dict[str, float] = field(default_factory=dict)


def scan_campaigns(initiative: Initiative) -> QuerySet[Campaign]:
    """The initiative's space-for-change scans that have opened, newest first."""
    return (
        Campaign.objects.filter(
            organization_id=initiative.organization_id,
            initiative=initiative,
            instrument_key=SCAN_INSTRUMENT,
            pack_version__pack__key=SCAN_PACK,
        )
        .exclude(status=CampaignStatus.DRAFT)
        .select_related("pack_version__pack")
        .order_by("-opens_at", "-pk")
    )


def _taken_on(campaign: Campaign, zone: datetime.tzinfo) -> datetime.date:
    # A closed scan counts from its closing day; an open one from the day it opened.
    moment = campaign.closed_at or campaign.opens_at
    return timezone.localtime(moment, zone).date()


def scan_summary(campaign: Campaign, zone: datetime.tzinfo) -> ScanSummary:
    data: dict[str, Any] = current_results(campaign).data
    groups = data.get("groups") or [{}]
    dimensions = groups[0].get("dimensions", {}) if not groups[0].get("suppressed") else {}
    means = {key: float(entry["mean"]) for key, entry in dimensions.items() if entry.get("mean") is not None}
    respondents = int(data.get("campaign", {}).get("respondents", 0))
    return ScanSummary(campaign, _taken_on(campaign, zone), respondents, means)


def scans_of(initiative: Initiative, *, limit: int | None = None) -> list[ScanSummary]:
    zone = organization_zone(initiative.organization)
    campaigns = scan_campaigns(initiative)
    return [scan_summary(campaign, zone) for campaign in (campaigns[:limit] if limit else campaigns)]


# --- The pure snapshot ------------------------------------------------------------------------


@dataclass(frozen=True)
class Records:
    """Everything recorded about an initiative, each list oldest first, loaded once per page or move."""

    transitions: list[StageTransition]
    constraints: list[Constraint]
    status_changes: list[ConstraintStatusChange]
    backing: list[Backing]
    setbacks: list[Setback]


def records_of(initiative: Initiative) -> Records:
    return Records(
        transitions=list(transitions_of(initiative)),
        constraints=list(Constraint.objects.filter(initiative=initiative).order_by("added_on", "pk")),
        status_changes=list(status_changes_of(initiative)),
        backing=list(backing_of(initiative)),
        setbacks=list(setbacks_of(initiative)),
    )


def _history(initiative: Initiative, transitions: Iterable[StageTransition]) -> tuple[rules.StageEntry, ...]:
    entries = tuple(rules.StageEntry(rules.Stage(row.to_stage), row.decided_on) for row in transitions)
    if entries:
        return entries
    # Initiatives registered before transitions were recorded entered their stage when created.
    created = timezone.localtime(initiative.created_at, organization_zone(initiative.organization)).date()
    return (rules.StageEntry(rules.Stage(initiative.stage), created),)


def _backer_ids(entries: Iterable[Backing]) -> dict[tuple[str, str], int]:
    """Each backer (a person by id, else a name ignoring case) numbered for the rules."""
    ids: dict[tuple[str, str], int] = {}
    for entry in entries:
        ids.setdefault(backer_identity(entry), len(ids) + 1)
    return ids


def backer_identity(entry: Backing) -> tuple[str, str]:
    if entry.backer_id is not None:
        return ("person", str(entry.backer_id))
    return ("name", entry.backer_name.casefold().strip())


def _backing(entries: list[Backing]) -> tuple[rules.BackingEntry, ...]:
    ids = _backer_ids(entries)
    return tuple(
        rules.BackingEntry(ids[backer_identity(entry)], entry.level, entry.commitment or None, entry.recorded_on)
        for entry in entries
    )


def initiative_snapshot(
    initiative: Initiative,
    *,
    scans: list[ScanSummary] | None = None,
    records: Records | None = None,
    readiness: tuple[ProgrammeReadiness, ...] | None = None,
) -> rules.Initiative:
    """The initiative as the pure rules read it: stage history, backing, constraints, setbacks, scans,
    and the readiness of the change programmes carrying it (from ``gate_inputs``; pass ``readiness=()``
    where no gate is checked, to spare the queries)."""
    summaries = scans_of(initiative) if scans is None else scans
    loaded = records_of(initiative) if records is None else records
    return rules.Initiative(
        id=initiative.pk,
        stage=rules.Stage(initiative.stage),
        history=_history(initiative, loaded.transitions),
        change_form=initiative.change_form or None,
        initiator_level=initiative.initiator_level or None,
        trigger=initiative.trigger or None,
        backing=_backing(loaded.backing),
        constraints=tuple(
            rules.ConstraintRecord(row.pk, row.family, row.status, row.added_on) for row in loaded.constraints
        ),
        setbacks=tuple(rules.Setback(row.occurred_on, row.support_held) for row in loaded.setbacks),
        scans=tuple(rules.Scan(summary.taken_on, summary.means) for summary in summaries),
        readiness=gate_inputs.readiness_of(initiative) if readiness is None else readiness,
    )


# --- Timeline ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    """One event of an initiative's history; ``kind`` picks how the page words it."""

    on: datetime.date
    kind: str
    item: Any
    order: int = 0


def timeline(records: Records, scans: list[ScanSummary]) -> list[TimelineEntry]:
    """Every transition, constraint status change, backing entry, setback and scan, newest first."""
    entries = [TimelineEntry(row.decided_on, "transition", row, row.pk) for row in records.transitions]
    entries += [TimelineEntry(row.changed_on, "constraint", row, row.pk) for row in records.status_changes]
    entries += [TimelineEntry(row.recorded_on, "backing", row, row.pk) for row in records.backing]
    entries += [TimelineEntry(row.occurred_on, "setback", row, row.pk) for row in records.setbacks]
    entries += [TimelineEntry(scan.taken_on, "scan", scan, scan.campaign.pk) for scan in scans]
    kinds = {"scan": 0, "setback": 1, "constraint": 2, "backing": 3, "transition": 4}
    return sorted(entries, key=lambda entry: (entry.on, kinds[entry.kind], entry.order), reverse=True)
