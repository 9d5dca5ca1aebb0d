"""What every page's layout needs: the person's organisations and the primary navigation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from spaceforchange.core.models import Membership, Organization


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    current: bool


# (URL name, label, permission needed or None, matches sub-pages). Content, not code: a new
# section of the product adds a row here.
PRIMARY_NAV: tuple[tuple[str, Promise, str | None, bool], ...] = (
    ("core:dashboard", _("Dashboard"), None, False),
    ("core:units", _("Units"), "core.view_units", True),
    ("core:members", _("Members"), "core.view_members", True),
    ("portfolio:initiatives", _("Initiatives"), "portfolio.view_initiatives", True),
    ("frameworks:library", _("Framework library"), None, True),
    ("core:audit", _("Audit"), "core.view_audit", True),
)


def primary_nav(request: HttpRequest, organization: Organization) -> list[NavItem]:
    """The organisation's sections the person may see."""
    items = []
    for url_name, label, permission, matches_subpages in PRIMARY_NAV:
        if permission and not request.user.has_perm(permission, organization):
            continue
        url = reverse(url_name, kwargs={"org_slug": organization.slug})
        current = request.path.startswith(url) if matches_subpages else request.path == url
        items.append(NavItem(label=label, url=url, current=current))
    return items


def language_choices() -> list[tuple[str, str]]:
    """Each language named in itself ("English", "Norsk bokmål"), so a reader finds their own."""
    choices = []
    for code, name in settings.LANGUAGES:
        with override(code):
            choices.append((code, str(name)))
    return choices


@dataclass(frozen=True)
class OrganizationLink:
    slug: str
    name: str


def my_organizations(user: Any) -> list[OrganizationLink]:
    """The organisations for the switcher, on every page: plain SQL for two columns, because
    building the equivalent ORM query cost more than running it."""
    sql = f"""
        SELECT o.slug, o.name FROM {Membership._meta.db_table} m
        JOIN {Organization._meta.db_table} o ON o.id = m.organization_id
        WHERE m.user_id = %s AND m.is_active = %s
    """  # noqa: S608 -- table names come from the models; the values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, True])
        rows = cursor.fetchall()
    return sorted((OrganizationLink(slug, name) for slug, name in rows), key=lambda org: org.name.casefold())


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The organisations the person can switch between, the current one and its navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "current_organization": None,
            "my_organizations": [],
            "primary_nav": [],
            "can_view_audit": False,
            "language_choices": language_choices(),
            "signup_open": bool(settings.ACCOUNT_ALLOW_SIGNUPS),
        }
    organization = getattr(request, "organization", None)
    return {
        "current_organization": organization,
        "current_membership": getattr(request, "membership", None),
        "my_organizations": my_organizations(user),
        "primary_nav": primary_nav(request, organization) if organization else [],
        "can_view_audit": bool(organization and user.has_perm("core.view_audit", organization)),
        "language_choices": language_choices(),
    }
