"""Scenario pages of a cycle: running one (current, optimised, greedy by score), a scenario with its
figures, charts and conflicts, two scenarios side by side, and adopting one (a recorded decision).

Figures are read from what the scenario stored when it ran, so no page solves anything.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from spaceforchange.budgeting import charts, page_selectors, scenario_services, selectors
from spaceforchange.budgeting.budget_forms import AdoptForm, RunScenarioForm
from spaceforchange.budgeting.budget_views import cycle_for, with_nav
from spaceforchange.budgeting.conflict_text import Explainer
from spaceforchange.budgeting.models import BudgetCycle, Purpose, Scenario
from spaceforchange.budgeting.strategy_views import posted
from spaceforchange.core.models import Organization
from spaceforchange.core.views import add_service_errors
from spaceforchange.portfolio.views import person

VIEW_SCENARIOS = "budgeting.view_scenarios"
RUN = "budgeting.run_scenarios"
ADOPT = "budgeting.adopt_scenario"


def _scenario(organization: Organization, cycle: BudgetCycle, scenario_id: Any) -> Scenario:
    scenario = selectors.scenario_of(organization, scenario_id)
    if scenario.cycle_id != cycle.pk:
        raise Http404("No such scenario in this cycle.")
    return scenario


@require_http_methods(["GET", "POST"])
def scenario_list(request: HttpRequest, org_slug: str, cycle_id: int) -> HttpResponse:
    organization, cycle = cycle_for(request, cycle_id, VIEW_SCENARIOS)
    can_run = request.user.has_perm(RUN, organization)
    if request.method == "POST" and not can_run:
        raise PermissionDenied
    form = RunScenarioForm(posted(request)) if can_run else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            scenario = scenario_services.run_scenario(cycle=cycle, actor=person(request), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The scenario was run."))
            return redirect(
                "budgeting:scenario", org_slug=organization.slug, cycle_id=cycle.pk, scenario_id=scenario.pk
            )
    context = {
        "organization": organization,
        "cycle": cycle,
        "scenarios": list(selectors.scenarios_for(cycle)),
        "form": form,
    }
    return render(request, "budgeting/scenario_list.html", with_nav(request, context))


def _goal_rows(figures: dict[str, Any], names: page_selectors.Names) -> list[tuple[str, float, float]]:
    rows = [
        (names.goals.get(str(row["goal"]), str(row["goal"])), row["previous_money"], row["money"])
        for row in figures.get("goals", ())
    ]
    return [*rows, (_("No goal"), None, figures.get("unattributed", 0.0))]


def _purpose_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    labels = dict(Purpose.choices)
    return [{**row, "label": str(labels.get(row["purpose"], row["purpose"]))} for row in figures.get("purposes", ())]


def _unit_rows(figures: dict[str, Any], names: page_selectors.Names) -> list[dict[str, Any]]:
    rows = [{**row, "label": names.units.get(str(row["unit"]), str(row["unit"]))} for row in figures.get("units", ())]
    return sorted(rows, key=lambda row: (row["change"], row["label"]))


def _charts(goals: list[Any], purposes: list[dict[str, Any]], units: list[dict[str, Any]]) -> dict[str, charts.Chart]:
    return {
        "goals": charts.paired_bars([(label, before or 0.0, after) for label, before, after in goals]),
        "purposes": charts.paired_bars([(row["label"], row["previous_cost"], row["cost"]) for row in purposes]),
        "units": charts.diverging_bars([(row["label"], row["change"]) for row in units]),
    }


@require_GET
def scenario_detail(request: HttpRequest, org_slug: str, cycle_id: int, scenario_id: int) -> HttpResponse:
    organization, cycle = cycle_for(request, cycle_id, VIEW_SCENARIOS)
    scenario = _scenario(organization, cycle, scenario_id)
    figures = scenario.figures or {}
    names = page_selectors.scenario_names(organization, figures, scenario.conflicts)
    goals, purposes, units = _goal_rows(figures, names), _purpose_rows(figures), _unit_rows(figures, names)
    adopted = next((other for other in selectors.scenarios_for(cycle) if other.adopted_at), None)
    context = {
        "organization": organization,
        "cycle": cycle,
        "scenario": scenario,
        "figures": figures,
        "goals": goals,
        "purposes": purposes,
        "units": units,
        "charts": _charts(goals, purposes, units) if figures else None,
        "conflicts": Explainer(cycle, names, scenario.conflicts).sentences(scenario.conflicts),
        "adopted": adopted,
        "can_adopt": adopted is None
        and scenario.status in scenario_services.ADOPTABLE
        and request.user.has_perm(ADOPT, organization),
    }
    return render(request, "budgeting/scenario_detail.html", with_nav(request, context))


@require_GET
def scenario_compare(request: HttpRequest, org_slug: str, cycle_id: int) -> HttpResponse:
    organization, cycle = cycle_for(request, cycle_id, VIEW_SCENARIOS)
    scenarios = list(selectors.scenarios_for(cycle))
    chosen = [request.GET.get(key, "") for key in ("a", "b")]
    comparison = None
    if all(value.isdigit() for value in chosen):
        first, second = (_scenario(organization, cycle, int(value)) for value in chosen)
        comparison = selectors.scenario_comparison(first, second)
    context = {
        "organization": organization,
        "cycle": cycle,
        "scenarios": scenarios,
        "chosen": chosen,
        "comparison": comparison,
        "purpose_rows": _labelled(comparison.purposes) if comparison else [],
        "purpose_money_rows": _labelled(comparison.purpose_money) if comparison else [],
    }
    return render(request, "budgeting/scenario_compare.html", with_nav(request, context))


def _labelled(rows: list[Any]) -> list[tuple[str, Any]]:
    labels = dict(Purpose.choices)
    return [(str(labels.get(row.key, row.key)), row) for row in rows]


@require_http_methods(["GET", "POST"])
def scenario_adopt(request: HttpRequest, org_slug: str, cycle_id: int, scenario_id: int) -> HttpResponse:
    organization, cycle = cycle_for(request, cycle_id, VIEW_SCENARIOS)
    scenario = _scenario(organization, cycle, scenario_id)
    if not request.user.has_perm(ADOPT, organization):
        raise PermissionDenied
    form = AdoptForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            scenario_services.adopt_scenario(scenario=scenario, note=form.cleaned_data["note"], actor=person(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The scenario was adopted; the decision is recorded."))
            return redirect(
                "budgeting:scenario", org_slug=organization.slug, cycle_id=cycle.pk, scenario_id=scenario.pk
            )
    context = {"organization": organization, "cycle": cycle, "scenario": scenario, "form": form}
    return render(request, "budgeting/scenario_adopt.html", with_nav(request, context))
