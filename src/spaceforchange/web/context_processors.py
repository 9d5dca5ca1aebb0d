"""What every page's layout needs: the person's organisations and the primary navigation.

This runs on every page, so what cannot change while the process runs (the site's own links,
the language names, each section's address per organisation) is worked out once per process.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from spaceforchange.core.models import Organization
from spaceforchange.core.tenancy import organizations_of


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
    ("portfolio:ideas", _("Ideas"), "portfolio.view_ideas", True),
    ("portfolio:initiatives", _("Initiatives"), "portfolio.view_initiatives", True),
    ("assessments:campaigns", _("Assessments"), "assessments.view_campaigns", True),
    ("legitimacy:overview", _("Legitimacy"), "legitimacy.view_registers", True),
    ("policies:policies", _("Policies"), "policies.view_policies", True),
    ("consultations:consultations", _("Consultations"), "consultations.view_consultations", True),
    ("budgeting:strategy", _("Strategy"), "budgeting.view_strategy", True),
    ("budgeting:cycles", _("Budgets"), "budgeting.view_budgets", True),
    ("people:overview", _("People and teams"), "people.view_people", True),
    ("change:programmes", _("Change programmes"), "change.view_programmes", True),
    ("alerts:alerts", _("Warnings"), "alerts.view_alerts", True),
    ("frameworks:library", _("Framework library"), None, True),
    ("core:audit", _("Audit"), "core.view_audit", True),
)


# The account links of the toolbar and footer, by URL name; a link whose page is not installed
# (two-factor authentication switched off, say) is left out.
SITE_LINKS = ("home", "account_login", "account_logout", "set_language", "profile", "mfa_index", "api_tokens")


def primary_nav(request: HttpRequest, organization: Organization) -> list[NavItem]:
    """The organisation's sections the person may see."""
    items = []
    for url_name, label, permission, matches_subpages in PRIMARY_NAV:
        if permission and not request.user.has_perm(permission, organization):
            continue
        url = organization_url(url_name, organization.slug, get_script_prefix())
        current = request.path.startswith(url) if matches_subpages else request.path == url
        items.append(NavItem(label=label, url=url, current=current))
    return items


@functools.lru_cache(maxsize=4096)
def organization_url(url_name: str, organization_slug: str, script_prefix: str) -> str:
    """A section's address in one organisation (the script prefix is part of the key because
    ``reverse`` prepends it)."""
    return reverse(url_name, kwargs={"org_slug": organization_slug})


@functools.lru_cache(maxsize=16)
def site_links(script_prefix: str) -> dict[str, str]:
    """The installed account and site links by URL name (see ``SITE_LINKS``)."""
    links = {}
    for url_name in SITE_LINKS:
        try:
            links[url_name] = reverse(url_name)
        except NoReverseMatch:
            continue
    return links


@functools.cache
def language_choices() -> list[tuple[str, str]]:
    """Each language named in itself ("English", "Norsk bokmål"), so a reader finds their own."""
    choices = []
    for code, name in settings.LANGUAGES:
        with override(code):
            choices.append((code, str(name)))
    return choices


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The organisations the person can switch between, the current one and its navigation."""
    user = getattr(request, "user", None)
    links = site_links(get_script_prefix())
    if user is None or not user.is_authenticated:
        return {
            "current_organization": None,
            "my_organizations": [],
            "primary_nav": [],
            "can_view_audit": False,
            "language_choices": language_choices(),
            "signup_open": bool(settings.ACCOUNT_ALLOW_SIGNUPS),
            "site_links": links,
        }
    organization = getattr(request, "organization", None)
    organizations = organizations_of(request)
    nav = primary_nav(request, organization) if organization else []
    current = (organization.slug, organization.name) if organization else None
    return {
        "current_organization": organization,
        "current_membership": getattr(request, "membership", None),
        "my_organizations": organizations,
        "primary_nav": nav,
        # The header and the organisation switcher show nothing else, so their renderings are
        # cached under these (and the language).
        "nav_signature": repr((links.get("home"), tuple((item.url, item.current) for item in nav))),
        "switcher_signature": repr((current, tuple((org.slug, org.name) for org in organizations))),
        "can_view_audit": bool(organization and user.has_perm("core.view_audit", organization)),
        "language_choices": language_choices(),
        "site_links": links,
    }
