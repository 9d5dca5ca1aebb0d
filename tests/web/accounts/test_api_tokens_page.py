"""Personal API tokens page: create (shown once), list, revoke, limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from spaceforchange.api import domain
from spaceforchange.api import services as token_services
from spaceforchange.api.models import ApiToken
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _page(response):  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.content, "html.parser")


def _rows(page):  # type: ignore[no-untyped-def]
    table = page.select_one("table.sfc-token-table")
    if table is None:
        return []
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])] for row in table.tbody.find_all("tr")
    ]


@pytest.fixture
def person(client):  # type: ignore[no-untyped-def]
    user = make_user(email="kari@example.org")
    client.force_login(user)
    return user


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("api_tokens"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_empty_page_has_a_labelled_form(client, person):
    page = _page(client.get(reverse("api_tokens")))
    assert page.find("h1").get_text(strip=True) == "Personal API tokens"
    for name in ("name", "expires_in"):
        field = page.find(attrs={"name": name})
        assert page.find("label", attrs={"for": field["id"]}).get_text(strip=True)
    assert page.find(attrs={"name": "expires_in"}).find("option", selected=True)["value"] == "90"
    assert _rows(page) == []
    assert "no tokens yet" in page.get_text()


def test_created_token_is_shown_once_and_stored_hashed(client, person):
    response = client.post(reverse("api_tokens"), {"name": "Reporting script", "expires_in": "30"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = _page(response)
    plaintext = page.find("input", id="new-token-value")["value"]
    assert plaintext.startswith("sfc_")
    assert page.find("label", attrs={"for": "new-token-value"}) is not None

    token = ApiToken.objects.get(user=person)
    assert token.name == "Reporting script"
    assert token.token_hash == domain.hash_token(plaintext)
    assert plaintext not in {token.name, token.prefix, token.token_hash}
    assert token.prefix == plaintext[: domain.PREFIX_LENGTH]
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)

    later = client.get(reverse("api_tokens"))
    assert plaintext not in later.content.decode()
    [row] = _rows(_page(later))
    assert row[0] == "Reporting script"
    assert row[1] == token.prefix + "…"
    assert row[5] == "Active"


def test_token_without_expiry(client, person):
    client.post(reverse("api_tokens"), {"name": "Forever", "expires_in": "never"})
    assert ApiToken.objects.get(user=person).expires_at is None


def test_created_token_works_against_the_api(client, person):
    page = _page(client.post(reverse("api_tokens"), {"name": "CLI", "expires_in": "7"}))
    plaintext = page.find("input", id="new-token-value")["value"]
    client.logout()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {plaintext}"})
    assert response.json()["email"] == "kari@example.org"


def test_missing_name_changes_nothing_and_explains(client, person):
    response = client.post(reverse("api_tokens"), {"name": "  ", "expires_in": "30"})
    assert response.status_code == 200
    page = _page(response)
    assert page.find(attrs={"data-testid": "new-token"}) is None
    assert page.select_one("#id_name_error").get_text(strip=True)
    assert not ApiToken.objects.exists()


def test_unknown_expiry_choice_is_refused(client, person):
    response = client.post(reverse("api_tokens"), {"name": "x", "expires_in": "9999"})
    assert _page(response).select_one("#id_expires_in_error") is not None
    assert not ApiToken.objects.exists()


def test_limit_of_active_tokens(client, person):
    for number in range(domain.MAX_ACTIVE_TOKENS):
        token_services.create_api_token(user=person, name=f"token {number}")
    response = client.post(reverse("api_tokens"), {"name": "one too many", "expires_in": "30"})
    page = _page(response)
    assert page.find(attrs={"data-testid": "new-token"}) is None
    assert "Revoke one" in page.select_one("#id_name_error").get_text()
    assert ApiToken.objects.filter(user=person).count() == domain.MAX_ACTIVE_TOKENS


def test_revoke(client, person):
    issued = token_services.create_api_token(user=person, name="old script")
    response = client.post(reverse("revoke_api_token", kwargs={"token_id": issued.token.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("api_tokens")
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is not None

    page = _page(client.get(reverse("api_tokens")))
    [row] = _rows(page)
    assert row[5] == "Revoked"
    assert page.select_one(f'tr[data-token-id="{issued.token.pk}"] form') is None
    assert "has been revoked" in page.get_text()


def test_revoke_needs_post(client, person):
    issued = token_services.create_api_token(user=person, name="script")
    assert client.get(reverse("revoke_api_token", kwargs={"token_id": issued.token.pk})).status_code == 405
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is None


def test_someone_elses_token_cannot_be_revoked_or_seen(client, person):
    theirs = token_services.create_api_token(user=make_user(), name="their secret script")
    response = client.post(reverse("revoke_api_token", kwargs={"token_id": theirs.token.pk}))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=theirs.token.pk).revoked_at is None
    assert "their secret script" not in client.get(reverse("api_tokens")).content.decode()


def test_expired_token_is_listed_as_expired(client, person):
    issued = token_services.create_api_token(user=person, name="short-lived")
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() - timedelta(days=1))
    [row] = _rows(_page(client.get(reverse("api_tokens"))))
    assert row[5] == "Expired"
