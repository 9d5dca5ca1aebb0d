"""The API's global auth: personal tokens and the browser session."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from spaceforchange.api import services as token_services
from spaceforchange.api.models import ApiToken
from tests.factories import make_organization, make_user
from tests.web.api.helpers import assert_problem, bearer, issue_token

pytestmark = pytest.mark.django_db


def test_valid_token_authenticates_as_its_owner(client, member):
    token = issue_token(member.user)
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 200
    assert response.json()["email"] == member.user.email
    assert response.json()["id"] == member.user.pk


def test_no_credentials_is_401_problem_with_challenge(client):
    response = client.get("/api/v1/me")
    body = assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Bearer" in body["detail"]


def test_unknown_token_is_refused(client, member):
    issue_token(member.user)
    body = assert_problem(client.get("/api/v1/me", headers=bearer("sfc_" + "x" * 43)), 401)
    assert body["detail"] == "The API token is not valid."


def test_token_of_another_shape_is_refused(client, member):
    body = assert_problem(client.get("/api/v1/me", headers=bearer("not-a-token")), 401)
    assert body["detail"] == "The API token is not valid."


@pytest.mark.parametrize("header", ["Token sfc_abc", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz"])
def test_malformed_authorization_header_is_refused(client, member, header):
    body = assert_problem(client.get("/api/v1/me", headers={"Authorization": header}), 401)
    assert "Bearer" in body["detail"]


def test_revoked_token_is_refused(client, member):
    issued = token_services.create_api_token(user=member.user, name="old")
    token_services.revoke_api_token(user=member.user, token_id=issued.token.pk)
    body = assert_problem(client.get("/api/v1/me", headers=bearer(issued.plaintext)), 401)
    assert body["detail"] == "The API token has been revoked."


def test_expired_token_is_refused(client, member):
    issued = token_services.create_api_token(
        user=member.user, name="short", expires_at=timezone.now() + timedelta(days=1)
    )
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    body = assert_problem(client.get("/api/v1/me", headers=bearer(issued.plaintext)), 401)
    assert body["detail"] == "The API token has expired."


def test_token_of_deactivated_person_is_refused(client, member):
    token = issue_token(member.user)
    member.user.is_active = False
    member.user.save(update_fields=["is_active"])
    assert_problem(client.get("/api/v1/me", headers=bearer(token)), 401)


def test_bad_token_is_refused_even_with_a_valid_session(client, member):
    """A script must never silently run as whoever is signed in to the browser."""
    client.force_login(member.user)
    assert client.get("/api/v1/me").status_code == 200
    assert_problem(client.get("/api/v1/me", headers=bearer("sfc_" + "y" * 43)), 401)


def test_token_of_someone_else_wins_over_the_session(client, member):
    other = make_user(email="other@example.org")
    client.force_login(member.user)
    response = client.get("/api/v1/me", headers=bearer(issue_token(other)))
    assert response.json()["email"] == "other@example.org"


def test_last_used_at_is_written_at_most_once_a_minute(client, member):
    issued = token_services.create_api_token(user=member.user, name="script")
    assert issued.token.last_used_at is None

    client.get("/api/v1/me", headers=bearer(issued.plaintext))
    first = ApiToken.objects.get(pk=issued.token.pk).last_used_at
    assert first is not None

    client.get("/api/v1/me", headers=bearer(issued.plaintext))
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at == first

    two_minutes_ago = timezone.now() - timedelta(minutes=2)
    ApiToken.objects.filter(pk=issued.token.pk).update(last_used_at=two_minutes_ago)
    client.get("/api/v1/me", headers=bearer(issued.plaintext))
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at > two_minutes_ago


def test_session_reads_need_no_csrf_token(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member.user)
    assert client.get("/api/v1/organizations").status_code == 200


def test_session_writes_need_the_csrf_token(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member.user)
    body = assert_problem(client.patch("/api/v1/me", {"display_name": "Kari"}, content_type="application/json"), 403)
    assert "CSRF" in body["detail"]
    member.user.refresh_from_db()
    assert member.user.display_name == ""

    client.get("/profile/")  # sets the CSRF cookie, as any page does
    csrf = client.cookies["csrftoken"].value
    response = client.patch(
        "/api/v1/me", {"display_name": "Kari"}, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert response.status_code == 200
    assert response.json()["display_name"] == "Kari"


def test_token_writes_need_no_csrf_token(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.patch(
        "/api/v1/me", {"display_name": "Ola"}, content_type="application/json", headers=bearer(issue_token(member.user))
    )
    assert response.status_code == 200
    member.user.refresh_from_db()
    assert member.user.display_name == "Ola"


def test_token_request_acts_as_the_owner_in_permission_checks(rf, member):
    """Other apps check ``request.user.has_perm``; under token auth that must be the token's owner."""
    from django.contrib.auth.models import AnonymousUser

    from spaceforchange.api.auth import token_auth

    request = rf.get("/api/v1/me", headers=bearer(issue_token(member.user)))
    request.user = AnonymousUser()
    assert token_auth(request) == member.user
    assert request.user == member.user
    assert request.user.has_perm("core.manage_members", member.organization)
    assert not request.user.has_perm("core.manage_members", make_organization())


def test_token_request_names_its_owner_in_the_audit_log(rf, member):
    from auditlog.context import set_extra_data
    from auditlog.models import LogEntry
    from django.contrib.auth.models import AnonymousUser

    from spaceforchange.api.auth import token_auth
    from spaceforchange.core.services import create_unit

    request = rf.get("/api/v1/me", headers=bearer(issue_token(member.user)))
    request.user = AnonymousUser()
    # What AuditlogMiddleware does for an API request: no actor yet, the token is read later.
    with set_extra_data(context_data={"actor": None, "remote_addr": "127.0.0.1"}):
        token_auth(request)
        unit = create_unit(organization=member.organization, name="Lab")
    entry = LogEntry.objects.get_for_object(unit).get()
    assert entry.actor == member.user
