"""Legitimacy records as personal data: what a person recorded, owns, proposed, decided or answers for.

Judgments, legitimation actions and gray-zone entries are the organisation's record of who judged
what and who took responsibility for bending a rule, so erasure keeps them and keeps their links
to the erased account, which ``erase_person`` pseudonymises: the gray-zone register must still
show that a second person approved an entry, without saying who. What erasure removes is the
person's name and email wherever colleagues wrote them into texts (evidence, notes, conditions,
rationales, a stakeholder's name when the person was registered as one).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from spaceforchange.core import privacy
from spaceforchange.legitimacy.models import (
    GrayZoneEntry,
    GrayZoneEvent,
    Judgment,
    JudgmentCondition,
    LegitimationAction,
    Stakeholder,
)

TEXTS: tuple[tuple[type[Model], tuple[str, ...]], ...] = (
    (Stakeholder, ("name", "notes")),
    (Judgment, ("mitigating_factors", "evidence")),
    (JudgmentCondition, ("text",)),
    (LegitimationAction, ("description", "outcome")),
    (GrayZoneEntry, ("rule_concerned", "rationale", "risks", "ended_reason")),
    (GrayZoneEvent, ("note",)),
)


def _subject(row: Any) -> str:
    subject = row.initiative or row.policy
    return str(subject) if subject is not None else ""


def export_legitimacy(user: Any) -> dict[str, Any]:
    judgments = Judgment.objects.filter(recorded_by=user).select_related("organization", "stakeholder")
    actions = LegitimationAction.objects.filter(owner=user).select_related("organization")
    entries = GrayZoneEntry.objects.filter(proposed_by=user) | GrayZoneEntry.objects.filter(accountable=user)
    entries |= GrayZoneEntry.objects.filter(decided_by=user)
    contacts = Stakeholder.objects.filter(contact_owner=user).select_related("organization")
    return {
        "judgments_recorded": [
            {
                "organization": row.organization.slug,
                "stakeholder": row.stakeholder.name,
                "subject": _subject(row),
                "legitimacy_type": row.legitimacy_type,
                "state": row.state,
                "recorded_at": row.recorded_at.isoformat(),
            }
            for row in judgments.select_related("initiative", "policy").order_by("recorded_at", "pk")
        ],
        "legitimation_actions_owned": [
            {"organization": row.organization.slug, "subject": _subject(row), "strategy": row.strategy}
            for row in actions.select_related("initiative", "policy").order_by("pk")
        ],
        "gray_zone_entries": [
            {
                "organization": row.organization.slug,
                "subject": _subject(row),
                "tactic": row.tactic,
                "status": row.status,
                "proposed_by_you": row.proposed_by_id == user.pk,
                "accountable": row.accountable_id == user.pk,
                "approved_or_rejected_by_you": row.decided_by_id == user.pk,
            }
            for row in entries.distinct().select_related("organization", "initiative", "policy").order_by("pk")
        ],
        "stakeholder_contacts": [
            {"organization": row.organization.slug, "stakeholder": row.name} for row in contacts.order_by("pk")
        ],
    }


def erase_legitimacy(erasure: privacy.Erasure) -> dict[str, int]:
    unlinked = Stakeholder.objects.filter(contact_owner=erasure.user).update(contact_owner=None)
    scrubbed = 0
    for model, fields in TEXTS:
        for row in model._default_manager.filter(erasure.text_filter(*fields)):
            model._default_manager.filter(pk=row.pk).update(
                **{name: erasure.scrub(getattr(row, name)) for name in fields}
            )
            scrubbed += 1
    return {"contacts_unlinked": unlinked, "scrubbed": scrubbed}


privacy.register(
    "legitimacy",
    exporter=export_legitimacy,
    eraser=erase_legitimacy,
    description=(
        "Judgments the person recorded, legitimation actions they own, gray-zone entries they proposed, "
        "answer for or decided, stakeholders they are the contact for; kept, with their name scrubbed from texts."
    ),
)
