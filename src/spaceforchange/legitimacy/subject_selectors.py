"""Reads of one subject's legitimacy (heat map, timeline, plan and log with suggestions) and of the
organisation view (subjects by their weakest legitimacy).

Each page's data comes in a fixed number of queries whatever the number of stakeholders or
judgments: current judgments are read through the ``is_current`` flag and its partial index
(``models.Judgment``), histories as plain tuples of the few columns the pure rules read, and the
rules themselves are ``domain``'s.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from spaceforchange.core.models import Organization
from spaceforchange.core.selectors import change_marker
from spaceforchange.legitimacy import domain
from spaceforchange.legitimacy.models import (
    GrayZoneEntry,
    GrayZoneStatus,
    Judgment,
    JudgmentCondition,
    LegitimationAction,
    Stakeholder,
    SubjectStanding,
)
from spaceforchange.legitimacy.terms import Terms
from spaceforchange.policies.models import Policy
from spaceforchange.portfolio.models import Initiative

INITIATIVE, POLICY = "initiative", "policy"
Subject = Initiative | Policy
LIVE = (GrayZoneStatus.PROPOSED, GrayZoneStatus.APPROVED)
SHIPPED_STRATEGIES = (domain.ENGAGE, domain.STORY, domain.SYMBOLIC, domain.AFFILIATE, domain.RESULTS, domain.ARENA)


def subject_ref(initiative_id: int | None, policy_id: int | None) -> domain.SubjectRef:
    """The subject of a row from its two foreign keys (exactly one is set)."""
    return domain.SubjectRef(INITIATIVE, initiative_id) if initiative_id else domain.SubjectRef(POLICY, policy_id or 0)


def ref_of(subject: Subject) -> domain.SubjectRef:
    return domain.SubjectRef(INITIATIVE if isinstance(subject, Initiative) else POLICY, subject.pk)


def about(subject: Subject) -> Q:
    """The rows about ``subject`` (an initiative or a policy)."""
    return Q(initiative=subject) if isinstance(subject, Initiative) else Q(policy=subject)


def as_stakeholder(stakeholder: Stakeholder) -> domain.Stakeholder:
    return domain.Stakeholder(
        stakeholder.pk, stakeholder.name, stakeholder.influence, stakeholder.interest, stakeholder.controls_resources
    )


JUDGMENT_COLUMNS = ("pk", "stakeholder_id", "initiative_id", "policy_id", "legitimacy_type", "state", "recorded_at")


def as_judgment(row: Sequence[Any], conditions: Sequence[domain.Condition] = (), cause: str = "") -> domain.Judgment:
    pk, stakeholder_id, initiative_id, policy_id, kind, state, recorded_at = row
    subject = subject_ref(initiative_id, policy_id)
    return domain.Judgment(pk, stakeholder_id, subject, kind, state, recorded_at, tuple(conditions), cause or None)


def as_tactic(entry: GrayZoneEntry, zone_date: Any = None) -> domain.GrayZoneEntry:
    subject = subject_ref(entry.initiative_id, entry.policy_id)
    return domain.GrayZoneEntry(
        id=entry.pk,
        subject=subject,
        tactic=entry.tactic,
        status=entry.status,
        proposer_id=entry.proposed_by_id or 0,
        registered_on=zone_date or entry.proposed_at.date(),
        accountable_id=entry.accountable_id,
        approver_id=entry.decided_by_id if entry.status == GrayZoneStatus.APPROVED else None,
        risks=entry.risks,
        review_on=entry.review_on,
    )


def subject_history(subject: Subject) -> list[domain.Judgment]:
    """Every judgment of the subject, as the rules read it (one query)."""
    rows = Judgment.objects.filter(about(subject), organization_id=subject.organization_id)
    rows = rows.order_by("recorded_at", "pk")
    return [as_judgment(row) for row in rows.values_list(*JUDGMENT_COLUMNS)]


@dataclass(frozen=True)
class SubjectLegitimacy:
    """What the subject page shows: the heat map with its stakeholders, judgments and tactics."""

    subject: Subject
    ref: domain.SubjectRef
    heat: domain.HeatMap
    stakeholders: dict[int, Stakeholder]
    current: dict[int, Judgment]  # judgment id -> the current judgment, its conditions loaded
    tactics: list[GrayZoneEntry]  # every entry of the subject, newest first
    history: list[domain.Judgment]

    @property
    def unapproved(self) -> list[GrayZoneEntry]:
        return [entry for entry in self.tactics if entry.status == GrayZoneStatus.PROPOSED]


def subject_legitimacy(subject: Subject, terms: Terms) -> SubjectLegitimacy:
    """The subject's heat map and what it is made of (four queries)."""
    holders = {s.pk: s for s in Stakeholder.objects.filter(about_stakeholder(subject)).order_by("name", "pk")}
    history = subject_history(subject)
    current = {
        judgment.pk: judgment
        for judgment in Judgment.objects.filter(about(subject), is_current=True).prefetch_related("conditions")
    }
    tactics = list(
        GrayZoneEntry.objects.filter(about(subject)).select_related("accountable", "proposed_by", "decided_by")
    )
    heat = domain.heat_map(
        ref_of(subject),
        [as_stakeholder(s) for s in holders.values()],
        history,
        tactics=[as_tactic(entry) for entry in tactics],
        vocabulary=terms.vocabulary,
    )
    return SubjectLegitimacy(subject, ref_of(subject), heat, holders, current, tactics, history)


def about_stakeholder(subject: Subject) -> Q:
    """Stakeholders linked to the subject (judging links them too)."""
    return Q(initiatives=subject) if isinstance(subject, Initiative) else Q(policies=subject)


def suggestions_for(
    legitimacy: SubjectLegitimacy, terms: Terms, *, limit: int | None = None
) -> tuple[list[domain.Suggestion], int]:
    """Strategy suggestions for the challenged cells of the heat map, weakest first (the first
    ``limit`` of them, all by default), and how many cells are challenged."""
    strategies = [term.key for term in terms.strategies] or list(SHIPPED_STRATEGIES)
    cells = [
        (row.stakeholder.id, legitimacy.ref, cell.type, cell.position or 0)
        for row in legitimacy.heat.rows
        for cell in row.cells
        if cell.challenged
    ]
    cells.sort(key=lambda cell: -cell[3])
    chosen = cells if limit is None else cells[:limit]
    return [
        domain.suggest(
            (stakeholder_id, ref, kind),
            legitimacy.history,
            strategies,
            linked_types=terms.strategy_links,
            vocabulary=terms.vocabulary,
        )
        for stakeholder_id, ref, kind, _position in chosen
    ], len(cells)


def actions_for(subject: Subject) -> QuerySet[LegitimationAction]:
    """The subject's legitimation actions: planned first (by date), then done (newest first)."""
    return (
        LegitimationAction.objects.filter(about(subject))
        .select_related("owner")
        .prefetch_related("stakeholders")
        .order_by("done_on", "planned_on", "-created_at", "-pk")
    )


def action_of(subject: Subject, action_id: int) -> LegitimationAction:
    return get_object_or_404(actions_for(subject), pk=action_id)


def condition_of(subject: Subject, condition_id: int) -> JudgmentCondition:
    rows = JudgmentCondition.objects.filter(
        Q(judgment__initiative=subject) if isinstance(subject, Initiative) else Q(judgment__policy=subject)
    ).select_related("judgment__stakeholder")
    return get_object_or_404(rows, pk=condition_id)


def timeline_for(subject: Subject, terms: Terms) -> list[domain.TimelineEvent]:
    return domain.timeline(ref_of(subject), subject_history(subject), vocabulary=terms.vocabulary)


def stakeholder_names(stakeholder_ids: Iterable[int]) -> dict[int, str]:
    return dict(Stakeholder.objects.filter(pk__in=set(stakeholder_ids)).values_list("pk", "name"))


# --- Organisation view -------------------------------------------------------------------------


@dataclass(frozen=True)
class StandingRow:
    standing: domain.SubjectStanding
    subject: Subject | None
    live_tactics: int
    unapproved_tactics: int


def current_counts(organization: Organization) -> dict[domain.SubjectRef, dict[str, int]]:
    """Current judgments per subject and state, from the standings the services keep (one query)."""
    rows = SubjectStanding.objects.filter(organization=organization).values_list("initiative_id", "policy_id", "counts")
    return {subject_ref(initiative_id, policy_id): dict(counts) for initiative_id, policy_id, counts in rows if counts}


KEPT_RANKINGS = 8  # organisations per process
# organisation id → (standings marker and vocabulary, subjects ranked weakest first)
_ranked: OrderedDict[int, tuple[str, list[domain.SubjectStanding]]] = OrderedDict()


def ranked_subjects(organization: Organization, terms: Terms) -> list[domain.SubjectStanding]:
    """Every subject with current judgments, weakest first, kept per process until a standing changes.

    Ranking thousands of subjects takes longer than the rest of the page; the standings move only
    when a judgment is recorded (``services._recount`` saves them), which ``change_marker`` sees.
    """
    key = f"{change_marker(SubjectStanding.objects.filter(organization=organization))}|{terms.vocabulary!r}"
    kept = _ranked.get(organization.pk)
    if kept is not None and kept[0] == key:
        _ranked.move_to_end(organization.pk)
        return kept[1]
    standings = domain.rank_subjects(current_counts(organization), vocabulary=terms.vocabulary)
    _ranked[organization.pk] = (key, standings)
    _ranked.move_to_end(organization.pk)
    while len(_ranked) > KEPT_RANKINGS:
        _ranked.popitem(last=False)
    return standings


def organisation_view(organization: Organization, terms: Terms, *, page: Any = 1, per_page: int = 50) -> Page:
    """A page of subjects, weakest legitimacy first, with subjects and live tactics (six queries; five when kept)."""
    standings = ranked_subjects(organization, terms)
    chosen = Paginator(standings, per_page).get_page(page)
    ids: dict[str, list[int]] = {INITIATIVE: [], POLICY: []}
    for standing in chosen.object_list:
        ids[standing.subject.kind].append(standing.subject.id)
    subjects: dict[domain.SubjectRef, Subject] = {}
    for row in Initiative.objects.filter(organization=organization, pk__in=ids[INITIATIVE]):
        subjects[domain.SubjectRef(INITIATIVE, row.pk)] = row
    for policy in Policy.objects.filter(organization=organization, pk__in=ids[POLICY]):
        subjects[domain.SubjectRef(POLICY, policy.pk)] = policy
    live: dict[domain.SubjectRef, list[str]] = defaultdict(list)
    tactic_rows = GrayZoneEntry.objects.filter(organization=organization, status__in=LIVE).filter(
        Q(initiative_id__in=ids[INITIATIVE]) | Q(policy_id__in=ids[POLICY])
    )
    for initiative_id, policy_id, status in tactic_rows.values_list("initiative_id", "policy_id", "status"):
        ref = subject_ref(initiative_id, policy_id)
        live[ref].append(status)
    rows: list[Any] = [
        StandingRow(
            standing,
            subjects.get(standing.subject),
            len(live[standing.subject]),
            live[standing.subject].count(GrayZoneStatus.PROPOSED),
        )
        for standing in chosen.object_list
    ]
    chosen.object_list = rows
    return chosen
