"""Change-programme pages: the list, one programme with everything it records, creating and
editing one. The parts page and the readiness page live in ``parts_views`` and ``readiness_views``.

Pages that act on one programme look it up in the request's organisation first (404 for any other
id) and check the permission on it afterwards (403), so nothing leaks about foreign ids. Every
member reads; innovation leads, leaders, administrators and the programme's owner change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from spaceforchange.analytics import portfolio as portfolio_rules
from spaceforchange.analytics.change.readiness import FactorReading
from spaceforchange.change import selectors, services
from spaceforchange.change.charts import readiness_chart
from spaceforchange.change.forms import ProgrammeFilterForm, ProgrammeForm
from spaceforchange.change.models import ChangeProgramme, ProgrammeStatus
from spaceforchange.change.terms import FACTORS, ChangeTerms, change_terms
from spaceforchange.core.models import Organization, User
from spaceforchange.core.permissions import remember_roles
from spaceforchange.core.tenancy import organization_of
from spaceforchange.core.views import _attempt, paginate, permitted_organization
from spaceforchange.portfolio import selectors as portfolio_selectors
from spaceforchange.portfolio.domain import describe_problem
from spaceforchange.portfolio.models import Initiative
from spaceforchange.portfolio.services import today_in
from spaceforchange.portfolio.terms import pack_terms as portfolio_terms

PAGE_SIZE = 25
VIEW, MANAGE = "change.view_programmes", "change.manage_programmes"
READINESS_CONDITION = "change_readiness"


def person(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the tenancy middleware let only members in
    return user


def posted(request: HttpRequest) -> Any:
    """The posted data for a POST (even an empty one, so that it is validated), else None."""
    return request.POST if request.method == "POST" else None


def terms_for(organization: Organization) -> ChangeTerms:
    return change_terms(organization, get_language() or "en")


def programme_in(request: HttpRequest, programme_id: int, *, manage: bool = False) -> tuple[Organization, Any]:
    """The organisation's programme (404 for any other id), once the person may read or change it (403)."""
    organization = organization_of(request)
    remember_roles(request.user, getattr(request, "membership", None))
    programme = selectors.programme_of(organization, programme_id)
    if not request.user.has_perm(VIEW, organization):
        raise PermissionDenied
    if manage and not request.user.has_perm(MANAGE, programme):
        raise PermissionDenied
    return organization, programme


def readiness_rows(readings: dict[str, FactorReading], terms: ChangeTerms) -> list[dict[str, Any]]:
    return [{"key": key, "label": terms.label(key), "reading": readings[key]} for key in FACTORS if key in readings]


def gate_threshold(organization: Organization) -> float | None:
    """The lowest factor score any of the organisation's stage gates asks for, if one asks."""
    thresholds = [
        float(getattr(condition, "min_score", 0))
        for conditions in portfolio_selectors.gates_for(organization).values()
        for condition in conditions
        if condition.kind == READINESS_CONDITION
    ]
    return min(thresholds) if thresholds else None


@dataclass(frozen=True)
class Blocked:
    """A linked initiative whose next stage's gate this programme's readiness fails, and why."""

    initiative: Initiative
    stage: str
    problems: list[str]


def next_stage(stage: str) -> portfolio_rules.Stage | None:
    current = portfolio_rules.Stage(stage)
    if current not in portfolio_rules.PROGRESSION or current is portfolio_rules.PROGRESSION[-1]:
        return None
    return portfolio_rules.PROGRESSION[portfolio_rules.PROGRESSION.index(current) + 1]


def blocked_initiatives(programme: ChangeProgramme) -> list[Blocked]:
    """The linked initiatives whose next stage asks for change readiness this programme does not yet have.

    The same check a move runs, reduced to the readiness condition and to this programme's problems.
    """
    organization = programme.organization
    gates = portfolio_selectors.gates_for(organization)
    if not any(condition.kind == READINESS_CONDITION for conditions in gates.values() for condition in conditions):
        return []
    terms = portfolio_terms(organization, get_language() or "en")
    today = today_in(organization)
    blocked = []
    for initiative in programme.initiatives.order_by("title", "pk"):
        target = next_stage(initiative.stage)
        if target is None:
            continue
        conditions = [condition for condition in gates.get(target, ()) if condition.kind == READINESS_CONDITION]
        if not conditions:
            continue
        # The readiness condition reads nothing but the programmes' readiness; spare the other queries.
        nothing = portfolio_selectors.Records([], [], [], [], [])
        snapshot = portfolio_selectors.initiative_snapshot(initiative, scans=[], records=nothing)
        move = portfolio_rules.Move(target, decided_by=None, decided_on=today)
        problems = [
            describe_problem(problem, target=str(target), naming=terms.naming)
            for condition in conditions
            for problem in condition.failures(snapshot, move, today, terms.vocabulary)
            if problem.params.get("programme_id") == programme.pk
        ]
        if problems:
            blocked.append(Blocked(initiative, terms.naming.of(str(target)), problems))
    return blocked


# --- The list -----------------------------------------------------------------------------------


def sort_labels() -> list[tuple[str, str]]:
    return [
        ("name", _("Name (A–Z)")),
        ("-name", _("Name (Z–A)")),
        ("status", _("Status")),
        ("-updated", _("Recently changed first")),
        ("updated", _("Least recently changed first")),
    ]


@require_GET
def programme_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = permitted_organization(request, VIEW)
    search, status, sort = ProgrammeFilterForm(request.GET).values()
    found = selectors.programmes(organization, search=search, status=status, sort=sort)
    page, _range = paginate(request, found, PAGE_SIZE)
    summaries = selectors.programme_summaries(list(page.object_list))
    terms = terms_for(organization)
    rows = []
    for programme in page.object_list:
        summary = summaries[programme.pk]
        weakest = summary.weakest
        rows.append(
            {
                "programme": programme,
                "scored": summary.scored,
                "total": len(FACTORS),
                "weakest": {"label": terms.label(weakest.factor), "score": weakest.score} if weakest else None,
                "warnings": summary.warnings,
            }
        )
    return render(
        request,
        "change/programme_list.html",
        {
            "organization": organization,
            "page": page,
            "rows": rows,
            "search": search,
            "status": status,
            "sort": sort,
            "statuses": ProgrammeStatus.choices,
            "sorts": sort_labels(),
            "query": urlencode({"q": search, "status": status, "sort": sort}) + "&",
            "can_manage": request.user.has_perm(MANAGE, organization),
        },
    )


# --- Creating and editing -----------------------------------------------------------------------


FIELD_GROUPS = {
    "about_fields": ("name", "status", "owner", "sponsor"),
    "plan_fields": ("vision", "causal_theory", "institutionalisation_plan"),
    "resource_fields": ("resource_budget", "resource_fte", "resource_training", "resource_time"),
}


def _save_programme(request: HttpRequest, organization: Organization, programme: Any = None) -> HttpResponse:
    initial = ProgrammeForm.initial_of(programme) if programme is not None else {"owner": request.user.pk}
    form = ProgrammeForm(posted(request), organization=organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved: list[ChangeProgramme] = []

        def write() -> None:
            if programme is None:
                saved.append(
                    services.create_programme(organization=organization, actor=person(request), **form.cleaned_data)
                )
            else:
                saved.append(services.update_programme(programme=programme, actor=person(request), **form.cleaned_data))

        if _attempt(form, write):
            messages.success(request, _("The change programme was saved."))
            return redirect("change:programme", org_slug=organization.slug, programme_id=saved[0].pk)
    heading = _("New change programme") if programme is None else _("Edit %(name)s") % {"name": programme.name}
    return render(
        request,
        "change/programme_form.html",
        {
            "organization": organization,
            "form": form,
            "programme": programme,
            "heading": heading,
            "button": _("Create the programme") if programme is None else _("Save"),
            **FIELD_GROUPS,
        },
    )


@require_http_methods(["GET", "POST"])
def programme_new(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = permitted_organization(request, MANAGE)
    return _save_programme(request, organization)


@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, org_slug: str, programme_id: int) -> HttpResponse:
    organization, programme = programme_in(request, programme_id, manage=True)
    if request.method == "POST" and "archive" in request.POST:
        archive = request.POST["archive"] == "1"
        services.archive_programme(programme=programme, archived=archive, actor=person(request))
        messages.success(
            request, _("The change programme was archived.") if archive else _("The change programme was restored.")
        )
        return redirect("change:programme", org_slug=organization.slug, programme_id=programme.pk)
    return _save_programme(request, organization, programme)


# --- One programme ------------------------------------------------------------------------------


@require_GET
def programme_detail(request: HttpRequest, org_slug: str, programme_id: int) -> HttpResponse:
    organization, programme = programme_in(request, programme_id)
    terms = terms_for(organization)
    readings = selectors.programme_readiness(programme)
    threshold = gate_threshold(organization)
    done = sum(reading.evidence_done for reading in readings.values())
    total = sum(reading.evidence_total for reading in readings.values())
    return render(
        request,
        "change/programme_detail.html",
        {
            "organization": organization,
            "programme": programme,
            "current": "programme",
            "initiatives": list(programme.initiatives.order_by("title", "pk")),
            "milestones": selectors.milestones(programme),
            "subsystems": selectors.subsystems(programme),
            "supporters": selectors.supporters(programme),
            "budget_lines": list(programme.budget_lines.select_related("cycle").order_by("-cycle__starts_on", "code")),
            "readiness_rows": readiness_rows(readings, terms),
            "chart": readiness_chart(readings, terms, threshold=threshold, unscored=_("not scored")),
            "threshold": threshold,
            "evidence_done": done,
            "evidence_total": total,
            "warnings": selectors.programme_warnings(programme, language=get_language() or "en"),
            "blocked": blocked_initiatives(programme),
            "can_manage": request.user.has_perm(MANAGE, programme),
        },
    )
