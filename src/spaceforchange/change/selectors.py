"""Reads of change programmes, shaped for the pages, the API, the exports, the warnings and the gate.

Every read is filtered by the organisation. The readiness of a programme is computed by
``analytics.change.readiness`` from its entries (the latest entry of a factor is current); the
warnings by ``analytics.change.rules`` from ``ProgrammeFacts`` built here in a fixed number of
queries, however many programmes there are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from spaceforchange.alerts.selectors import Practice, effective_rules, rule_catalogue, rule_info
from spaceforchange.analytics.change import readiness as analytics
from spaceforchange.analytics.change import rules as warning_rules
from spaceforchange.analytics.portfolio.snapshot import ProgrammeReadiness
from spaceforchange.assessments.models import Campaign, CampaignStatus
from spaceforchange.change.models import (
    ChangeProgramme,
    EvidenceCheck,
    Milestone,
    ProgrammeStatus,
    ReadinessEntry,
    Subsystem,
    Supporter,
    SupporterKind,
)
from spaceforchange.change.terms import FACTORS, READINESS_INSTRUMENT, READINESS_PACK, change_terms
from spaceforchange.core.models import Organization

# Programmes the warnings watch: not archived, and not yet completed or stopped.
WATCHED_STATUSES = (ProgrammeStatus.PLANNED, ProgrammeStatus.UNDER_WAY)
SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "updated": ("updated_at", "pk"),
    "-updated": ("-updated_at", "-pk"),
    "status": ("status", "name", "pk"),
    "created": ("created_at", "pk"),
    "-created": ("-created_at", "-pk"),
}
SEARCH_MAX = 200


# --- Programmes ---------------------------------------------------------------------------------


def programmes(
    organization: Organization,
    *,
    search: str = "",
    status: str = "",
    sort: str = "name",
    archived: bool = False,
) -> QuerySet[ChangeProgramme]:
    """The organisation's programmes (archived ones only when asked), filtered and sorted.

    An unknown status matches nothing; an unknown sort falls back to the name.
    """
    rows = ChangeProgramme.objects.filter(organization=organization, archived=archived).select_related(
        "owner", "sponsor"
    )
    text = (search or "").strip()[:SEARCH_MAX]
    if text:
        rows = rows.filter(Q(name__icontains=text) | Q(vision__icontains=text))
    if status:
        rows = rows.filter(status=status) if status in ProgrammeStatus.values else rows.none()
    return rows.order_by(*SORTS.get(sort, SORTS["name"]))


def programme_of(organization: Organization, programme_id: int) -> ChangeProgramme:
    """One programme of the organisation (archived too), or 404: another organisation's id is not found."""
    return get_object_or_404(
        ChangeProgramme.objects.select_related("owner", "sponsor", "organization"),
        organization=organization,
        pk=programme_id,
    )


def milestones(programme: ChangeProgramme) -> list[Milestone]:
    return list(Milestone.objects.filter(organization_id=programme.organization_id, programme=programme))


def subsystems(programme: ChangeProgramme) -> list[Subsystem]:
    return list(Subsystem.objects.filter(organization_id=programme.organization_id, programme=programme))


def supporters(programme: ChangeProgramme) -> list[Supporter]:
    rows = Supporter.objects.filter(organization_id=programme.organization_id, programme=programme)
    return list(rows.select_related("user"))


def readiness_campaigns(organization: Organization) -> QuerySet[Campaign]:
    """The organisation's change-readiness survey campaigns that have opened, newest first."""
    return (
        Campaign.objects.filter(
            organization=organization,
            instrument_key=READINESS_INSTRUMENT,
            pack_version__pack__key=READINESS_PACK,
        )
        .exclude(status=CampaignStatus.DRAFT)
        .select_related("pack_version__pack")
        .order_by("-opens_at", "-pk")
    )


# --- Readiness ----------------------------------------------------------------------------------


def readiness_history(programme: ChangeProgramme) -> list[ReadinessEntry]:
    """Every readiness entry of the programme, newest first."""
    rows = ReadinessEntry.objects.filter(organization_id=programme.organization_id, programme=programme)
    return list(rows.select_related("campaign", "recorded_by").order_by("-assessed_on", "-recorded_at", "-pk"))


def evidence_checks(programme: ChangeProgramme) -> dict[str, EvidenceCheck]:
    """Evidence item key → its check, for the items checked so far."""
    rows = EvidenceCheck.objects.filter(organization_id=programme.organization_id, programme=programme)
    return {row.item_key: row for row in rows.select_related("checked_by")}


def _entries_by_programme(ids: Collection[int]) -> dict[int, list[analytics.ReadinessPoint]]:
    """Programme id → its readiness entries as the pure analytics read them (the id orders same-day entries)."""
    grouped: dict[int, list[analytics.ReadinessPoint]] = defaultdict(list)
    rows = ReadinessEntry.objects.filter(programme_id__in=list(ids)).values_list(
        "programme_id", "factor_key", "score", "source", "assessed_on", "pk"
    )
    for programme_id, factor, score, source, assessed_on, pk in rows:
        grouped[programme_id].append(analytics.ReadinessPoint(factor, float(score), source, assessed_on, pk))
    return grouped


def _evidence_counts(
    programme_ids: Collection[int], totals: Mapping[str, int]
) -> dict[int, dict[str, tuple[int, int]]]:
    done: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        EvidenceCheck.objects.filter(programme_id__in=programme_ids, done=True)
        .values("programme_id", "factor_key")
        .annotate(count=Count("pk"))
    )
    for row in rows:
        done[row["programme_id"]][row["factor_key"]] = row["count"]
    return {
        pk: {factor: (min(done[pk].get(factor, 0), totals.get(factor, 0)), totals.get(factor, 0)) for factor in FACTORS}
        for pk in programme_ids
    }


def _evidence_totals(organization: Organization) -> dict[str, int]:
    terms = change_terms(organization, get_language() or "en")
    return {factor.key: len(factor.evidence) for factor in terms.factors}


def programme_readiness(programme: ChangeProgramme) -> dict[str, analytics.FactorReading]:
    """Each factor's current reading (latest entry, whatever its source) with its evidence done / total."""
    points = _entries_by_programme([programme.pk]).get(programme.pk, [])
    totals = _evidence_totals(programme.organization)
    evidence = _evidence_counts([programme.pk], totals)[programme.pk]
    return analytics.current_readiness(points, evidence=evidence)


@dataclass(frozen=True)
class ProgrammeSummary:
    """A programme as the list shows it: readings, how many factors are scored, the weakest, warnings."""

    readings: Mapping[str, analytics.FactorReading]
    warnings: int = 0

    @property
    def scored(self) -> int:
        return sum(1 for reading in self.readings.values() if reading.score is not None)

    @property
    def weakest(self) -> analytics.FactorReading | None:
        scored = [reading for reading in self.readings.values() if reading.score is not None]
        return min(scored, key=lambda reading: (reading.score, FACTORS.index(reading.factor))) if scored else None

    @property
    def overall(self) -> float | None:
        return analytics.overall(self.readings)


def programme_summaries(chosen: Sequence[ChangeProgramme]) -> dict[int, ProgrammeSummary]:
    """Programme id → summary, for a page of programmes of one organisation, in a fixed number of queries."""
    if not chosen:
        return {}
    organization = chosen[0].organization
    ids = [programme.pk for programme in chosen]
    points = _entries_by_programme(ids)
    totals = _evidence_totals(organization)
    evidence = _evidence_counts(ids, totals)
    watched = [programme.pk for programme in chosen if not programme.archived and programme.status in WATCHED_STATUSES]
    firings = _firings(organization, watched)
    counts: dict[int, int] = defaultdict(int)
    for firing in firings:
        if firing.subject_id is not None:
            counts[firing.subject_id] += 1
    return {
        pk: ProgrammeSummary(analytics.current_readiness(points.get(pk, []), evidence=evidence[pk]), counts[pk])
        for pk in ids
    }


# --- Warnings -----------------------------------------------------------------------------------


def _count_by_programme(rows: Iterable[Mapping[str, Any]], key: str = "programme_id") -> dict[int, int]:
    return {row[key]: row["count"] for row in rows}


def programme_facts(
    organization: Organization, ids: Collection[int] | None = None
) -> list[warning_rules.ProgrammeFacts]:
    """The watched programmes (all, or those of ``ids``) as the warning rules read them; seven queries."""
    rows = ChangeProgramme.objects.filter(organization=organization, archived=False, status__in=WATCHED_STATUSES)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    programmes_found = list(rows.order_by("pk").values_list("pk", "name", "causal_theory", "sponsor_id"))
    if not programmes_found:
        return []
    found = [row[0] for row in programmes_found]
    steps = (
        Milestone.objects.filter(programme_id__in=found)
        .values("programme_id")
        .annotate(count=Count("pk"), steps=Count("pk", filter=Q(institutionalisation=True)))
    )
    milestone_counts = {row["programme_id"]: (row["count"], row["steps"]) for row in steps}
    through = ChangeProgramme.budget_lines.through
    lines = _count_by_programme(
        through.objects.filter(changeprogramme_id__in=found).values("changeprogramme_id").annotate(count=Count("pk")),
        "changeprogramme_id",
    )
    parts = _count_by_programme(
        Subsystem.objects.filter(programme_id__in=found).values("programme_id").annotate(count=Count("pk"))
    )
    supporter_rows = Supporter.objects.filter(programme_id__in=found).values_list("programme_id", "kind", "user_id")
    top: dict[int, int] = defaultdict(int)
    external: dict[int, int] = defaultdict(int)
    sponsors = {pk: sponsor_id for pk, _name, _theory, sponsor_id in programmes_found}
    for programme_id, kind, user_id in supporter_rows:
        if kind == SupporterKind.TOP_MANAGEMENT:
            # The named sponsor recorded again as a top-management supporter counts once.
            if user_id is None or user_id != sponsors.get(programme_id):
                top[programme_id] += 1
        else:
            external[programme_id] += 1
    points = _entries_by_programme(found)
    facts = []
    for pk, name, theory, sponsor_id in programmes_found:
        readings = analytics.current_readiness(points.get(pk, []))
        count, institutional = milestone_counts.get(pk, (0, 0))
        facts.append(
            warning_rules.ProgrammeFacts(
                id=pk,
                name=name,
                milestones=count,
                institutionalisation_steps=institutional,
                has_causal_theory=bool(theory.strip()),
                budget_lines=lines.get(pk, 0),
                subsystems=parts.get(pk, 0),
                top_sponsors=top[pk] + (1 if sponsor_id is not None else 0),
                external_supporters=external[pk],
                scores=analytics.scores(readings),
            )
        )
    return facts


def _firings(organization: Organization, ids: Collection[int] | None = None) -> list[warning_rules.Firing]:
    """The change-programme rules the organisation's warnings pack enables, with its thresholds."""
    if ids is not None and not ids:
        return []
    settings = effective_rules(organization)
    if settings is None:
        return []
    enabled = {key: settings[key].thresholds for key in warning_rules.RULE_KEYS if key in settings}
    if not enabled:
        return []
    return warning_rules.evaluate(programme_facts(organization, ids), enabled, rules=set(enabled))


@dataclass(frozen=True)
class ProgrammeWarning:
    """A warning about one programme as the pages show it: the rule, what triggered it, what answers it."""

    rule_key: str
    name: str
    description: str
    severity: str
    facts: Mapping[str, Any] = field(default_factory=dict)
    answered_by: tuple[Practice, ...] = ()


def _score(value: object) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else "—"


def _low(facts: Mapping[str, Any], key: str) -> bool:
    score = facts.get(key)
    minimum = facts.get("min_factor_score")
    return isinstance(score, float) and isinstance(minimum, float) and score < minimum


def _clauses() -> dict[str, tuple[tuple[tuple[str, str, str], ...], tuple[str, ...]]]:
    """Per rule: its count clauses (count fact, minimum fact, sentence) and the factors it reads."""
    return {
        warning_rules.PLAN_TOO_VAGUE: (
            (("milestones", "min_milestones", _("%(count)s milestones; at least %(minimum)s are needed.")),),
            ("provide_plan",),
        ),
        warning_rules.UNFUNDED_CHANGE: (
            (
                (
                    "budget_lines",
                    "min_budget_lines",
                    _("%(count)s budget lines linked; at least %(minimum)s are needed."),
                ),
            ),
            ("provide_resources",),
        ),
        warning_rules.NO_INSTITUTIONALIZATION_STEP: (
            (
                (
                    "institutionalisation_steps",
                    "min_steps",
                    _("%(count)s milestones institutionalise the change; at least %(minimum)s are needed."),
                ),
            ),
            ("institutionalize_change",),
        ),
        warning_rules.PARTIAL_CHANGE: (
            (
                (
                    "subsystems",
                    "min_subsystems",
                    _("%(count)s subsystems are part of the change; at least %(minimum)s are needed."),
                ),
            ),
            ("pursue_comprehensive_change",),
        ),
        warning_rules.NO_TOP_SPONSOR_OR_EXTERNAL_SUPPORT: (
            (
                ("top_sponsors", "min_top_sponsors", _("%(count)s top sponsors; at least %(minimum)s are needed.")),
                (
                    "external_supporters",
                    "min_external_supporters",
                    _("%(count)s political or external supporters; at least %(minimum)s are needed."),
                ),
            ),
            ("ensure_top_management_support", "build_external_support"),
        ),
    }


def facts_text(rule_key: str, facts: Mapping[str, Any], factor_names: Mapping[str, str]) -> str:
    """What triggered a programme warning, in a sentence or two of the reader's language."""
    counts, factors = _clauses().get(rule_key, ((), ()))
    parts = [
        sentence % {"count": facts.get(count), "minimum": facts.get(minimum)}
        for count, minimum, sentence in counts
        if isinstance(facts.get(count), int) and facts[count] < (facts.get(minimum) or 0)
    ]
    if rule_key == warning_rules.PLAN_TOO_VAGUE and not facts.get("causal_theory_recorded"):
        parts.append(_("No causal theory is recorded."))
    parts += [
        _("Factor %(number)s, %(name)s, scores %(score)s, below %(minimum)s.")
        % {
            "number": analytics.factor_number(key),
            "name": factor_names.get(key, key),
            "score": _score(facts.get(f"{key}_score")),
            "minimum": _score(facts.get("min_factor_score")),
        }
        for key in factors
        if _low(facts, f"{key}_score")
    ]
    return " ".join(parts)


def programme_warnings(programme: ChangeProgramme, *, language: str | None = None) -> list[ProgrammeWarning]:
    """The warnings the organisation's rules raise about this programme now, most serious first."""
    if programme.archived or programme.status not in WATCHED_STATUSES:
        return []
    organization = programme.organization
    firings = _firings(organization, [programme.pk])
    if not firings:
        return []
    chosen = (language or get_language() or "en").split("-")[0]
    catalogue = rule_catalogue(organization, language=chosen)
    names = change_terms(organization, chosen).names
    found = []
    for firing in firings:
        info = rule_info(catalogue, firing.rule_key)
        found.append(
            ProgrammeWarning(
                rule_key=firing.rule_key,
                name=info.name,
                description=facts_text(firing.rule_key, firing.facts, names),
                severity=info.severity or "warning",
                facts=dict(firing.facts),
                answered_by=info.answered_by,
            )
        )
    rank = {"critical": 0, "warning": 1, "info": 2}
    return sorted(
        found, key=lambda warning: (rank.get(warning.severity, 3), warning_rules.RULE_KEYS.index(warning.rule_key))
    )


# --- The readiness gate's input -----------------------------------------------------------------


def initiative_readiness(initiative: Any) -> tuple[ProgrammeReadiness, ...]:
    """The readiness of every non-archived programme carrying the initiative, by name (the gate's source)."""
    rows = list(
        ChangeProgramme.objects.filter(
            organization_id=initiative.organization_id, initiatives=initiative, archived=False
        )
        .order_by("name", "pk")
        .values_list("pk", "name", "sponsor_id")
    )
    if not rows:
        return ()
    points = _entries_by_programme([pk for pk, _name, _sponsor in rows])
    names = change_terms(initiative.organization, get_language() or "en").names
    return tuple(
        ProgrammeReadiness(
            programme_id=pk,
            name=name,
            scores=analytics.scores(analytics.current_readiness(points.get(pk, []))),
            sponsor_named=sponsor_id is not None,
            factor_names=names,
        )
        for pk, name, sponsor_id in rows
    )


def factor_choices(organization: Organization, language: str) -> list[tuple[str, str]]:
    """(factor key, "4. Ensure top-management support and commitment") for the gate settings."""
    return change_terms(organization, language).factor_choices()
