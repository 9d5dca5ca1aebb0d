"""Content-Security-Policy on every page, nothing inline, and the health check."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.urls import reverse

from tests.factories import make_member, make_organization
from tests.web.web.conftest import soup_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(client):  # type: ignore[no-untyped-def]
    membership = make_member(make_organization(slug="northbay"), roles=["admin"])
    client.force_login(membership.user)
    return client


@pytest.mark.parametrize("path", ["/o/northbay/", "/accounts/login/", "/no-such-page/"])
def test_pages_carry_a_strict_content_security_policy(member_client, path):
    response = member_client.get(path)
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


@pytest.mark.parametrize("path", ["/o/northbay/", "/accounts/login/", "/no-such-page/"])
def test_pages_have_no_inline_scripts_or_styles(member_client, path):
    soup = soup_of(member_client.get(path))
    assert soup.find_all("style") == []
    assert soup.find_all(style=True) == []
    for script in soup.find_all("script"):
        assert script.get("src", "").startswith("/static/"), script
    assert not [tag for tag in soup.find_all(True) if any(attr.startswith(("on", "hx-on")) for attr in tag.attrs)]


def test_layout_loads_vendored_assets_and_configures_htmx_for_the_csp(member_client):
    soup = soup_of(member_client.get("/o/northbay/"))
    sources = [script["src"] for script in soup.find_all("script")]
    assert "/static/vendor/htmx/htmx.min.js" in sources
    assert "/static/vendor/uswds/js/uswds.min.js" in sources
    stylesheets = [link["href"] for link in soup.find_all("link", rel="stylesheet")]
    assert stylesheets == ["/static/vendor/uswds/css/uswds.min.css", "/static/web/app.css"]
    config = soup.find("meta", attrs={"name": "htmx-config"})["content"]
    import json

    assert json.loads(config)["includeIndicatorStyles"] is False


def test_healthz_reports_ok(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_unreachable(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "unreachable: OperationalError"
