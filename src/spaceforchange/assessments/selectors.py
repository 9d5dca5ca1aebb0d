"""Reads of survey campaigns, each scoped to the organisation passed in."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from spaceforchange.assessments import domain
from spaceforchange.assessments.domain import AnswerMatrix, RespondentRow
from spaceforchange.assessments.models import (
    Answer,
    Campaign,
    CampaignInvitation,
    DimensionComment,
    Response,
    ResponseStatus,
)
from spaceforchange.core.models import Organization
from spaceforchange.frameworks.schema import Instrument
from spaceforchange.frameworks.selectors import parsed_pack


def campaigns_for(organization: Organization, *, status: str | None = None) -> QuerySet[Campaign]:
    """The organisation's campaigns, newest first; pack documents are left unloaded."""
    queryset = (
        Campaign.objects.filter(organization=organization)
        .select_related("unit", "initiative", "created_by", "pack_version__pack")
        .defer("pack_version__document", "pack_version__digest")
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-opens_at", "-pk")


@dataclass(frozen=True)
class LinkTarget:
    """Where a respondent's link leads: its campaign, and its invitation when it is a personal link."""

    campaign: Campaign
    invitation: CampaignInvitation | None


def link_target(token: str) -> LinkTarget | None:
    """The campaign a personal or shared link token leads to, or None; reads only, so a page can
    describe the survey before anything is started. Links are bearer secrets: only their hashes
    are stored, so the lookup hashes the token."""
    digest = domain.hash_token(token or "")
    invitation = CampaignInvitation.objects.select_related("campaign__organization").filter(token_hash=digest).first()
    if invitation is not None:
        return LinkTarget(campaign=invitation.campaign, invitation=invitation)
    shared = Campaign.objects.select_related("organization").filter(shared_link_token_hash=digest).first()
    return LinkTarget(campaign=shared, invitation=None) if shared is not None else None


def campaign(organization: Organization, campaign_id: int) -> Campaign:
    """The organisation's campaign with this id; ``Campaign.DoesNotExist`` also for another organisation's."""
    return campaigns_for(organization).get(pk=campaign_id)


def instrument_of(campaign: Campaign) -> Instrument:
    """The instrument the campaign asks, as written in the pack version it recorded."""
    pack = parsed_pack(campaign.pack_version)
    found = next((instrument for instrument in pack.instruments if instrument.key == campaign.instrument_key), None)
    if found is None:  # versions never change and creation checked the key, so only a corrupted row gets here
        raise LookupError(f"Pack version {campaign.pack_version_id} has no instrument {campaign.instrument_key!r}.")
    return found


def invitations_of(campaign: Campaign) -> QuerySet[CampaignInvitation]:
    return CampaignInvitation.objects.filter(organization_id=campaign.organization_id, campaign=campaign)


def answers_of(response: Response) -> dict[str, int | None]:
    """Statement key → the saved answer (None: "don't know"), for showing a draft again."""
    return dict(Answer.objects.filter(response=response).values_list("statement_key", "value"))


def comments_of(response: Response) -> dict[str, str]:
    return dict(DimensionComment.objects.filter(response=response).values_list("dimension_key", "text"))


def submitted_answers_matrix(campaign: Campaign) -> AnswerMatrix:
    """Every submitted response as a row of values in the instrument's statement order (two queries)."""
    statement_keys = [statement.key for statement in instrument_of(campaign).statements]
    column = {key: index for index, key in enumerate(statement_keys)}
    submitted = Response.objects.filter(
        organization_id=campaign.organization_id, campaign=campaign, status=ResponseStatus.SUBMITTED
    )
    values: dict[int, list[int | None]] = {}
    for response_id, statement_key, value in (
        Answer.objects.filter(response__in=submitted).values_list("response_id", "statement_key", "value").iterator()
    ):
        if statement_key in column:
            values.setdefault(response_id, [None] * len(statement_keys))[column[statement_key]] = value
    rows = [
        RespondentRow(
            values=values.get(response_id, [None] * len(statement_keys)),
            weight=weight,
            unit_id=unit_id,
            attributes=dict(attributes or {}),
        )
        for response_id, weight, unit_id, attributes in submitted.order_by("pk").values_list(
            "pk", "weight", "unit_id", "attributes"
        )
    ]
    return AnswerMatrix(statement_keys=statement_keys, rows=rows)
