"""Every API error is an RFC 9457 problem body, never HTML."""

from __future__ import annotations

import pytest

from tests.factories import make_member, make_organization
from tests.web.api.helpers import assert_problem, bearer, issue_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def auth(member):  # type: ignore[no-untyped-def]
    return bearer(issue_token(member.user))


@pytest.mark.parametrize("method", ["get", "post", "delete"])
@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/organizations/x/y/z", "/api/v1/me/"])
def test_unknown_path_is_404_problem(client, auth, method, path):
    body = assert_problem(getattr(client, method)(path, headers=auth), 404)
    assert body["instance"] == path


def test_unknown_path_is_404_problem_without_credentials(client):
    assert_problem(client.get("/api/v1/does-not-exist"), 404)


def test_api_root_is_404_problem(client):
    assert_problem(client.get("/api/v1/"), 404)


def test_wrong_method_is_405_problem_with_allow_header(client, auth):
    response = client.put("/api/v1/me", {}, content_type="application/json", headers=auth)
    body = assert_problem(response, 405)
    assert "PUT" in body["detail"]
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "PATCH"}


def test_malformed_json_is_400_problem(client, member, auth):
    response = client.patch("/api/v1/me", '{"display_name": "Kari"', content_type="application/json", headers=auth)
    body = assert_problem(response, 400)
    assert "JSON" in body["detail"]
    member.user.refresh_from_db()
    assert member.user.display_name == ""


@pytest.mark.parametrize("body", ['"a string"', "[1, 2]", "5", "null"])
def test_body_that_is_not_a_json_object_is_400_problem_and_changes_nothing(client, member, organization, auth, body):
    from spaceforchange.policies.models import Policy

    created = client.post(
        f"/api/v1/organizations/{organization.slug}/policies", body, content_type="application/json", headers=auth
    )
    changed = client.patch("/api/v1/me", body, content_type="application/json", headers=auth)
    for response in (created, changed):
        assert assert_problem(response, 400)["detail"] == "The request body must be a JSON object."
    assert not Policy.objects.filter(organization=organization).exists()
    member.user.refresh_from_db()
    assert member.user.display_name == ""


def test_wrong_types_are_422_problem_listing_each_value(client, member, auth):
    response = client.patch(
        "/api/v1/me", {"display_name": 5, "first_name": ["a"]}, content_type="application/json", headers=auth
    )
    body = assert_problem(response, 422)
    locations = sorted(tuple(error["loc"][-1:]) for error in body["errors"])
    assert locations == [("display_name",), ("first_name",)]
    assert all(error["msg"] and error["type"] for error in body["errors"])
    member.user.refresh_from_db()
    assert member.user.display_name == ""


def test_unknown_fields_are_422_problem(client, auth):
    response = client.patch("/api/v1/me", {"email": "evil@example.org"}, content_type="application/json", headers=auth)
    body = assert_problem(response, 422)
    assert body["errors"][0]["loc"][-1] == "email"
    assert body["errors"][0]["type"] == "extra_forbidden"


def test_too_long_value_is_422_problem(client, auth):
    response = client.patch("/api/v1/me", {"display_name": "x" * 151}, content_type="application/json", headers=auth)
    body = assert_problem(response, 422)
    assert body["errors"][0]["loc"][-1] == "display_name"


def test_missing_required_field_is_422_problem(member):
    from django.test import Client

    client = Client()
    client.force_login(member.user)
    response = client.post("/api/v1/me/tokens", {"expires_at": None}, content_type="application/json")
    body = assert_problem(response, 422)
    assert body["errors"][0]["loc"][-1] == "name"
    assert body["errors"][0]["type"] == "missing"


def test_oversized_body_is_413_problem(client, member, auth, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    payload = '{"display_name": "' + "x" * 2000 + '"}'
    response = client.patch("/api/v1/me", payload, content_type="application/json", headers=auth)
    body = assert_problem(response, 413)
    assert "large" in body["detail"]
    member.user.refresh_from_db()
    assert member.user.display_name == ""


def test_service_validation_error_is_422_problem(member):
    from datetime import UTC, datetime

    from django.test import Client

    client = Client()
    client.force_login(member.user)
    past = datetime(2000, 1, 1, tzinfo=UTC).isoformat()
    response = client.post("/api/v1/me/tokens", {"name": "x", "expires_at": past}, content_type="application/json")
    body = assert_problem(response, 422)
    assert body["errors"] == [
        {"loc": ["body", "expires_at"], "msg": "The expiry date must be in the future.", "type": "invalid"}
    ]
    assert member.user.api_tokens.count() == 0


def test_naive_datetime_is_422_problem_not_500(member):
    from django.test import Client

    client = Client()
    client.force_login(member.user)
    response = client.post(
        "/api/v1/me/tokens", {"name": "x", "expires_at": "2999-01-01T00:00:00"}, content_type="application/json"
    )
    assert_problem(response, 422)


def test_another_organisations_slug_is_404_problem_like_a_missing_one(client, auth):
    make_member(make_organization(name="Southtown", slug="southtown"))
    other = assert_problem(client.get("/api/v1/organizations/southtown", headers=auth), 404)
    missing = assert_problem(client.get("/api/v1/organizations/no-such-org", headers=auth), 404)
    assert other["detail"] == missing["detail"]
    assert other["title"] == missing["title"]


def test_organisation_route_without_credentials_is_401_not_a_login_redirect(client, organization):
    assert_problem(client.get(f"/api/v1/organizations/{organization.slug}"), 401)


def test_inactive_membership_is_404_problem(client, member):
    token = issue_token(member.user)
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert_problem(client.get(f"/api/v1/organizations/{member.organization.slug}", headers=bearer(token)), 404)


def test_unexpected_error_is_500_problem_not_html(client, auth, monkeypatch, caplog):
    from spaceforchange.core import account_selectors

    def explode(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("database on fire")

    monkeypatch.setattr(account_selectors, "has_two_factor", explode)
    response = client.get("/api/v1/me", headers=auth)
    body = assert_problem(response, 500)
    assert "database on fire" not in body["detail"]
    assert any("Unexpected error" in record.getMessage() for record in caplog.records)


def test_permission_denied_is_403_problem(client, member, monkeypatch):
    """A token may not mint more tokens; the refusal is a 403 problem."""
    response = client.post(
        "/api/v1/me/tokens", {"name": "more"}, content_type="application/json", headers=bearer(issue_token(member.user))
    )
    assert_problem(response, 403)
    assert member.user.api_tokens.count() == 1
