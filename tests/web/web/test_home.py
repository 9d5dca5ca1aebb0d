"""The start page: anonymous people sign in; members go to their organisation or choose one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_member, make_organization, make_user
from tests.web.web.conftest import soup_of

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")


def test_person_with_one_organisation_goes_to_its_dashboard(client):
    membership = make_member(make_organization(slug="northbay"))
    client.force_login(membership.user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/o/northbay/"


def test_person_with_several_organisations_chooses_one(client):
    membership = make_member(make_organization(name="Northbay", slug="northbay"))
    make_member(make_organization(name="Southport", slug="southport"), user=membership.user)
    make_organization(name="Elsewhere", slug="elsewhere")
    client.force_login(membership.user)
    response = client.get("/")
    assert response.status_code == 200
    links = soup_of(response).find("main").select(".sfc-org-list a")
    assert [(link.get_text(strip=True), link["href"]) for link in links] == [
        ("Northbay", "/o/northbay/"),
        ("Southport", "/o/southport/"),
    ]


def test_person_without_organisation_is_told_what_to_do(client):
    client.force_login(make_user())
    response = client.get("/")
    assert response.status_code == 200
    main = soup_of(response).find("main")
    assert main.select(".sfc-org-list") == []
    assert "Ask an administrator for an invitation" in main.get_text()
