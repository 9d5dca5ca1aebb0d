"""The consultations API: consultations, statements, moderation, invitations; roles, tenancy, bad input."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from spaceforchange.consultations import services
from spaceforchange.consultations.models import Consultation, Invitation, Statement
from tests.factories import make_registered_policy
from tests.web.api.helpers import assert_problem, bearer, issue_token
from tests.web.consultations.conftest import World

pytestmark = pytest.mark.django_db
URL = "/api/v1/organizations/northbay/consultations"
QUERIES = 7


def post(client: Client, url: str, body: object) -> Any:
    return client.post(url, data=body, content_type="application/json")


def patch(client: Client, url: str, body: object) -> Any:
    return client.patch(url, data=body, content_type="application/json")


def fields_of(response: Any) -> set[str]:
    return {str(error["loc"][-1]) for error in response.json()["errors"]}


def snapshot_of(world: World) -> list[tuple[Any, ...]]:
    """Everything the endpoints could change, to prove a refused request changed nothing."""
    consultations = Consultation.objects.order_by("pk").values_list(
        "pk", "title", "description", "policy_id", "initiative_id", "opens_at", "closes_at", "access", "languages"
    )
    statements = Statement.objects.order_by("pk").values_list("pk", "text", "moderation")
    return [*consultations, *statements, *Invitation.objects.order_by("pk").values_list("pk", "label")]


# --- Consultations --------------------------------------------------------------------------------


def test_lead_creates_lists_reads_and_changes_a_consultation(world: World, as_person: Callable[[str], Client]) -> None:
    lead = as_person("lead")
    opens = (timezone.now() - datetime.timedelta(hours=1)).replace(microsecond=0)
    body = {
        "title": "  Should libraries open on Sundays?  ",
        "description": "The library board asks.",
        "initiative_id": world.initiative.pk,
        "opens_at": opens.isoformat(),
        "access": "invite",
        "strict_moderation": True,
        "languages": ["en", "nb"],
        "seed_statements": ["Sunday opening helps families.", "Staff need their Sundays."],
    }
    response = post(lead, URL, body)
    assert response.status_code == 201, response.content
    created = response.json()
    consultation = Consultation.objects.get(pk=created["id"])
    assert created["title"] == "Should libraries open on Sundays?"
    assert (created["initiative_id"], created["policy_id"], created["access"], created["status"]) == (
        world.initiative.pk,
        None,
        "invite",
        "open",
    )
    assert (created["strict_moderation"], created["allow_participant_statements"]) == (True, True)
    assert created["languages"] == ["en", "nb"]
    assert (created["statement_count"], created["participant_count"], created["pending_count"]) == (2, 0, 0)
    assert created["created_by_id"] == world.lead.pk
    assert created["public_url"] == f"http://testserver/c/{consultation.public_token}/"
    assert datetime.datetime.fromisoformat(created["opens_at"]) == opens

    listed = lead.get(URL, {"q": "sunday"}).json()
    assert (listed["count"], [row["id"] for row in listed["items"]]) == (1, [created["id"]])
    assert [row["id"] for row in lead.get(URL, {"status": "draft"}).json()["items"]] == []
    assert lead.get(f"{URL}/{created['id']}").json()["title"] == created["title"]

    closes = (timezone.now() + datetime.timedelta(days=10)).replace(microsecond=0)
    changed = patch(lead, f"{URL}/{created['id']}", {"closes_at": closes.isoformat(), "policy_id": world.policy.pk})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["policy_id"], changed.json()["description"]) == (world.policy.pk, "The library board asks.")
    assert datetime.datetime.fromisoformat(changed.json()["closes_at"]) == closes
    cleared = patch(lead, f"{URL}/{created['id']}", {"policy_id": None, "closes_at": None}).json()
    assert (cleared["policy_id"], cleared["closes_at"]) == (None, None)


def test_the_list_shows_each_person_what_they_may_see(world: World, as_person: Callable[[str], Client]) -> None:
    expected = {"lead": 1, "leader": 1, "oversight": 1, "manager": 1, "owner": 0, "member": 0, "admin": 0}
    for name, count in expected.items():
        body = as_person(name).get(URL).json()
        assert (body["count"], len(body["items"])) == (count, count), name
    assert as_person("lead").get(URL).json()["items"][0]["id"] == world.consultation.pk


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("lead", 200),
        ("leader", 200),
        ("oversight", 200),
        ("manager", 200),
        ("owner", 403),
        ("member", 403),
        ("admin", 403),
    ],
)
def test_who_reads_a_consultation(world: World, as_person: Callable[[str], Client], name: str, status: int) -> None:
    response = as_person(name).get(f"{URL}/{world.consultation.pk}")
    if status == 200:
        assert response.json()["id"] == world.consultation.pk
    else:
        assert_problem(response, status)


@pytest.mark.parametrize(
    ("name", "body", "status"),
    [
        ("lead", {}, 201),
        ("manager", {"policy_id": "policy"}, 201),
        ("manager", {}, 403),
        ("leader", {}, 403),
        ("oversight", {}, 403),
        ("member", {}, 403),
        ("admin", {}, 403),
    ],
)
def test_who_creates(
    world: World, as_person: Callable[[str], Client], name: str, body: dict[str, Any], status: int
) -> None:
    values = {"title": "A new question", **{key: world.policy.pk for key in body}}
    before = Consultation.objects.count()
    response = post(as_person(name), URL, values)
    if status == 201:
        assert response.status_code == 201 and response.json()["policy_id"] == values.get("policy_id")
        assert Consultation.objects.count() == before + 1
    else:
        assert_problem(response, status)
        assert Consultation.objects.count() == before


def test_a_policy_manager_links_only_policies_they_manage(world: World, as_person: Callable[[str], Client]) -> None:
    unmanaged = make_registered_policy(world.organization, "Library hours")
    before = snapshot_of(world)
    assert_problem(post(as_person("manager"), URL, {"title": "Q", "policy_id": unmanaged.pk}), 403)
    assert_problem(patch(as_person("manager"), f"{URL}/{world.consultation.pk}", {"policy_id": unmanaged.pk}), 403)
    assert snapshot_of(world) == before
    kept = patch(as_person("manager"), f"{URL}/{world.consultation.pk}", {"policy_id": world.policy.pk, "title": "Q2"})
    assert kept.json()["title"] == "Q2"


@pytest.mark.parametrize(("name", "status"), [("lead", 200), ("manager", 200), ("leader", 403), ("oversight", 403)])
def test_who_changes(world: World, as_person: Callable[[str], Client], name: str, status: int) -> None:
    response = patch(as_person(name), f"{URL}/{world.consultation.pk}", {"description": "New words."})
    if status == 200:
        assert response.json()["description"] == "New words."
    else:
        assert_problem(response, status)
        assert Consultation.objects.get(pk=world.consultation.pk).description != "New words."


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"title"}),
        ({"title": "   "}, {"title"}),
        ({"title": "x" * 301}, {"title"}),
        ({"title": "Q", "description": "x" * 4001}, {"description"}),
        ({"title": "Q", "access": "everyone"}, {"access"}),
        ({"title": "Q", "opens_at": "2030-01-01T10:00:00"}, {"opens_at"}),
        ({"title": "Q", "opens_at": "yesterday"}, {"opens_at"}),
        ({"title": "Q", "closes_at": "2000-01-01T00:00:00Z"}, {"closes_at"}),
        ({"title": "Q", "languages": ["en", "<script>"]}, {"languages"}),
        ({"title": "Q", "languages": ["en"] * 11}, {"languages"}),
        ({"title": "Q", "languages": "en"}, {"languages"}),
        ({"title": "Q", "policy_id": 999_999}, {"policy_id"}),
        ({"title": "Q", "initiative_id": "one"}, {"initiative_id"}),
        ({"title": "Q", "seed_statements": ["x" * 401]}, {"seed_statements"}),
        ({"title": "Q", "seed_statements": ["s"] * 201}, {"seed_statements"}),
        ({"title": None}, {"title"}),
        ({"title": "Q", "strict_moderation": None}, {"strict_moderation"}),
        ({"title": "Q", "allow_participant_statements": "perhaps"}, {"allow_participant_statements"}),
    ],
)
def test_bad_consultations_are_422_and_change_nothing(
    world: World, as_person: Callable[[str], Client], body: dict[str, Any], fields: set[str]
) -> None:
    before = snapshot_of(world)
    response = post(as_person("lead"), URL, body)
    assert_problem(response, 422)
    assert fields <= fields_of(response)
    changed = patch(
        as_person("lead"),
        f"{URL}/{world.consultation.pk}",
        {"title": ""} if "seed_statements" in body or not body else body,
    )
    assert_problem(changed, 422)
    assert snapshot_of(world) == before


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ("{not json", 400),
        ("[1, 2]", 422),
        ('"a string"', 422),
        ("3", 422),
        ("null", 422),
        (json.dumps({"title": "Q", "description": "x" * 3_000_000}), 413),
    ],
)
def test_malformed_and_oversized_bodies_are_problems(
    world: World, as_person: Callable[[str], Client], data: str, status: int
) -> None:
    before = snapshot_of(world)
    for response in (
        as_person("lead").post(URL, data=data, content_type="application/json"),
        as_person("lead").patch(f"{URL}/{world.consultation.pk}", data=data, content_type="application/json"),
        as_person("lead").post(f"{URL}/{world.consultation.pk}/statements", data=data, content_type="application/json"),
    ):
        # A body that is JSON but no object is a 422 here; a project-wide parser may refuse it as a 400.
        assert_problem(response, 400 if status == 422 and response.status_code == 400 else status)
    assert snapshot_of(world) == before


def test_hostile_text_is_stored_as_text(world: World, as_person: Callable[[str], Client]) -> None:
    hostile = '<script>alert(1)</script> =HYPERLINK("http://x") \'; DROP TABLE consultations; --'
    response = post(as_person("lead"), URL, {"title": hostile, "seed_statements": [hostile]})
    assert response.status_code == 201
    assert response.json()["title"] == hostile
    assert Statement.objects.get(consultation_id=response.json()["id"]).text == hostile


def test_another_organisations_consultations_are_404(world: World, as_person: Callable[[str], Client]) -> None:
    other = world.other_consultation
    lead = as_person("lead")
    before = snapshot_of(world)
    for response in (
        lead.get(f"{URL}/{other.pk}"),
        patch(lead, f"{URL}/{other.pk}", {"title": "Mine now"}),
        lead.get(f"{URL}/{other.pk}/statements"),
        post(lead, f"{URL}/{other.pk}/statements", {"text": "Mine too"}),
        post(lead, f"{URL}/{other.pk}/statements/{other.statements.get().pk}/moderation", {"moderation": "rejected"}),
        post(lead, f"{URL}/{other.pk}/invitations", {"count": 2}),
        lead.get(f"{URL}/{other.pk}/results"),
        post(lead, f"{URL}/{other.pk}/results/recompute", {}),
        lead.get(f"{URL}/{other.pk}/participation"),
        lead.get("/api/v1/organizations/southbay/consultations"),
        lead.get(f"/api/v1/organizations/southbay/consultations/{other.pk}"),
        post(lead, "/api/v1/organizations/southbay/consultations", {"title": "Q"}),
        lead.get(f"{URL}/999999"),
    ):
        assert_problem(response, 404)
    assert snapshot_of(world) == before
    foreign_statement = other.statements.get().pk
    answer = post(lead, f"{URL}/{world.consultation.pk}/statements/{foreign_statement}/moderation", {"moderation": "x"})
    assert_problem(answer, 404)


def test_anonymous_and_bad_tokens_are_401_and_tokens_work(world: World) -> None:
    anonymous = Client()
    assert_problem(anonymous.get(URL), 401)
    assert_problem(post(anonymous, URL, {"title": "Q"}), 401)
    assert_problem(Client().get(URL, headers=bearer("sfc_not-a-token")), 401)
    token = issue_token(world.lead)
    response = Client().post(URL, data={"title": "By token"}, content_type="application/json", headers=bearer(token))
    assert response.status_code == 201
    assert Consultation.objects.get(pk=response.json()["id"]).created_by == world.lead


# --- Statements and moderation --------------------------------------------------------------------


def test_statements_are_listed_added_and_moderated(world: World, as_person: Callable[[str], Client]) -> None:
    consultation = world.consultation
    statements_url = f"{URL}/{consultation.pk}/statements"
    participant, _secret = services.join_consultation(consultation=consultation)
    first = consultation.statements.order_by("pk").first()
    services.cast_vote(participant=participant, statement=first, value=1)
    written = services.submit_statement(participant=participant, text="Evenings matter most.")
    page = as_person("leader").get(statements_url, {"limit": 3}).json()
    assert page["count"] == 11 and len(page["items"]) == 3
    top = page["items"][0]
    assert (top["id"], top["text"], top["agrees"], top["disagrees"], top["passes"]) == (first.pk, first.text, 1, 0, 0)
    assert (top["is_seed"], top["by_participant"], top["moderation"]) == (True, False, "accepted")
    pending = as_person("lead").get(statements_url, {"moderation": "pending"}).json()["items"]
    assert [(row["id"], row["by_participant"], row["is_seed"]) for row in pending] == [(written.pk, True, False)]

    added = post(as_person("manager"), statements_url, {"text": " Weekends too. ", "language": "en"})
    assert added.status_code == 201
    assert (added.json()["text"], added.json()["language"], added.json()["moderation"]) == (
        "Weekends too.",
        "en",
        "accepted",
    )

    moderated = post(as_person("lead"), f"{statements_url}/{written.pk}/moderation", {"moderation": "rejected"})
    assert moderated.status_code == 200 and moderated.json()["moderation"] == "rejected"
    assert Statement.objects.get(pk=written.pk).moderation == "rejected"
    assert as_person("lead").get(f"{URL}/{consultation.pk}").json()["pending_count"] == 0


@pytest.mark.parametrize(
    ("name", "view", "change"),
    [
        ("lead", 200, 201),
        ("manager", 200, 201),
        ("leader", 200, 403),
        ("oversight", 200, 403),
        ("owner", 403, 403),
        ("member", 403, 403),
        ("admin", 403, 403),
    ],
)
def test_who_reads_adds_and_moderates_statements(
    world: World, as_person: Callable[[str], Client], name: str, view: int, change: int
) -> None:
    client = as_person(name)
    statements_url = f"{URL}/{world.consultation.pk}/statements"
    listed = client.get(statements_url)
    assert listed.status_code == view if view == 200 else assert_problem(listed, view)
    added = post(client, statements_url, {"text": f"Said by {name}."})
    if change == 201:
        assert added.status_code == 201
    else:
        assert_problem(added, change)
        assert not Statement.objects.filter(text=f"Said by {name}.").exists()
    target = world.consultation.statements.order_by("pk").first()
    moderated = post(client, f"{statements_url}/{target.pk}/moderation", {"moderation": "rejected"})
    expected = 200 if change == 201 else (403 if view == 200 else view)
    if expected == 200:
        assert moderated.json()["moderation"] == "rejected"
    else:
        assert_problem(moderated, expected)
        assert Statement.objects.get(pk=target.pk).moderation == "accepted"


@pytest.mark.parametrize(
    ("path_end", "body", "field"),
    [
        ("statements", {}, "text"),
        ("statements", {"text": "  "}, "text"),
        ("statements", {"text": "x" * 401}, "text"),
        ("statements", {"text": "Statement number 1 about visiting hours."}, "text"),
        ("statements", {"text": "Fine.", "language": "x" * 17}, "language"),
        ("statements/{statement}/moderation", {}, "moderation"),
        ("statements/{statement}/moderation", {"moderation": "deleted"}, "moderation"),
        ("statements/{statement}/moderation", {"moderation": ["accepted"]}, "moderation"),
    ],
)
def test_bad_statements_and_moderation_are_422_and_change_nothing(
    world: World, as_person: Callable[[str], Client], path_end: str, body: dict[str, Any], field: str
) -> None:
    statement = world.consultation.statements.order_by("pk").first()
    before = snapshot_of(world)
    url = f"{URL}/{world.consultation.pk}/" + path_end.format(statement=statement.pk)
    response = post(as_person("lead"), url, body)
    assert_problem(response, 422)
    assert field in fields_of(response)
    assert snapshot_of(world) == before


def test_no_statements_are_added_to_a_closed_consultation(world: World, as_person: Callable[[str], Client]) -> None:
    services.close_consultation(consultation=world.consultation)
    response = post(as_person("lead"), f"{URL}/{world.consultation.pk}/statements", {"text": "Too late."})
    assert "closed" in assert_problem(response, 422)["detail"]
    assert not Statement.objects.filter(text="Too late.").exists()


# --- Invitations ----------------------------------------------------------------------------------


def test_invitation_links_for_an_invite_only_consultation(world: World, as_person: Callable[[str], Client]) -> None:
    consultation = services.update_consultation(consultation=world.consultation, access="invite")
    response = post(as_person("manager"), f"{URL}/{consultation.pk}/invitations", {"count": 3, "label": "Ward 2"})
    assert response.status_code == 201
    links = response.json()
    assert len(links) == 3 and {link["label"] for link in links} == {"Ward 2"}
    tokens = dict(Invitation.objects.filter(consultation=consultation).values_list("pk", "token"))
    assert {link["url"] for link in links} == {
        f"http://testserver/c/{consultation.public_token}/?invitation={tokens[link['id']]}" for link in links
    }
    assert all(link["used_at"] is None for link in links)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "count"),
        ({"count": 0}, "count"),
        ({"count": 1001}, "count"),
        ({"count": "many"}, "count"),
        ({"count": 2, "label": "x" * 201}, "label"),
        ({"count": 2.5}, "count"),
    ],
)
def test_bad_invitations_are_422_and_create_nothing(
    world: World, as_person: Callable[[str], Client], body: dict[str, Any], field: str
) -> None:
    services.update_consultation(consultation=world.consultation, access="invite")
    response = post(as_person("lead"), f"{URL}/{world.consultation.pk}/invitations", body)
    assert_problem(response, 422)
    assert field in fields_of(response)
    assert not Invitation.objects.exists()


def test_invitations_are_refused_for_a_public_consultation_and_to_readers(
    world: World, as_person: Callable[[str], Client]
) -> None:
    public = post(as_person("lead"), f"{URL}/{world.consultation.pk}/invitations", {"count": 2})
    assert "access" in fields_of(assert_problem(public, 422) and public)
    services.update_consultation(consultation=world.consultation, access="invite")
    for name, status in (("leader", 403), ("oversight", 403), ("member", 403)):
        assert_problem(post(as_person(name), f"{URL}/{world.consultation.pk}/invitations", {"count": 2}), status)
    assert not Invitation.objects.exists()


def test_lists_take_the_same_queries_for_one_row_or_many(
    world: World, as_person: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    lead = as_person("lead")
    statements_url = f"{URL}/{world.consultation.pk}/statements"
    for number in range(5):
        post(lead, URL, {"title": f"Question {number}", "seed_statements": [f"A statement {number}."]})
        post(lead, statements_url, {"text": f"One more statement {number}."})
    # The session, the person, the membership and its roles, the page and its count, whatever the length.
    with django_assert_max_num_queries(QUERIES):
        assert lead.get(URL).json()["count"] == 6
    with django_assert_max_num_queries(QUERIES):
        assert lead.get(statements_url).json()["count"] == 15
