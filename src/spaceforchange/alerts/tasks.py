"""Background evaluation of an organisation's warnings.

Apps call :func:`alerts_may_have_changed` inside the transaction that changed data a warning
rule reads; once it commits, ``sfc worker`` re-evaluates that organisation. Evaluation is
idempotent, so several changes in a row only cost repeated evaluations, never wrong alerts.
The nightly ``sfc alerts evaluate`` catches what only the passing of time changes (deadlines).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django_tasks import task

from spaceforchange.core.models import Organization

logger = logging.getLogger(__name__)


def alerts_may_have_changed(organization_id: int) -> None:
    """Queue a re-evaluation of the organisation's warnings once the current transaction commits."""
    transaction.on_commit(lambda: evaluate_organization_alerts.enqueue(organization_id))


@task()
def evaluate_organization_alerts(organization_id: int) -> dict[str, Any]:
    """Evaluate one organisation's warning rules; returns the summary (kept in the task table)."""
    from spaceforchange.alerts.services import evaluate_alerts

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        logger.info("Organisation %s is gone; no warnings to evaluate.", organization_id)
        return {"organization": None}
    return evaluate_alerts(organization=organization).as_dict()
