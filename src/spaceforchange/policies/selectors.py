"""Reads of policies shaped for the register, the policy page, the API, the CLI and the alerts.

Every selector takes the organisation explicitly. The current judgments of policies are read
here with one window query (the latest per stakeholder × policy × type by ``recorded_at``, ties
to the higher id, as ``legitimacy.domain`` defines "current"), so the tension index of every
policy of an organisation costs a fixed number of queries. Archived stakeholders no longer count.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from spaceforchange.consultations.selectors import policy_divisions
from spaceforchange.core.models import Organization, User
from spaceforchange.core.selectors import organization_zone
from spaceforchange.legitimacy.models import Judgment, Stakeholder
from spaceforchange.policies import domain
from spaceforchange.policies.models import Policy, PolicySignal, ScrutinyReport, TensionSnapshot
from spaceforchange.policies.terms import PolicyTerms, describe_component, describe_placement, policy_terms

SORTS = {
    "title": ("title", "pk"),
    "tension": (F("current_index").desc(nulls_last=True), "title", "pk"),
    "review": (F("next_review_on").asc(nulls_last=True), "title", "pk"),
}
SEARCH_MAX = 200


def people_of(organization: Organization) -> QuerySet[User]:
    """The organisation's active members, who may manage policies."""
    return User.objects.filter(memberships__organization=organization, memberships__is_active=True).order_by("email")


def _latest(field: str) -> Subquery:
    rows = TensionSnapshot.objects.filter(policy=OuterRef("pk")).order_by("-computed_on").values(field)[:1]
    return Subquery(rows)


def policies_for(
    organization: Organization,
    *,
    search: str = "",
    level: int | None = None,
    unmanaged: bool = False,
    sort: str = "title",
) -> QuerySet[Policy]:
    """The policy register: each policy with its latest stored index and level and its open reports."""
    queryset = (
        Policy.objects.filter(organization=organization)
        .select_related("manager")
        .annotate(
            current_index=_latest("index"),
            current_level=_latest("level"),
            open_reports=Count("reports", filter=Q(reports__answered_at__isnull=True), distinct=True),
        )
    )
    if search:
        queryset = queryset.filter(Q(title__icontains=search) | Q(summary__icontains=search))
    if level is not None:
        queryset = queryset.filter(current_level=level)
    if unmanaged:
        queryset = queryset.filter(manager__isnull=True)
    return queryset.order_by(*SORTS.get(sort, SORTS["title"]))


def policy_detail(organization: Organization, policy_id: int) -> Policy:
    """One policy with its manager, units and initiatives loaded; 404 for another organisation's id."""
    queryset = (
        Policy.objects.filter(organization=organization)
        .select_related("manager", "organization")
        .prefetch_related("enforcing_units", "initiatives")
    )
    return get_object_or_404(queryset, pk=policy_id)


def policies_of_initiative(organization: Organization, initiative_id: int) -> QuerySet[Policy]:
    """The policies linked to an initiative, with their latest level, for the initiative page."""
    return policies_for(organization).filter(initiatives__pk=initiative_id)


def reports_for(policy: Policy) -> QuerySet[ScrutinyReport]:
    return (
        ScrutinyReport.objects.filter(organization_id=policy.organization_id, policy=policy)
        .select_related("reported_by", "answered_by", "policy")
        .order_by("-reported_at", "-pk")
    )


def report_of(policy: Policy, report_id: int) -> ScrutinyReport:
    """One report of the policy; 404 for any other id."""
    reports = reports_for(policy).select_related("policy__organization", "policy__manager")
    return get_object_or_404(reports, pk=report_id)


def my_reports(organization: Organization, person: User) -> QuerySet[ScrutinyReport]:
    """The reports ``person`` filed, anonymous ones included, with their answers."""
    return (
        ScrutinyReport.objects.filter(organization=organization, reported_by=person)
        .select_related("policy", "answered_by")
        .order_by("-reported_at", "-pk")
    )


def signals_for(policy: Policy) -> QuerySet[PolicySignal]:
    return PolicySignal.objects.filter(organization_id=policy.organization_id, policy=policy).order_by(
        "-period_start", "signal", "pk"
    )


def tension_history(policy: Policy) -> list[TensionSnapshot]:
    return list(
        TensionSnapshot.objects.filter(organization_id=policy.organization_id, policy=policy)
        .only("computed_on", "index", "level")
        .order_by("computed_on")
    )


def stakeholder_names(organization: Organization, ids: Iterable[int]) -> dict[int, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    return dict(Stakeholder.objects.filter(organization=organization, pk__in=wanted).values_list("pk", "name"))


# --- What the tension index reads ----------------------------------------------------------------


def _current_rows(organization: Organization, policy_ids: Iterable[int] | None) -> Iterable[tuple[int, int, str, str]]:
    """(policy, stakeholder, type, state) of each current judgment of a policy, unordered.

    ``legitimacy.services.record_judgment`` flags the latest judgment of each cell as current, so
    this reads the current rows only (a partial index), not every judgment of the organisation.
    """
    rows = Judgment.objects.filter(organization=organization, policy__isnull=False, is_current=True)
    if policy_ids is not None:
        rows = rows.filter(policy_id__in=list(policy_ids))
    return (
        rows.order_by()
        .values_list("policy_id", "stakeholder_id", "legitimacy_type", "state")
        .iterator(chunk_size=20_000)
    )


def _influence(organization: Organization) -> dict[int, int]:
    """Each active stakeholder's influence; archived stakeholders no longer count."""
    rows = Stakeholder.objects.filter(organization=organization, active=True).values_list("pk", "influence")
    return dict(rows)


def current_judgments(
    organization: Organization, *, policy_ids: Iterable[int] | None = None, states: Iterable[str] = domain.STATES
) -> dict[int, list[domain.Judgment]]:
    """Per policy, the current judgment of each active stakeholder on each type, with their influence.

    Judgments whose state the organisation's pack no longer has are left out rather than guessed.
    """
    known, influence = set(states), _influence(organization)
    grouped: dict[int, list[domain.Judgment]] = defaultdict(list)
    for policy_id, stakeholder_id, type_, state in _current_rows(organization, policy_ids):
        weight = influence.get(stakeholder_id)
        if weight is not None and state in known:
            grouped[policy_id].append(domain.Judgment(stakeholder_id, type_, state, weight))
    return grouped


def strained_judgments(
    organization: Organization, *, policy_ids: Iterable[int] | None = None, states: tuple[str, ...] = domain.STATES
) -> dict[int, list[domain.Judgment]]:
    """Per policy, only the current judgments the tension index reads: each stakeholder's worst
    non-regulatory one (ties to the first type by key, as the index breaks them) and the worst
    regulatory one. ``domain.tension_index`` gives the same result on these as on all of them, and
    an organisation of 5,000 policies need not make a record of each of its current judgments.
    """
    rank = {state: position for position, state in enumerate(states)}
    influence = _influence(organization)
    worst: dict[tuple[int, int], tuple[int, str, str]] = {}
    regulatory: dict[int, tuple[int, int, str]] = {}
    for policy_id, stakeholder_id, type_, state in _current_rows(organization, policy_ids):
        position = rank.get(state)
        if position is None or stakeholder_id not in influence:
            continue
        if type_ == domain.REGULATORY:
            held = regulatory.get(policy_id)
            if held is None or position > held[0]:
                regulatory[policy_id] = (position, stakeholder_id, state)
            continue
        key = (policy_id, stakeholder_id)
        current = worst.get(key)
        if current is None or (-position, type_) < (-current[0], current[1]):
            worst[key] = (position, type_, state)
    grouped: dict[int, list[domain.Judgment]] = defaultdict(list)
    for (policy_id, stakeholder_id), (_position, type_, state) in worst.items():
        grouped[policy_id].append(domain.Judgment(stakeholder_id, type_, state, influence[stakeholder_id]))
    for policy_id, (_position, stakeholder_id, state) in regulatory.items():
        grouped[policy_id].append(domain.Judgment(stakeholder_id, domain.REGULATORY, state, influence[stakeholder_id]))
    return grouped


def window_start(today: datetime.date, parameters: domain.TensionParameters) -> datetime.date:
    """The first day of the earliest month the signal windows read."""
    months = today.year * 12 + today.month - 1 - (parameters.recent_months + parameters.earlier_months - 1)
    return datetime.date(months // 12, months % 12 + 1, 1)


def signal_counts(
    organization: Organization,
    today: datetime.date,
    *,
    policy_ids: Iterable[int] | None = None,
    parameters: domain.TensionParameters = domain.DEFAULT_PARAMETERS,
) -> dict[int, list[domain.SignalCount]]:
    """Per policy, its scrutiny reports (one count each, on the day filed locally) and recorded signals."""
    start = window_start(today, parameters)
    zone = organization_zone(organization)
    earliest = timezone.make_aware(datetime.datetime.combine(start, datetime.time()), zone)
    reports = ScrutinyReport.objects.filter(organization=organization, reported_at__gte=earliest)
    signals = PolicySignal.objects.filter(
        organization=organization, period_start__gte=start, signal__in=list(parameters.signals)
    )
    if policy_ids is not None:
        ids = list(policy_ids)
        reports, signals = reports.filter(policy_id__in=ids), signals.filter(policy_id__in=ids)
    grouped: dict[int, list[domain.SignalCount]] = defaultdict(list)
    for policy_id, reported_at in reports.values_list("policy_id", "reported_at"):
        on = timezone.localtime(reported_at, zone).date()
        grouped[policy_id].append(domain.SignalCount(domain.SCRUTINY_REPORT, on))
    for policy_id, signal, period_start, count in signals.values_list("policy_id", "signal", "period_start", "count"):
        grouped[policy_id].append(domain.SignalCount(signal, period_start, count))
    return grouped


def tension_indexes(
    organization: Organization,
    today: datetime.date,
    *,
    policy_ids: Iterable[int] | None = None,
    parameters: domain.TensionParameters | None = None,
) -> dict[int, domain.TensionIndex]:
    """The tension index of each policy (all of the organisation's, or ``policy_ids``) on ``today``.

    Five queries whatever the number of policies; nothing is stored (``services.compute_tension`` does).
    The division is that of the policy's latest consultation with an opinion map
    (``consultations.selectors.policy_divisions``).
    """
    if parameters is None:
        parameters = policy_terms(organization, settings.LANGUAGE_CODE).parameters
    policies = Policy.objects.filter(organization=organization)
    if policy_ids is not None:
        policies = policies.filter(pk__in=list(policy_ids))
    ids = list(policies.order_by("pk").values_list("pk", flat=True))
    some = None if policy_ids is None else ids
    judgments = strained_judgments(organization, policy_ids=some, states=parameters.states)
    signals = signal_counts(organization, today, policy_ids=some, parameters=parameters)
    divisions = policy_divisions(organization, some)
    return {
        pk: domain.tension_index(
            domain.PolicyStrain(tuple(judgments.get(pk, ())), tuple(signals.get(pk, ())), divisions.get(pk)),
            today,
            parameters,
        )
        for pk in ids
    }


# --- The policy page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentRow:
    key: str
    name: str
    value: float
    weight: float
    points: float
    sentence: str


@dataclass(frozen=True)
class LadderStep:
    level: int
    name: str
    current: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class HistoryPoint:
    on: datetime.date
    index: float
    level: int
    level_name: str
    x: float
    y: float


@dataclass(frozen=True)
class TensionView:
    """A policy's index today with every number and reason in words, and its stored history."""

    index: float
    level: int
    level_name: str
    components: tuple[ComponentRow, ...]
    ladder: tuple[LadderStep, ...]
    history: tuple[HistoryPoint, ...]

    @property
    def polyline(self) -> str:
        return " ".join(f"{point.x:.1f},{point.y:.1f}" for point in self.history)


CHART_WIDTH, CHART_HEIGHT, CHART_MARGIN = 600, 200, 40


def mentioned(result: domain.TensionIndex) -> set[int]:
    ids: set[int] = set()
    for reason in (*result.reasons, *(component.reason for component in result.components)):
        top = reason.params.get("strongest_stakeholder_id")
        if isinstance(top, int):
            ids.add(top)
        listed = reason.params.get("stakeholder_ids")
        if isinstance(listed, list):
            ids.update(int(pk) for pk in listed)
    return ids


def _history(snapshots: list[TensionSnapshot], terms: PolicyTerms) -> tuple[HistoryPoint, ...]:
    """The stored indexes as chart points: days along x, the index 0–100 up y."""
    if not snapshots:
        return ()
    first, last = snapshots[0].computed_on, snapshots[-1].computed_on
    span = max((last - first).days, 1)
    inner_w, inner_h = CHART_WIDTH - 2 * CHART_MARGIN, CHART_HEIGHT - 2 * CHART_MARGIN
    return tuple(
        HistoryPoint(
            snapshot.computed_on,
            snapshot.index,
            snapshot.level,
            terms.level_name(snapshot.level),
            CHART_MARGIN + inner_w * ((snapshot.computed_on - first).days / span if len(snapshots) > 1 else 0.5),
            CHART_MARGIN + inner_h * (1 - snapshot.index / 100),
        )
        for snapshot in snapshots
    )


def tension_view(organization: Organization, policy: Policy, terms: PolicyTerms, today: datetime.date) -> TensionView:
    """The policy's index computed now from current judgments, reports and signals, phrased in ``terms``."""
    result = tension_indexes(organization, today, policy_ids=[policy.pk], parameters=terms.parameters)[policy.pk]
    names = terms.names
    people = stakeholder_names(organization, mentioned(result))
    components = tuple(
        ComponentRow(
            component.key,
            names.get(component.key, component.key),
            round(component.value, 2),
            round(component.weight, 2),
            round(component.points, 1),
            describe_component(component.reason.code, component.reason.params, names, people),
        )
        for component in result.components
    )
    by_level: dict[int, list[str]] = defaultdict(list)
    for reason in result.reasons:
        level = reason.params.get("level", 0)
        by_level[level if isinstance(level, int) else 0].append(
            describe_placement(reason.code, reason.params, names, people)
        )
    ladder = tuple(
        LadderStep(level, terms.level_name(level), level == result.level, tuple(by_level.get(level, ())))
        for level in range(len(domain.LEVELS))
    )
    history = _history(tension_history(policy), terms)
    return TensionView(result.index, result.level, terms.level_name(result.level), components, ladder, history)
