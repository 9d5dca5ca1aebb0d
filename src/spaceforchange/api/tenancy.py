"""Tenancy for API routes: ``/api/v1/organizations/{org_slug}/...`` resolves like the pages do."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from spaceforchange.core.models import Organization
from spaceforchange.core.tenancy import active_membership


def organization_from(request: HttpRequest, org_slug: str) -> Organization:
    """The organisation named in the route, or 404 when the caller is not an active member.

    Works for token and session callers alike: the API's auth puts the person in ``request.auth``
    (and, for tokens, in ``request.user`` too, so permission checks see the same person).
    """
    membership = active_membership(_caller(request), org_slug)
    if membership is None:
        raise HttpError(404, _("No such organisation."))
    request.organization = membership.organization  # type: ignore[attr-defined]
    request.membership = membership  # type: ignore[attr-defined]
    return membership.organization


M = TypeVar("M", bound=Model)


def deny_unless(request: HttpRequest, permission: str, obj: Any) -> None:
    """403 unless the caller holds ``permission`` on ``obj``."""
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied(_("Your role in this organisation does not allow this."))


def one_of(organization: Organization, model: type[M], pk: int, what: str) -> M:
    """The organisation's row by id; another organisation's id (in the path or the body) is a 404."""
    found = model._default_manager.filter(organization=organization, pk=pk).first()  # type: ignore[misc]
    if found is None:
        raise HttpError(404, _("No %(what)s of this organisation has the id %(id)d.") % {"what": what, "id": pk})
    return found  # type: ignore[no-any-return]


def all_of(organization: Organization, model: type[M], ids: Iterable[int], what: str) -> list[M]:
    """The organisation's rows by id, in the order given; any other id is a 404."""
    wanted = list(dict.fromkeys(ids))
    found = {row.pk: row for row in model._default_manager.filter(organization=organization, pk__in=wanted)}  # type: ignore[misc]
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise HttpError(
            404, _("No %(what)s of this organisation has the id %(id)d.") % {"what": what, "id": missing[0]}
        )
    return [found[pk] for pk in wanted]


def permitted_organization(request: HttpRequest, org_slug: str, permission: str) -> Organization:
    """The organisation named in the route (404 for non-members), once the caller is known to hold
    ``permission`` in it (403 otherwise)."""
    organization = organization_from(request, org_slug)
    if not request.user.has_perm(permission, organization):
        raise PermissionDenied(_("Your role in this organisation does not allow this."))
    return organization


def _caller(request: HttpRequest) -> Any:
    candidate = getattr(request, "auth", None)
    if getattr(candidate, "is_authenticated", False) is True:
        return candidate
    return request.user
