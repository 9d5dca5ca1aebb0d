"""The initiatives API: scoped, searchable, paginated with the configured page sizes."""

import pytest

from spaceforchange.portfolio import services
from tests.factories import make_member, make_organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(client):
    organization = make_organization(slug="northbay")
    client.force_login(make_member(organization, roles=["member"]).user)
    for number in range(60):
        services.create_initiative(organization=organization, title=f"Idea {number:02d}", stage="idea")
    services.create_initiative(organization=organization, title="Night watch", stage="scaling")
    services.create_initiative(organization=make_organization(), title="Foreign")
    return client


def test_default_page_size_comes_from_settings(member_client):
    body = member_client.get("/api/v1/organizations/northbay/initiatives").json()
    assert body["count"] == 61
    assert len(body["items"]) == 50
    assert body["items"][0]["title"] == "Idea 00"


def test_filters_and_fields(member_client):
    body = member_client.get("/api/v1/organizations/northbay/initiatives?q=night&stage=scaling").json()
    assert [(item["title"], item["stage"]) for item in body["items"]] == [("Night watch", "scaling")]


@pytest.mark.parametrize("query", ["limit=501", "limit=0", "offset=-1", "stage=flying", "limit=ten", "q=" + "x" * 201])
def test_bad_parameters_are_refused_with_a_problem(member_client, query):
    response = member_client.get(f"/api/v1/organizations/northbay/initiatives?{query}")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")


def test_anonymous_caller_is_refused(client):
    make_organization(slug="northbay")
    assert client.get("/api/v1/organizations/northbay/initiatives").status_code == 401


def test_another_organizations_initiative_is_404(member_client):
    foreign = services.create_initiative(organization=make_organization(), title="Elsewhere")
    response = member_client.get(f"/api/v1/organizations/northbay/initiatives/{foreign.pk}")
    assert response.status_code == 404
    assert response.json()["status"] == 404
