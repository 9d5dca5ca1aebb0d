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
from collections.abc import Collection, Mapping
from datetime import date, tzinfo
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Prefetch, QuerySet
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
    """Every initiative of the organisation with its records and scans, one query per kind of record."""
    transitions = _by_initiative(StageTransition.objects.filter(organization=organization), "decided_on")
    constraints = _by_initiative(Constraint.objects.filter(organization=organization), "added_on")
    backing = _by_initiative(Backing.objects.filter(organization=organization), "recorded_on")
    setbacks = _by_initiative(Setback.objects.filter(organization=organization), "occurred_on")
    scans = _scans_by_initiative(organization)
    snapshots = []
    for initiative in Initiative.objects.filter(organization=organization).order_by("pk"):
        # Already loaded: the snapshot reads the organisation's time zone for undated histories.
        initiative.organization = organization
        records = selectors.Records(
            transitions=transitions.get(initiative.pk, []),
            constraints=constraints.get(initiative.pk, []),
            status_changes=[],  # the rules read a constraint's current status only
            backing=backing.get(initiative.pk, []),
            setbacks=setbacks.get(initiative.pk, []),
        )
        snapshots.append(selectors.initiative_snapshot(initiative, scans=scans.get(initiative.pk, []), records=records))
    return tuple(snapshots)


def _by_initiative(queryset: QuerySet[Row], date_field: str) -> dict[int, list[Row]]:
    grouped: dict[int, list[Row]] = defaultdict(list)
    for row in queryset.order_by(date_field, "pk"):
        grouped[row.initiative_id].append(row)
    return grouped


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
