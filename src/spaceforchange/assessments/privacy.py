"""Survey data as personal data.

Anonymous campaigns hold nothing that points at a person. Named campaigns do: the response's
respondent, the invitation's email address and the comments the person wrote; and every
campaign records who created it. Erasure keeps the answers (results and trends are the
organisation's record) but detaches them from the person, blanks the invitation's address and
scrubs the person's name and address from comments.
"""

from __future__ import annotations

from typing import Any

from spaceforchange.assessments.models import Campaign, CampaignInvitation, DimensionComment, Response
from spaceforchange.core import privacy
from spaceforchange.core.models import User


def export_surveys(user: User) -> dict[str, list[dict[str, Any]]]:
    created = Campaign.objects.filter(created_by=user).select_related("organization").order_by("created_at")
    responses = (
        Response.objects.filter(respondent=user)
        .select_related("campaign", "campaign__organization")
        .prefetch_related("answers", "comments")
        .order_by("started_at")
    )
    invitations = CampaignInvitation.objects.filter(email__iexact=user.email).select_related("campaign")
    return {
        "campaigns_created": [
            {
                "organization": campaign.organization.slug,
                "title": campaign.title,
                "instrument": campaign.instrument_key,
                "created_at": campaign.created_at.isoformat(),
            }
            for campaign in created
        ],
        "named_responses": [
            {
                "organization": response.campaign.organization.slug,
                "campaign": response.campaign.title,
                "status": response.status,
                "submitted_at": response.submitted_at.isoformat() if response.submitted_at else None,
                "answers": {answer.statement_key: answer.value for answer in response.answers.all()},
                "comments": {comment.dimension_key: comment.text for comment in response.comments.all()},
            }
            for response in responses
        ],
        "invitations": [
            {
                "campaign": invitation.campaign.title,
                "sent_at": invitation.sent_at.isoformat() if invitation.sent_at else None,
            }
            for invitation in invitations
        ],
    }


def erase_surveys(erasure: privacy.Erasure) -> dict[str, int]:
    responses = list(Response.objects.filter(respondent=erasure.user).values_list("pk", flat=True))
    scrubbed = 0
    for comment in DimensionComment.objects.filter(response_id__in=responses):
        text = erasure.scrub(comment.text)
        if text != comment.text:
            DimensionComment.objects.filter(pk=comment.pk).update(text=text)
            scrubbed += 1
    detached = Response.objects.filter(pk__in=responses).update(respondent=None, invitation=None)
    blanked = CampaignInvitation.objects.filter(email__iexact=erasure.email).update(email="")
    return {
        "responses_detached": detached,
        "comments_scrubbed": scrubbed,
        "invitations_blanked": blanked,
        "campaigns_kept_pseudonymised": Campaign.objects.filter(created_by=erasure.user).count(),
    }


privacy.register(
    "surveys",
    exporter=export_surveys,
    eraser=erase_surveys,
    description=(
        "Survey campaigns the person created (kept, linked to the pseudonymised account), their answers "
        "and comments in named campaigns (kept for the results, detached from the person, names scrubbed "
        "from comments) and invitations sent to their address (address blanked)."
    ),
)
