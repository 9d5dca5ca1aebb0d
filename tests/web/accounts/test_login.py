"""Signing in with an email address, signing out, who may sign up, rate limits, password hashing."""

from __future__ import annotations

import time

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _page(response):  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.content, "html.parser")


def _login(client, email, password=PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_login_page_asks_for_email_not_username(client):
    page = _page(client.get(reverse("account_login")))
    login = page.find("input", attrs={"name": "login"})
    assert login["type"] == "email"
    assert page.find("label", attrs={"for": login["id"]}).get_text(strip=True).startswith("Email")
    assert page.find("input", attrs={"name": "password"})["type"] == "password"
    assert page.find("input", attrs={"name": "username"}) is None


def test_login_with_email_and_password(client):
    user = make_user(email="kari@example.org")
    response = _login(client, "Kari@Example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert int(client.session["_auth_user_id"]) == user.pk


def test_wrong_password_is_refused_with_a_message(client):
    make_user(email="kari@example.org")
    response = _login(client, "kari@example.org", "wrong-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    errors = _page(response).select(".usa-alert, .usa-error-message, .errorlist")
    assert any("not correct" in error.get_text() for error in errors)


def test_logout(client):
    make_user(email="kari@example.org")
    _login(client, "kari@example.org")
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in client.session


def test_repeated_failed_logins_lock_out_even_the_right_password(client):
    make_user(email="kari@example.org")
    for _attempt in range(5):
        assert _login(client, "kari@example.org", "guess").status_code == 200

    response = _login(client, "kari@example.org")

    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in _page(response).get_text()


def test_lockout_ends_when_the_window_has_passed(client, monkeypatch):
    make_user(email="kari@example.org")
    for _attempt in range(5):
        _login(client, "kari@example.org", "guess")
    assert "_auth_user_id" not in _login(client, "kari@example.org").wsgi_request.session

    later = time.time() + 5 * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert _login(client, "kari@example.org").status_code == 302
    assert "_auth_user_id" in client.session


def test_lockout_of_one_account_does_not_lock_out_another(client):
    make_user(email="kari@example.org")
    make_user(email="ola@example.org")
    for _attempt in range(5):
        _login(client, "kari@example.org", "guess")
    assert _login(client, "ola@example.org").status_code == 302


def test_production_hasher_stores_argon2_hashes(settings):
    from spaceforchange import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    user = make_user(email="kari@example.org", password="a-long-enough-passphrase")
    assert user.password.startswith("argon2")
    assert user.check_password("a-long-enough-passphrase")


def test_signup_is_closed_by_default(client):
    page = _page(client.get(reverse("account_signup")))
    assert page.find("input", attrs={"name": "password1"}) is None
    assert "Closed" in page.find("h1").get_text()
    client.post(
        reverse("account_signup"), {"email": "new@example.org", "password1": "x7!Kq9#pLm", "password2": "x7!Kq9#pLm"}
    )
    assert not get_user_model().objects.filter(email="new@example.org").exists()


def test_signup_opens_with_the_setting(client, settings):
    settings.ACCOUNT_ALLOW_SIGNUPS = True
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": "x7!Kq9#pLm-long", "password2": "x7!Kq9#pLm-long"},
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(email="new@example.org").exists()


def test_signup_opens_for_someone_holding_an_invitation(client):
    session = client.session
    session["sfc_invitation_token"] = "token-from-the-invitation-page"
    session.save()
    page = _page(client.get(reverse("account_signup")))
    assert page.find("input", attrs={"name": "password1"}) is not None
    response = client.post(
        reverse("account_signup"),
        {"email": "invited@example.org", "password1": "x7!Kq9#pLm-long", "password2": "x7!Kq9#pLm-long"},
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(email="invited@example.org").exists()


def test_admin_login_goes_through_allauth(client):
    response = client.get("/django-admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
