"""The portfolio's warning rules in the alerts app, and the idea as a subject of warnings.

One evaluator runs every rule of ``analytics.portfolio`` (the portfolio and first-step rules of
FRAMEWORKS.md and the idea answer guarantee): it loads the organisation's snapshot once per
evaluation, with a fixed number of queries however many initiatives and ideas there are, and
hands it to the pure rules.

``idea_answer_overdue`` reads the organisation's own answer guarantee (the idea-box setting,
30 days unless changed) rather than the warnings pack's ``days``: the guarantee is what the
organisation promised its members, and the pages listing overdue ideas read the same setting.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from datetime import date, tzinfo
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from spaceforchange.alerts.domain import IDEA
from spaceforchange.alerts.registry import register, register_subject
from spaceforchange.analytics import portfolio as rules
from spaceforchange.analytics.portfolio.warnings import IDEA_RULE
from spaceforchange.assessments.models import Campaign, CampaignStatus, ResultSnapshot
from spaceforchange.core.models import Organization
from spaceforchange.core.selectors import organization_zone
from spaceforchange.portfolio import idea_selectors, selectors
from spaceforchange.portfolio.models import Backing, Constraint, Idea, Initiative, Setback, StageTransition
from spaceforchange.portfolio.terms import SCAN_INSTRUMENT, SCAN_PACK, pack_terms

Row = TypeVar("Row", StageTransition, Constraint, Backing, Setback)


@register(*rules.RULE_KEYS)
def portfolio_rules(
    organization: Organization, thresholds_by_rule: Mapping[str, Mapping[str, float]], today: date
) -> list[rules.Firing]:
    """Every portfolio rule the organisation's warnings pack enables, over one snapshot."""
    enabled = set(thresholds_by_rule)
    thresholds = {key: dict(value) for key, value in thresholds_by_rule.items()}
    if IDEA_RULE in thresholds:
        thresholds[IDEA_RULE]["days"] = idea_selectors.answer_days(organization)
    snapshot = organization_snapshot(
        organization, with_initiatives=bool(enabled - {IDEA_RULE}), with_ideas=IDEA_RULE in enabled
    )
    vocabulary = pack_terms(organization, settings.LANGUAGE_CODE).vocabulary
    return rules.evaluate(snapshot, thresholds, today, rules=enabled, vocabulary=vocabulary)


def organization_snapshot(
    organization: Organization, *, with_initiatives: bool = True, with_ideas: bool = True
) -> rules.PortfolioSnapshot:
    """All the organisation's initiatives and ideas as the rules read them, in a fixed number of queries.

    A part no enabled rule reads is left empty rather than loaded.
    """
    initiatives = initiative_snapshots(organization) if with_initiatives else ()
    ideas = idea_selectors.idea_snapshots(organization) if with_ideas else ()
    return rules.PortfolioSnapshot(initiatives=initiatives, ideas=ideas)


def initiative_snapshots(organization: Organization) -> tuple[rules.Initiative, ...]:
    """Every initiative of the organisation with its records and scans, one query per kind of record.

    The same records ``selectors.initiative_snapshot`` makes of loaded models, built from plain
    rows of the few columns the rules read: an organisation of 20,000 initiatives has some
    100,000 records, and making a model instance of each cost most of an evaluation.
    """
    transitions = _by_initiative(StageTransition, organization, ("to_stage", "decided_on"), "decided_on")
    constraints = _by_initiative(Constraint, organization, ("pk", "family", "status", "added_on"), "added_on")
    backing = _by_initiative(
        Backing, organization, ("backer_id", "backer_name", "level", "commitment", "recorded_on"), "recorded_on"
    )
    setbacks = _by_initiative(Setback, organization, ("occurred_on", "support_held"), "occurred_on")
    scans = _scans_by_initiative(organization)
    zone = organization_zone(organization)
    rows = (
        Initiative.objects.filter(organization=organization)
        .order_by("pk")
        .values_list("pk", "stage", "change_form", "initiator_level", "trigger", "created_at")
    )
    return tuple(
        rules.Initiative(
            id=pk,
            stage=rules.Stage(stage),
            history=_history(transitions.get(pk, ()), stage, timezone.localtime(created_at, zone).date()),
            change_form=change_form or None,
            initiator_level=initiator_level or None,
            trigger=trigger or None,
            backing=_backing(backing.get(pk, ())),
            constraints=tuple(rules.ConstraintRecord(*row) for row in constraints.get(pk, ())),
            setbacks=tuple(rules.Setback(*row) for row in setbacks.get(pk, ())),
            scans=tuple(rules.Scan(summary.taken_on, summary.means) for summary in scans.get(pk, ())),
        )
        for pk, stage, change_form, initiator_level, trigger, created_at in rows
    )


def _by_initiative(
    model: type[Row], organization: Organization, fields: tuple[str, ...], date_field: str
) -> dict[int, list[tuple[Any, ...]]]:
    """The organisation's rows of ``model`` as tuples of ``fields``, per initiative, oldest first."""
    grouped: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    rows = model.objects.filter(organization=organization).order_by(date_field, "pk")
    for initiative_id, *values in rows.values_list("initiative_id", *fields):
        grouped[initiative_id].append(tuple(values))
    return grouped


def _history(transitions: Iterable[tuple[str, date]], stage: str, created_on: date) -> tuple[rules.StageEntry, ...]:
    entries = tuple(rules.StageEntry(rules.Stage(to_stage), decided_on) for to_stage, decided_on in transitions)
    # Initiatives registered before transitions were recorded entered their stage when created.
    return entries or (rules.StageEntry(rules.Stage(stage), created_on),)


def _backing(rows: Iterable[tuple[int | None, str, str, str, date]]) -> tuple[rules.BackingEntry, ...]:
    """Backing entries with each backer (a person by id, else a name ignoring case) numbered in order of appearance."""
    numbers: dict[tuple[str, str], int] = {}
    entries = []
    for backer_id, backer_name, level, commitment, recorded_on in rows:
        identity = ("person", str(backer_id)) if backer_id is not None else ("name", backer_name.casefold().strip())
        number = numbers.setdefault(identity, len(numbers) + 1)
        entries.append(rules.BackingEntry(number, level, commitment or None, recorded_on))
    return tuple(entries)


def _scans_by_initiative(organization: Organization) -> dict[int, list[selectors.ScanSummary]]:
    """Each initiative's opened space-for-change scans, newest first, from their stored results.

    A scan whose results were never stored is computed (and stored) once through the assessments
    app; stored results brought up to date by the worker after new answers are read as they are.
    """
    zone = organization_zone(organization)
    campaigns = (
        Campaign.objects.filter(
            organization=organization,
            initiative__isnull=False,
            instrument_key=SCAN_INSTRUMENT,
            pack_version__pack__key=SCAN_PACK,
        )
        .exclude(status=CampaignStatus.DRAFT)
        .select_related("pack_version__pack")
        .prefetch_related(
            Prefetch("result_snapshots", queryset=ResultSnapshot.objects.filter(group_by=""), to_attr="whole")
        )
        .order_by("-opens_at", "-pk")
    )
    grouped: dict[int, list[selectors.ScanSummary]] = defaultdict(list)
    for campaign in campaigns:
        assert campaign.initiative_id is not None  # filtered above
        grouped[campaign.initiative_id].append(_scan_summary(campaign, zone))
    return grouped


def _scan_summary(campaign: Campaign, zone: tzinfo) -> selectors.ScanSummary:
    stored: list[ResultSnapshot] = getattr(campaign, "whole", [])
    if not stored:
        return selectors.scan_summary(campaign, zone)
    data: dict[str, Any] = stored[0].data
    groups = data.get("groups") or [{}]
    dimensions = groups[0].get("dimensions", {}) if not groups[0].get("suppressed") else {}
    means = {key: float(entry["mean"]) for key, entry in dimensions.items() if entry.get("mean") is not None}
    respondents = int(data.get("campaign", {}).get("respondents", 0))
    moment = campaign.closed_at or campaign.opens_at
    return selectors.ScanSummary(campaign, timezone.localtime(moment, zone).date(), respondents, means)


# --- Ideas as subjects of warnings --------------------------------------------------------------


def _idea_labels(organization: Organization, ids: Collection[int]) -> Mapping[int, str]:
    # An anonymous idea gets no stored label, so the warning names it "Idea #id": its title was
    # written by the submitter, may point to them, and would live on in warnings and emails.
    rows = Idea.objects.filter(organization=organization, pk__in=ids, anonymous=False)
    return dict(rows.values_list("pk", "title"))


def _idea_sponsors(organization: Organization, ids: Collection[int]) -> Mapping[int, Collection[int]]:
    rows = Idea.objects.filter(organization=organization, pk__in=ids, sponsor__isnull=False)
    return {pk: {sponsor_id} for pk, sponsor_id in rows.values_list("pk", "sponsor_id")}


def _idea_url(organization_slug: str, idea_id: int) -> str:
    return reverse("portfolio:idea", kwargs={"org_slug": organization_slug, "idea_id": idea_id})


register_subject(IDEA, labels=_idea_labels, responsible=_idea_sponsors, url=_idea_url)
