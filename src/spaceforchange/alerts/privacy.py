"""Warnings as personal data: who acknowledged which, with what note, and the email setting.

Acknowledgements are the organisation's record of how it handled its warnings, so erasure keeps
them, linked to the pseudonymised account, with the person's names and address scrubbed from
the notes; the email settings are the person's own and are deleted.
"""

from __future__ import annotations

from typing import Any

from spaceforchange.alerts.models import Alert, AlertSubscription
from spaceforchange.core import privacy
from spaceforchange.core.models import User


def export_alerts(user: User) -> dict[str, Any]:
    acknowledged = Alert.objects.filter(acknowledged_by=user).select_related("organization").order_by("acknowledged_at")
    settings = AlertSubscription.objects.filter(user=user).select_related("organization").order_by("pk")
    return {
        "acknowledged": [
            {
                "organization": alert.organization.slug,
                "rule": alert.rule_key,
                "subject_kind": alert.subject_kind,
                "subject_id": alert.subject_id,
                "acknowledged_at": alert.acknowledged_at.isoformat() if alert.acknowledged_at else None,
                "note": alert.acknowledgement_note,
            }
            for alert in acknowledged
        ],
        "email_settings": [
            {"organization": row.organization.slug, "email_new_alerts": row.email_new_alerts} for row in settings
        ],
    }


def erase_alerts(erasure: privacy.Erasure) -> dict[str, int]:
    scrubbed = 0
    for alert in Alert.objects.filter(acknowledged_by=erasure.user):
        note = erasure.scrub(alert.acknowledgement_note)
        if note != alert.acknowledgement_note:
            alert.acknowledgement_note = note
            alert.save(update_fields=["acknowledgement_note"])
            scrubbed += 1
    deleted, _by_model = AlertSubscription.objects.filter(user=erasure.user).delete()
    return {"notes_scrubbed": scrubbed, "email_settings_deleted": deleted}


privacy.register(
    "alerts",
    exporter=export_alerts,
    eraser=erase_alerts,
    description="Warnings the person acknowledged (kept, notes scrubbed) and their warning email settings (deleted).",
)
