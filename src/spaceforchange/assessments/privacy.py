"""Survey data as personal data.

Anonymous campaigns hold nothing that points at a person. Named campaigns do: the response's
respondent, the invitation's email address and the comments the person wrote; and every
campaign, answer import and saved column mapping records who created it. Erasure keeps the
answers (results and trends are the organisation's record) but detaches them from the person,
blanks the invitation's address and scrubs the person's name and address from comments; imports
and mappings are kept without their creator, and their file names and names lose the person's name.
"""

from __future__ import annotations

from typing import Any

from spaceforchange.assessments.models import (
    Campaign,
    CampaignInvitation,
    ColumnMapping,
    DimensionComment,
    Response,
    SurveyImport,
)
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
        **_export_imports(user),
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


def _export_imports(user: User) -> dict[str, list[dict[str, Any]]]:
    imports = (
        SurveyImport.objects.filter(created_by=user)
        .select_related("campaign", "campaign__organization")
        .defer("content")
        .order_by("created_at", "pk")
    )
    mappings = ColumnMapping.objects.filter(created_by=user).select_related("organization").order_by("name", "pk")
    return {
        "answer_imports": [
            {
                "organization": survey_import.campaign.organization.slug,
                "campaign": survey_import.campaign.title,
                "filename": survey_import.filename,
                "uploaded_at": survey_import.created_at.isoformat(),
                "status": survey_import.status,
                "rows": survey_import.rows_total if survey_import.rows_total is not None else survey_import.rows_done,
            }
            for survey_import in imports
        ],
        "column_mappings": [{"organization": mapping.organization.slug, "name": mapping.name} for mapping in mappings],
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
    imports, renamed = _erase_imports(erasure)
    return {
        "responses_detached": detached,
        "comments_scrubbed": scrubbed,
        "invitations_blanked": blanked,
        "campaigns_kept_pseudonymised": Campaign.objects.filter(created_by=erasure.user).count(),
        "imports_detached": imports,
        "import_filenames_scrubbed": renamed,
        "mappings_detached": _erase_mappings(erasure),
    }


def _erase_imports(erasure: privacy.Erasure) -> tuple[int, int]:
    """Detach the person's imports; a file name holding their name or address loses it too."""
    renamed = 0
    mine = SurveyImport.objects.filter(created_by=erasure.user)
    for pk, filename in mine.values_list("pk", "filename"):
        scrubbed = erasure.scrub(filename)
        if scrubbed != filename:
            SurveyImport.objects.filter(pk=pk).update(filename=scrubbed[:255])
            renamed += 1
    return mine.update(created_by=None), renamed


def _erase_mappings(erasure: privacy.Erasure) -> int:
    """Detach the person's saved mappings; a name holding their name loses it (kept unique)."""
    mine = ColumnMapping.objects.filter(created_by=erasure.user)
    for mapping in mine.only("pk", "organization_id", "name"):
        name = erasure.scrub(mapping.name)[:100]
        if name == mapping.name:
            continue
        if ColumnMapping.objects.filter(organization_id=mapping.organization_id, name=name).exists():
            name = f"{name[:90]} ({mapping.pk})"
        ColumnMapping.objects.filter(pk=mapping.pk).update(name=name)
    return mine.update(created_by=None)


privacy.register(
    "surveys",
    exporter=export_surveys,
    eraser=erase_surveys,
    description=(
        "Survey campaigns the person created (kept, linked to the pseudonymised account), their answers "
        "and comments in named campaigns (kept for the results, detached from the person, names scrubbed "
        "from comments), invitations sent to their address (address blanked), and the answer imports and "
        "column mappings they made (kept without their creator; the person's name scrubbed from file "
        "names and mapping names)."
    ),
)
