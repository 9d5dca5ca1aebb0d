"""Core's API: the caller (/me), their tokens and their organisations."""

from __future__ import annotations

import pytest

from spaceforchange.api import domain
from spaceforchange.api import services as token_services
from spaceforchange.api.models import ApiToken
from spaceforchange.core.services import add_member
from tests.factories import make_member, make_organization, make_unit, make_user
from tests.web.api.helpers import assert_problem, bearer, issue_token

pytestmark = pytest.mark.django_db


def test_me_describes_the_caller(client):
    user = make_user(email="kari@example.org", display_name="Kari N.", first_name="Kari", last_name="Nordmann")
    response = client.get("/api/v1/me", headers=bearer(issue_token(user)))
    assert response.json() == {
        "id": user.pk,
        "email": "kari@example.org",
        "display_name": "Kari N.",
        "first_name": "Kari",
        "last_name": "Nordmann",
        "name": "Kari N.",
        "two_factor_enabled": False,
    }


def test_patch_me_changes_only_the_given_fields(client):
    user = make_user(first_name="Kari", last_name="Nordmann")
    response = client.patch(
        "/api/v1/me", {"display_name": "  KN  "}, content_type="application/json", headers=bearer(issue_token(user))
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.display_name, user.first_name, user.last_name) == ("KN", "Kari", "Nordmann")


def test_organizations_lists_active_memberships_with_roles(client):
    user = make_user()
    north = make_organization(name="Northtown", slug="northtown")
    south = make_organization(name="Southtown", slug="southtown")
    west = make_organization(name="Westtown", slug="westtown")
    unit = make_unit(north, name="Innovation lab")
    add_member(organization=north, user=user, roles=["admin", "member"], unit=unit, title="Adviser")
    add_member(organization=south, user=user, roles=["oversight"])
    gone = add_member(organization=west, user=user, roles=["leader"])
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    make_member(make_organization(name="Elsewhere", slug="elsewhere"))

    response = client.get("/api/v1/organizations", headers=bearer(issue_token(user)))

    assert response.status_code == 200
    assert response.json() == [
        {
            "slug": "northtown",
            "name": "Northtown",
            "roles": [{"code": "member", "label": "Member"}, {"code": "admin", "label": "Administrator"}],
            "unit": "Innovation lab",
            "title": "Adviser",
        },
        {
            "slug": "southtown",
            "name": "Southtown",
            "roles": [{"code": "oversight", "label": "Oversight"}],
            "unit": None,
            "title": "",
        },
    ]


def test_one_organisation_by_slug(client, member):
    response = client.get(f"/api/v1/organizations/{member.organization.slug}", headers=bearer(issue_token(member.user)))
    assert response.status_code == 200
    assert response.json()["slug"] == "northtown"
    assert [role["code"] for role in response.json()["roles"]] == ["innovation_lead", "admin"]


def test_token_list_never_contains_secrets(client, member):
    plaintext = issue_token(member.user, name="first")
    response = client.get("/api/v1/me/tokens", headers=bearer(plaintext))
    assert response.status_code == 200
    [token] = response.json()
    assert token["name"] == "first"
    assert token["prefix"] == plaintext[: domain.PREFIX_LENGTH]
    assert token["is_active"] is True
    assert plaintext not in response.content.decode()
    assert domain.hash_token(plaintext) not in response.content.decode()


def test_revoke_own_token(client, member):
    keep = issue_token(member.user, name="keep")
    doomed = token_services.create_api_token(user=member.user, name="doomed")
    response = client.delete(f"/api/v1/me/tokens/{doomed.token.pk}", headers=bearer(keep))
    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None
    assert_problem(client.get("/api/v1/me", headers=bearer(doomed.plaintext)), 401)


def test_revoking_someone_elses_token_is_404_problem(client, member):
    other = token_services.create_api_token(user=make_user(), name="theirs")
    response = client.delete(f"/api/v1/me/tokens/{other.token.pk}", headers=bearer(issue_token(member.user)))
    assert_problem(response, 404)
    assert ApiToken.objects.get(pk=other.token.pk).revoked_at is None


def test_wrong_type_in_path_is_422_problem(client, member):
    response = client.delete("/api/v1/me/tokens/abc", headers=bearer(issue_token(member.user)))
    body = assert_problem(response, 422)
    assert body["errors"][0]["loc"] == ["path", "token_id"]


def test_session_can_create_a_token_that_works(member):
    from django.test import Client

    client = Client()
    client.force_login(member.user)
    response = client.post("/api/v1/me/tokens", {"name": "CI"}, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "CI"
    assert body["token"].startswith("sfc_")
    assert body["prefix"] == body["token"][: domain.PREFIX_LENGTH]
    stored = ApiToken.objects.get(pk=body["id"])
    assert stored.token_hash == domain.hash_token(body["token"])

    anonymous = Client()
    assert anonymous.get("/api/v1/me", headers=bearer(body["token"])).json()["id"] == member.user.pk
