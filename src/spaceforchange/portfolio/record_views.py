"""Pages that add to an initiative's records: constraints and their status, backing, setbacks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from spaceforchange.core.views import add_service_errors
from spaceforchange.portfolio import record_services, selectors
from spaceforchange.portfolio.forms import BackingForm, ConstraintForm, ConstraintStatusForm, SetbackForm
from spaceforchange.portfolio.models import Initiative
from spaceforchange.portfolio.views import initiative_with_permission, person, terms_for

RECORD = "portfolio.record_initiative"


def _handle(
    request: HttpRequest,
    initiative: Initiative,
    form: Any,
    write: Callable[[], Any],
    *,
    done: str,
    context: dict[str, Any],
) -> HttpResponse:
    """Run ``write`` for a valid posted form and go back to the initiative; else show the form again."""
    if request.method == "POST" and form.is_valid():
        try:
            write()
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("portfolio:initiative", org_slug=initiative.organization.slug, initiative_id=initiative.pk)
    context = {"organization": initiative.organization, "initiative": initiative, "form": form, **context}
    return render(request, "portfolio/record_form.html", context)


def constraint_new(request: HttpRequest, org_slug: str, initiative_id: int) -> HttpResponse:
    organization, initiative = initiative_with_permission(request, initiative_id, RECORD)
    form = ConstraintForm(
        request.POST or None,
        terms=terms_for(organization),
        initial={"status": record_services.DEFAULT_STATUS, "added_on": record_services.today_in(organization)},
    )
    return _handle(
        request,
        initiative,
        form,
        lambda: record_services.record_constraint(initiative=initiative, actor=person(request), **form.cleaned_data),
        done=_("The constraint was recorded."),
        context={"heading": _("Record a constraint"), "button": _("Record the constraint")},
    )


def constraint_status(request: HttpRequest, org_slug: str, initiative_id: int, constraint_id: int) -> HttpResponse:
    organization, initiative = initiative_with_permission(request, initiative_id, RECORD)
    constraint = selectors.constraint_of(initiative, constraint_id)
    form = ConstraintStatusForm(
        request.POST or None,
        terms=terms_for(organization),
        initial={"status": constraint.status, "changed_on": record_services.today_in(organization)},
    )
    return _handle(
        request,
        initiative,
        form,
        lambda: record_services.change_constraint_status(
            constraint=constraint, actor=person(request), **form.cleaned_data
        ),
        done=_("The constraint's status was recorded."),
        context={
            "heading": _("Change a constraint's status"),
            "button": _("Record the status"),
            "constraint": constraint,
        },
    )


def backing_new(request: HttpRequest, org_slug: str, initiative_id: int) -> HttpResponse:
    organization, initiative = initiative_with_permission(request, initiative_id, RECORD)
    form = BackingForm(
        request.POST or None,
        organization=organization,
        terms=terms_for(organization),
        initial={"recorded_on": record_services.today_in(organization)},
    )
    return _handle(
        request,
        initiative,
        form,
        lambda: record_services.record_backing(
            initiative=initiative, actor=person(request), **form.backing_arguments()
        ),
        done=_("The backing was recorded."),
        context={"heading": _("Record backing"), "button": _("Record the backing")},
    )


def setback_new(request: HttpRequest, org_slug: str, initiative_id: int) -> HttpResponse:
    organization, initiative = initiative_with_permission(request, initiative_id, RECORD)
    form = SetbackForm(request.POST or None, initial={"occurred_on": record_services.today_in(organization)})
    return _handle(
        request,
        initiative,
        form,
        lambda: record_services.record_setback(initiative=initiative, actor=person(request), **form.cleaned_data),
        done=_("The setback was recorded."),
        context={"heading": _("Record a setback"), "button": _("Record the setback")},
    )
