"""The parts page of a change programme: milestones, subsystems, supporters and linked initiatives.

One page, one address; every form on it posts there with an ``action`` that says what it does.
A part to remove or mark done is looked up among the programme's own parts (404 otherwise), and
an initiative to link is offered from the programme's organisation only, so another
organisation's ids change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods

from spaceforchange.budgeting.models import BudgetLine
from spaceforchange.change import selectors, services
from spaceforchange.change.forms import (
    LinkBudgetLineForm,
    LinkInitiativeForm,
    MilestoneDoneForm,
    MilestoneForm,
    RemoveForm,
    SubsystemForm,
    SupporterForm,
)
from spaceforchange.change.models import ChangeProgramme
from spaceforchange.change.views import person, programme_in
from spaceforchange.core.views import add_service_errors
from spaceforchange.portfolio.models import Initiative
from spaceforchange.portfolio.services import today_in


def _candidates(programme: ChangeProgramme) -> Any:
    """The organisation's initiatives the programme does not carry yet."""
    return (
        Initiative.objects.filter(organization=programme.organization)
        .exclude(change_programmes=programme)
        .order_by("title", "pk")
    )


def _line_candidates(programme: ChangeProgramme) -> Any:
    """The organisation's budget lines that do not fund the programme yet, newest cycle first."""
    return (
        BudgetLine.objects.filter(organization=programme.organization)
        .exclude(change_programmes=programme)
        .select_related("cycle")
        .order_by("-cycle__starts_on", "code", "pk")
    )


def _forms(request: HttpRequest, programme: ChangeProgramme, action: str) -> dict[str, Any]:
    """Every form of the page; the one the request posted is bound to its data."""

    def data(name: str) -> Any:
        return request.POST if action == name else None

    organization = programme.organization
    return {
        "milestone_form": MilestoneForm(data("milestone_add"), prefix="milestone"),
        "done_form": MilestoneDoneForm(data("milestone_done"), prefix="done"),
        "subsystem_form": SubsystemForm(data("subsystem_add"), prefix="subsystem"),
        "supporter_form": SupporterForm(data("supporter_add"), prefix="supporter", organization=organization),
        "link_form": LinkInitiativeForm(data("initiative_link"), prefix="link", candidates=_candidates(programme)),
        "line_form": LinkBudgetLineForm(data("line_link"), prefix="line", candidates=_line_candidates(programme)),
    }


def _part(queryset: Any, request: HttpRequest) -> Any:
    """The programme's own part named by the posted ``item`` id; 404 for anything else."""
    form = RemoveForm(request.POST)
    if not form.is_valid():
        raise Http404("No such part.")
    found = queryset.filter(pk=form.cleaned_data["item"]).first()
    if found is None:
        raise Http404("No such part.")
    return found


def _change(request: HttpRequest, programme: ChangeProgramme, action: str) -> tuple[Callable[[], Any], str] | None:
    """The write and its message for an ``action`` on an existing part (remove, unlink, align), else None."""
    actor = person(request)
    if action == "milestone_remove":
        milestone = _part(programme.milestones.all(), request)
        return (
            lambda: services.remove_milestone(milestone=milestone, actor=actor),
            _("The milestone “%(name)s” was removed.") % {"name": milestone.title},
        )
    if action == "subsystem_remove":
        subsystem = _part(programme.subsystems.all(), request)
        return (
            lambda: services.remove_subsystem(subsystem=subsystem, actor=actor),
            _("The subsystem “%(name)s” was removed.") % {"name": subsystem.name},
        )
    if action == "supporter_remove":
        supporter = _part(programme.supporters.all(), request)
        return (
            lambda: services.remove_supporter(supporter=supporter, actor=actor),
            _("The supporter “%(name)s” was removed.") % {"name": supporter.name},
        )
    if action == "subsystem_aligned":
        subsystem = _part(programme.subsystems.all(), request)
        aligned = request.POST.get("aligned") == "1"
        return (
            lambda: services.update_subsystem(subsystem=subsystem, aligned=aligned, actor=actor),
            (_("The subsystem “%(name)s” is aligned.") if aligned else _("The subsystem “%(name)s” is not aligned."))
            % {"name": subsystem.name},
        )
    if action == "line_unlink":
        line = _part(programme.budget_lines.all(), request)
        return (
            lambda: services.unlink_budget_line(programme=programme, line=line, actor=actor),
            _("The budget line “%(name)s” no longer funds the programme.") % {"name": line.title},
        )
    if action == "initiative_unlink":
        initiative = _part(programme.initiatives.all(), request)
        return (
            lambda: services.unlink_initiative(programme=programme, initiative=initiative, actor=actor),
            _("The initiative “%(name)s” is no longer linked.") % {"name": initiative.title},
        )
    return None


# Each adding action: the form it posts, the service it calls with the form's data, what it says.
ADDITIONS: dict[str, tuple[str, Callable[..., Any], str]] = {
    "milestone_add": ("milestone_form", services.add_milestone, gettext_noop("The milestone was added.")),
    "subsystem_add": ("subsystem_form", services.add_subsystem, gettext_noop("The subsystem was added.")),
    "supporter_add": ("supporter_form", services.add_supporter, gettext_noop("The supporter was added.")),
    "initiative_link": ("link_form", services.link_initiative, gettext_noop("The initiative was linked.")),
    "line_link": ("line_form", services.link_budget_line, gettext_noop("The budget line was linked.")),
}


def _addition(request: HttpRequest, programme: ChangeProgramme, action: str, forms: dict[str, Any]) -> Any:
    """``(form, write, message)`` for an adding ``action`` whose form is valid, the form if invalid, else None."""
    actor = person(request)
    if action == "milestone_done":
        form = forms["done_form"]
        if not form.is_valid():
            return form
        milestone = programme.milestones.filter(pk=form.cleaned_data["milestone"]).first()
        if milestone is None:
            raise Http404("No such milestone.")
        return (
            form,
            lambda: services.update_milestone(milestone=milestone, done_on=form.cleaned_data["done_on"], actor=actor),
            _("The milestone “%(name)s” is done.") % {"name": milestone.title},
        )
    if action not in ADDITIONS:
        return None
    name, service, message = ADDITIONS[action]
    form = forms[name]
    if not form.is_valid():
        return form
    return form, lambda: service(programme=programme, actor=actor, **form.cleaned_data), _(message)


@require_http_methods(["GET", "POST"])
def programme_parts(request: HttpRequest, org_slug: str, programme_id: int) -> HttpResponse:
    organization, programme = programme_in(request, programme_id, manage=True)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms = _forms(request, programme, action)
    failed: Any = None
    if request.method == "POST":
        here = redirect("change:programme_parts", org_slug=organization.slug, programme_id=programme.pk)
        removal = _change(request, programme, action)
        if removal is not None:
            write, message = removal
            try:
                write()
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, message)
            return here
        addition = _addition(request, programme, action, forms)
        if addition is None:
            messages.error(request, _("Nothing was changed: the request did not say what to do."))
            return here
        if isinstance(addition, tuple):
            form, write, message = addition
            try:
                write()
            except ValidationError as error:
                add_service_errors(form, error)
                failed = form
            else:
                messages.success(request, message)
                return here
        else:
            failed = addition
    return render(
        request,
        "change/parts.html",
        {
            "organization": organization,
            "programme": programme,
            "current": "parts",
            "can_manage": True,
            "failed_form": failed,
            "milestones": selectors.milestones(programme),
            "subsystems": selectors.subsystems(programme),
            "supporters": selectors.supporters(programme),
            "initiatives": list(programme.initiatives.order_by("title", "pk")),
            "budget_lines": list(programme.budget_lines.select_related("cycle").order_by("-cycle__starts_on", "code")),
            "today": today_in(organization),
            **forms,
        },
    )
