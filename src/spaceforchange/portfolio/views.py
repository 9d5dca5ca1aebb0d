"""Initiative pages: the list, one initiative with its history, registering, editing and moving it.

Pages that act on one initiative look it up in the request's organisation first (404 for any
other id) and check the permission on it afterwards (403), so nothing leaks about foreign ids.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from spaceforchange.analytics import portfolio as rules
from spaceforchange.core.models import Organization, User
from spaceforchange.core.tenancy import organization_of
from spaceforchange.core.views import add_service_errors
from spaceforchange.policies import selectors as policy_selectors
from spaceforchange.portfolio import selectors, services
from spaceforchange.portfolio.domain import describe_condition, describe_problem, relief
from spaceforchange.portfolio.forms import InitiativeForm, MoveForm
from spaceforchange.portfolio.models import Initiative, Stage
from spaceforchange.portfolio.terms import Terms, pack_terms

PAGE_SIZE = 25


def terms_for(organization: Organization) -> Terms:
    return pack_terms(organization, get_language() or "en")


def person(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the tenancy middleware let only members in
    return user


def initiative_with_permission(
    request: HttpRequest, initiative_id: int, permission: str
) -> tuple[Organization, Initiative]:
    """The organisation's initiative (404 otherwise), once the person may ``permission`` it (403 otherwise)."""
    organization = organization_of(request)
    initiative = selectors.initiative_detail(organization, initiative_id)
    if not request.user.has_perm(permission, initiative):
        raise PermissionDenied
    return organization, initiative


def initiative_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = organization_of(request)
    search = request.GET.get("q", "").strip()[:200]
    stage = request.GET.get("stage", "")
    stage = stage if stage in Stage.values else ""
    page = Paginator(selectors.initiatives_for(organization, search=search, stage=stage), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "portfolio/initiative_list.html",
        {
            "organization": organization,
            "page": page,
            "search": search,
            "stage": stage,
            "stages": Stage.choices,
            "can_add": request.user.has_perm("portfolio.add_initiative", organization),
            "can_manage_goals": request.user.has_perm("portfolio.manage_goals", organization),
            "can_manage_gates": request.user.has_perm("portfolio.manage_gates", organization),
        },
    )


def _next_stage(stage: str) -> rules.Stage | None:
    current = rules.Stage(stage)
    if current not in rules.PROGRESSION or current is rules.Stage.INTEGRATED:
        return None
    return rules.PROGRESSION[rules.PROGRESSION.index(current) + 1]


def _gate_status(
    request: HttpRequest, initiative: Initiative, snapshot: rules.Initiative, terms: Terms
) -> dict[str, Any] | None:
    """The next stage's gate, each condition with what it still lacks (the same check a move runs)."""
    target = _next_stage(initiative.stage)
    if target is None:
        return None
    organization = initiative.organization
    today = services.today_in(organization)
    move = rules.Move(target, decided_by=request.user.pk, decided_on=today)
    naming = terms.naming
    conditions = []
    for condition in selectors.gates_for(organization).get(target, ()):
        failures = condition.failures(snapshot, move, today, terms.vocabulary)
        conditions.append(
            {
                "text": describe_condition(condition, naming),
                "met": not failures,
                "problems": [describe_problem(problem, target=str(target), naming=naming) for problem in failures],
            }
        )
    return {"stage": naming.of(str(target)), "conditions": conditions}


def _current_backing(entries: list[Any]) -> list[Any]:
    latest: dict[tuple[str, str], Any] = {}
    for entry in entries:
        latest[selectors.backer_identity(entry)] = entry
    return sorted(latest.values(), key=lambda entry: entry.backer_name.casefold())


def initiative_detail(request: HttpRequest, org_slug: str, initiative_id: int) -> HttpResponse:
    organization = organization_of(request)
    initiative = selectors.initiative_detail(organization, initiative_id)
    terms = terms_for(organization)
    scans = selectors.scans_of(initiative)
    records = selectors.records_of(initiative)
    constraints = sorted(records.constraints, key=lambda row: (-row.severity, row.pk))
    snapshot = selectors.initiative_snapshot(initiative, scans=scans, records=records)
    latest_scan = scans[0] if scans else None
    context = {
        "organization": organization,
        "initiative": initiative,
        "names": terms.names,
        "latest_scan": latest_scan,
        "scan_rows": [(term.name, latest_scan.means.get(term.key)) for term in terms.dimensions] if latest_scan else [],
        "constraints": constraints,
        "relief": relief(((row.status, row.severity) for row in constraints), terms.relieved_statuses),
        "current_backing": _current_backing(records.backing),
        "setbacks": records.setbacks,
        "timeline": selectors.timeline(records, scans),
        "gate": _gate_status(request, initiative, snapshot, terms),
        "can_change": request.user.has_perm("portfolio.change_initiative", initiative),
        "can_move": request.user.has_perm("portfolio.move_initiative", initiative),
        "can_record": request.user.has_perm("portfolio.record_initiative", initiative),
        "can_start_scan": request.user.has_perm("assessments.add_campaign", organization),
        "can_view_results": request.user.has_perm("assessments.view_results", latest_scan.campaign)
        if latest_scan
        else False,
        "can_view_legitimacy": request.user.has_perm("legitimacy.view_subject", initiative),
        "policies": policy_selectors.policies_of_initiative(organization, initiative.pk),
    }
    return render(request, "portfolio/initiative_detail.html", context)


def _form_errors(form: Any, error: ValidationError) -> None:
    add_service_errors(form, error)


def initiative_create(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = organization_of(request)
    if not request.user.has_perm("portfolio.add_initiative", organization):
        raise PermissionDenied
    form = InitiativeForm(request.POST or None, organization=organization, terms=terms_for(organization))
    if request.method == "POST" and form.is_valid():
        try:
            initiative = services.create_initiative(
                organization=organization, actor=person(request), **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return redirect("portfolio:initiative", org_slug=organization.slug, initiative_id=initiative.pk)
    context = {
        "organization": organization,
        "form": form,
        "heading": _("New initiative"),
        "button": _("Create initiative"),
    }
    return render(request, "portfolio/initiative_form.html", context)


def initiative_edit(request: HttpRequest, org_slug: str, initiative_id: int) -> HttpResponse:
    organization, initiative = initiative_with_permission(request, initiative_id, "portfolio.change_initiative")
    initial = {
        **{name: getattr(initiative, name) for name in ("title", "summary", "unit", "owner", "uses_ai")},
        "unit": initiative.unit_id,
        **{name: getattr(initiative, name) for name in services.KEY_FIELDS},
        **{name: list(getattr(initiative, name).all()) for name in ("units", "team", "goals")},
    }
    form = InitiativeForm(
        request.POST or None,
        organization=organization,
        terms=terms_for(organization),
        instance=initiative,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_initiative(initiative=initiative, actor=person(request), **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The initiative was saved."))
            return redirect("portfolio:initiative", org_slug=organization.slug, initiative_id=initiative.pk)
    context = {
        "organization": organization,
        "form": form,
        "initiative": initiative,
        "heading": _("Edit %(title)s") % {"title": initiative.title},
        "button": _("Save"),
    }
    return render(request, "portfolio/initiative_form.html", context)


def initiative_move(request: HttpRequest, org_slug: str, initiative_id: int) -> HttpResponse:
    organization, initiative = initiative_with_permission(request, initiative_id, "portfolio.move_initiative")
    if initiative.stage in {Stage.INTEGRATED, Stage.STOPPED}:
        messages.info(request, _("This initiative is at a final stage; it does not move any more."))
        return redirect("portfolio:initiative", org_slug=organization.slug, initiative_id=initiative.pk)
    next_stage = _next_stage(initiative.stage)
    form = MoveForm(
        request.POST or None,
        organization=organization,
        initiative=initiative,
        initial={
            "target": str(next_stage) if next_stage else Stage.STOPPED,
            "decided_on": services.today_in(organization),
            "decided_by": request.user.pk,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            transition = services.move_initiative(initiative=initiative, actor=person(request), **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            stage = Stage(transition.to_stage).label
            messages.success(request, _("The initiative moved to %(stage)s.") % {"stage": stage})
            return redirect("portfolio:initiative", org_slug=organization.slug, initiative_id=initiative.pk)
    context = {"organization": organization, "initiative": initiative, "form": form}
    return render(request, "portfolio/initiative_move.html", context)
