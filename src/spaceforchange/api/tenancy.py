"""Tenancy for API routes: ``/api/v1/organizations/{org_slug}/...`` resolves like the pages do."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError

from spaceforchange.core.models import Organization
from spaceforchange.core.tenancy import active_membership


def organization_from(request: HttpRequest, org_slug: str) -> Organization:
    """The organisation named in the route, or 404 when the caller is not an active member."""
    membership = active_membership(request.auth if _is_user(request.auth) else request.user, org_slug)  # type: ignore[attr-defined]
    if membership is None:
        raise HttpError(404, "No such organisation.")
    request.organization = membership.organization  # type: ignore[attr-defined]
    request.membership = membership  # type: ignore[attr-defined]
    return membership.organization


def _is_user(candidate: object) -> bool:
    return getattr(candidate, "is_authenticated", False) is True
