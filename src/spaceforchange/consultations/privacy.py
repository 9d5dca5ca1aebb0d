"""Consultations as personal data.

Participants are pseudonymous by design: a participant row holds only the hash of a random secret
kept in the participant's cookie (or of their invitation token), with no link to an account, a
name or an address, and their writes leave no audit entry. The application therefore cannot find
a person's participation, and a person's export and erasure hold none; whoever holds the secret
holds the only key to it. (An invitation's label is written by staff for their own use; the
sections below scrub the person's name and email from it like any staff text.)

A staff person's data here is what they created: the consultations whose ``created_by`` they are.
Consultations belong to the organisation, so erasure keeps them: it drops the link to the person
and scrubs their name and email from the consultations' and invitations' texts and from every
statement, where colleagues or participants may have named them.
"""

from __future__ import annotations

from typing import Any

from spaceforchange.consultations.models import Consultation, Invitation, Statement
from spaceforchange.core import privacy

TEXTS = ((Consultation, ("title", "description")), (Invitation, ("label",)), (Statement, ("text",)))


def export_consultations(user: Any) -> dict[str, Any]:
    created = Consultation.objects.filter(created_by=user).select_related("organization").order_by("created_at", "pk")
    return {
        "consultations_created": [
            {
                "organization": consultation.organization.slug,
                "question": consultation.title,
                "description": consultation.description,
                "created_at": consultation.created_at.isoformat(),
            }
            for consultation in created
        ]
    }


def erase_consultations(erasure: privacy.Erasure) -> dict[str, int]:
    unlinked = Consultation.objects.filter(created_by=erasure.user).update(created_by=None)
    scrubbed = 0
    for model, fields in TEXTS:
        rows = model.objects.filter(erasure.text_filter(*fields))  # type: ignore[attr-defined]
        for row in rows:
            model.objects.filter(pk=row.pk).update(  # type: ignore[attr-defined]
                **{name: erasure.scrub(getattr(row, name)) for name in fields}
            )
            scrubbed += 1
    return {"unlinked": unlinked, "scrubbed": scrubbed}


privacy.register(
    "consultations",
    exporter=export_consultations,
    eraser=erase_consultations,
    description="Consultations the person created. Participation is pseudonymous and cannot be traced to a person.",
)
