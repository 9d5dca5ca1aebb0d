"""Role predicates and the permissions of the core app.

Every app defines its permissions in its own ``permissions.py`` with these predicates. A
permission is checked against an organisation or any object with an ``organization``
attribute; the predicate looks up the person's roles in that organisation.
"""

from __future__ import annotations

from typing import Any

import rules

from spaceforchange.core.models import MembershipRole, Role


def roles_in(user: Any, obj: Any) -> frozenset[str]:
    """The roles ``user`` holds in the organisation that owns ``obj`` (cached per user)."""
    if obj is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    organization = getattr(obj, "organization", None)
    if organization is None:
        return frozenset()
    cache: dict[int, frozenset[str]] = user.__dict__.setdefault("_sfc_roles", {})
    if organization.pk not in cache:
        cache[organization.pk] = frozenset(
            MembershipRole.objects.filter(
                membership__user=user, membership__organization=organization, membership__is_active=True
            ).values_list("role", flat=True)
        )
    return cache[organization.pk]


def has_role(*wanted: str) -> rules.Predicate:
    wanted_set = frozenset(wanted)

    @rules.predicate(name=f"has_role({', '.join(sorted(wanted_set))})")
    def predicate(user: Any, obj: Any = None) -> bool:
        return bool(roles_in(user, obj) & wanted_set)

    return predicate


is_member = has_role(*Role.values)
is_admin = has_role(Role.ADMIN)
is_oversight = has_role(Role.OVERSIGHT)
is_leader = has_role(Role.LEADER)
is_innovation_lead = has_role(Role.INNOVATION_LEAD)
is_owner = has_role(Role.OWNER)


def remember_roles(user: Any, membership: Any) -> None:
    """Seed the per-user role cache from a membership whose roles are already loaded.

    The tenancy middleware fetches the membership with its roles, so views call this to spare
    ``roles_in`` a second query for the same answer.
    """
    if membership is None or not getattr(user, "is_authenticated", False):
        return
    # request.user is a lazy proxy; the cache must live on the person object roles_in receives.
    user = getattr(user, "_wrapped", user)
    cache: dict[int, frozenset[str]] = user.__dict__.setdefault("_sfc_roles", {})
    cache.setdefault(membership.organization_id, membership.role_set if membership.is_active else frozenset())


rules.add_perm("core.view_organization", is_member)
rules.add_perm("core.view_units", is_member)
rules.add_perm("core.manage_units", is_admin)
rules.add_perm("core.view_members", is_member)
rules.add_perm("core.manage_members", is_admin)
rules.add_perm("core.invite_members", is_admin)
rules.add_perm("core.view_invitations", is_oversight | is_admin)
rules.add_perm("core.view_audit", is_oversight | is_admin)
rules.add_perm("core.export_audit", is_oversight | is_admin)
