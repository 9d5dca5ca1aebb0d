"""Strategy pages: the strategy (vision, weighed goals, cadence, overdue warning), revising it, its
revision history with each version's changes, and a goal's contributions.

Pages that act on one goal look it up in the request's organisation first (404 for any other id)
and check the permission afterwards (403).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spaceforchange.budgeting import page_selectors, selectors, services
from spaceforchange.budgeting.forms import ContributionForm, GoalFormSet, RevisionForm, goal_rows, posted_rows
from spaceforchange.budgeting.models import Strategy
from spaceforchange.core.models import Organization
from spaceforchange.core.views import add_service_errors, permitted_organization
from spaceforchange.portfolio.services import today_in
from spaceforchange.portfolio.views import person

VIEW_STRATEGY = "budgeting.view_strategy"
REVISE_STRATEGY = "budgeting.revise_strategy"
LINK_GOALS = "budgeting.set_goal_contribution"
HISTORY_SHOWN = 3
GOALS = "goals"


def posted(request: HttpRequest) -> Any:
    """The submitted data of a POST, even an empty one (which ``request.POST or None`` would take for a GET)."""
    return request.POST if request.method == "POST" else None


def subject_labels() -> dict[str, str]:
    return {
        page_selectors.INITIATIVE: _("Initiatives"),
        page_selectors.LINE: _("Budget lines"),
        page_selectors.UNIT: _("Units"),
    }


@require_GET
def strategy(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = permitted_organization(request, VIEW_STRATEGY)
    found = selectors.strategy_for(organization)
    goals = page_selectors.active_goals(organization)
    revisions = list(selectors.revisions(organization)[:HISTORY_SHOWN])
    context = {
        "organization": organization,
        "strategy": found,
        "goals": goals,
        "weight_total": sum(goal.weight for goal in goals),
        "overdue": found is not None and found.is_overdue(today_in(organization)),
        "revisions": revisions,
        "can_revise": request.user.has_perm(REVISE_STRATEGY, organization),
    }
    return render(request, "budgeting/strategy.html", context)


@require_http_methods(["GET", "POST"])
def strategy_revise(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = permitted_organization(request, REVISE_STRATEGY)
    found = selectors.strategy_for(organization) or Strategy(organization=organization)
    if "more_rows" in request.POST:
        # Redraw what was typed with empty rows added, unvalidated: adding rows needs no script.
        form = RevisionForm(initial={name: request.POST.get(name, "") for name in RevisionForm.base_fields})
        formset = GoalFormSet(
            prefix=GOALS, initial=posted_rows(request.POST, GOALS), form_kwargs={"organization": organization}
        )
        return render(request, "budgeting/strategy_revise.html", _revise_context(organization, form, formset))
    form = RevisionForm(posted(request), initial=RevisionForm.initial_for(found))
    formset = GoalFormSet(
        posted(request),
        prefix=GOALS,
        initial=goal_rows(page_selectors.active_goals(organization)),
        form_kwargs={"organization": organization},
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.revise_strategy(
                organization=organization, goals=formset.entries(), actor=person(request), **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The strategy was revised."))
            return redirect("budgeting:strategy", org_slug=organization.slug)
    return render(request, "budgeting/strategy_revise.html", _revise_context(organization, form, formset))


def _revise_context(organization: Organization, form: Any, formset: Any) -> dict[str, Any]:
    return {"organization": organization, "form": form, "formset": formset}


@require_GET
def strategy_history(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = permitted_organization(request, VIEW_STRATEGY)
    revisions = list(selectors.revisions(organization))
    names = page_selectors.people_names(organization, revisions)
    rows = [(revision, page_selectors.goal_changes(revision, names)) for revision in revisions]
    return render(request, "budgeting/strategy_history.html", {"organization": organization, "rows": rows})


def _goal_context(organization: Organization, goal: Any, form: Any) -> dict[str, Any]:
    labels = subject_labels()
    grouped = page_selectors.contributions_of(goal)
    return {
        "organization": organization,
        "goal": goal,
        "contributions": [(kind, labels[kind], rows) for kind, rows in grouped.items()],
        "form": form,
    }


@require_http_methods(["GET", "POST"])
def goal_detail(request: HttpRequest, org_slug: str, goal_id: int) -> HttpResponse:
    organization = permitted_organization(request, VIEW_STRATEGY)
    goal = selectors.goal_of(organization, goal_id)
    can_link = request.user.has_perm(LINK_GOALS, organization)
    # Initiative owners score the links of their own initiatives (and nothing else).
    owner = None if can_link else person(request)
    subjects = page_selectors.subject_choices(organization, subject_labels(), owner=owner)
    if request.method == "POST" and not subjects:
        raise PermissionDenied
    form = ContributionForm(posted(request), subjects=subjects) if subjects else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        subject = page_selectors.subject_of(organization, data["subject"])
        if not request.user.has_perm(LINK_GOALS, subject):
            raise PermissionDenied
        try:
            services.set_goal_contribution(
                goal=goal,
                subject=subject,
                score=data["score"],
                evidence=data["evidence"],
                actor=person(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The contribution was saved.") if data["score"] else _("The link was removed."))
            return redirect("budgeting:goal", org_slug=organization.slug, goal_id=goal.pk)
    context = _goal_context(organization, goal, form) | {"can_unlink": can_link}
    return render(request, "budgeting/goal.html", context)


@require_POST
def goal_unlink(request: HttpRequest, org_slug: str, goal_id: int) -> HttpResponse:
    organization = permitted_organization(request, VIEW_STRATEGY)
    goal = selectors.goal_of(organization, goal_id)
    subject = page_selectors.subject_of(organization, request.POST.get("subject", "")[:40])
    if not request.user.has_perm(LINK_GOALS, subject):
        raise PermissionDenied
    services.set_goal_contribution(goal=goal, subject=subject, score=0, actor=person(request))
    messages.success(request, _("The link was removed."))
    return redirect("budgeting:goal", org_slug=organization.slug, goal_id=goal.pk)
