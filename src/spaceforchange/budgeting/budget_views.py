"""Budget pages: the cycles, a cycle with its lines (search, filters, sort, pages, totals) and its
indicators, creating and changing cycles, lines and their funding options, and the units' floors
and ceilings (envelopes) the optimiser keeps.

Pages that act on one cycle or line look it up in the request's organisation first (404 for any
other id) and check the permission afterwards (403).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spaceforchange.budgeting import budget_services, page_selectors, selectors
from spaceforchange.budgeting.budget_forms import (
    CycleForm,
    EnvelopeForm,
    LineFilterForm,
    LineForm,
    OptionFormSet,
    option_rows,
)
from spaceforchange.budgeting.models import BudgetCycle, BudgetLine, Purpose, StrategicGoal
from spaceforchange.budgeting.strategy_views import posted
from spaceforchange.core.models import Organization
from spaceforchange.core.views import add_service_errors, paginate, permitted_organization
from spaceforchange.portfolio.views import person

VIEW_BUDGETS = "budgeting.view_budgets"
MANAGE_BUDGETS = "budgeting.manage_budgets"
PAGE_SIZE = 25


def cycle_for(request: HttpRequest, cycle_id: int, permission: str = VIEW_BUDGETS) -> tuple[Organization, BudgetCycle]:
    """The organisation's cycle (404 otherwise), once the person may ``permission`` (403 otherwise)."""
    organization = permitted_organization(request, permission)
    return organization, selectors.cycle_detail(organization, cycle_id)


def with_nav(request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
    """A cycle page's context with the cycle's links its person may follow."""
    organization = context["organization"]
    nav = {
        "challenge": request.user.has_perm("budgeting.view_demonstrate_or_change", organization),
        "scenarios": request.user.has_perm("budgeting.view_scenarios", organization),
        "envelopes": request.user.has_perm(MANAGE_BUDGETS, organization),
    }
    return {**context, "nav": nav}


def line_for(organization: Organization, cycle: BudgetCycle, line_id: int) -> BudgetLine:
    line = selectors.line_of(organization, line_id)
    if line.cycle_id != cycle.pk:
        raise Http404("No such line in this cycle.")
    return line


@require_GET
def cycle_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = permitted_organization(request, VIEW_BUDGETS)
    context = {
        "organization": organization,
        "cycles": page_selectors.cycles_newest_first(organization),
        "can_manage": request.user.has_perm(MANAGE_BUDGETS, organization),
    }
    return render(request, "budgeting/cycle_list.html", context)


@require_http_methods(["GET", "POST"])
def cycle_create(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = permitted_organization(request, MANAGE_BUDGETS)
    form = CycleForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            cycle = budget_services.create_budget_cycle(
                organization=organization, actor=person(request), **form.service_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The budget cycle was created."))
            return redirect("budgeting:cycle", org_slug=organization.slug, cycle_id=cycle.pk)
    return render(request, "budgeting/cycle_form.html", {"organization": organization, "form": form})


@require_http_methods(["GET", "POST"])
def cycle_edit(request: HttpRequest, org_slug: str, cycle_id: int) -> HttpResponse:
    organization, cycle = cycle_for(request, cycle_id, MANAGE_BUDGETS)
    form = CycleForm(posted(request), initial=CycleForm.initial_for(cycle))
    if request.method == "POST" and form.is_valid():
        try:
            budget_services.update_budget_cycle(cycle=cycle, actor=person(request), **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The budget cycle was saved."))
            return redirect("budgeting:cycle", org_slug=organization.slug, cycle_id=cycle.pk)
    context = {"organization": organization, "form": form, "cycle": cycle}
    return render(request, "budgeting/cycle_form.html", context)


def _mix_rows(indicators: Any) -> list[tuple[str, float, float | None]]:
    return [
        (str(label), indicators.purpose_mix.get(purpose, 0.0), indicators.target_mix.get(purpose))
        for purpose, label in Purpose.choices
    ]


@require_GET
def cycle_detail(request: HttpRequest, org_slug: str, cycle_id: int) -> HttpResponse:
    organization, cycle = cycle_for(request, cycle_id)
    filters_form = LineFilterForm(request.GET, units=page_selectors.unit_choices(organization))
    search, filters, sort = filters_form.values()
    lines = selectors.lines_for(cycle, search=search, filters=filters, sort=sort)
    page, page_range = paginate(request, lines, PAGE_SIZE)
    totals = page_selectors.line_totals(lines)
    indicators = selectors.indicators(cycle)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "organization": organization,
        "cycle": cycle,
        "filters": filters_form,
        "page": page,
        "page_range": page_range,
        "query": query.urlencode(),
        "filtered": bool(search or any(value not in (None, "") for value in filters.values())),
        "totals": totals,
        "indicators": indicators,
        "mix_rows": _mix_rows(indicators),
        "can_manage": request.user.has_perm(MANAGE_BUDGETS, organization),
    }
    return render(request, "budgeting/cycle_detail.html", with_nav(request, context))


@require_http_methods(["GET", "POST"])
def line_create(request: HttpRequest, org_slug: str, cycle_id: int) -> HttpResponse:
    organization, cycle = cycle_for(request, cycle_id, MANAGE_BUDGETS)
    return _save_line(request, organization, cycle, None)


@require_http_methods(["GET", "POST"])
def line_edit(request: HttpRequest, org_slug: str, cycle_id: int, line_id: int) -> HttpResponse:
    organization, cycle = cycle_for(request, cycle_id, MANAGE_BUDGETS)
    return _save_line(request, organization, cycle, line_for(organization, cycle, line_id))


@require_POST
def line_delete(request: HttpRequest, org_slug: str, cycle_id: int, line_id: int) -> HttpResponse:
    organization, cycle = cycle_for(request, cycle_id, MANAGE_BUDGETS)
    line = line_for(organization, cycle, line_id)
    try:
        budget_services.delete_budget_line(line=line, actor=person(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("budgeting:line_edit", org_slug=organization.slug, cycle_id=cycle.pk, line_id=line.pk)
    messages.success(request, _("The budget line %(code)s was deleted.") % {"code": line.code})
    return redirect("budgeting:cycle", org_slug=organization.slug, cycle_id=cycle.pk)


def _save_line(
    request: HttpRequest, organization: Organization, cycle: BudgetCycle, line: BudgetLine | None
) -> HttpResponse:
    initial = LineForm.initial_for(line) if line is not None else None
    form = LineForm(posted(request), cycle=cycle, line=line, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = budget_services.save_budget_line(
                cycle=cycle, line=line, actor=person(request), **form.service_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The budget line was saved."))
            return redirect("budgeting:line_options", org_slug=organization.slug, cycle_id=cycle.pk, line_id=saved.pk)
    context = {"organization": organization, "cycle": cycle, "line": line, "form": form}
    return render(request, "budgeting/line_form.html", with_nav(request, context))


@require_http_methods(["GET", "POST"])
def line_options(request: HttpRequest, org_slug: str, cycle_id: int, line_id: int) -> HttpResponse:
    """The line's funding options: what each costs and how much of the line's contribution it delivers."""
    organization, cycle = cycle_for(request, cycle_id)
    line = line_for(organization, cycle, line_id)
    can_manage = request.user.has_perm(MANAGE_BUDGETS, organization)
    goals = page_selectors.active_goals(organization)
    formset, refused = None, []
    if can_manage:
        formset = OptionFormSet(
            posted(request),
            prefix="options",
            initial=option_rows(line),
            form_kwargs={"goals": goals},
        )
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "POST" and formset is not None and formset.is_valid():
        try:
            budget_services.set_funding_options(line=line, options=formset.entries(), actor=person(request))
        except ValidationError as error:
            refused = error.messages
        else:
            messages.success(request, _("The funding options were saved."))
            return redirect("budgeting:line_options", org_slug=organization.slug, cycle_id=cycle.pk, line_id=line.pk)
    context = {
        "organization": organization,
        "cycle": cycle,
        "line": line,
        "formset": formset,
        "refused": refused,
        "goals": goals,
        "options": [(option, _scores(option.contributions, goals)) for option in line.options.all()],
    }
    return render(request, "budgeting/line_options.html", with_nav(request, context))


def _scores(contributions: dict[str, float], goals: list[StrategicGoal]) -> list[float | int]:
    """The option's contribution to each goal, whole numbers without a decimal part (5, not 5.0)."""
    found = [float(contributions.get(str(goal.pk)) or 0) for goal in goals]
    return [int(score) if score.is_integer() else score for score in found]


@require_http_methods(["GET", "POST"])
def unit_envelopes(request: HttpRequest, org_slug: str, cycle_id: int) -> HttpResponse:
    """Each unit's total in the cycle with the floor and ceiling the optimiser keeps it within; a form sets
    or clears one unit's (``?unit=`` fills it with that unit's)."""
    organization, cycle = cycle_for(request, cycle_id, MANAGE_BUDGETS)
    rows = page_selectors.envelope_rows(cycle)
    form = EnvelopeForm(posted(request), organization=organization, initial=_envelope_initial(request, rows))
    if request.method == "POST" and form.is_valid():
        clear = request.POST.get("action") == "clear"
        values = form.service_fields() | ({"floor": 0, "ceiling": None} if clear else {})
        try:
            budget_services.set_unit_envelope(cycle=cycle, actor=person(request), **values)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = (
                _("The floor and ceiling of %(unit)s were cleared.")
                if clear
                else _("The envelope of %(unit)s was saved.")
            )
            messages.success(request, done % {"unit": values["unit"].name})
            return redirect("budgeting:envelopes", org_slug=organization.slug, cycle_id=cycle.pk)
    context = {"organization": organization, "cycle": cycle, "rows": rows, "form": form}
    return render(request, "budgeting/envelopes.html", with_nav(request, context))


def _envelope_initial(request: HttpRequest, rows: list[page_selectors.EnvelopeRow]) -> dict[str, Any]:
    wanted = request.GET.get("unit", "")
    for row in rows:
        if str(row.unit.pk) == wanted:
            return {"unit": row.unit.pk, "floor": row.floor, "ceiling": row.ceiling}
    return {}
