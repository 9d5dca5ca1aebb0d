"""Unit contribution statements of a cycle and the "demonstrate or change" list.

A member states their own unit's contribution; those who manage budgets may state it for any unit.
Leadership reviews each statement: demonstrated, or not (with what is missing). The list shows
leadership the units with money in the cycle and no demonstrated contribution, and the lines
linked to no goal.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from spaceforchange.budgeting import page_selectors, selectors, services
from spaceforchange.budgeting.budget_forms import ReviewForm, StatementForm
from spaceforchange.budgeting.budget_views import MANAGE_BUDGETS, PAGE_SIZE, cycle_for, with_nav
from spaceforchange.budgeting.models import BudgetCycle
from spaceforchange.budgeting.strategy_views import posted
from spaceforchange.core.models import Organization, Unit
from spaceforchange.core.views import add_service_errors, paginate
from spaceforchange.portfolio.views import person

SUBMIT = "budgeting.submit_statement"
VIEW_ALL_STATEMENTS = "budgeting.view_statement"
REVIEW = "budgeting.review_statement"
DEMONSTRATE_OR_CHANGE = "budgeting.view_demonstrate_or_change"


def _units_for(request: HttpRequest, organization: Organization) -> list[tuple[int, str]]:
    """The units the person may state a contribution for: all, for those who manage budgets; else their own."""
    if request.user.has_perm(MANAGE_BUDGETS, organization):
        return page_selectors.unit_choices(organization)
    unit = _own_unit(request)
    return [(unit.pk, unit.name)] if unit is not None and request.user.has_perm(SUBMIT, unit) else []


def _own_unit(request: HttpRequest) -> Unit | None:
    return getattr(request.membership, "unit", None)  # type: ignore[attr-defined]


def _statements_context(request: HttpRequest, organization: Organization, cycle: BudgetCycle, form: Any) -> dict:
    can_review = request.user.has_perm(REVIEW, organization)
    shown = selectors.statements_for(cycle)
    # Checked on the organisation, the permission holds for those who read every unit's statement.
    if not request.user.has_perm(VIEW_ALL_STATEMENTS, organization):
        own = _own_unit(request)
        shown = shown.filter(unit=own) if own is not None else shown.none()
    return {
        "organization": organization,
        "cycle": cycle,
        "statements": list(shown),
        "form": form,
        "can_review": can_review,
        "review_form": ReviewForm() if can_review else None,
    }


@require_http_methods(["GET", "POST"])
def statements(request: HttpRequest, org_slug: str, cycle_id: int) -> HttpResponse:
    organization, cycle = cycle_for(request, cycle_id)
    units = _units_for(request, organization)
    if request.method == "POST" and not units:
        raise PermissionDenied
    form = StatementForm(posted(request), organization=organization, units=units) if units else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            services.submit_contribution_statement(
                cycle=cycle,
                unit=data["unit"],
                statement=data["statement"],
                evidence=data["evidence"],
                goals=list(data["goals"]),
                submitted_by=person(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The statement was submitted; leadership will review it."))
            return redirect("budgeting:statements", org_slug=organization.slug, cycle_id=cycle.pk)
    return render(
        request, "budgeting/statements.html", with_nav(request, _statements_context(request, organization, cycle, form))
    )


@require_http_methods(["GET", "POST"])
def statement_review(request: HttpRequest, org_slug: str, cycle_id: int, statement_id: int) -> HttpResponse:
    organization, cycle = cycle_for(request, cycle_id)
    statement = selectors.statement_of(organization, statement_id)
    if statement.cycle_id != cycle.pk:
        raise Http404("No such statement in this cycle.")
    if not request.user.has_perm(REVIEW, organization):
        raise PermissionDenied
    initial = {"demonstrated": "yes" if statement.demonstrated else "no", "note": statement.review_note}
    form = ReviewForm(posted(request), initial=initial if statement.reviewed_at else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_contribution_statement(
                statement=statement,
                demonstrated=form.cleaned_data["demonstrated"],
                note=form.cleaned_data["note"],
                reviewed_by=person(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The review was recorded."))
            return redirect("budgeting:statements", org_slug=organization.slug, cycle_id=cycle.pk)
    context = {"organization": organization, "cycle": cycle, "statement": statement, "form": form}
    return render(request, "budgeting/statement_review.html", with_nav(request, context))


@require_GET
def demonstrate_or_change(request: HttpRequest, org_slug: str, cycle_id: int) -> HttpResponse:
    organization, cycle = cycle_for(request, cycle_id, DEMONSTRATE_OR_CHANGE)
    found = selectors.demonstrate_or_change(cycle)
    page, _range = paginate(request, found.lines, PAGE_SIZE)
    context = {"organization": organization, "cycle": cycle, "units": found.units, "page": page}
    return render(request, "budgeting/demonstrate_or_change.html", with_nav(request, context))
