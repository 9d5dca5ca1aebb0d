"""Team pages: the overview of teams (search, filters, sort, pages), a team's page, creating and
editing a team, its members and leader roles, and recording its exploration share and alignment
sessions.

Pages that act on one team look it up in the request's organisation first (404 for any other id)
and check the permission afterwards (403). Team records, members and roles are managed by
innovation leads and admins; a team's own members may also record its exploration share and
alignment sessions. Oversight reads everything and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from spaceforchange.core.models import Organization
from spaceforchange.core.selectors import unit_choices
from spaceforchange.core.views import _attempt, permitted_organization
from spaceforchange.people import selectors, services
from spaceforchange.people.forms import (
    TEAM_SORTS,
    AddMemberForm,
    AlignmentForm,
    ExplorationShareForm,
    LeaderRolesForm,
    RemoveMemberForm,
    TeamFilterForm,
    TeamForm,
)
from spaceforchange.people.models import LeaderRoleKey, Team, TransitionStatus
from spaceforchange.people.selectors import TeamRow
from spaceforchange.people.views import MANAGE, RECORD, VIEW, team_for, warning_items, warning_lists
from spaceforchange.portfolio.views import person

PAGE_SIZE = 25


def _posted(request: HttpRequest) -> Any:
    """The posted data for a POST (even an empty one, so that it is validated), else None."""
    return request.POST if request.method == "POST" else None


def _team_page(team: Team) -> HttpResponse:
    return redirect("people:team", org_slug=team.organization.slug, team_id=team.pk)


# --- The overview -------------------------------------------------------------------------------


def _sort_key(sort: str) -> Callable[[TeamRow], Any]:
    """How a sort orders the rows; teams without the figure go last, and names break ties."""

    def name(row: TeamRow) -> str:
        return row.team.name.casefold()

    keys: dict[str, Callable[[TeamRow], Any]] = {
        "unit": lambda row: (row.unit is None, row.unit.name.casefold() if row.unit else "", name(row)),
        "autonomy": lambda row: (-row.autonomy_level, name(row)),
        "exploration": lambda row: (row.exploration_share is None, row.exploration_share or 0, name(row)),
        "alignment": lambda row: (row.last_alignment_on is not None, row.last_alignment_on or 0, name(row)),
        "warnings": lambda row: (-len(row.warnings), name(row)),
    }
    return keys.get(sort, name)


def _filtered(rows: list[TeamRow], search: str, unit: int | None, status: str) -> list[TeamRow]:
    needle = search.casefold()
    return [
        row
        for row in rows
        if (not needle or needle in row.team.name.casefold() or needle in row.team.description.casefold())
        and (unit is None or row.team.unit_id == unit)
        and (not status or row.transition_status == status)
    ]


@require_GET
def teams(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = permitted_organization(request, VIEW)
    search, unit, status, sort = TeamFilterForm(request.GET).values()
    archived = request.GET.get("archived") == "1"
    every_row = selectors.teams_overview(organization, include_archived=archived)
    if archived:
        every_row = [row for row in every_row if row.archived]
    rows = sorted(_filtered(every_row, search, unit, status), key=_sort_key(sort))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode(
        {"q": search, "unit": unit or "", "status": status, "sort": sort, "archived": "1" if archived else ""}
    )
    return render(
        request,
        "people/teams.html",
        {
            "organization": organization,
            "page": page,
            "query": query + "&",
            "search": search,
            "unit": unit,
            "status": status,
            "sort": sort,
            "archived": archived,
            "download_query": "archived=1&" if archived else "",
            "filtered": bool(search or unit or status),
            "units": unit_choices(organization),
            "statuses": TransitionStatus.choices,
            "sorts": TEAM_SORTS,
            "entries": list(
                zip(
                    page.object_list,
                    warning_lists(organization, [row.warnings for row in page.object_list]),
                    strict=True,
                )
            ),
            "can_manage": request.user.has_perm(MANAGE, organization),
        },
    )


# --- A team -------------------------------------------------------------------------------------


@require_GET
def team(request: HttpRequest, org_slug: str, team_id: int) -> HttpResponse:
    organization, found = team_for(request, team_id)
    detail = selectors.team_detail(found)
    return render(
        request,
        "people/team.html",
        {
            "organization": organization,
            "team": detail.team,
            "detail": detail,
            "warnings": warning_items(organization, detail.row.warnings),
            "enablement": selectors.team_enablement(found),
            "can_manage": request.user.has_perm(MANAGE, organization),
            "can_record": request.user.has_perm(RECORD, found),
        },
    )


def _save_team(request: HttpRequest, organization: Organization, team: Team | None = None) -> HttpResponse:
    initial = TeamForm.initial_of(team) if team is not None else None
    form = TeamForm(_posted(request), organization=organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved: list[Team] = []

        def write() -> None:
            if team is None:
                saved.append(
                    services.create_team(organization=organization, actor=person(request), **form.cleaned_data)
                )
            else:
                saved.append(services.update_team(team=team, actor=person(request), **form.cleaned_data))

        if _attempt(form, write):
            messages.success(request, _("The team was saved."))
            return _team_page(saved[0])
    return render(
        request,
        "people/team_form.html",
        {"organization": organization, "form": form, "team": team, "can_manage": True},
    )


@require_http_methods(["GET", "POST"])
def team_new(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = permitted_organization(request, MANAGE)
    return _save_team(request, organization)


@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, org_slug: str, team_id: int) -> HttpResponse:
    organization, found = team_for(request, team_id, MANAGE)
    if request.method == "POST" and "archive" in request.POST:
        archive = request.POST["archive"] == "1"
        services.archive_team(team=found, archived=archive, actor=person(request))
        messages.success(request, _("The team was archived.") if archive else _("The team was restored."))
        return _team_page(found)
    return _save_team(request, organization, found)


@require_http_methods(["GET", "POST"])
def team_members(request: HttpRequest, org_slug: str, team_id: int) -> HttpResponse:
    organization, found = team_for(request, team_id, MANAGE)
    form = AddMemberForm(None, organization=organization, team=found)
    removal_errors: list[str] = []
    if request.method == "POST" and "remove" in request.POST:
        removal = RemoveMemberForm(request.POST, team=found)
        if removal.is_valid():
            user = removal.cleaned_data["remove"]
            try:
                services.remove_team_member(team=found, user=user, actor=person(request))
            except ValidationError as error:
                removal_errors.extend(error.messages)
            else:
                messages.success(request, _("%(person)s was removed from the team.") % {"person": user})
                return redirect("people:team_members", org_slug=organization.slug, team_id=found.pk)
        else:
            removal_errors.append(_("That person is not a member of the team."))
    elif request.method == "POST":
        form = AddMemberForm(request.POST, organization=organization, team=found)
        if form.is_valid():
            user = form.cleaned_data["user"]
            if _attempt(form, lambda: services.add_team_member(team=found, user=user, actor=person(request))):
                messages.success(request, _("%(person)s was added to the team.") % {"person": user})
                return redirect("people:team_members", org_slug=organization.slug, team_id=found.pk)
    members = list(found.members.select_related("user").order_by("user__display_name", "user__email"))
    return render(
        request,
        "people/team_members.html",
        {
            "organization": organization,
            "team": found,
            "form": form,
            "members": members,
            "removal_errors": removal_errors,
        },
    )


@require_http_methods(["GET", "POST"])
def team_roles(request: HttpRequest, org_slug: str, team_id: int) -> HttpResponse:
    organization, found = team_for(request, team_id, MANAGE)
    detail = selectors.team_detail(found)
    initial = LeaderRolesForm.initial_of(row.role for row in detail.roles if row.role is not None)
    form = LeaderRolesForm(_posted(request), organization=organization, initial=initial)
    if request.method == "POST" and form.is_valid():

        def write() -> None:
            for role_key, holder, holder_name in form.assignments():
                services.assign_leader_role(
                    team=found, role_key=role_key, holder=holder, holder_name=holder_name, actor=person(request)
                )

        if _attempt(form, write):
            messages.success(request, _("The leader roles were saved."))
            return _team_page(found)
    role_fields = [
        {"key": key, "label": label, "holder": form[f"{key}_holder"], "name": form[f"{key}_name"]}
        for key, label in LeaderRoleKey.choices
    ]
    return render(
        request,
        "people/team_roles.html",
        {"organization": organization, "team": found, "form": form, "role_fields": role_fields},
    )


@require_http_methods(["GET", "POST"])
def team_exploration(request: HttpRequest, org_slug: str, team_id: int) -> HttpResponse:
    organization, found = team_for(request, team_id, RECORD)
    form = ExplorationShareForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def write() -> None:
            services.record_exploration_share(
                team=found, period=data["period"], share=form.share(), note=data["note"], actor=person(request)
            )

        if _attempt(form, write):
            messages.success(request, _("The exploration share was recorded."))
            return _team_page(found)
    return render(request, "people/team_exploration.html", {"organization": organization, "team": found, "form": form})


@require_http_methods(["GET", "POST"])
def team_alignment(request: HttpRequest, org_slug: str, team_id: int) -> HttpResponse:
    organization, found = team_for(request, team_id, RECORD)
    form = AlignmentForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        held_on = form.cleaned_data["held_on"]
        if _attempt(
            form, lambda: services.record_alignment_session(team=found, held_on=held_on, actor=person(request))
        ):
            messages.success(request, _("The alignment session was recorded."))
            return _team_page(found)
    return render(request, "people/team_alignment.html", {"organization": organization, "team": found, "form": form})
