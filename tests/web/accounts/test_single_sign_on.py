"""OpenID Connect single sign-on configured from SFC_OIDC_* variables; no network needed."""

from __future__ import annotations

import runpy
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

import spaceforchange

pytestmark = pytest.mark.django_db

SERVER_URL = "https://idp.example.org/realms/northtown"
AUTHORIZE_URL = "https://idp.example.org/realms/northtown/protocol/openid-connect/auth"


def _settings_with(monkeypatch, **env: str) -> dict:  # type: ignore[type-arg]
    """Evaluate settings.py afresh with these environment variables, as a new process would."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(spaceforchange.__file__).parent / "settings.py"))


@pytest.fixture
def oidc(monkeypatch, settings):  # type: ignore[no-untyped-def]
    evaluated = _settings_with(
        monkeypatch,
        SFC_OIDC_CLIENT_ID="space-for-change",
        SFC_OIDC_CLIENT_SECRET="not-a-real-secret",
        SFC_OIDC_SERVER_URL=SERVER_URL,
        SFC_OIDC_PROVIDER_ID="keycloak",
        SFC_OIDC_NAME="Northtown login",
    )
    settings.SOCIALACCOUNT_PROVIDERS = evaluated["SOCIALACCOUNT_PROVIDERS"]
    return evaluated


class _FakeResponse:
    def __init__(self, data: dict) -> None:  # type: ignore[type-arg]
        self._data = data

    def raise_for_status(self) -> None:
        return None

    def json(self) -> dict:  # type: ignore[type-arg]
        return self._data


class _FakeSession:
    """Answers the OpenID discovery request that allauth makes; records what was asked."""

    requested: list[str] = []

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def get(self, url: str, **kwargs: object) -> _FakeResponse:
        self.requested.append(url)
        return _FakeResponse(
            {
                "issuer": SERVER_URL,
                "authorization_endpoint": AUTHORIZE_URL,
                "token_endpoint": SERVER_URL + "/protocol/openid-connect/token",
                "userinfo_endpoint": SERVER_URL + "/protocol/openid-connect/userinfo",
                "jwks_uri": SERVER_URL + "/protocol/openid-connect/certs",
            }
        )


def test_without_variables_no_provider_is_configured(monkeypatch):
    monkeypatch.delenv("SFC_OIDC_CLIENT_ID", raising=False)
    assert _settings_with(monkeypatch)["SOCIALACCOUNT_PROVIDERS"] == {}


def test_variables_configure_one_openid_connect_app(oidc):
    [app] = oidc["SOCIALACCOUNT_PROVIDERS"]["openid_connect"]["APPS"]
    assert app["provider_id"] == "keycloak"
    assert app["client_id"] == "space-for-change"
    assert app["settings"]["server_url"] == SERVER_URL
    assert oidc["SOCIALACCOUNT_PROVIDERS"]["openid_connect"]["OAUTH_PKCE_ENABLED"] is True


def test_provider_appears_on_the_login_page(client, oidc):
    page = BeautifulSoup(client.get(reverse("account_login")).content, "html.parser")
    login_url = "/accounts/oidc/keycloak/login/"
    targets = [
        tag
        for tag in page.find_all(["a", "form", "button"])
        if login_url in (tag.get("href") or tag.get("action") or tag.get("formaction") or "")
    ]
    assert targets, "a link or form to start single sign-on"
    assert "Northtown login" in page.get_text()


def test_starting_single_sign_on_redirects_to_the_identity_provider(client, oidc, monkeypatch):
    from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

    _FakeSession.requested = []
    monkeypatch.setattr(DefaultSocialAccountAdapter, "get_requests_session", lambda self: _FakeSession())

    response = client.post("/accounts/oidc/keycloak/login/")

    assert response.status_code == 302
    assert _FakeSession.requested == [SERVER_URL + "/.well-known/openid-configuration"]
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == AUTHORIZE_URL
    query = parse_qs(location.query)
    assert query["client_id"] == ["space-for-change"]
    assert query["redirect_uri"] == ["http://testserver/accounts/oidc/keycloak/login/callback/"]
    assert query["response_type"] == ["code"]
    assert set(query["scope"][0].split()) >= {"openid", "profile", "email"}
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"][0]


def test_people_from_the_identity_provider_may_get_an_account(rf):
    """Sign-up through SSO stays open while open sign-up is closed: the IdP vouches for the person."""
    from django.contrib.sessions.backends.db import SessionStore

    from spaceforchange.core.adapters import AccountAdapter, SocialAccountAdapter

    request = rf.get("/")
    request.session = SessionStore()
    assert AccountAdapter().is_open_for_signup(request) is False
    assert SocialAccountAdapter().is_open_for_signup(request, sociallogin=None) is True
