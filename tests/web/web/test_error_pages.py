"""Styled, translated error pages with a way home; the 500 page leaks nothing."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from spaceforchange.web.views import server_error
from tests.web.web.conftest import soup_of

pytestmark = [pytest.mark.urls("tests.web.web.error_urls")]


@pytest.fixture(autouse=True)
def _production(settings):  # type: ignore[no-untyped-def]
    settings.DEBUG = False


def assert_styled_with_way_home(soup, heading: str) -> None:  # type: ignore[no-untyped-def]
    assert soup.find("h1").get_text(strip=True) == heading
    assert soup.find("a", class_="usa-skipnav")["href"] == "#main-content"
    assert soup.find("main", id="main-content") is not None
    assert soup.find("link", href="/static/vendor/uswds/css/uswds.min.css") is not None
    assert soup.find("main").find("a", href="/") is not None


@pytest.mark.django_db
def test_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_styled_with_way_home(soup_of(response), "Page not found")


@pytest.mark.django_db
def test_404_page_follows_the_visitors_language(client):
    response = client.get("/no-such-page/", headers={"accept-language": "nb"})
    assert response.status_code == 404
    assert soup_of(response).html["lang"] == "nb"


@pytest.mark.django_db
def test_403_page_does_not_show_the_internal_reason(client):
    response = client.get("/test-403/")
    assert response.status_code == 403
    assert_styled_with_way_home(soup_of(response), "You cannot open this page")
    assert "secret reason 403" not in response.content.decode()


@pytest.mark.django_db
def test_500_page_leaks_no_details():
    client = Client(raise_request_exception=False)
    response = client.get("/test-500/")
    assert response.status_code == 500
    body = response.content.decode()
    assert_styled_with_way_home(soup_of(response), "Something went wrong")
    assert "secret-internal-detail-42" not in body
    assert "RuntimeError" not in body
    assert "Traceback" not in body


def test_500_page_renders_without_a_database_or_request_context():
    # No django_db mark: any database query here would fail the test.
    response = server_error(RequestFactory().get("/anything/"))
    assert response.status_code == 500
    soup = soup_of(response)
    assert soup.find("h1").get_text(strip=True) == "Something went wrong"
    assert soup.html["lang"] == "en"
    assert reverse("home") == "/"


@pytest.mark.django_db
def test_rejected_form_post_explains_and_offers_a_way_home():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("set_language"), {"language": "nb", "next": "/"})
    assert response.status_code == 403
    assert_styled_with_way_home(soup_of(response), "The form could not be sent")
    assert "CSRF" not in soup_of(response).find("main").get_text()
