"""Policies as personal data: the scrutiny reports a person filed, the answers they gave, the
policies they manage.

Reports belong to the organisation (they are its record of what strains a policy), so erasure
keeps them: it drops the link to the person (reporter, answerer, manager, recorder) and scrubs
their name and email from the texts, where colleagues may have written them. A policy that loses
its manager this way counts as unmanaged from that day, as when the manager is removed by hand.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from spaceforchange.core import privacy
from spaceforchange.policies.models import Policy, PolicySignal, ScrutinyReport

REPORT_TEXTS = ("what_happened", "proposed_change", "answer")
POLICY_TEXTS = ("summary", "legal_basis")


def export_policies(user: Any) -> dict[str, Any]:
    reports = ScrutinyReport.objects.filter(reported_by=user).select_related("organization", "policy")
    answered = ScrutinyReport.objects.filter(answered_by=user).select_related("organization", "policy")
    managed = Policy.objects.filter(manager=user).select_related("organization")
    return {
        "scrutiny_reports": [
            {
                "organization": report.organization.slug,
                "policy": report.policy.title,
                "reported_at": report.reported_at.isoformat(),
                "what_happened": report.what_happened,
                "legitimacy_type": report.legitimacy_type,
                "frequency": report.frequency,
                "proposed_change": report.proposed_change,
                "anonymous": report.anonymous,
                "answer": report.answer,
            }
            for report in reports.order_by("reported_at", "pk")
        ],
        "answers_given": [
            {"organization": report.organization.slug, "policy": report.policy.title, "answer": report.answer}
            for report in answered.order_by("answered_at", "pk")
        ],
        "policies_managed": [
            {"organization": policy.organization.slug, "policy": policy.title} for policy in managed.order_by("pk")
        ],
    }


def erase_policies(erasure: privacy.Erasure) -> dict[str, int]:
    user = erasure.user
    linked = ScrutinyReport.objects.filter(reported_by=user).update(reported_by=None)
    linked += ScrutinyReport.objects.filter(answered_by=user).update(answered_by=None)
    linked += PolicySignal.objects.filter(recorded_by=user).update(recorded_by=None)
    linked += Policy.objects.filter(created_by=user).update(created_by=None)
    managed = Policy.objects.filter(manager=user).update(manager=None, unmanaged_since=timezone.localdate())
    scrubbed = 0
    for model, fields in ((ScrutinyReport, REPORT_TEXTS), (Policy, POLICY_TEXTS)):
        for row in model.objects.filter(erasure.text_filter(*fields)):  # type: ignore[attr-defined]
            model.objects.filter(pk=row.pk).update(  # type: ignore[attr-defined]
                **{name: erasure.scrub(getattr(row, name)) for name in fields}
            )
            scrubbed += 1
    return {"unlinked": linked, "policies_left_without_manager": managed, "scrubbed": scrubbed}


privacy.register(
    "policies",
    exporter=export_policies,
    eraser=erase_policies,
    description="Scrutiny reports the person filed (anonymous ones too), answers they gave, policies they manage.",
)
