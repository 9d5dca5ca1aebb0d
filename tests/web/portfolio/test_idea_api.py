"""The idea-box API: list, read, submit, decide; anonymity, tenancy and bad input."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.test import Client

from spaceforchange.portfolio import idea_services
from spaceforchange.portfolio.models import Idea, IdeaStatus, Initiative
from tests.factories import make_member, make_organization, make_unit
from tests.integration.portfolio.conftest import World

URL = "/api/v1/organizations/northbay/ideas"
PARKING = {
    "title": "Shared parking for home-care cars",
    "problem": "Home-care nurses lose time searching for parking.",
    "proposal": "Reserve parking spaces for home-care cars.",
}


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def submit(world: World, **changes: object) -> Idea:
    return idea_services.submit_idea(
        organization=world.organization,
        submitted_by=world.member,
        **{**PARKING, **changes},  # type: ignore[arg-type]
    )


def post(client: Client, url: str, body: object) -> object:
    return client.post(url, data=body, content_type="application/json")


def test_member_submits_and_reads_back(world: World, as_person: Callable[[str], Client]) -> None:
    unit = make_unit(world.organization, "Home care")
    response = post(as_person("member"), URL, {**PARKING, "unit_id": unit.pk})
    assert response.status_code == 201  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert (body["title"], body["status"], body["unit_id"], body["submitted_by_id"]) == (
        PARKING["title"],
        "submitted",
        unit.pk,
        world.member.pk,
    )
    assert body["supporters"] == 0
    again = as_person("lead").get(f"{URL}/{body['id']}").json()
    assert again["id"] == body["id"]


def test_anonymous_submitter_is_null_for_others_but_not_for_themselves(
    world: World, as_person: Callable[[str], Client]
) -> None:
    idea = submit(world, anonymous=True)
    assert as_person("lead").get(f"{URL}/{idea.pk}").json()["submitted_by_id"] is None
    listed = as_person("owner").get(URL).json()["items"]
    assert [row["submitted_by_id"] for row in listed] == [None]
    assert as_person("member").get(f"{URL}/{idea.pk}").json()["submitted_by_id"] == world.member.pk


@pytest.mark.parametrize(
    "body",
    [
        {},
        {**PARKING, "title": ""},
        {**PARKING, "title": "x" * 201},
        {**PARKING, "unit_id": 999_999},
        {**PARKING, "anonymous": "maybe"},
    ],
)
def test_bad_submissions_are_4xx_problems_and_change_nothing(
    world: World, as_person: Callable[[str], Client], body: dict[str, object]
) -> None:
    response = post(as_person("member"), URL, body)
    assert response.status_code in (400, 422)  # type: ignore[attr-defined]
    assert response["Content-Type"].startswith("application/problem+json")  # type: ignore[index]
    assert Idea.objects.count() == 0


def test_another_organisations_unit_is_refused(world: World, as_person: Callable[[str], Client]) -> None:
    foreign_unit = make_unit(make_organization(slug="elsewhere"))
    response = post(as_person("member"), URL, {**PARKING, "unit_id": foreign_unit.pk})
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert Idea.objects.count() == 0


def test_sponsor_adopts_through_the_api(world: World, as_person: Callable[[str], Client]) -> None:
    idea_services.set_idea_sponsor(organization=world.organization, unit=None, person=world.teammate)
    idea = submit(world)
    response = post(as_person("teammate"), f"{URL}/{idea.pk}/decision", {"decision": "adopted"})
    assert response.status_code == 200  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["status"] == "adopted"
    assert Initiative.objects.get(pk=body["initiative_id"]).title == PARKING["title"]


def test_decision_rules(world: World, as_person: Callable[[str], Client]) -> None:
    idea = submit(world)
    assert (
        post(as_person("teammate"), f"{URL}/{idea.pk}/decision", {"decision": "parked", "reason": "x"}).status_code
        == 403
    )  # type: ignore[attr-defined]
    lead = as_person("lead")
    assert post(lead, f"{URL}/{idea.pk}/decision", {"decision": "declined"}).status_code == 422  # type: ignore[attr-defined]
    assert post(lead, f"{URL}/{idea.pk}/decision", {"decision": "nonsense"}).status_code == 422  # type: ignore[attr-defined]
    other = make_organization(slug="elsewhere")
    foreign = idea_services.submit_idea(organization=other, submitted_by=make_member(other).user, **PARKING)
    merge = {"decision": "merged", "merge_into_id": foreign.pk}
    assert post(lead, f"{URL}/{idea.pk}/decision", merge).status_code == 422  # type: ignore[attr-defined]
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.SUBMITTED
    ok = post(lead, f"{URL}/{idea.pk}/decision", {"decision": "declined", "reason": "Done elsewhere"})
    assert ok.json()["reason"] == "Done elsewhere"  # type: ignore[attr-defined]


def test_another_organisations_idea_is_404(world: World, as_person: Callable[[str], Client]) -> None:
    other = make_organization(slug="elsewhere")
    foreign = idea_services.submit_idea(organization=other, submitted_by=make_member(other).user, **PARKING)
    client = as_person("lead")
    assert client.get(f"{URL}/{foreign.pk}").status_code == 404
    response = post(client, f"{URL}/{foreign.pk}/decision", {"decision": "declined", "reason": "x"})
    assert response.status_code == 404  # type: ignore[attr-defined]
    assert Idea.objects.get(pk=foreign.pk).status == IdeaStatus.SUBMITTED


def test_list_filters_by_status(world: World, as_person: Callable[[str], Client]) -> None:
    parked = submit(world, title="Parked")
    idea_services.decide_idea(idea=parked, actor=world.lead, decision="parked", reason="Later")
    submit(world, title="Open")
    body = as_person("member").get(URL, {"status": "parked"}).json()
    assert [row["title"] for row in body["items"]] == ["Parked"]
    assert as_person("member").get(URL, {"status": "bogus"}).status_code == 422


def test_openapi_describes_every_idea_field(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    out = schema["components"]["schemas"]["IdeaOut"]["properties"]
    assert all(field.get("description") for field in out.values())
    assert "/api/v1/organizations/{org_slug}/ideas/{idea_id}/decision" in schema["paths"]


def test_submit_to_a_challenge_and_refuse_a_foreign_one(world: World, as_person: Callable[[str], Client]) -> None:
    import datetime

    soon = world.today + datetime.timedelta(days=5)
    own = idea_services.open_challenge(organization=world.organization, title="Own", theme="x", closes_on=soon)
    other = make_organization(slug="elsewhere")
    foreign = idea_services.open_challenge(organization=other, title="Foreign", theme="x", closes_on=soon)
    client = as_person("member")
    refused = post(client, URL, {**PARKING, "challenge_id": foreign.pk})
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert Idea.objects.count() == 0
    accepted = post(client, URL, {**PARKING, "challenge_id": own.pk})
    assert accepted.json()["challenge_id"] == own.pk  # type: ignore[attr-defined]
