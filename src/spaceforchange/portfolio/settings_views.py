"""Organisation-wide portfolio settings: the goal list and the stage gates."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from spaceforchange.core.models import Organization
from spaceforchange.core.tenancy import organization_of
from spaceforchange.core.views import add_service_errors
from spaceforchange.portfolio import gate_inputs, selectors, services
from spaceforchange.portfolio.domain import describe_condition
from spaceforchange.portfolio.forms import GateForm, GoalForm
from spaceforchange.portfolio.models import StageGate
from spaceforchange.portfolio.views import person, terms_for


def _permitted(request: HttpRequest, permission: str) -> Organization:
    organization = organization_of(request)
    if not request.user.has_perm(permission, organization):
        raise PermissionDenied
    return organization


def goal_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = organization_of(request)
    can_manage = request.user.has_perm("portfolio.manage_goals", organization)
    form = GoalForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.create_goal(organization=organization, title=form.cleaned_data["title"], actor=person(request))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The goal was added."))
                return redirect("portfolio:goals", org_slug=organization.slug)
    context = {"organization": organization, "goals": selectors.goals_for(organization), "form": form}
    context["can_manage"] = can_manage
    return render(request, "portfolio/goal_list.html", context)


@require_POST
def goal_active(request: HttpRequest, org_slug: str, goal_id: int) -> HttpResponse:
    organization = organization_of(request)
    goal = selectors.goal_of(organization, goal_id)
    if not request.user.has_perm("portfolio.manage_goals", organization):
        raise PermissionDenied
    active = request.POST.get("active") == "1"
    services.set_goal_active(goal=goal, active=active, actor=person(request))
    done = _("The goal %(title)s is active again.") if active else _("The goal %(title)s was retired.")
    messages.success(request, done % {"title": goal.title})
    return redirect("portfolio:goals", org_slug=organization.slug)


def gate_settings(request: HttpRequest, org_slug: str) -> HttpResponse:
    """One form per gated stage; posting saves the stage named by the button pressed."""
    organization = _permitted(request, "portfolio.manage_gates")
    terms = terms_for(organization)
    gates = selectors.gates_for(organization)
    posted = request.POST.get("stage") if request.method == "POST" else None
    factors = gate_inputs.readiness_factors(organization, get_language() or "en")
    forms = []
    for stage in selectors.GATED_STAGES:
        conditions = [condition.as_dict() for condition in gates.get(stage, ())]
        data = request.POST if posted == str(stage) else None
        form = GateForm(data, prefix=str(stage), terms=terms, conditions=conditions, readiness_factors=factors)
        if data is not None and form.is_valid():
            try:
                services.configure_gate(
                    organization=organization, stage=str(stage), conditions=form.conditions(), actor=person(request)
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The gate was saved."))
                return redirect("portfolio:gates", org_slug=organization.slug)
        described = [describe_condition(condition, terms.naming) for condition in gates.get(stage, ())]
        forms.append({"stage": str(stage), "name": terms.names[str(stage)], "form": form, "current": described})
    if posted is not None and posted not in {str(stage) for stage in selectors.GATED_STAGES}:
        messages.error(request, _("Choose a stage whose gate to save."))
    configured = set(StageGate.objects.filter(organization=organization).values_list("stage", flat=True))
    context = {"organization": organization, "gates": forms, "configured": configured}
    return render(request, "portfolio/gate_settings.html", context)
