"""Policy pages: the register, registering and editing a policy, the policy page with its tension
index, filing and answering scrutiny reports, recording signals, and "my reports".

Pages that act on one policy or report look it up in the request's organisation first (404 for
any other id) and check the permission afterwards (403). The reporter of an anonymous report is
never put in a page's context for anyone but the reporter.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from spaceforchange.core.models import Organization
from spaceforchange.core.tenancy import organization_of
from spaceforchange.core.views import add_service_errors, paginate
from spaceforchange.policies import domain, selectors, services
from spaceforchange.policies.forms import AnswerForm, PolicyForm, ReportForm, SignalForm
from spaceforchange.policies.models import Policy, ScrutinyReport
from spaceforchange.policies.terms import PolicyTerms, policy_terms
from spaceforchange.portfolio.views import PAGE_SIZE, person


def _allowed(request: HttpRequest, permission: str, obj: Any) -> None:
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied


def _posted(request: HttpRequest) -> Any:
    """The submitted data of a POST, even an empty one (which ``request.POST or None`` would take for a GET)."""
    return request.POST if request.method == "POST" else None


def _terms(organization: Organization) -> PolicyTerms:
    return policy_terms(organization, get_language() or "en")


def reporter_shown(request: HttpRequest, report: ScrutinyReport) -> Any:
    """The reporter to show: nobody for an anonymous report, except to the reporter themselves."""
    if report.anonymous and report.reported_by_id != request.user.pk:
        return None
    return report.reported_by


def _level_filter(value: str) -> int | None:
    return int(value) if value.isdigit() and int(value) < len(domain.LEVELS) else None


def policy_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = organization_of(request)
    _allowed(request, "policies.view_policies", organization)
    search = request.GET.get("q", "").strip()[: selectors.SEARCH_MAX]
    level = _level_filter(request.GET.get("level", ""))
    unmanaged = request.GET.get("unmanaged") == "1"
    sort = request.GET.get("sort", "title")
    sort = sort if sort in selectors.SORTS else "title"
    policies = selectors.policies_for(organization, search=search, level=level, unmanaged=unmanaged, sort=sort)
    page, page_range = paginate(request, policies, PAGE_SIZE)
    terms = _terms(organization)
    context = {
        "organization": organization,
        "page": page,
        "page_range": page_range,
        "rows": [(policy, _level_name(terms, policy)) for policy in page.object_list],
        "search": search,
        "level": "" if level is None else str(level),
        "levels": [(str(number), terms.level_name(number)) for number in range(len(domain.LEVELS))],
        "unmanaged": unmanaged,
        "sort": sort,
        "can_add": request.user.has_perm("policies.add_policy", organization),
    }
    return render(request, "policies/policy_list.html", context)


def _level_name(terms: PolicyTerms, policy: Any) -> str:
    level = getattr(policy, "current_level", None)
    return terms.level_name(level) if level is not None else ""


def policy_create(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = organization_of(request)
    _allowed(request, "policies.add_policy", organization)
    form = PolicyForm(_posted(request), organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.register_policy(organization=organization, actor=person(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The policy was registered."))
            return redirect("policies:policy", org_slug=organization.slug, policy_id=policy.pk)
    return render(request, "policies/policy_form.html", {"organization": organization, "form": form})


def _policy(request: HttpRequest, policy_id: int, permission: str | None = None) -> tuple[Organization, Policy]:
    """The organisation's policy (404 otherwise), once the person may ``permission`` it (403 otherwise)."""
    organization = organization_of(request)
    policy = selectors.policy_detail(organization, policy_id)
    _allowed(request, permission or "policies.view_policies", policy)
    return organization, policy


def policy_edit(request: HttpRequest, org_slug: str, policy_id: int) -> HttpResponse:
    organization, policy = _policy(request, policy_id, "policies.change_policy")
    form = PolicyForm(_posted(request), organization=organization, initial=PolicyForm.initial_for(policy))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_policy(policy=policy, actor=person(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The policy was saved."))
            return redirect("policies:policy", org_slug=organization.slug, policy_id=policy.pk)
    context = {"organization": organization, "form": form, "policy": policy}
    return render(request, "policies/policy_form.html", context)


def policy_detail(request: HttpRequest, org_slug: str, policy_id: int) -> HttpResponse:
    organization, policy = _policy(request, policy_id)
    terms = _terms(organization)
    tension = selectors.tension_view(organization, policy, terms, services.today_in(organization))
    all_reports = request.user.has_perm("policies.view_reports", policy)
    reports = selectors.reports_for(policy)
    if not all_reports:
        reports = reports.filter(reported_by=person(request))
    can_record = request.user.has_perm("policies.record_signal", policy)
    names = terms.names
    context = {
        "organization": organization,
        "policy": policy,
        "tension": tension,
        "all_reports": all_reports,
        "reports": [(report, reporter_shown(request, report), names.get(report.legitimacy_type)) for report in reports],
        "signals": [(signal, names.get(signal.signal, signal.signal)) for signal in selectors.signals_for(policy)],
        "signal_form": SignalForm(terms=terms) if can_record else None,
        "can_edit": request.user.has_perm("policies.change_policy", policy),
        "can_view_legitimacy": request.user.has_perm("legitimacy.view_subject", policy),
        "can_answer": request.user.has_perm("policies.answer_report", policy),
        "can_file": request.user.has_perm("policies.file_report", policy),
        "chart": {"width": selectors.CHART_WIDTH, "height": selectors.CHART_HEIGHT, "margin": selectors.CHART_MARGIN},
    }
    return render(request, "policies/policy_detail.html", context)


def report_new(request: HttpRequest, org_slug: str, policy_id: int) -> HttpResponse:
    organization, policy = _policy(request, policy_id, "policies.file_report")
    form = ReportForm(_posted(request), terms=_terms(organization))
    if request.method == "POST" and form.is_valid():
        try:
            services.file_scrutiny_report(policy=policy, reported_by=person(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you. Your report was sent to the policy manager."))
            return redirect("policies:my_reports", org_slug=organization.slug)
    return render(request, "policies/report_form.html", {"organization": organization, "policy": policy, "form": form})


def report_answer(request: HttpRequest, org_slug: str, policy_id: int, report_id: int) -> HttpResponse:
    organization, policy = _policy(request, policy_id)
    report = selectors.report_of(policy, report_id)
    _allowed(request, "policies.answer_report", report)
    form = AnswerForm(_posted(request), initial={"answer": report.answer})
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_scrutiny_report(report=report, answered_by=person(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The answer was saved; the reporter can read it."))
            return redirect("policies:policy", org_slug=organization.slug, policy_id=policy.pk)
    context = {
        "organization": organization,
        "policy": policy,
        "report": report,
        "reporter": reporter_shown(request, report),
        "type_name": _terms(organization).names.get(report.legitimacy_type, report.legitimacy_type),
        "form": form,
    }
    return render(request, "policies/report_answer.html", context)


def signal_new(request: HttpRequest, org_slug: str, policy_id: int) -> HttpResponse:
    organization, policy = _policy(request, policy_id, "policies.record_signal")
    form = SignalForm(_posted(request), terms=_terms(organization))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_signal(policy=policy, recorded_by=person(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The signal was recorded."))
            return redirect("policies:policy", org_slug=organization.slug, policy_id=policy.pk)
    return render(request, "policies/signal_form.html", {"organization": organization, "policy": policy, "form": form})


def my_reports(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = organization_of(request)
    _allowed(request, "policies.view_policies", organization)
    names = _terms(organization).names
    reports = selectors.my_reports(organization, person(request))
    rows = [(report, names.get(report.legitimacy_type)) for report in reports]
    return render(request, "policies/my_reports.html", {"organization": organization, "rows": rows})
