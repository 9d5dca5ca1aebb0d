"""The dashboard figures, computed in plain SQL, agree with the rows they count."""

import datetime

import pytest
from django.utils import timezone

from spaceforchange.core import selectors, services
from tests.factories import make_member, make_organization, make_unit, make_user

pytestmark = pytest.mark.django_db


def test_summary_counts_only_this_organizations_active_rows():
    organization, other = make_organization(), make_organization()
    make_unit(organization), make_unit(organization), make_unit(other)
    admin = make_member(organization, roles=["admin", "member"])
    make_member(organization, roles=["owner", "innovation_lead"])
    leaving = make_member(organization, roles=["leader"])
    services.deactivate_member(membership=leaving)
    make_member(other, roles=["leader", "admin"])

    pending, _ = services.create_invitation(organization=organization, created_by=admin.user, roles=["member"])
    expired, _ = services.create_invitation(organization=organization, created_by=admin.user, roles=["member"])
    expired.expires_at = timezone.now() - datetime.timedelta(days=1)  # time passing, not a write path
    expired.save(update_fields=["expires_at"])
    revoked, _ = services.create_invitation(organization=organization, created_by=admin.user, roles=["member"])
    services.revoke_invitation(invitation=revoked)
    _, token = services.create_invitation(organization=organization, created_by=admin.user, roles=["member"])
    services.accept_invitation(token=token, user=make_user())
    services.create_invitation(organization=other, created_by=None, roles=["member"])

    summary = selectors.organization_summary(organization, include_invitations=True)

    assert summary.unit_count == 2
    assert summary.member_count == 3  # admin, owner, the invitee; not the one who left
    assert dict((role, count) for role, _, count in summary.role_counts) == {
        "member": 2,
        "owner": 1,
        "innovation_lead": 1,
        "leader": 0,
        "oversight": 0,
        "admin": 1,
    }
    assert summary.pending_invitations == 1
    assert pending.pk


def test_summary_hides_invitations_from_those_who_may_not_see_them():
    organization = make_organization()
    services.create_invitation(organization=organization, created_by=None, roles=["member"])
    assert selectors.organization_summary(organization, include_invitations=False).pending_invitations is None
