"""Tenancy: every URL under ``/o/<org_slug>/`` belongs to one organisation.

The middleware resolves the organisation and the visitor's membership before the view runs.
A visitor who is not an active member gets 404, never 403, so that the existence of another
organisation's objects is not revealed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from spaceforchange.core.models import Membership, Organization
from spaceforchange.core.permissions import remember_roles


def active_membership(user: Any, organization_slug: str) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Membership.objects.select_related("organization", "unit")
        .prefetch_related("roles")
        .filter(user=user, organization__slug=organization_slug, is_active=True)
        .first()
    )


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
        membership = active_membership(request.user, slug)
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
