"""REST endpoints for warnings: ``/api/v1/organizations/{org_slug}/alerts``.

Any member lists and reads warnings; innovation leads, initiative owners and leaders acknowledge
them. Ids are looked up inside the organisation in the path, so another organisation's warning
answers 404.

No ``from __future__ import annotations`` here: ninja must see ``Query[...]`` as a real type
through the pagination wrapper.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from spaceforchange.alerts import selectors, services
from spaceforchange.alerts.models import NOTE_MAX_LENGTH, Alert, AlertSeverity, AlertStatus
from spaceforchange.alerts.subjects import subject_name
from spaceforchange.api.pagination import LimitOffsetPagination
from spaceforchange.api.tenancy import permitted_organization
from spaceforchange.core.models import Organization
from spaceforchange.frameworks.domain import language_of

router = Router(tags=["warnings"])

ALERTS = "/organizations/{org_slug}/alerts"
ALERT_ID = Path(
    ...,
    description="The warning's id, as listed by `GET .../alerts`. Another organisation's warning answers 404.",
)
STATUSES = ", ".join(AlertStatus.values)
SEVERITIES = ", ".join(AlertSeverity.values)


class PracticeOut(Schema):
    """A practice (or strategy, tactic) of the framework library that answers a warning's rule."""

    ref: str = Field(description="The item's reference, `pack_key:item_key`.")
    name: str = Field(description="The item's name in the request's language.")
    framework: str = Field(description="The name of the framework (pack) the item belongs to.")
    url: str = Field(description="The item's page in the framework library; empty when the library lacks the item.")


class AlertOut(Schema):
    """A warning: a rule of the organisation's warnings pack that fired for one subject."""

    id: int = Field(description="The warning's id, used in `.../alerts/{alert_id}`.")
    rule: str = Field(description="The key of the warning rule (an item of the warnings pack).")
    rule_name: str = Field(description="The rule's name in the request's language.")
    rule_description: str = Field(description="What the rule checks and why it matters, in the request's language.")
    severity: str = Field(description=f"How serious the rule is, from the pack: one of {SEVERITIES}.")
    status: str = Field(
        description=f"One of {STATUSES}. A warning stays open or acknowledged while its rule keeps firing, "
        "then it is resolved and kept as history."
    )
    subject_kind: str = Field(description="What the warning is about: portfolio, initiative, idea, policy, team …")
    subject_id: int | None = Field(
        description="The id of the subject (e.g. the initiative); null for the whole portfolio."
    )
    subject: str = Field(description="The subject's name as recorded when the warning fired.")
    facts: dict[str, Any] = Field(
        description="The data that fired the warning, as of its latest evaluation (rule-specific keys)."
    )
    fired_at: datetime = Field(description="When the rule first fired for this subject (this warning's start).")
    last_fired_at: datetime = Field(description="The latest evaluation that found the rule still firing.")
    resolved_at: datetime | None = Field(
        description="When an evaluation found the rule no longer firing; null while live."
    )
    acknowledged_at: datetime | None = Field(description="When the warning was acknowledged; null if it was not.")
    acknowledged_by: str | None = Field(description="The email address of who acknowledged it; null if nobody did.")
    acknowledgement_note: str = Field(description="The note given when acknowledging; empty if not acknowledged.")
    answered_by: list[PracticeOut] = Field(description="The practices the warnings pack names as answers to the rule.")


class AlertFilter(Schema):
    """Which warnings to list. Every filter given must match."""

    status: str = Field(
        "",
        pattern="^(" + "|".join(AlertStatus.values) + ")?$",
        description=f"Only warnings with this status, one of {STATUSES}; every status when empty or left out.",
    )
    severity: str = Field(
        "",
        pattern="^(" + "|".join(AlertSeverity.values) + ")?$",
        description=f"Only warnings of this severity, one of {SEVERITIES}; every severity when empty or left out.",
    )
    rule: str = Field("", max_length=100, description="Only warnings of the rule with this key.")


class AcknowledgeIn(Schema):
    """An acknowledgement: a note on what is being done about the warning."""

    note: str = Field(
        "",
        max_length=NOTE_MAX_LENGTH,
        description=f"What is being done about the warning, or why it can wait; 1 to {NOTE_MAX_LENGTH} characters.",
    )


def _out(organization: Organization, alert: Alert, catalogue: dict[str, selectors.RuleInfo]) -> dict[str, Any]:
    rule = selectors.rule_info(catalogue, alert.rule_key)
    return {
        "id": alert.pk,
        "rule": alert.rule_key,
        "rule_name": rule.name,
        "rule_description": rule.description,
        "severity": alert.severity,
        "status": alert.status,
        "subject_kind": alert.subject_kind,
        "subject_id": alert.subject_id,
        "subject": subject_name(alert.subject_kind, alert.subject_id, alert.subject_label),
        "facts": alert.facts if isinstance(alert.facts, dict) else {},
        "fired_at": alert.first_fired_at,
        "last_fired_at": alert.last_fired_at,
        "resolved_at": alert.resolved_at,
        "acknowledged_at": alert.acknowledged_at,
        "acknowledged_by": alert.acknowledged_by.email if alert.acknowledged_by else None,
        "acknowledgement_note": alert.acknowledgement_note,
        "answered_by": [practice.__dict__ for practice in rule.answered_by],
    }


def _catalogue(organization: Organization) -> dict[str, selectors.RuleInfo]:
    return selectors.rule_catalogue(organization, language=language_of(get_language()))


@router.get(
    ALERTS,
    response=list[AlertOut],
    summary="List warnings",
    description="The organisation's warnings, most serious first, then newest first, one page at a time "
    "(`limit`, `offset`), optionally filtered by status, severity and rule. Any member.",
)
@paginate(LimitOffsetPagination)
def list_alerts(request: HttpRequest, org_slug: str, filters: Query[AlertFilter]) -> Any:
    organization = permitted_organization(request, org_slug, "alerts.view_alerts")
    alerts = selectors.alerts_for(
        organization,
        status=filters.status or selectors.ALL,
        severity=filters.severity,
        rule=filters.rule,
    )
    return _Page(organization, alerts)


class _Page:
    """A lazily shaped page: the paginator slices it, and only the slice is turned into output."""

    def __init__(self, organization: Organization, alerts: QuerySet[Alert]) -> None:
        self.organization = organization
        self.alerts = alerts

    def count(self) -> int:
        return self.alerts.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        catalogue = _catalogue(self.organization)
        return [_out(self.organization, alert, catalogue) for alert in self.alerts[window]]


@router.get(
    f"{ALERTS}/{{alert_id}}",
    response=AlertOut,
    summary="Get a warning",
    description="One warning of the organisation with its rule, the data that fired it and the practices that "
    "answer it. Any member. 404 when the organisation has no warning with this id (also when another has).",
)
def get_alert(request: HttpRequest, org_slug: str, alert_id: int = ALERT_ID) -> dict[str, Any]:
    organization = permitted_organization(request, org_slug, "alerts.view_alerts")
    alert = get_object_or_404(selectors.alerts_for(organization, status=selectors.ALL), pk=alert_id)
    return _out(organization, alert, _catalogue(organization))


@router.post(
    f"{ALERTS}/{{alert_id}}/acknowledge",
    response=AlertOut,
    summary="Acknowledge a warning",
    description="Record that the warning has been seen and what is being done about it (`note`, required). "
    "Only an open warning can be acknowledged (422 otherwise). Innovation leads, initiative owners and leaders; "
    "403 for other roles; 404 when the organisation has no warning with this id.",
)
def acknowledge(
    request: HttpRequest, org_slug: str, payload: AcknowledgeIn, alert_id: int = ALERT_ID
) -> dict[str, Any]:
    organization = permitted_organization(request, org_slug, "alerts.view_alerts")
    alert = get_object_or_404(selectors.alerts_for(organization, status=selectors.ALL), pk=alert_id)
    if not request.user.has_perm("alerts.acknowledge_alert", organization):
        raise PermissionDenied(_("Your role in this organisation does not allow this."))
    acknowledged = services.acknowledge_alert(alert=alert, person=request.user, note=payload.note)  # type: ignore[arg-type]
    return _out(organization, selectors.alert(organization, acknowledged.pk), _catalogue(organization))
