"""Every assessments permission against every role, and the creator's own rights."""

from __future__ import annotations

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from spaceforchange.core.models import Role
from tests.factories import make_campaign, make_member, make_organization, make_user

pytestmark = pytest.mark.django_db

ALL_ROLES = tuple(Role.values)

MATRIX: dict[str, set[str]] = {
    "assessments.view_campaigns": set(ALL_ROLES),
    "assessments.add_campaign": {"innovation_lead", "owner", "admin"},
    "assessments.change_campaign": {"innovation_lead", "admin"},
    "assessments.view_results": {"innovation_lead", "leader", "oversight", "admin"},
}

CASES = [(permission, role, role in allowed) for permission, allowed in MATRIX.items() for role in ALL_ROLES]


def test_the_matrix_covers_every_assessments_permission():
    assert {name for name in rules.permissions.permissions if name.startswith("assessments.")} == set(MATRIX)


@pytest.mark.parametrize(("permission", "role", "allowed"), CASES, ids=[f"{p}-{r}" for p, r, _ in CASES])
def test_role_permission_matrix(permission, role, allowed):
    organization = make_organization()
    user = make_member(organization, roles=[role]).user
    assert user.has_perm(permission, organization) is allowed
    assert user.has_perm(permission, make_campaign(organization)) is allowed


def test_the_creator_may_change_the_campaign_and_read_its_results():
    organization = make_organization()
    creator = make_member(organization, roles=["owner"]).user
    campaign = make_campaign(organization, created_by=creator)
    other_owner = make_member(organization, roles=["owner"]).user
    assert creator.has_perm("assessments.change_campaign", campaign)
    assert creator.has_perm("assessments.view_results", campaign)
    assert not creator.has_perm("assessments.change_campaign", make_campaign(organization))
    assert not other_owner.has_perm("assessments.view_results", campaign)


@pytest.mark.parametrize("permission", sorted(MATRIX))
def test_outsiders_hold_no_permission(permission):
    organization = make_organization()
    campaign = make_campaign(organization)
    admin_elsewhere = make_member(make_organization(), roles=list(ALL_ROLES)).user
    for user in (admin_elsewhere, make_user(), AnonymousUser()):
        assert user.has_perm(permission, campaign) is False
        assert user.has_perm(permission, organization) is False
