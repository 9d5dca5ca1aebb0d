"""Reads of initiatives, shaped for the pages."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from spaceforchange.core.models import Organization
from spaceforchange.portfolio.models import Initiative


def initiatives_for(organization: Organization, *, search: str = "", stage: str = "") -> QuerySet[Initiative]:
    queryset = Initiative.objects.filter(organization=organization).select_related("unit", "owner")
    if search:
        queryset = queryset.filter(Q(title__icontains=search) | Q(summary__icontains=search))
    if stage:
        queryset = queryset.filter(stage=stage)
    return queryset.order_by("title")


def initiative_detail(organization: Organization, initiative_id: int) -> Initiative:
    return get_object_or_404(initiatives_for(organization), pk=initiative_id)
