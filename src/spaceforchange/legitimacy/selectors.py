"""Reads of the stakeholder register and map, and the lookups every legitimacy page starts with.

Every selector takes the organisation explicitly; an id of another organisation is a 404. The
pages of one subject (heat map, timeline, plan) read through ``subject_selectors``; the gray-zone
register through ``gray_zone_selectors``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from spaceforchange.core.models import Organization, User
from spaceforchange.legitimacy.models import Judgment, Stakeholder
from spaceforchange.policies.models import Policy
from spaceforchange.portfolio.models import Initiative

SORTS = {
    "name": ("name", "pk"),
    "influence": ("-influence", "-interest", "name", "pk"),
    "interest": ("-interest", "-influence", "name", "pk"),
    "category": ("category", "name", "pk"),
    "judged": ("-judged", "name", "pk"),
}


def _judged_subjects() -> Coalesce:
    """How many subjects a stakeholder currently judges (distinct initiatives plus policies)."""
    counted = (
        Judgment.objects.filter(stakeholder=OuterRef("pk"), is_current=True)
        .order_by()
        .values("stakeholder")
        .annotate(n=Count("initiative", distinct=True) + Count("policy", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def stakeholders_for(
    organization: Organization,
    *,
    search: str = "",
    category: str = "",
    sort: str = "name",
    include_archived: bool = False,
) -> QuerySet[Stakeholder]:
    """The register: name or notes matching ``search``, of ``category``, in the order ``sort`` names."""
    rows = Stakeholder.objects.filter(organization=organization).select_related("contact_owner")
    if not include_archived:
        rows = rows.filter(active=True)
    if search:
        rows = rows.filter(Q(name__icontains=search) | Q(notes__icontains=search))
    if category:
        rows = rows.filter(category=category)
    return rows.annotate(judged=_judged_subjects()).order_by(*SORTS.get(sort, SORTS["name"]))


def stakeholder_detail(organization: Organization, stakeholder_id: int) -> Stakeholder:
    rows = Stakeholder.objects.filter(organization=organization).select_related("contact_owner")
    return get_object_or_404(rows.prefetch_related("initiatives", "policies"), pk=stakeholder_id)


def stakeholder_of(organization: Organization, stakeholder_id: int) -> Stakeholder:
    return get_object_or_404(Stakeholder.objects.filter(organization=organization), pk=stakeholder_id)


def current_judgments_of(stakeholder: Stakeholder) -> QuerySet[Judgment]:
    """The stakeholder's current judgments of every subject, with the subjects' titles."""
    return (
        Judgment.objects.filter(stakeholder=stakeholder, is_current=True)
        .select_related("initiative", "policy")
        .prefetch_related("conditions")
        .order_by("-recorded_at", "-pk")
    )


@dataclass(frozen=True)
class MapPoint:
    """A stakeholder on the map: influence (y) × interest (x), sized by the subjects they judge."""

    stakeholder: Stakeholder
    judged: int

    @property
    def radius(self) -> int:
        return min(4 + 2 * self.judged, 16)


def stakeholder_map(organization: Organization) -> list[MapPoint]:
    """Every active stakeholder, most influential first (one query)."""
    rows = stakeholders_for(organization, sort="influence")
    return [MapPoint(stakeholder, stakeholder.judged) for stakeholder in rows]  # type: ignore[attr-defined]


def initiative_of(organization: Organization, initiative_id: int) -> Initiative:
    rows = Initiative.objects.filter(organization=organization).select_related("organization", "owner")
    return get_object_or_404(rows, pk=initiative_id)


def policy_of(organization: Organization, policy_id: int) -> Policy:
    rows = Policy.objects.filter(organization=organization).select_related("organization", "manager")
    return get_object_or_404(rows, pk=policy_id)


def people_of(organization: Organization) -> QuerySet[User]:
    """The organisation's active members: contact owners, action owners, accountable people."""
    return User.objects.filter(memberships__organization=organization, memberships__is_active=True).order_by("email")


def initiatives_of(organization: Organization) -> QuerySet[Initiative]:
    return Initiative.objects.filter(organization=organization).order_by("title", "pk")


def policies_of(organization: Organization) -> QuerySet[Policy]:
    return Policy.objects.filter(organization=organization).order_by("title", "pk")
