"""Pages of an organisation: overview, units, members, invitations and the audit log.

The tenancy middleware has already turned non-members away with 404; these views check the
person's role for the page (403 when it is missing) and look every id up inside the request's
organisation, so another organisation's id is a 404.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spaceforchange.core import selectors, services
from spaceforchange.core.audit import csv_safe
from spaceforchange.core.forms import (
    AuditFilterForm,
    InvitationFilterForm,
    InvitationForm,
    MemberFilterForm,
    MemberForm,
    UnitForm,
)
from spaceforchange.core.models import Organization, User
from spaceforchange.core.permissions import remember_roles
from spaceforchange.core.tenancy import organization_of

MEMBERS_PER_PAGE = 25
INVITATIONS_PER_PAGE = 25
AUDIT_ENTRIES_PER_PAGE = 50
NEW_INVITATION_SESSION_KEY = "sfc_new_invitation"


def permitted_organization(request: HttpRequest, permission: str) -> Organization:
    """The request's organisation, once the person is known to hold ``permission`` in it."""
    organization = organization_of(request)
    remember_roles(request.user, getattr(request, "membership", None))
    if not request.user.has_perm(permission, organization):
        raise PermissionDenied
    return organization


def _can(request: HttpRequest, permission: str, organization: Organization) -> bool:
    return request.user.has_perm(permission, organization)


def add_service_errors(form: Any, error: ValidationError) -> None:
    """Put a service's refusal on the form: on the field it names, otherwise on the whole form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _attempt(form: Any, write: Callable[[], Any]) -> bool:
    try:
        write()
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True


def paginate(request: HttpRequest, items: QuerySet[Any], per_page: int) -> tuple[Page, list[Any]]:
    """The requested page of ``items`` and the page numbers to offer (gaps elided)."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    return page, list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


# --- Overview -------------------------------------------------------------------------------


@require_GET
def dashboard(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = permitted_organization(request, "core.view_organization")
    can_view_invitations = _can(request, "core.view_invitations", organization)
    summary = selectors.organization_summary(organization, include_invitations=can_view_invitations)
    my_roles = request.membership.ordered_roles()  # type: ignore[attr-defined]
    my_unit = request.membership.unit  # type: ignore[attr-defined]
    can_view_audit = _can(request, "core.view_audit", organization)
    context = {
        "organization": organization,
        "summary": summary,
        "my_roles": my_roles,
        "my_unit": my_unit,
        "can_view_invitations": can_view_invitations,
        "can_view_audit": can_view_audit,
        "can_manage_units": _can(request, "core.manage_units", organization),
        # The page shows nothing but these, so its rendering is cached under them (and the language).
        "dashboard_signature": repr(
            (
                organization.slug,
                organization.name,
                tuple(assignment.role for assignment in my_roles),
                my_unit.name if my_unit else None,
                summary.figures,
                can_view_invitations,
                can_view_audit,
            )
        ),
    }
    return render(request, "core/dashboard.html", context)


# --- Units ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def units(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = permitted_organization(request, "core.view_units")
    can_manage = _can(request, "core.manage_units", organization)
    form = None
    if can_manage:
        form = UnitForm(request.POST if request.method == "POST" else None, organization=organization)
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            form,
            lambda: services.create_unit(
                organization=organization, name=data["name"], kind=data["kind"], parent=data["parent"]
            ),
        ):
            messages.success(request, _("Unit %(name)s added.") % {"name": data["name"].strip()})
            return redirect("core:units", org_slug=organization.slug)
    tree = selectors.unit_tree(organization)
    context = {"organization": organization, "tree": tree, "form": form, "can_manage": can_manage}
    return render(request, "core/units.html", context, status=400 if form is not None and form.errors else 200)


def _unit_or_404(organization: Organization, unit_id: int) -> Any:
    unit = selectors.unit_of(organization, unit_id)
    if unit is None:
        raise Http404("No such unit.")
    return unit


@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, org_slug: str, unit_id: int) -> HttpResponse:
    organization = permitted_organization(request, "core.manage_units")
    unit = _unit_or_404(organization, unit_id)
    initial = {"name": unit.name, "kind": unit.kind, "parent": unit.parent_id}
    form = UnitForm(
        request.POST if request.method == "POST" else None, organization=organization, unit=unit, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            form, lambda: services.edit_unit(unit=unit, name=data["name"], kind=data["kind"], parent=data["parent"])
        ):
            messages.success(request, _("Unit %(name)s saved.") % {"name": unit.name})
            return redirect("core:units", org_slug=organization.slug)
        unit.refresh_from_db()
    context = {"organization": organization, "unit": unit, "form": form, "can_delete": _is_empty(unit)}
    return render(request, "core/unit_edit.html", context, status=400 if form.errors else 200)


def _is_empty(unit: Any) -> bool:
    return not unit.children.exists() and not unit.memberships.exists()


@require_POST
def unit_delete(request: HttpRequest, org_slug: str, unit_id: int) -> HttpResponse:
    organization = permitted_organization(request, "core.manage_units")
    unit = _unit_or_404(organization, unit_id)
    name = unit.name
    try:
        services.delete_unit(unit=unit)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("core:unit_edit", org_slug=organization.slug, unit_id=unit.pk)
    messages.success(request, _("Unit %(name)s deleted.") % {"name": name})
    return redirect("core:units", org_slug=organization.slug)


# --- Members --------------------------------------------------------------------------------


@require_GET
def members(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = permitted_organization(request, "core.view_members")
    form = MemberFilterForm(request.GET, organization=organization)
    form.is_valid()
    page, page_range = paginate(request, selectors.member_list(organization, **form.filters()), MEMBERS_PER_PAGE)
    context = {
        "organization": organization,
        "form": form,
        "page": page,
        "page_range": page_range,
        "can_manage": _can(request, "core.manage_members", organization),
    }
    return render(request, "core/members.html", context, status=400 if form.errors else 200)


def _member_or_404(organization: Organization, membership_id: int) -> Any:
    membership = selectors.member_of(organization, membership_id)
    if membership is None:
        raise Http404("No such member.")
    return membership


@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, org_slug: str, membership_id: int) -> HttpResponse:
    organization = permitted_organization(request, "core.manage_members")
    membership = _member_or_404(organization, membership_id)
    initial = {"roles": sorted(membership.role_set), "unit": membership.unit_id, "title": membership.title}
    form = MemberForm(request.POST if request.method == "POST" else None, organization=organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            form,
            lambda: services.update_member(
                membership=membership, roles=data["roles"], unit=data["unit"], title=data["title"]
            ),
        ):
            messages.success(request, _("Changes to %(person)s saved.") % {"person": membership.user})
            return redirect("core:members", org_slug=organization.slug)
    context = {"organization": organization, "membership": membership, "form": form}
    return render(request, "core/member_edit.html", context, status=400 if form.errors else 200)


def _set_active(request: HttpRequest, membership_id: int, *, active: bool) -> HttpResponse:
    organization = permitted_organization(request, "core.manage_members")
    membership = _member_or_404(organization, membership_id)
    try:
        if active:
            services.reactivate_member(membership=membership)
        else:
            services.deactivate_member(membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("core:member_edit", org_slug=organization.slug, membership_id=membership.pk)
    if active:
        messages.success(request, _("%(person)s can use the organisation again.") % {"person": membership.user})
    else:
        messages.success(request, _("%(person)s has been deactivated.") % {"person": membership.user})
    return redirect("core:member_edit", org_slug=organization.slug, membership_id=membership.pk)


@require_POST
def member_deactivate(request: HttpRequest, org_slug: str, membership_id: int) -> HttpResponse:
    return _set_active(request, membership_id, active=False)


@require_POST
def member_reactivate(request: HttpRequest, org_slug: str, membership_id: int) -> HttpResponse:
    return _set_active(request, membership_id, active=True)


# --- Invitations ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitations(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = permitted_organization(request, "core.view_invitations")
    can_invite = _can(request, "core.invite_members", organization)
    if request.method == "POST" and not can_invite:
        raise PermissionDenied
    form = (
        InvitationForm(request.POST if request.method == "POST" else None, organization=organization)
        if can_invite
        else None
    )
    created = (
        request.method == "POST"
        and form is not None
        and form.is_valid()
        and _create_invitation(request, organization, form)
    )
    if created:
        return redirect("core:invitations", org_slug=organization.slug)
    filter_form = InvitationFilterForm(request.GET)
    filter_form.is_valid()
    status = getattr(filter_form, "cleaned_data", {}).get("status", "")
    page, page_range = paginate(request, selectors.invitation_list(organization, status=status), INVITATIONS_PER_PAGE)
    context = {
        "organization": organization,
        "form": form,
        "filter_form": filter_form,
        "page": page,
        "page_range": page_range,
        "can_invite": can_invite,
        "new_invitation": request.session.pop(NEW_INVITATION_SESSION_KEY, None) if request.method == "GET" else None,
        "invitation_days": settings.SFC_INVITATION_DAYS,
    }
    invalid = (form is not None and form.errors) or filter_form.errors
    return render(request, "core/invitations.html", context, status=400 if invalid else 200)


def _create_invitation(request: HttpRequest, organization: Organization, form: InvitationForm) -> bool:
    data = form.cleaned_data
    created: dict[str, Any] = {}

    def write() -> None:
        created["invitation"], created["token"] = services.create_invitation(
            organization=organization,
            created_by=cast(User, request.user),  # the tenancy middleware let only members in
            roles=data["roles"],
            email=data["email"],
            unit=data["unit"],
        )

    if not _attempt(form, write):
        return False
    invitation = created["invitation"]
    # Shown once, on the next page: the token itself is never stored, only its hash.
    request.session[NEW_INVITATION_SESSION_KEY] = {
        "id": invitation.pk,
        "email": invitation.email,
        "link": request.build_absolute_uri(services.invitation_path(created["token"])),
    }
    messages.success(request, _("Invitation created."))
    return True


@require_POST
def invitation_revoke(request: HttpRequest, org_slug: str, invitation_id: int) -> HttpResponse:
    organization = permitted_organization(request, "core.invite_members")
    invitation = selectors.invitation_of(organization, invitation_id)
    if invitation is None:
        raise Http404("No such invitation.")
    try:
        services.revoke_invitation(invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Invitation revoked; its link no longer works."))
    return redirect("core:invitations", org_slug=organization.slug)


# --- Audit log ------------------------------------------------------------------------------


@require_GET
def audit(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = permitted_organization(request, "core.view_audit")
    form = AuditFilterForm(request.GET, organization=organization)
    form.is_valid()
    page, page_range = paginate(
        request, selectors.audit_entries(organization, **form.filters()), AUDIT_ENTRIES_PER_PAGE
    )
    context = {
        "organization": organization,
        "form": form,
        "page": page,
        "page_range": page_range,
        "rows": [(entry, change_rows(entry)) for entry in page.object_list],
        "can_export": _can(request, "core.export_audit", organization),
    }
    return render(request, "core/audit.html", context, status=400 if form.errors else 200)


def change_rows(entry: Any) -> list[tuple[str, str, str]]:
    """(field, before, after) for each change an entry records."""
    model = entry.content_type.model_class()
    rows = []
    for name, change in (entry.changes_dict or {}).items():
        label = _field_label(model, str(name))
        if isinstance(change, list | tuple) and len(change) == 2:
            rows.append((label, _text(change[0]), _text(change[1])))
        else:
            rows.append((label, "", _text(change)))
    return rows


def _field_label(model: Any, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except (AttributeError, LookupError, FieldDoesNotExist):
        return name


def _text(value: Any) -> str:
    if value is None or value == "None":
        return "—"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class _Echo:
    """A file-like object whose ``write`` returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


AUDIT_CSV_HEADER = (
    "timestamp",
    "person",
    "person_email",
    "action",
    "object_type",
    "object_id",
    "object",
    "changes",
    "remote_address",
)


@require_GET
def audit_export(request: HttpRequest, org_slug: str) -> HttpResponse | StreamingHttpResponse:
    organization = permitted_organization(request, "core.export_audit")
    form = AuditFilterForm(request.GET, organization=organization)
    if not form.is_valid():
        return audit(request, org_slug)
    entries = selectors.audit_entries(organization, **form.filters())
    zone = selectors.organization_zone(organization)
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(AUDIT_CSV_HEADER)
        for entry in entries.iterator(chunk_size=2000):
            yield writer.writerow([csv_safe(cell) for cell in _csv_row(entry, zone)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(timezone.now(), zone).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{organization.slug}-{stamp}.csv"'
    return response


def _csv_row(entry: Any, zone: Any) -> list[Any]:
    return [
        timezone.localtime(entry.timestamp, zone).isoformat(),
        str(entry.actor) if entry.actor else "",
        entry.actor.email if entry.actor else (entry.actor_email or ""),
        entry.get_action_display(),
        entry.content_type.model_class()._meta.verbose_name
        if entry.content_type.model_class()
        else entry.content_type.model,
        entry.object_pk,
        entry.object_repr,
        json.dumps(entry.changes_dict or {}, ensure_ascii=False),
        entry.remote_addr or "",
    ]


# --- Accepting an invitation (outside /o/<slug>/: the visitor is not a member yet) ----------

INVITATION_SESSION_KEY = "sfc_invitation_token"


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.usable_invitation(token)
    except ValidationError as error:
        return _invitation_refused(request, token, error)
    if not request.user.is_authenticated:
        # The accounts adapter opens sign-up to a visitor who holds an invitation.
        request.session[INVITATION_SESSION_KEY] = token
        return render(request, "core/invitation_accept.html", {"invitation": invitation, "next": request.path})
    wrong_email = bool(invitation.email) and invitation.email.lower() != request.user.email.lower()
    if request.method == "POST" and not wrong_email:
        try:
            membership = services.accept_invitation(token=token, user=request.user)
        except ValidationError as error:
            return _invitation_refused(request, token, error)
        request.session.pop(INVITATION_SESSION_KEY, None)
        messages.success(request, _("Welcome to %(organization)s.") % {"organization": membership.organization.name})
        return redirect("core:dashboard", org_slug=membership.organization.slug)
    context = {"invitation": invitation, "wrong_email": wrong_email, "next": request.path}
    return render(request, "core/invitation_accept.html", context, status=403 if wrong_email else 200)


def _invitation_refused(request: HttpRequest, token: str, error: ValidationError) -> HttpResponse:
    if request.session.get(INVITATION_SESSION_KEY) == token:
        del request.session[INVITATION_SESSION_KEY]
    status = {"invalid": 404, "wrong_email": 403}.get(str(error.code), 410)
    return render(request, "core/invitation_refused.html", {"message": " ".join(error.messages)}, status=status)
