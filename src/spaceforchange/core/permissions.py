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

rules.add_perm("core.view_organization", is_member)
rules.add_perm("core.view_units", is_member)
rules.add_perm("core.manage_units", is_admin)
rules.add_perm("core.view_members", is_member)
rules.add_perm("core.manage_members", is_admin)
rules.add_perm("core.invite_members", is_admin)
rules.add_perm("core.view_audit", is_oversight | is_admin)
rules.add_perm("core.export_audit", is_oversight | is_admin)
