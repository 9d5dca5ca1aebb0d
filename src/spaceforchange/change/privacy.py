"""Change programmes as personal data: programmes a person owns or sponsors, support they give,
readiness scores and evidence checks they recorded.

Programmes and their readiness are the organisation's record of its change, so erasure keeps
them and drops the link to the person (a programme then has no owner or no named sponsor, which
the warnings and the readiness gate will notice); a supporter row that named the person keeps
the role but takes the pseudonym; names in the free texts are scrubbed.
"""

from __future__ import annotations

from typing import Any

from spaceforchange.change.models import (
    ChangeProgramme,
    EvidenceCheck,
    Milestone,
    ReadinessEntry,
    Subsystem,
    Supporter,
)
from spaceforchange.core import privacy

PROGRAMME_TEXTS = (
    "vision",
    "causal_theory",
    "institutionalisation_plan",
    "resource_training",
    "resource_time",
)
# model → (person fields, text fields scrubbed of the person's names)
LINKS: privacy.Links = {
    ChangeProgramme: (("owner", "sponsor"), PROGRAMME_TEXTS),
    Milestone: ((), ("title",)),
    Subsystem: ((), ("note",)),
    Supporter: (("user",), ("name", "note")),
    ReadinessEntry: (("recorded_by",), ("note",)),
    EvidenceCheck: (("checked_by",), ("note",)),
}


def export_change(user: Any) -> dict[str, Any]:
    owned = ChangeProgramme.objects.filter(owner=user).select_related("organization").order_by("pk")
    sponsored = ChangeProgramme.objects.filter(sponsor=user).select_related("organization").order_by("pk")
    support = Supporter.objects.filter(user=user).select_related("organization", "programme").order_by("pk")
    entries = ReadinessEntry.objects.filter(recorded_by=user).select_related("organization", "programme")
    return {
        "programmes_owned": [{"organization": row.organization.slug, "programme": row.name} for row in owned],
        "programmes_sponsored": [{"organization": row.organization.slug, "programme": row.name} for row in sponsored],
        "support_given": [
            {
                "organization": row.organization.slug,
                "programme": row.programme.name,
                "kind": row.kind,
                "note": row.note,
            }
            for row in support
        ],
        "readiness_recorded": [
            {
                "organization": row.organization.slug,
                "programme": row.programme.name,
                "factor": row.factor_key,
                "score": str(row.score),
                "assessed_on": row.assessed_on.isoformat(),
                "note": row.note,
            }
            for row in entries.order_by("pk")
        ],
        "evidence_checked": EvidenceCheck.objects.filter(checked_by=user).count(),
    }


def erase_change(erasure: privacy.Erasure) -> dict[str, int]:
    return privacy.unlink_and_scrub(erasure, LINKS)


privacy.register(
    "change",
    exporter=export_change,
    eraser=erase_change,
    description="Change programmes the person owns or sponsors, support they give, readiness and evidence recorded.",
)
