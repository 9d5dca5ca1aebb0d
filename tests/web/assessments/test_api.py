"""The campaign endpoints of the API: listing, creating, reading and results, with their refusals."""

from __future__ import annotations

import pytest
from django.test import Client

from spaceforchange.assessments.models import Campaign, Response
from spaceforchange.assessments.results import campaign_results
from tests.factories import make_response, make_unit
from tests.web.api.helpers import assert_problem

pytestmark = pytest.mark.django_db

BASE = "/api/v1/organizations/northbay/campaigns"
RESULT_READERS = {"innovation_lead", "leader", "oversight", "admin"}
CREATORS = {"innovation_lead", "owner", "admin"}


def _post(client: Client, body: object, url: str = BASE):  # type: ignore[no-untyped-def]
    return client.post(url, data=body, content_type="application/json")


def test_list_pages_the_organisations_campaigns(org, client_as, campaign_in, other_org):
    first, second = campaign_in(org), campaign_in(org, status="draft")
    campaign_in(other_org)
    body = client_as("member").get(BASE, {"limit": 1}).json()
    assert body["count"] == 2
    assert [item["id"] for item in body["items"]] in ([first.pk], [second.pk])
    drafts = client_as("member").get(BASE, {"status": "draft"}).json()
    assert [item["id"] for item in drafts["items"]] == [second.pk]


def test_get_one_campaign(org, client_as, campaign_in, pack):
    campaign = campaign_in(org)
    body = client_as("member").get(f"{BASE}/{campaign.pk}").json()
    assert (body["id"], body["title"], body["instrument"], body["pack"], body["status"]) == (
        campaign.pk,
        campaign.title,
        "scan",
        pack.pack.key,
        "open",
    )


@pytest.mark.parametrize("role", ["member", "owner", "leader", "oversight", "admin", "innovation_lead"])
def test_creating_needs_a_lead_owner_or_admin(org, client_as, pack, role):
    response = _post(client_as(role), {"title": "Spring scan", "instrument": "scan"})
    if role in CREATORS:
        assert response.status_code == 201, response.content
        campaign = Campaign.objects.get(pk=response.json()["id"])
        assert (campaign.organization, campaign.status, campaign.created_by) == (
            org.organization,
            "draft",
            org.people[role].user,
        )
    else:
        assert_problem(response, 403)
        assert not Campaign.objects.exists()


def test_create_with_every_field(org, client_as, pack):
    unit = make_unit(org.organization, "Finance")
    body = {
        "title": "Finance scan",
        "instrument": "scan",
        "pack": pack.pack.key,
        "unit_id": unit.pk,
        "include_subunits": True,
        "opens_at": "2030-01-01T08:00:00Z",
        "closes_at": "2030-01-05T08:00:00Z",
        "anonymous": False,
        "anonymity_threshold": 7,
        "languages": ["en"],
    }
    created = _post(client_as("innovation_lead"), body).json()
    assert {key: created[key] for key in ("unit_id", "include_subunits", "anonymous", "anonymity_threshold")} == {
        "unit_id": unit.pk,
        "include_subunits": True,
        "anonymous": False,
        "anonymity_threshold": 7,
    }
    assert (created["opens_at"], created["languages"]) == ("2030-01-01T08:00:00Z", ["en"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "", "instrument": "scan"}, "title"),
        ({"title": "x" * 201, "instrument": "scan"}, "title"),
        ({"title": "T", "instrument": "nope"}, "instrument_key"),
        ({"title": "T", "instrument": "scan", "anonymity_threshold": 1}, "anonymity_threshold"),
        (
            {
                "title": "T",
                "instrument": "scan",
                "opens_at": "2030-01-02T00:00:00Z",
                "closes_at": "2030-01-01T00:00:00Z",
            },
            "closes_at",
        ),
        ({"title": "T", "instrument": "scan", "unit_id": 999999}, "unit_id"),
        ({"title": "T", "instrument": "scan", "languages": ["fr"]}, "languages"),
        ({"title": "T", "instrument": "scan", "opens_at": "tomorrow"}, "opens_at"),
    ],
)
def test_bad_bodies_are_422_problems_naming_the_field(org, client_as, pack, body, field):
    problem = assert_problem(_post(client_as("admin"), body), 422)
    assert any(field in error["loc"] for error in problem["errors"]), problem
    assert not Campaign.objects.exists()


def test_another_organisations_unit_is_an_invalid_value(org, other_org, client_as, pack):
    foreign = make_unit(other_org.organization)
    problem = assert_problem(
        _post(client_as("admin"), {"title": "T", "instrument": "scan", "unit_id": foreign.pk}), 422
    )
    assert problem["errors"][0]["loc"] == ["body", "unit_id"]


def test_malformed_json_is_a_400_problem(org, client_as, pack):
    assert_problem(_post(client_as("admin"), "{not json"), 400)
    assert not Campaign.objects.exists()


def _answered(org, campaign_in):  # type: ignore[no-untyped-def]
    campaign = campaign_in(org, anonymity_threshold=2)
    unit = make_unit(org.organization, "Finance")
    responses = [make_response(campaign, {"r1": value}) for value in (5, 4, 2)]
    Response.objects.filter(pk__in=[responses[0].pk, responses[1].pk]).update(unit=unit)
    return campaign


@pytest.mark.parametrize("role", ["member", "owner", "leader", "oversight", "admin", "innovation_lead"])
def test_results_need_a_reading_role(org, client_as, campaign_in, role):
    campaign = _answered(org, campaign_in)
    response = client_as(role).get(f"{BASE}/{campaign.pk}/results")
    if role in RESULT_READERS:
        assert response.status_code == 200, response.content
        assert response.json() == campaign_results(campaign)
    else:
        assert_problem(response, 403)


def test_the_creator_of_a_campaign_reads_its_results(org, client_as, pack):
    client = client_as("member")
    created = _post(client_as("owner"), {"title": "Mine", "instrument": "scan"}).json()
    assert client_as("owner").get(f"{BASE}/{created['id']}/results").status_code == 200
    assert client.get(f"{BASE}/{created['id']}/results").status_code == 403


def test_results_by_unit_leave_figures_out_of_suppressed_groups(org, client_as, campaign_in):
    campaign = _answered(org, campaign_in)
    body = client_as("admin").get(f"{BASE}/{campaign.pk}/results", {"group_by": "unit"}).json()
    assert body == campaign_results(campaign, group_by="unit")
    # One respondent without a unit is below 2, and Finance would give it away from the total.
    assert body["groups"] == [
        {"group": "Finance", "suppressed": True},
        {"group": "(no unit)", "suppressed": True},
    ]


@pytest.mark.parametrize("group_by", ["team", "attribute:", "unit;drop"])
def test_a_bad_group_by_is_a_400_problem(org, client_as, campaign_in, group_by):
    campaign = _answered(org, campaign_in)
    problem = assert_problem(client_as("admin").get(f"{BASE}/{campaign.pk}/results", {"group_by": group_by}), 400)
    assert "attribute:NAME" in problem["detail"]


@pytest.mark.parametrize("suffix", ["", "/results"])
def test_another_organisations_campaign_is_404(org, other_org, client_as, campaign_in, suffix):
    foreign = campaign_in(other_org)
    assert_problem(client_as("admin").get(f"{BASE}/{foreign.pk}{suffix}"), 404)
    assert_problem(client_as("admin").get(f"/api/v1/organizations/southport/campaigns/{foreign.pk}{suffix}"), 404)


def test_unknown_campaign_and_strangers_are_404(org, client_as, campaign_in):
    assert_problem(client_as("admin").get(f"{BASE}/999999/results"), 404)
    assert_problem(Client().get(BASE), 401)
