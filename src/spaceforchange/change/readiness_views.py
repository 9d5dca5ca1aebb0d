"""The readiness page of a change programme: the current score of each of the eight factors,
their history, a workshop entry, scores taken from a readiness survey campaign, and each factor's
evidence checklist from the organisation's ``change_management`` pack.

Every member reads the page; the forms are for those who may change the programme (403 on a post
otherwise). Each form posts to the page with an ``action`` that says what it does.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from spaceforchange.change import selectors, services
from spaceforchange.change.charts import readiness_chart
from spaceforchange.change.forms import CampaignForm, EvidenceForm, WorkshopForm
from spaceforchange.change.models import ChangeProgramme
from spaceforchange.change.terms import ChangeTerms
from spaceforchange.change.views import MANAGE, gate_threshold, person, programme_in, readiness_rows, terms_for
from spaceforchange.core.views import add_service_errors
from spaceforchange.portfolio.services import today_in


def _workshop_initial(request: HttpRequest, programme: ChangeProgramme, terms: ChangeTerms) -> dict[str, Any]:
    factor = request.GET.get("factor", "")
    initial: dict[str, Any] = {"assessed_on": today_in(programme.organization)}
    if terms.factor(factor) is not None:
        initial["factor_key"] = factor
    return initial


def _evidence_forms(
    request: HttpRequest, programme: ChangeProgramme, terms: ChangeTerms, posted_factor: str
) -> list[EvidenceForm]:
    checks = selectors.evidence_checks(programme)
    return [
        EvidenceForm(request.POST if factor.key == posted_factor else None, factor=factor, checks=checks)
        for factor in terms.factors
        if factor.evidence
    ]


def _save_workshop(request: HttpRequest, programme: ChangeProgramme, form: WorkshopForm, terms: ChangeTerms) -> bool:
    if not form.is_valid():
        return False
    try:
        services.record_readiness(programme=programme, actor=person(request), **form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    label = terms.label(form.cleaned_data["factor_key"])
    messages.success(request, _("The score of %(factor)s was recorded.") % {"factor": label})
    return True


def _save_campaign(request: HttpRequest, programme: ChangeProgramme, form: CampaignForm) -> bool:
    if not form.is_valid():
        return False
    try:
        services.record_readiness_from_campaign(
            programme=programme, campaign=form.cleaned_data["campaign"], actor=person(request)
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, _("The campaign's scores were recorded."))
    return True


def _save_evidence(request: HttpRequest, programme: ChangeProgramme, form: EvidenceForm, terms: ChangeTerms) -> bool:
    if not form.is_valid():
        return False
    changes = form.changed_items()
    try:
        for item_key, done, note in changes:
            services.check_evidence(programme=programme, item_key=item_key, done=done, note=note, actor=person(request))
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(
        request,
        _("The checklist of %(factor)s was saved (%(count)d changed).")
        % {"factor": terms.label(form.factor.key), "count": len(changes)},
    )
    return True


@require_http_methods(["GET", "POST"])
def readiness(request: HttpRequest, org_slug: str, programme_id: int) -> HttpResponse:
    organization, programme = programme_in(request, programme_id, manage=request.method == "POST")
    terms = terms_for(organization)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    workshop_form = WorkshopForm(
        request.POST if action == "workshop" else None,
        prefix="workshop",
        terms=terms,
        initial=_workshop_initial(request, programme, terms),
    )
    campaigns = selectors.readiness_campaigns(organization)
    campaign_form = CampaignForm(request.POST if action == "campaign" else None, prefix="campaign", campaigns=campaigns)
    posted_factor = request.POST.get("evidence_factor", "") if action == "evidence" else ""
    evidence_forms = _evidence_forms(request, programme, terms, posted_factor)
    evidence_form = next((form for form in evidence_forms if form.is_bound), None)
    failed: Any = None
    if request.method == "POST":
        here = redirect("change:readiness", org_slug=organization.slug, programme_id=programme.pk)
        if action == "workshop":
            failed = workshop_form
            saved = _save_workshop(request, programme, workshop_form, terms)
        elif action == "campaign":
            failed = campaign_form
            saved = _save_campaign(request, programme, campaign_form)
        elif evidence_form is not None:
            failed = evidence_form
            saved = _save_evidence(request, programme, evidence_form, terms)
        else:
            messages.error(request, _("Nothing was changed: the request did not say what to do."))
            saved = True
        if saved:
            return here
    readings = selectors.programme_readiness(programme)
    threshold = gate_threshold(organization)
    return render(
        request,
        "change/readiness.html",
        {
            "organization": organization,
            "programme": programme,
            "current": "readiness",
            "can_manage": request.user.has_perm(MANAGE, programme),
            "readiness_rows": readiness_rows(readings, terms),
            "chart": readiness_chart(readings, terms, threshold=threshold, unscored=_("not scored")),
            "threshold": threshold,
            "history": [
                {"entry": entry, "label": terms.label(entry.factor_key)}
                for entry in selectors.readiness_history(programme)
            ],
            "workshop_form": workshop_form,
            "campaign_form": campaign_form,
            "has_campaigns": campaigns.exists(),
            "evidence_forms": evidence_forms,
            "failed_form": failed,
        },
    )
