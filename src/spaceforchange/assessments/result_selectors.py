"""Reads for a campaign's results pages: comments, respondent attributes and campaigns to compare with.

Each read is scoped to the campaign's organisation, and only submitted responses count: a draft is
not an answer yet.
"""

from __future__ import annotations

from django.db.models import QuerySet

from spaceforchange.assessments import selectors
from spaceforchange.assessments.models import Campaign, DimensionComment, Response, ResponseStatus


def _submitted(campaign: Campaign) -> QuerySet[Response]:
    return Response.objects.filter(
        organization_id=campaign.organization_id, campaign=campaign, status=ResponseStatus.SUBMITTED
    )


def respondent_count(campaign: Campaign) -> int:
    return _submitted(campaign).count()


def submitted_comments(campaign: Campaign) -> dict[str, list[str]]:
    """Dimension key → the texts of the submitted comments on it, in alphabetical order.

    Never in the order they were written: that order would match comments to the times people
    answered, and line up one person's comments across dimensions. One query.
    """
    comments: dict[str, list[str]] = {}
    rows = DimensionComment.objects.filter(
        organization_id=campaign.organization_id, response__in=_submitted(campaign).values("pk")
    ).values_list("dimension_key", "text")
    for dimension_key, text in rows:
        if text.strip():
            comments.setdefault(dimension_key, []).append(text.strip())
    # Sorted here rather than by the database, whose collation differs between SQLite and PostgreSQL.
    return {key: sorted(texts, key=lambda text: (text.casefold(), text)) for key, texts in comments.items()}


def attribute_names(campaign: Campaign) -> list[str]:
    """The respondent attributes the submitted responses carry, to offer as groupings."""
    names = {
        name for attributes in _submitted(campaign).values_list("attributes", flat=True) for name in attributes or {}
    }
    return sorted(names, key=str.casefold)


def comparable_campaigns(campaign: Campaign) -> QuerySet[Campaign]:
    """The organisation's other campaigns of the same instrument of the same framework, newest first.

    Pack versions may differ: a dimension or statement keeps its key across versions, and figures
    are compared key by key.
    """
    return (
        selectors.campaigns_for(campaign.organization)
        .filter(pack_version__pack_id=campaign.pack_version.pack_id, instrument_key=campaign.instrument_key)
        .exclude(pk=campaign.pk)
    )
