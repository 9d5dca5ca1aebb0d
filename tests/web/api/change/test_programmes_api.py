"""The change-programme API: programmes, their parts, readiness and evidence; roles, tenancy and bad input
(nothing changes on a refusal)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from spaceforchange.change import services
from spaceforchange.change.models import (
    ChangeProgramme,
    EvidenceCheck,
    Milestone,
    ReadinessEntry,
    Subsystem,
    Supporter,
)
from spaceforchange.frameworks.selectors import effective_pack, parsed_pack
from spaceforchange.portfolio.services import today_in
from tests.factories import make_member, make_organization, make_response
from tests.web.api.helpers import assert_problem
from tests.web.change.conftest import World, readiness_campaign

pytestmark = pytest.mark.django_db

ORG = "/api/v1/organizations/northbay"
PROGRAMMES = f"{ORG}/change-programmes"
EDITORS = ["lead", "leader", "admin", "owner"]
READERS = ["member", "oversight"]


def send(client: Client, method: str, url: str, body: object) -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def refused_fields(response: Any) -> set[str]:
    assert_problem(response, 422)
    return {str(error["loc"][-1]) for error in response.json()["errors"]}


def url(world: World, rest: str = "") -> str:
    return f"{PROGRAMMES}/{world.programme.pk}{rest}"


def snapshot() -> tuple[Any, ...]:
    """Everything the programme endpoints could write, to show that a refusal wrote nothing."""
    programmes = list(ChangeProgramme.objects.order_by("pk").values())
    links = list(ChangeProgramme.initiatives.through.objects.order_by("pk").values_list())
    parts = [
        list(model.objects.order_by("pk").values())  # type: ignore[attr-defined]
        for model in (Milestone, Subsystem, Supporter, ReadinessEntry, EvidenceCheck)
    ]
    return programmes, links, parts


# --- Programmes ---------------------------------------------------------------------------------


def test_every_member_lists_the_programmes_with_their_readiness(
    world: World, as_person: Callable[[str], Client]
) -> None:
    services.record_readiness(programme=world.programme, factor_key="ensure_need", score=Decimal("3.5"), actor=None)
    services.create_programme(organization=world.organization, name="Archive reform", status="under_way")
    body = as_person("member").get(PROGRAMMES).json()
    assert body["count"] == 2
    first = body["items"][1]
    assert (first["name"], first["owner_id"], first["factors_scored"], first["overall_readiness"]) == (
        "Home care reform",
        world.owner.pk,
        1,
        3.5,
    )
    assert first["readiness"]["ensure_need"] == 3.5 and first["readiness"]["provide_plan"] is None
    assert list(first["readiness"]) == [
        "ensure_need",
        "provide_plan",
        "build_internal_support",
        "ensure_top_management_support",
        "build_external_support",
        "provide_resources",
        "institutionalize_change",
        "pursue_comprehensive_change",
    ]
    assert first["warning_count"] > 0
    filtered = as_person("oversight").get(f"{PROGRAMMES}?status=under_way").json()
    assert [row["name"] for row in filtered["items"]] == ["Archive reform"]
    searched = as_person("oversight").get(f"{PROGRAMMES}?q=HOME&sort=-name").json()
    assert [row["name"] for row in searched["items"]] == ["Home care reform"]
    assert_problem(as_person("member").get(f"{PROGRAMMES}?status=dreaming"), 422)
    assert_problem(as_person("member").get(f"{PROGRAMMES}?sort=owner"), 422)


@pytest.mark.parametrize("name", ["lead", "leader", "admin"])
def test_leads_leaders_and_admins_add_a_programme(world: World, as_person: Callable[[str], Client], name: str) -> None:
    body = {
        "name": "Digital first",
        "sponsor_id": world.leader.pk,
        "vision": "Every service online.",
        "causal_theory": "Less paper, more time.",
        "resource_budget": "250000.50",
        "resource_fte": 2.5,
        "status": "under_way",
        "initiative_ids": [world.initiative.pk],
    }
    response = send(as_person(name), "post", PROGRAMMES, body)
    assert response.status_code == 201, response.json()
    made = response.json()
    assert (made["name"], made["owner_id"], made["sponsor_id"], made["status"]) == (
        "Digital first",
        getattr(world, name).pk,
        world.leader.pk,
        "under_way",
    )
    assert (made["resource_budget"], made["resource_fte"], made["initiative_ids"]) == (
        250000.5,
        2.5,
        [world.initiative.pk],
    )
    assert (made["milestones"], made["supporters"]) == ([], [])
    assert ChangeProgramme.objects.get(pk=made["id"]).organization == world.organization


@pytest.mark.parametrize("name", ["member", "owner", "oversight"])
def test_others_may_not_add_programmes(world: World, as_person: Callable[[str], Client], name: str) -> None:
    before = snapshot()
    assert_problem(send(as_person(name), "post", PROGRAMMES, {"name": "Sneaky"}), 403)
    assert snapshot() == before


@pytest.mark.parametrize("name", READERS)
def test_readers_change_nothing(world: World, as_person: Callable[[str], Client], name: str) -> None:
    milestone = services.add_milestone(programme=world.programme, title="Pilot", due_on=_day(world, 30))
    before = snapshot()
    client = as_person(name)
    writes = [
        ("patch", url(world), {"vision": "Mine"}),
        ("post", url(world, "/archive"), {}),
        ("post", url(world, "/milestones"), {"title": "More", "due_on": "2027-01-01"}),
        ("patch", url(world, f"/milestones/{milestone.pk}"), {"title": "Changed"}),
        ("delete", url(world, f"/milestones/{milestone.pk}"), {}),
        ("post", url(world, "/subsystems"), {"name": "IT"}),
        ("post", url(world, "/supporters"), {"name": "Mayor", "kind": "political"}),
        ("put", url(world, f"/initiatives/{world.initiative.pk}"), {}),
        ("post", url(world, "/readiness"), {"factor": "ensure_need", "score": 4}),
        ("post", url(world, "/readiness/from-campaign"), {"campaign_id": 1}),
        ("put", url(world, "/evidence/case_documented"), {"done": True}),
    ]
    for method, address, body in writes:
        assert_problem(send(client, method, address, body), 403)
    assert snapshot() == before
    assert client.get(url(world)).status_code == 200
    assert client.get(url(world, "/readiness")).status_code == 200
    assert client.get(url(world, "/evidence")).status_code == 200


def _day(world: World, days: int) -> datetime.date:
    return today_in(world.organization) + datetime.timedelta(days=days)


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"name"}),
        ({"name": "home CARE reform"}, {"name"}),
        ({"name": "x" * 201}, {"name"}),
        ({"name": "x" * 401}, {"name"}),
        ({"name": "New", "status": "dreaming"}, {"status"}),
        ({"name": "New", "resource_budget": -5}, {"resource_budget"}),
        ({"name": "New", "resource_fte": "lots"}, {"resource_fte"}),
        ({"name": "New", "sponsor_id": 987654}, {"sponsor_id"}),
        ({"name": "New", "vision": "v" * 4001, "resource_time": "t" * 2001}, {"vision", "resource_time"}),
        ({"name": "New", "initiative_ids": "all"}, {"initiative_ids"}),
    ],
)
def test_invalid_programmes_are_refused_with_every_field_named(
    world: World, as_person: Callable[[str], Client], body: dict[str, Any], fields: set[str]
) -> None:
    before = snapshot()
    assert refused_fields(send(as_person("lead"), "post", PROGRAMMES, body)) == fields
    assert snapshot() == before


@pytest.mark.parametrize("raw", ['"a programme"', "[1]", "{broken", "null"], ids=lambda raw: raw[:6])
def test_hostile_bodies_are_a_400_and_write_nothing(world: World, as_person: Callable[[str], Client], raw: str) -> None:
    before = snapshot()
    client = as_person("lead")
    assert_problem(client.post(PROGRAMMES, data=raw, content_type="application/json"), 400)
    assert_problem(client.patch(url(world), data=raw, content_type="application/json"), 400)
    assert snapshot() == before


def test_another_organisations_ids_answer_404_and_change_nothing(
    world: World, as_person: Callable[[str], Client]
) -> None:
    before = snapshot()
    client = as_person("admin")
    theirs = f"{PROGRAMMES}/{world.foreign_programme.pk}"
    assert_problem(client.get(theirs), 404)
    assert_problem(send(client, "patch", theirs, {"name": "Ours"}), 404)
    assert_problem(client.get(theirs + "/readiness"), 404)
    assert_problem(client.get(theirs + "/readiness/export?format=csv"), 404)
    assert_problem(send(client, "post", theirs + "/readiness", {"factor": "ensure_need", "score": 4}), 404)
    foreign_initiative = world.foreign_initiative.pk
    assert_problem(send(client, "put", url(world, f"/initiatives/{foreign_initiative}"), {}), 404)
    assert_problem(send(client, "post", PROGRAMMES, {"name": "New", "initiative_ids": [foreign_initiative]}), 404)
    campaign = {"campaign_id": world.foreign_campaign.pk}
    assert_problem(send(client, "post", url(world, "/readiness/from-campaign"), campaign), 404)
    assert snapshot() == before
    stranger = Client()
    stranger.force_login(make_member(make_organization(slug="elsewhere")).user)
    assert_problem(stranger.get(PROGRAMMES), 404)


@pytest.mark.parametrize("name", EDITORS)
def test_editors_and_the_owner_change_a_programme(world: World, as_person: Callable[[str], Client], name: str) -> None:
    response = send(as_person(name), "patch", url(world), {"vision": "Care at home.", "sponsor_id": world.lead.pk})
    assert response.status_code == 200, response.json()
    programme = ChangeProgramme.objects.get(pk=world.programme.pk)
    assert (programme.vision, programme.sponsor_id, programme.name, programme.owner_id) == (
        "Care at home.",
        world.lead.pk,
        "Home care reform",
        world.owner.pk,
    )
    refused = send(as_person(name), "patch", url(world), {"name": None, "vision": "Other"})
    assert refused_fields(refused) == {"name"}
    assert ChangeProgramme.objects.get(pk=world.programme.pk).vision == "Care at home."


def test_archiving_moves_a_programme_out_of_the_list(world: World, as_person: Callable[[str], Client]) -> None:
    client = as_person("owner")
    assert client.post(url(world, "/archive")).json()["archived"] is True
    assert as_person("member").get(PROGRAMMES).json()["count"] == 0
    assert [row["id"] for row in client.get(f"{PROGRAMMES}?archived=true").json()["items"]] == [world.programme.pk]
    assert client.post(url(world, "/restore")).json()["archived"] is False


# --- Parts --------------------------------------------------------------------------------------


def test_milestones_are_added_changed_and_removed(world: World, as_person: Callable[[str], Client]) -> None:
    client = as_person("owner")
    made = send(client, "post", url(world, "/milestones"), {"title": "New routine", "due_on": "2027-03-01"})
    assert made.status_code == 201, made.json()
    embed = {"title": "Embed", "due_on": "2027-06-01", "institutionalisation": True}
    second = send(client, "post", url(world, "/milestones"), embed).json()
    assert (second["order"], second["institutionalisation"], second["done_on"]) == (1, True, None)
    done = send(client, "patch", url(world, f"/milestones/{made.json()['id']}"), {"done_on": "2026-11-01"}).json()
    assert (done["title"], done["done_on"]) == ("New routine", "2026-11-01")
    detail = client.get(url(world)).json()
    assert [row["title"] for row in detail["milestones"]] == ["New routine", "Embed"]
    assert client.delete(url(world, f"/milestones/{second['id']}")).status_code == 204
    assert list(Milestone.objects.values_list("title", flat=True)) == ["New routine"]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"title", "due_on"}),
        ({"title": "t" * 201, "due_on": "2027-01-01"}, {"title"}),
        ({"title": "Late", "due_on": "2027-01-01", "done_on": "2999-01-01"}, {"done_on"}),
        ({"title": "Far", "due_on": "2027-01-01", "order": 99999}, {"order"}),
    ],
)
def test_invalid_milestones_are_refused(
    world: World, as_person: Callable[[str], Client], body: dict[str, Any], fields: set[str]
) -> None:
    before = snapshot()
    assert refused_fields(send(as_person("lead"), "post", url(world, "/milestones"), body)) == fields
    assert snapshot() == before


def test_subsystems_and_supporters_are_added_and_removed(world: World, as_person: Callable[[str], Client]) -> None:
    client = as_person("leader")
    subsystem = send(client, "post", url(world, "/subsystems"), {"name": "Case system", "note": "Old"}).json()
    assert (subsystem["name"], subsystem["aligned"]) == ("Case system", False)
    aligned = send(client, "patch", url(world, f"/subsystems/{subsystem['id']}"), {"aligned": True}).json()
    assert (aligned["aligned"], aligned["note"]) == (True, "Old")
    assert refused_fields(send(client, "post", url(world, "/subsystems"), {"name": "case SYSTEM"})) == {"name"}
    sponsor = send(client, "post", url(world, "/supporters"), {"kind": "top_management", "user_id": world.admin.pk})
    assert sponsor.status_code == 201, sponsor.json()
    assert (sponsor.json()["name"], sponsor.json()["user_id"]) == ("Admin", world.admin.pk)
    mayor = send(client, "post", url(world, "/supporters"), {"kind": "political", "name": "The mayor"}).json()
    assert [row["kind"] for row in client.get(url(world)).json()["supporters"]] == ["political", "top_management"]
    assert client.delete(url(world, f"/supporters/{mayor['id']}")).status_code == 204
    assert client.delete(url(world, f"/subsystems/{subsystem['id']}")).status_code == 204
    assert (Subsystem.objects.count(), Supporter.objects.count()) == (0, 1)


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"name": "Someone"}, {"kind"}),
        ({"kind": "celebrity", "name": "Someone"}, {"kind"}),
        ({"kind": "political"}, {"name"}),
        ({"kind": "political", "user_id": 987654}, {"user_id"}),
    ],
)
def test_invalid_supporters_are_refused(
    world: World, as_person: Callable[[str], Client], body: dict[str, Any], fields: set[str]
) -> None:
    before = snapshot()
    assert refused_fields(send(as_person("lead"), "post", url(world, "/supporters"), body)) == fields
    assert snapshot() == before


def test_parts_of_another_programme_are_not_found(world: World, as_person: Callable[[str], Client]) -> None:
    other = services.create_programme(organization=world.organization, name="Other reform")
    milestone = services.add_milestone(programme=other, title="Theirs", due_on=_day(world, 10))
    subsystem = services.add_subsystem(programme=other, name="Theirs")
    supporter = services.add_supporter(programme=other, kind="political", name="Theirs")
    client = as_person("admin")
    assert_problem(send(client, "patch", url(world, f"/milestones/{milestone.pk}"), {"title": "Mine"}), 404)
    assert_problem(client.delete(url(world, f"/subsystems/{subsystem.pk}")), 404)
    assert_problem(client.delete(url(world, f"/supporters/{supporter.pk}")), 404)
    assert (Milestone.objects.get().title, Subsystem.objects.count(), Supporter.objects.count()) == ("Theirs", 1, 1)


def test_initiatives_are_linked_and_unlinked(world: World, as_person: Callable[[str], Client]) -> None:
    client = as_person("owner")
    linked = send(client, "put", url(world, f"/initiatives/{world.initiative.pk}"), {}).json()
    assert linked["initiative_ids"] == [world.initiative.pk]
    assert client.delete(url(world, f"/initiatives/{world.initiative.pk}")).status_code == 204
    assert list(world.programme.initiatives.all()) == []


# --- Readiness and evidence ---------------------------------------------------------------------


def test_workshop_scores_become_current_and_history_keeps_every_entry(
    world: World, as_person: Callable[[str], Client]
) -> None:
    client = as_person("owner")
    first = send(client, "post", url(world, "/readiness"), {"factor": "ensure_top_management_support", "score": 2.4})
    assert first.status_code == 201, first.json()
    assert (first.json()["factor_number"], first.json()["source"], first.json()["score"]) == (4, "workshop", 2.4)
    send(
        client,
        "post",
        url(world, "/readiness"),
        {"factor": "ensure_top_management_support", "score": "3.25", "assessed_on": "2026-11-01", "note": "Retreat"},
    )
    body = client.get(url(world, "/readiness")).json()
    factor = body["factors"][3]
    assert (factor["number"], factor["name"], factor["score"], factor["source"]) == (
        4,
        "Ensure top-management support and commitment",
        2.4,
        "workshop",
    )
    assert [(row["score"], row["note"]) for row in body["history"]] == [(2.4, ""), (3.25, "Retreat")]
    assert body["overall"] == 2.4
    assert [row["number"] for row in body["factors"]] == list(range(1, 9))


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"factor": "ensure_need"}, {"score"}),
        ({"factor": "ensure_need", "score": 6}, {"score"}),
        ({"factor": "ensure_need", "score": 0.5}, {"score"}),
        ({"factor": "luck", "score": 3}, {"factor_key"}),
        ({"factor": "ensure_need", "score": 3, "assessed_on": "2999-01-01"}, {"assessed_on"}),
        ({"factor": "ensure_need", "score": "high"}, {"score"}),
    ],
)
def test_invalid_readiness_entries_are_refused(
    world: World, as_person: Callable[[str], Client], body: dict[str, Any], fields: set[str]
) -> None:
    before = snapshot()
    assert refused_fields(send(as_person("lead"), "post", url(world, "/readiness"), body)) == fields
    assert snapshot() == before


def test_a_readiness_campaign_below_its_threshold_is_refused(world: World, as_person: Callable[[str], Client]) -> None:
    campaign = readiness_campaign(world.organization)
    before = snapshot()
    client = as_person("lead")
    refused = send(client, "post", url(world, "/readiness/from-campaign"), {"campaign_id": campaign.pk})
    assert refused_fields(refused) == {"campaign_id"}
    assert refused_fields(send(client, "post", url(world, "/readiness/from-campaign"), {})) == {"campaign_id"}
    assert snapshot() == before


def test_evidence_items_are_ticked_and_read(world: World, as_person: Callable[[str], Client]) -> None:
    client = as_person("owner")
    items = client.get(url(world, "/evidence")).json()
    assert len(items) == 32
    assert (items[0]["item_key"], items[0]["factor_number"], items[0]["done"]) == ("case_documented", 1, False)
    ticked = send(client, "put", url(world, "/evidence/case_documented"), {"done": True, "note": "In the memo"}).json()
    assert (ticked["done"], ticked["note"]) == (True, "In the memo")
    readiness = client.get(url(world, "/readiness")).json()
    assert (readiness["factors"][0]["evidence_done"], readiness["factors"][0]["evidence_total"]) == (1, 4)
    send(client, "put", url(world, "/evidence/case_documented"), {"done": False})
    assert EvidenceCheck.objects.get().done is False
    before = snapshot()
    assert refused_fields(send(client, "put", url(world, "/evidence/no_such_item"), {"done": True})) == {"item_key"}
    assert refused_fields(send(client, "put", url(world, "/evidence/case_documented"), {})) == {"done"}
    long_note = {"done": True, "note": "n" * 2001}
    assert refused_fields(send(client, "put", url(world, "/evidence/case_documented"), long_note)) == {"note"}
    assert snapshot() == before


def test_a_readiness_surveys_factor_means_are_recorded(world: World, as_person: Callable[[str], Client]) -> None:
    campaign = readiness_campaign(world.organization, anonymity_threshold=3)
    version = effective_pack(world.organization, "change_management")
    instrument = next(item for item in parsed_pack(version).instruments if item.key == "change_readiness")
    scores = {"ensure_need": 4, "provide_plan": 2}
    answers = {
        statement.key: 6 - scores[statement.dimension] if statement.reverse else scores[statement.dimension]
        for statement in instrument.statements
        if statement.dimension in scores
    }
    for _n in range(3):
        make_response(campaign, answers)
    response = send(as_person("owner"), "post", url(world, "/readiness/from-campaign"), {"campaign_id": campaign.pk})
    assert response.status_code == 201, response.json()
    assert [(row["factor"], row["score"], row["source"], row["campaign_id"]) for row in response.json()] == [
        ("ensure_need", 4.0, "campaign", campaign.pk),
        ("provide_plan", 2.0, "campaign", campaign.pk),
    ]
    factors = as_person("member").get(url(world, "/readiness")).json()["factors"]
    current = [(row["score"], row["source"]) for row in factors[:3]]
    assert current == [(4.0, "campaign"), (2.0, "campaign"), (None, None)]
