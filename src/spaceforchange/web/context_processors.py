from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from spaceforchange.core.models import Membership


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The organisations the person can switch between, and the current one."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"current_organization": None, "my_organizations": []}
    memberships = Membership.objects.filter(user=user, is_active=True).select_related("organization")
    return {
        "current_organization": getattr(request, "organization", None),
        "current_membership": getattr(request, "membership", None),
        "my_organizations": [membership.organization for membership in memberships],
    }
