"""Background evaluation of an organisation's warnings.

Apps call :func:`alerts_may_have_changed` inside the transaction that changed data a warning
rule reads; once it commits, ``sfc worker`` re-evaluates that organisation. Evaluation is
idempotent; several changes in one transaction queue one evaluation.
The nightly ``sfc alerts evaluate`` catches what only the passing of time changes (deadlines).
"""

from __future__ import annotations

import logging
from typing import Any

from django_tasks import task

from spaceforchange.core.models import Organization
from spaceforchange.core.tasks import enqueue_on_commit

logger = logging.getLogger(__name__)


def alerts_may_have_changed(organization_id: int) -> None:
    """Queue a re-evaluation of the organisation's warnings once the current transaction commits."""
    enqueue_on_commit(evaluate_organization_alerts, organization_id=organization_id)


@task()
def evaluate_organization_alerts(organization_id: int) -> dict[str, Any]:
    """Evaluate one organisation's warning rules; returns the summary (kept in the task table)."""
    from spaceforchange.alerts.services import evaluate_alerts

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        logger.info("Organisation %s is gone; no warnings to evaluate.", organization_id)
        return {"organization": None}
    return evaluate_alerts(organization=organization).as_dict()
