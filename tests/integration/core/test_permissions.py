"""Every core permission against every role: who is allowed, and that everyone else is denied."""

import pytest
from django.contrib.auth.models import AnonymousUser

from spaceforchange.core import services
from spaceforchange.core.models import Role
from tests.factories import make_member, make_organization, make_unit, make_user

pytestmark = pytest.mark.django_db

ALL_ROLES = tuple(Role.values)

# permission -> the roles that hold it. Every role not listed must be denied.
MATRIX: dict[str, set[str]] = {
    "core.view_organization": set(ALL_ROLES),
    "core.view_units": set(ALL_ROLES),
    "core.manage_units": {"admin"},
    "core.view_members": set(ALL_ROLES),
    "core.manage_members": {"admin"},
    "core.invite_members": {"admin"},
    "core.view_invitations": {"admin", "oversight"},
    "core.view_audit": {"admin", "oversight"},
    "core.export_audit": {"admin", "oversight"},
}

CASES = [(permission, role, role in allowed) for permission, allowed in MATRIX.items() for role in ALL_ROLES]


def test_the_matrix_covers_every_core_permission():
    import rules

    registered = {name for name in rules.permissions.permissions if name.startswith("core.")}
    assert registered == set(MATRIX)


@pytest.mark.parametrize(("permission", "role", "allowed"), CASES, ids=[f"{p}-{r}" for p, r, _ in CASES])
def test_role_permission_matrix(permission, role, allowed):
    organization = make_organization()
    membership = make_member(organization, roles=[role])
    user = membership.user
    assert user.has_perm(permission, organization) is allowed
    # An object the organisation owns answers the same as the organisation itself.
    assert user.has_perm(permission, make_unit(organization)) is allowed


@pytest.mark.parametrize("permission", sorted(MATRIX))
def test_outsiders_and_former_members_hold_no_permission(permission):
    organization = make_organization()
    make_member(organization, roles=["admin"])
    former = make_member(organization, roles=list(ALL_ROLES))
    services.deactivate_member(membership=former)
    admin_elsewhere = make_member(make_organization(), roles=list(ALL_ROLES)).user
    former_user = type(former.user).objects.get(pk=former.user.pk)  # no cached roles
    for user in (former_user, admin_elsewhere, make_user(), AnonymousUser()):
        assert user.has_perm(permission, organization) is False
    assert former_user.has_perm(permission, None) is False


def test_roles_add_up():
    organization = make_organization()
    user = make_member(organization, roles=["member", "oversight"]).user
    assert user.has_perm("core.view_audit", organization)
    assert not user.has_perm("core.manage_members", organization)
