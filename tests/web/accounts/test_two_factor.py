"""TOTP two-factor authentication with allauth.mfa: enable, sign in with a code, disable."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.urls import reverse

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def _enable_totp(client, user) -> str:  # type: ignore[no-untyped-def]
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(reverse("account_reauthenticate"))
    # allauth asks for the password again before a security setting changes.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})
    assert response.status_code == 302
    return secret


def test_two_factor_page_offers_totp(client):
    user = make_user()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    page = BeautifulSoup(client.get(reverse("mfa_index")).content, "html.parser")
    assert any(link.get("href") == reverse("mfa_activate_totp") for link in page.find_all("a"))


def test_enable_totp_then_sign_in_asks_for_the_code(client):
    user = make_user(email="kari@example.org")
    secret = _enable_totp(client, user)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    client.post(reverse("account_logout"))
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000" if _code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session

    cache.clear()  # allauth refuses a code it has seen once; the activation used the current one
    right = client.post(reverse("mfa_authenticate"), {"code": _code(secret)})
    assert right.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_profile_shows_two_factor_status(client):
    user = make_user()
    _enable_totp(client, user)
    page = BeautifulSoup(client.get(reverse("profile")).content, "html.parser")
    assert page.find(attrs={"data-testid": "two-factor-status"}).get_text(strip=True) == "on"


def test_disable_totp(client):
    user = make_user()
    _enable_totp(client, user)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    client.post(reverse("account_logout"))
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("home")
    assert int(client.session["_auth_user_id"]) == user.pk
