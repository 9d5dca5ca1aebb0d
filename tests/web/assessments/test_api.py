"""The campaign endpoints of the API: listing, creating, reading and results, with their refusals."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import Client

from spaceforchange.assessments import services, snapshots
from spaceforchange.assessments.models import Campaign, Response, ResultSnapshot
from spaceforchange.assessments.results import campaign_results
from tests.factories import make_response, make_unit
from tests.web.api.helpers import assert_problem, bearer, issue_token

pytestmark = pytest.mark.django_db

BASE = "/api/v1/organizations/northbay/campaigns"
RESULT_READERS = {"innovation_lead", "leader", "oversight", "admin"}
CREATORS = {"innovation_lead", "owner", "admin"}


def _post(client: Client, body: object, url: str = BASE):  # type: ignore[no-untyped-def]
    return client.post(url, data=body, content_type="application/json")


def _without_computed_at(body: dict) -> dict:  # type: ignore[type-arg]
    """The results body as ``campaign_results`` builds it: the API adds only ``computed_at``."""
    return {**body, "campaign": {key: value for key, value in body["campaign"].items() if key != "computed_at"}}


def _stored_at(campaign: Campaign, group_by: str = "") -> str:
    """When the stored figures were computed, as the API writes it (ISO 8601, UTC, to the millisecond)."""
    computed = ResultSnapshot.objects.get(campaign=campaign, group_by=group_by).computed_at
    return computed.isoformat(timespec="milliseconds").replace("+00:00", "Z")


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
        assert _without_computed_at(response.json()) == campaign_results(campaign)
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
    assert _without_computed_at(body) == campaign_results(campaign, group_by="unit")
    assert body["campaign"]["computed_at"] == _stored_at(campaign, "unit")
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


def test_grouping_by_an_attribute_no_respondent_has_is_a_400_and_stores_nothing(org, client_as, campaign_in):
    campaign = _answered(org, campaign_in)
    response = client_as("admin").get(f"{BASE}/{campaign.pk}/results", {"group_by": "attribute:colour"})
    assert "no attribute “colour”" in assert_problem(response, 400)["detail"]
    too_long = client_as("admin").get(f"{BASE}/{campaign.pk}/results", {"group_by": "attribute:" + "x" * 95})
    assert too_long.status_code in (400, 422)
    assert not ResultSnapshot.objects.filter(campaign=campaign).exclude(group_by="").exists()


@pytest.mark.parametrize("suffix", ["", "/results"])
def test_another_organisations_campaign_is_404(org, other_org, client_as, campaign_in, suffix):
    foreign = campaign_in(other_org)
    assert_problem(client_as("admin").get(f"{BASE}/{foreign.pk}{suffix}"), 404)
    assert_problem(client_as("admin").get(f"/api/v1/organizations/southport/campaigns/{foreign.pk}{suffix}"), 404)


def test_unknown_campaign_and_strangers_are_404(org, client_as, campaign_in):
    assert_problem(client_as("admin").get(f"{BASE}/999999/results"), 404)
    assert_problem(Client().get(BASE), 401)


def test_results_say_when_they_were_computed(org, client_as, campaign_in):
    campaign = _answered(org, campaign_in)
    body = client_as("admin").get(f"{BASE}/{campaign.pk}/results").json()
    computed_at = body["campaign"]["computed_at"]
    assert computed_at == _stored_at(campaign)
    assert datetime.fromisoformat(computed_at).utcoffset().total_seconds() == 0
    assert body["campaign"]["respondents"] == 3
    assert body["groups"][0]["items"]["r1"]["mean"] == pytest.approx(11 / 3)


def test_results_are_the_stored_ones_while_a_large_campaign_is_recomputed(org, client_as, campaign_in, monkeypatch):
    campaign = _answered(org, campaign_in)
    client = client_as("admin")
    first = client.get(f"{BASE}/{campaign.pk}/results").json()
    # Treat every campaign as large: a new answer leaves the stored figures in place until the worker runs.
    monkeypatch.setattr(snapshots, "INLINE_LIMIT", 0)
    make_response(campaign, {"r1": 1})
    assert client.get(f"{BASE}/{campaign.pk}/results").json() == first
    snapshots.recompute_results.call(campaign_id=campaign.pk)
    after = client.get(f"{BASE}/{campaign.pk}/results").json()
    assert after["campaign"]["respondents"] == 4
    assert after["groups"][0]["items"]["r1"]["mean"] == pytest.approx(3.0)
    assert after["campaign"]["computed_at"] == _stored_at(campaign) >= first["campaign"]["computed_at"]


def test_results_stored_before_closing_say_the_campaign_is_closed(org, client_as, campaign_in):
    campaign = _answered(org, campaign_in)
    client = client_as("admin")
    before = client.get(f"{BASE}/{campaign.pk}/results").json()
    services.close_campaign(campaign=campaign)
    after = client.get(f"{BASE}/{campaign.pk}/results").json()
    assert (before["campaign"]["status"], after["campaign"]["status"]) == ("open", "closed")
    assert after["campaign"]["computed_at"] == before["campaign"]["computed_at"]
    assert after["groups"] == before["groups"]


def test_the_openapi_schema_describes_computed_at(client):
    schema = client.get("/api/v1/openapi.json").json()
    summary = schema["components"]["schemas"]["CampaignSummary"]
    assert "computed_at" in summary["required"]
    assert summary["properties"]["computed_at"]["format"] == "date-time"
    assert "computed" in summary["properties"]["computed_at"]["description"]


# --- The short address /api/v1/o/{org_slug}/... ---------------------------------------------------

ALIAS = "/api/v1/o/northbay/campaigns"


def test_the_short_address_redirects_permanently_keeping_the_query(org, client_as, campaign_in):
    campaign = campaign_in(org)
    response = Client().get(f"{ALIAS}/{campaign.pk}/results", {"group_by": "attribute:AGENCY"})
    assert response.status_code == 308
    assert response["Location"] == f"{BASE}/{campaign.pk}/results?group_by=attribute%3AAGENCY"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_short_address_keeps_the_method_with_a_308(org, method):
    response = getattr(Client(), method)(f"{ALIAS}?limit=1", data="{}", content_type="application/json")
    assert response.status_code == 308
    assert response["Location"] == f"{BASE}?limit=1"
    assert not Campaign.objects.exists()


def test_following_the_short_address_with_a_token_gives_the_results(org, campaign_in):
    campaign = _answered(org, campaign_in)
    headers = bearer(issue_token(org.people["innovation_lead"].user))
    client = Client(headers=headers)
    followed = client.get(f"{ALIAS}/{campaign.pk}/results", follow=True)
    assert followed.redirect_chain == [(f"{BASE}/{campaign.pk}/results", 308)]
    assert followed.status_code == 200
    assert _without_computed_at(followed.json()) == campaign_results(campaign)


def test_following_the_short_address_with_a_post_creates_once(org, pack):
    client = Client(headers=bearer(issue_token(org.people["admin"].user)))
    created = client.post(
        ALIAS, data={"title": "Via alias", "instrument": "scan"}, content_type="application/json", follow=True
    )
    assert created.redirect_chain == [(BASE, 308)]
    assert created.status_code == 201, created.content
    assert list(Campaign.objects.values_list("title", flat=True)) == ["Via alias"]


def test_the_short_address_of_another_organisation_still_ends_in_404(org, other_org, campaign_in):
    foreign = campaign_in(other_org)
    client = Client(headers=bearer(issue_token(org.people["admin"].user)))
    for url in (f"/api/v1/o/southport/campaigns/{foreign.pk}", f"{ALIAS}/{foreign.pk}/results"):
        response = client.get(url)
        assert response.status_code == 308
        assert_problem(client.get(response["Location"]), 404)


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/api/v1/o/", "/api/v1/organizations/"),
        ("/api/v1/o/northbay/%C3%A6%20x", "/api/v1/organizations/northbay/%C3%A6%20x"),
        ("/api/v1/o/northbay//evil.example/", "/api/v1/organizations/northbay//evil.example/"),
    ],
)
def test_odd_short_addresses_stay_on_this_site(org, path, location):
    response = Client().get(path)
    assert (response.status_code, response["Location"]) == (308, location)
