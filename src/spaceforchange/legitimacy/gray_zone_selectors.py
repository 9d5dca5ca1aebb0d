"""Reads of the gray-zone register: the whole register, one entry with its events, and counts."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from spaceforchange.core.models import Organization
from spaceforchange.legitimacy.models import GrayZoneEntry, GrayZoneEvent, GrayZoneStatus

STATUSES = tuple(GrayZoneStatus.values)


def register_for(organization: Organization, *, status: str = "", tactic: str = "") -> QuerySet[GrayZoneEntry]:
    """Every entry of the organisation (newest first), optionally of one status or tactic."""
    rows = GrayZoneEntry.objects.filter(organization=organization).select_related(
        "initiative", "policy", "accountable", "proposed_by", "decided_by"
    )
    if status in STATUSES:
        rows = rows.filter(status=status)
    if tactic:
        rows = rows.filter(tactic=tactic)
    return rows.order_by("-proposed_at", "-pk")


def entry_detail(organization: Organization, entry_id: int) -> GrayZoneEntry:
    """One entry of the organisation with its subject, people and events (404 for any other id)."""
    events = GrayZoneEvent.objects.select_related("actor").order_by("at", "pk")
    rows = (
        GrayZoneEntry.objects.filter(organization=organization)
        .select_related("organization", "initiative", "policy", "accountable", "proposed_by", "decided_by")
        .prefetch_related(Prefetch("events", queryset=events))
    )
    return get_object_or_404(rows, pk=entry_id)


def unapproved_count(organization: Organization) -> int:
    return GrayZoneEntry.objects.filter(organization=organization, status=GrayZoneStatus.PROPOSED).count()
