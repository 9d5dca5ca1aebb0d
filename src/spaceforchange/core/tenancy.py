"""Tenancy: every URL under ``/o/<org_slug>/`` belongs to one organisation.

The middleware resolves the organisation and the visitor's membership before the view runs.
A visitor who is not an active member gets 404, never 403, so that the existence of another
organisation's objects is not revealed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from spaceforchange.core import rows
from spaceforchange.core.models import Membership, MembershipRole, Organization, Unit
from spaceforchange.core.permissions import remember_roles


@dataclass(frozen=True)
class OrganizationLink:
    """One of the person's organisations, as the switcher and the home page list them."""

    slug: str
    name: str

    @property
    def url(self) -> str:
        """The organisation's dashboard."""
        return reverse("core:dashboard", kwargs={"org_slug": self.slug})


def active_membership(user: Any, organization_slug: str) -> Membership | None:
    """The person's active membership of the organisation, with the organisation, the unit and
    the roles loaded (one statement)."""
    return memberships_of(user, organization_slug)[0]


def memberships_of(user: Any, organization_slug: str | None) -> tuple[Membership | None, list[OrganizationLink]]:
    """The person's active membership of ``organization_slug`` (organisation, unit and roles
    loaded) and all the organisations they are an active member of, sorted by name.

    One statement, because every signed-in page needs both: the membership for permissions,
    the organisations for the switcher.
    """
    if not getattr(user, "is_authenticated", False):
        return None, []
    with connection.cursor() as cursor:
        cursor.execute(_memberships_sql(), [organization_slug, organization_slug, user.pk, True])
        found = cursor.fetchall()
    membership_end = rows.width(Membership)
    organization_end = membership_end + rows.width(Organization)
    unit_end = organization_end + rows.width(Unit)
    slug_at = membership_end + _organization_field_index("slug")
    name_at = membership_end + _organization_field_index("name")
    organizations = {row[slug_at]: OrganizationLink(row[slug_at], row[name_at]) for row in found}
    current = [row for row in found if row[slug_at] == organization_slug]
    links = sorted(organizations.values(), key=lambda link: link.name.casefold())
    if not current:
        return None, links
    first = current[0]
    membership = rows.build(Membership, first[:membership_end])
    membership.organization = rows.build(Organization, first[membership_end:organization_end])
    membership.unit = rows.build(Unit, first[organization_end:unit_end]) if membership.unit_id else None
    roles = [rows.build(MembershipRole, row[unit_end:]) for row in current if row[unit_end] is not None]
    for role in roles:
        role.membership = membership
    rows.attach_prefetched(membership, "roles", roles)
    return membership, links


def organizations_of(request: HttpRequest) -> list[OrganizationLink]:
    """The signed-in person's organisations, by name; looked up once per request (pages under
    ``/o/<slug>/`` have them from the tenancy lookup already)."""
    found = getattr(request, "_sfc_my_organizations", None)
    if found is None:
        found = memberships_of(request.user, None)[1]
        request._sfc_my_organizations = found  # type: ignore[attr-defined]
    return found


def _organization_field_index(name: str) -> int:
    return [field.name for field in Organization._meta.concrete_fields].index(name)


def _memberships_sql() -> str:
    # One row per active membership; the unit and the roles are joined for the current
    # organisation only, which therefore gives one row per role (or one with no role).
    return f"""
        SELECT {rows.columns(Membership, "m")}, {rows.columns(Organization, "o")},
               {rows.columns(Unit, "u")}, {rows.columns(MembershipRole, "r")}
        FROM {Membership._meta.db_table} m
        JOIN {Organization._meta.db_table} o ON o.id = m.organization_id
        LEFT JOIN {Unit._meta.db_table} u ON u.id = m.unit_id AND o.slug = %s
        LEFT JOIN {MembershipRole._meta.db_table} r ON r.membership_id = m.id AND o.slug = %s
        WHERE m.user_id = %s AND m.is_active = %s
        ORDER BY r.id
    """  # noqa: S608 -- table and column names come from the models; the values are parameters


class TenancyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.organization = None  # type: ignore[attr-defined]
        request.membership = None  # type: ignore[attr-defined]
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        slug = view_kwargs.get("org_slug")
        # API views resolve the organisation after token auth and answer with JSON problems.
        if slug is None or getattr(view_func, "sfc_resolves_own_tenancy", False):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        membership, organizations = memberships_of(request.user, slug)
        request._sfc_my_organizations = organizations  # type: ignore[attr-defined]
        if membership is None:
            raise Http404("No such organisation.")
        request.organization = membership.organization  # type: ignore[attr-defined]
        request.membership = membership  # type: ignore[attr-defined]
        # The roles came with the membership: every permission check on this page reuses them.
        remember_roles(request.user, membership)
        return None


def organization_of(request: HttpRequest) -> Organization:
    """The organisation the tenancy middleware resolved; views under ``/o/<slug>/`` only."""
    organization = getattr(request, "organization", None)
    if organization is None:
        raise Http404("No organisation in this request.")
    return organization
