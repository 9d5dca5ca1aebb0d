import datetime
import hashlib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from spaceforchange.core import selectors, services
from spaceforchange.core.models import Invitation, InvitationStatus, Membership
from tests.factories import make_member, make_organization, make_unit, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_membership():
    return make_member(make_organization(name="Northbay"), roles=["admin"])


def _invite(admin_membership, **kwargs):
    kwargs.setdefault("roles", ["member"])
    return services.create_invitation(
        organization=admin_membership.organization, created_by=admin_membership.user, **kwargs
    )


def test_only_the_hash_of_the_token_is_stored(admin_membership, settings):
    invitation, token = _invite(admin_membership, roles=["owner", "leader"])
    assert len(token) >= 40
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert invitation.roles == ["leader", "owner"]
    expected = timezone.now() + datetime.timedelta(days=settings.SFC_INVITATION_DAYS)
    assert abs((invitation.expires_at - expected).total_seconds()) < 60
    assert invitation.status() == InvitationStatus.PENDING


def test_tokens_differ_between_invitations(admin_membership):
    tokens = {_invite(admin_membership)[1] for _ in range(5)}
    assert len(tokens) == 5


def test_invitation_with_email_is_mailed_after_commit(admin_membership, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://sfc.example"
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, token = _invite(admin_membership, email="New.Person@Example.org", roles=["owner"])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.org"]
    assert "Northbay" in message.subject
    assert f"https://sfc.example/invitations/{token}/" in message.body
    assert "Initiative owner" in message.body


def test_invitation_without_email_sends_nothing(admin_membership, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(admin_membership)
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"roles": ["emperor"]}, "roles"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@" + "b" * 260 + ".org"}, "email"),
    ],
)
def test_bad_invitations_are_refused(admin_membership, kwargs, field):
    with pytest.raises(ValidationError) as error:
        _invite(admin_membership, **kwargs)
    assert field in error.value.message_dict
    assert Invitation.objects.count() == 0


def test_invitation_to_another_organisations_unit_is_refused(admin_membership):
    with pytest.raises(ValidationError):
        _invite(admin_membership, unit=make_unit(make_organization()))
    assert Invitation.objects.count() == 0


def test_accepting_makes_the_person_a_member_with_the_roles_and_unit(admin_membership):
    unit = make_unit(admin_membership.organization, "Home care")
    invitation, token = _invite(admin_membership, roles=["owner", "innovation_lead"], unit=unit)
    person = make_user()
    membership = services.accept_invitation(token=token, user=person)
    assert (membership.organization_id, membership.unit_id) == (admin_membership.organization_id, unit.pk)
    assert Membership.objects.get(pk=membership.pk).role_set == {"owner", "innovation_lead"}
    invitation.refresh_from_db()
    assert invitation.accepted_by == person
    assert invitation.status() == InvitationStatus.ACCEPTED


def test_accepting_as_an_existing_member_adds_roles_and_reactivates(admin_membership):
    organization = admin_membership.organization
    existing = make_member(organization, roles=["member"])
    services.deactivate_member(membership=existing)
    _invitation, token = _invite(admin_membership, roles=["leader"])
    services.accept_invitation(token=token, user=existing.user)
    existing = Membership.objects.get(pk=existing.pk)
    assert existing.is_active
    assert existing.role_set == {"member", "leader"}


def test_an_invitation_works_once(admin_membership):
    _invitation, token = _invite(admin_membership)
    services.accept_invitation(token=token, user=make_user())
    second = make_user()
    with pytest.raises(ValidationError) as error:
        services.accept_invitation(token=token, user=second)
    assert error.value.code == InvitationStatus.ACCEPTED
    assert not Membership.objects.filter(user=second).exists()


def test_expired_and_revoked_invitations_are_refused(admin_membership):
    expired, expired_token = _invite(admin_membership)
    expired.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    expired.save()
    revoked, revoked_token = _invite(admin_membership)
    services.revoke_invitation(invitation=revoked)
    person = make_user()
    for token, code in (
        (expired_token, "expired"),
        (revoked_token, "revoked"),
        ("made-up", "invalid"),
        ("", "invalid"),
    ):
        with pytest.raises(ValidationError) as error:
            services.accept_invitation(token=token, user=person)
        assert error.value.code == code
    assert not Membership.objects.filter(user=person).exists()


def test_an_invitation_for_an_email_is_only_for_that_person(admin_membership):
    _invitation, token = _invite(admin_membership, email="kari@example.org")
    stranger = make_user("ola@example.org")
    with pytest.raises(ValidationError) as error:
        services.accept_invitation(token=token, user=stranger)
    assert error.value.code == "wrong_email"
    assert not Membership.objects.filter(user=stranger).exists()
    kari = make_user("Kari@Example.org")
    assert services.accept_invitation(token=token, user=kari).user == kari


def test_an_accepted_invitation_cannot_be_revoked(admin_membership):
    invitation, token = _invite(admin_membership)
    services.accept_invitation(token=token, user=make_user())
    with pytest.raises(ValidationError):
        services.revoke_invitation(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_invitation_list_filters_by_status(admin_membership):
    pending, _ = _invite(admin_membership)
    accepted, token = _invite(admin_membership)
    services.accept_invitation(token=token, user=make_user())
    revoked, _ = _invite(admin_membership)
    services.revoke_invitation(invitation=revoked)
    expired, _ = _invite(admin_membership)
    expired.expires_at = timezone.now() - datetime.timedelta(days=1)
    expired.save()
    organization = admin_membership.organization
    _invite(make_member(make_organization(), roles=["admin"]))  # another organisation's
    assert selectors.invitation_list(organization).count() == 4
    for status, invitation in (
        ("pending", pending),
        ("accepted", accepted),
        ("revoked", revoked),
        ("expired", expired),
    ):
        assert list(selectors.invitation_list(organization, status=status)) == [invitation]
        invitation.refresh_from_db()
        assert invitation.status() == status
