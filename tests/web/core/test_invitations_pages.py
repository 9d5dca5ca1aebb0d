import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spaceforchange.core import services
from spaceforchange.core.models import Invitation, Membership
from tests.factories import make_unit, make_user
from tests.web.core.conftest import error_texts, soup

pytestmark = pytest.mark.django_db


def _invite(org, **kwargs):
    kwargs.setdefault("roles", ["member"])
    return services.create_invitation(organization=org.organization, created_by=org.people["admin"].user, **kwargs)


def test_admin_creates_an_invitation_and_sees_the_link_once(org, client_as, django_capture_on_commit_callbacks):
    unit = make_unit(org.organization, "Library")
    client = client_as("admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            org.url("core:invitations"), {"email": "new@example.org", "roles": ["owner", "leader"], "unit": unit.pk}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(organization=org.organization)
    assert (invitation.email, invitation.roles, invitation.unit_id) == ("new@example.org", ["leader", "owner"], unit.pk)
    page = soup(client.get(response["Location"]))
    link = page.select_one("#invitation-link")["value"]
    assert link.startswith("http://testserver/invitations/")
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert services.usable_invitation(token).pk == invitation.pk
    assert len(mail.outbox) == 1 and token in mail.outbox[0].body
    # Shown once: the next visit does not show it again, and the page never holds the hash.
    again = client.get(org.url("core:invitations"))
    assert soup(again).select_one("#invitation-link") is None
    assert invitation.token_hash not in again.content.decode()


def test_an_invitation_without_email_sends_no_mail(org, client_as, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("admin").post(org.url("core:invitations"), {"roles": ["member"]})
    assert response.status_code == 302
    assert mail.outbox == []
    assert Invitation.objects.get().email == ""


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"roles": ["emperor"]},
        {"roles": ["member"], "email": "not-an-email"},
        {"roles": ["member"], "email": "a@" + "b" * 300 + ".org"},
        {"roles": ["member"], "email": "a@example.org\nBcc: victim@example.org"},
        {"roles": ["member", "member", "x" * 5000]},
        {"roles": ["member"], "unit": "abc"},
        {"roles": ["member"], "unit": "123456789"},
    ],
)
def test_bad_invitations_re_render_and_create_nothing(org, client_as, data):
    response = client_as("admin").post(org.url("core:invitations"), data)
    assert response.status_code == 400
    assert error_texts(response)
    assert not Invitation.objects.exists()


def test_another_organisations_unit_cannot_be_given(org, other_org, client_as):
    foreign = make_unit(other_org.organization)
    response = client_as("admin").post(org.url("core:invitations"), {"roles": ["member"], "unit": foreign.pk})
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_the_list_shows_each_status_and_filters(org, client_as):
    pending, _ = _invite(org, email="pending@example.org")
    expired, _ = _invite(org, email="expired@example.org")
    expired.expires_at = timezone.now() - datetime.timedelta(days=1)
    expired.save()
    revoked, _ = _invite(org, email="revoked@example.org")
    services.revoke_invitation(invitation=revoked)
    accepted, token = _invite(org)
    services.accept_invitation(token=token, user=make_user())
    client = client_as("admin")
    page = soup(client.get(org.url("core:invitations")))
    statuses = {row["data-invitation-id"]: row["data-status"] for row in page.select("tr[data-invitation-id]")}
    assert statuses == {
        str(pending.pk): "pending",
        str(expired.pk): "expired",
        str(revoked.pk): "revoked",
        str(accepted.pk): "accepted",
    }
    revoke_forms = page.select('form[action$="/revoke/"]')
    assert [form["action"] for form in revoke_forms] == [org.url("core:invitation_revoke", invitation_id=pending.pk)]
    only_expired = soup(client.get(org.url("core:invitations"), {"status": "expired"}))
    assert [row["data-invitation-id"] for row in only_expired.select("tr[data-invitation-id]")] == [str(expired.pk)]
    assert client.get(org.url("core:invitations"), {"status": "bogus"}).status_code == 400


def test_oversight_reads_invitations_but_cannot_invite(org, client_as):
    _invite(org)
    client = client_as("oversight")
    response = client.get(org.url("core:invitations"))
    assert response.status_code == 200
    page = soup(response)
    assert len(page.select("tr[data-invitation-id]")) == 1
    assert page.select('main form[method="post"]') == []
    assert client.post(org.url("core:invitations"), {"roles": ["admin"]}).status_code == 403
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize("role", ["member", "owner", "innovation_lead", "leader"])
def test_other_roles_cannot_see_invitations(org, client_as, role):
    invitation, _ = _invite(org)
    client = client_as(role)
    assert client.get(org.url("core:invitations")).status_code == 403
    assert client.post(org.url("core:invitations"), {"roles": ["admin"]}).status_code == 403
    assert client.post(org.url("core:invitation_revoke", invitation_id=invitation.pk)).status_code == 403
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_revoke(org, other_org, client_as):
    invitation, token = _invite(org)
    foreign, _ = services.create_invitation(organization=other_org.organization, created_by=None, roles=["member"])
    client = client_as("admin")
    assert client.post(org.url("core:invitation_revoke", invitation_id=foreign.pk)).status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None
    assert client.get(org.url("core:invitation_revoke", invitation_id=invitation.pk)).status_code == 405
    assert client.post(org.url("core:invitation_revoke", invitation_id=invitation.pk)).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert Client().get(reverse("invitations:accept", kwargs={"token": token})).status_code == 410


# --- Accepting ---------------------------------------------------------------------------


def _accept_url(token):
    return reverse("invitations:accept", kwargs={"token": token})


def test_anonymous_visitor_sees_the_organisation_and_is_offered_login_or_sign_up(org, settings):
    settings.ACCOUNT_ALLOW_SIGNUPS = False
    unit = make_unit(org.organization, "Library")
    _invitation, token = _invite(org, roles=["owner", "leader"], unit=unit)
    client = Client()
    response = client.get(_accept_url(token))
    assert response.status_code == 200
    page = soup(response)
    assert "Northbay" in page.h1.get_text()
    assert sorted(tag.get_text(strip=True) for tag in page.select(".usa-tag")) == ["Initiative owner", "Leader"]
    hrefs = [a["href"] for a in page.select("main a.usa-button")]
    assert any(href.startswith(reverse("account_login") + "?next=/invitations/") for href in hrefs)
    assert any(href.startswith(reverse("account_signup") + "?next=/invitations/") for href in hrefs)
    assert client.session["sfc_invitation_token"] == token
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    # The accounts adapter opens sign-up for this visitor only.
    assert client.get(reverse("account_signup")).status_code == 200
    assert soup(Client().get(reverse("account_signup"))).select_one('form input[name="password1"]') is None


def test_anonymous_post_accepts_nothing(org):
    _invitation, token = _invite(org)
    response = Client().post(_accept_url(token))
    assert response.status_code == 200
    assert Invitation.objects.get().accepted_at is None


def test_signed_in_person_accepts_and_becomes_a_member(org):
    _invitation, token = _invite(org, roles=["innovation_lead"])
    person = make_user("newcomer@example.org")
    client = Client()
    client.force_login(person)
    page = soup(client.get(_accept_url(token)))
    assert page.select_one(f'main form[action="{_accept_url(token)}"] button[type="submit"]') is not None
    response = client.post(_accept_url(token))
    assert response.status_code == 302
    assert response["Location"] == org.url("core:dashboard")
    assert Membership.objects.get(user=person, organization=org.organization).role_set == {"innovation_lead"}
    assert client.get(org.url("core:dashboard")).status_code == 200
    used = client.get(_accept_url(token))
    assert used.status_code == 410
    assert "already been used" in soup(used).select_one("#invitation-message").get_text()


@pytest.mark.parametrize(
    ("token", "status", "message"),
    [
        ("not-a-real-token", 404, "not valid"),
        ("x" * 2000, 404, "not valid"),
        ("%00%27%22<script>", 404, "not valid"),
    ],
)
def test_unknown_tokens_are_404_with_a_clear_message(org, token, status, message):
    client = Client()
    client.force_login(make_user())
    response = client.get(f"/invitations/{token}/")
    assert response.status_code == status
    assert message in soup(response).select_one("#invitation-message").get_text()
    assert client.post(f"/invitations/{token}/").status_code == status
    assert Membership.objects.filter(organization=org.organization).count() == 6


def test_expired_invitation_gives_a_clear_message(org):
    invitation, token = _invite(org)
    invitation.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    invitation.save()
    client = Client()
    client.force_login(make_user())
    response = client.post(_accept_url(token))
    assert response.status_code == 410
    assert "expired" in soup(response).select_one("#invitation-message").get_text()
    assert Invitation.objects.get().accepted_at is None


def test_invitation_for_another_email_is_refused(org):
    _invitation, token = _invite(org, email="kari@example.org")
    client = Client()
    stranger = make_user("ola@example.org")
    client.force_login(stranger)
    response = client.get(_accept_url(token))
    assert response.status_code == 403
    assert soup(response).select_one('main form[method="post"]') is None
    assert client.post(_accept_url(token)).status_code == 403
    assert not Membership.objects.filter(user=stranger).exists()
