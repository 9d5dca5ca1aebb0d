"""The Warnings pages: the list with its filters and email setting, one warning, acknowledging.

The tenancy middleware has already turned non-members away; these views check the person's
right (403 when missing) and look alerts up inside the request's organisation, so another
organisation's id is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from spaceforchange.alerts import selectors, services
from spaceforchange.alerts.forms import STATUS_TABS, AcknowledgeForm, AlertEmailForm, AlertFilterForm
from spaceforchange.alerts.models import Alert, AlertStatus
from spaceforchange.alerts.subjects import subject_name
from spaceforchange.core.models import Organization
from spaceforchange.core.views import add_service_errors, paginate, permitted_organization
from spaceforchange.frameworks.domain import language_of

ALERTS_PER_PAGE = 25


@dataclass(frozen=True)
class AlertRow:
    alert: Alert
    rule: selectors.RuleInfo
    subject: str
    subject_url: str


def _language() -> str:
    return language_of(get_language())


def _row(organization: Organization, alert: Alert, catalogue: dict[str, selectors.RuleInfo]) -> AlertRow:
    return AlertRow(
        alert=alert,
        rule=selectors.rule_info(catalogue, alert.rule_key),
        subject=subject_name(alert.subject_kind, alert.subject_id, alert.subject_label),
        subject_url=selectors.subject_url(organization, alert),
    )


@require_GET
def alert_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = permitted_organization(request, "alerts.view_alerts")
    catalogue = selectors.rule_catalogue(organization, language=_language())
    rules = sorted(((key, info.name) for key, info in catalogue.items()), key=lambda choice: choice[1].casefold())
    form = AlertFilterForm(request.GET, rules=rules)
    form.is_valid()
    filters = form.filters()
    page, page_range = paginate(request, selectors.alerts_for(organization, **filters), ALERTS_PER_PAGE)
    counts = selectors.status_counts(organization)
    counts[""] = counts[AlertStatus.OPEN] + counts[AlertStatus.ACKNOWLEDGED]
    counts["all"] = counts[""] + counts[AlertStatus.RESOLVED]
    context = {
        "organization": organization,
        "form": form,
        "filters": filters,
        "filtered": bool(filters["severity"] or filters["rule"]),
        "tabs": [(value, label, counts.get(value, 0)) for value, label in STATUS_TABS],
        "page": page,
        "page_range": page_range,
        "rows": [_row(organization, alert, catalogue) for alert in page],
        "email_form": AlertEmailForm(
            initial={"email_new_alerts": selectors.emails_new_alerts(organization, request.user)}
        ),
    }
    return render(request, "alerts/alert_list.html", context, status=400 if form.errors else 200)


def _alert_or_404(organization: Organization, alert_id: int) -> Alert:
    try:
        alert = selectors.alert(organization, alert_id)
    except Alert.DoesNotExist:
        raise Http404("No such warning.") from None
    alert.organization = organization  # spares the permission checks a query
    return alert


def _detail(
    request: HttpRequest, organization: Organization, alert: Alert, form: Any, status: int = 200
) -> HttpResponse:
    catalogue = selectors.rule_catalogue(organization, language=_language())
    can_acknowledge = request.user.has_perm("alerts.acknowledge_alert", organization)
    context = {
        "organization": organization,
        "row": _row(organization, alert, catalogue),
        "alert": alert,
        "facts": sorted(alert.facts.items()) if isinstance(alert.facts, dict) else [],
        "form": form if can_acknowledge and alert.status == AlertStatus.OPEN else None,
        # A refusal of a warning that is no longer open has no form to show it on.
        "refusals": list(form.non_field_errors()) if form.is_bound and alert.status != AlertStatus.OPEN else [],
    }
    return render(request, "alerts/alert_detail.html", context, status=status)


@require_GET
def alert_detail(request: HttpRequest, org_slug: str, alert_id: int) -> HttpResponse:
    organization = permitted_organization(request, "alerts.view_alerts")
    alert = _alert_or_404(organization, alert_id)
    return _detail(request, organization, alert, AcknowledgeForm())


@require_POST
def alert_acknowledge(request: HttpRequest, org_slug: str, alert_id: int) -> HttpResponse:
    organization = permitted_organization(request, "alerts.view_alerts")
    alert = _alert_or_404(organization, alert_id)
    if not request.user.has_perm("alerts.acknowledge_alert", organization):
        raise PermissionDenied
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.acknowledge_alert(alert=alert, person=request.user, note=form.cleaned_data["note"])  # type: ignore[arg-type]
        except ValidationError as refused:
            add_service_errors(form, refused)
        else:
            messages.success(request, _("The warning is acknowledged."))
            return redirect("alerts:alert", org_slug=organization.slug, alert_id=alert.pk)
    return _detail(request, organization, alert, form, status=400)


@require_POST
def alert_email(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = permitted_organization(request, "alerts.view_alerts")
    form = AlertEmailForm(request.POST)
    form.is_valid()  # an unticked box is simply "no"
    enabled = bool(form.cleaned_data.get("email_new_alerts"))
    services.set_alert_email(organization=organization, person=request.user, enabled=enabled)  # type: ignore[arg-type]
    if enabled:
        messages.success(request, _("You will get an email about new warnings you are responsible for."))
    else:
        messages.success(request, _("You will get no email about new warnings."))
    return redirect("alerts:alerts", org_slug=organization.slug)
