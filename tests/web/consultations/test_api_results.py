"""The consultations API's results: the opinion map, its recomputation in the background, participation
over time; roles and tenancy; and the OpenAPI description of every consultations route."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from spaceforchange.consultations import selectors, services
from spaceforchange.consultations.models import OpinionSnapshot, Statement
from tests.web.api.helpers import assert_problem
from tests.web.consultations.conftest import World, two_camps
from tests.web.consultations.test_api import URL, post

pytestmark = pytest.mark.django_db


def results_url(world: World) -> str:
    return f"{URL}/{world.consultation.pk}/results"


def test_results_before_the_first_map_are_empty(world: World, as_person: Callable[[str], Client]) -> None:
    body = as_person("oversight").get(results_url(world)).json()
    assert body == {
        "consultation_id": world.consultation.pk,
        "computed_at": None,
        "votes_counted": None,
        "seconds": None,
        "participants_in": 0,
        "division": None,
        "groups": [],
        "consensus_agree": [],
        "consensus_disagree": [],
        "group_aware_consensus": [],
        "divisive": [],
    }


def test_results_show_two_camps_their_statements_and_the_division(
    world: World, as_person: Callable[[str], Client]
) -> None:
    two_camps(world.consultation)
    snapshot = services.recompute_opinion(consultation=world.consultation)
    body = as_person("manager").get(results_url(world)).json()
    texts = dict(Statement.objects.filter(consultation=world.consultation).values_list("pk", "text"))
    assert (body["participants_in"], body["votes_counted"]) == (24, 240)
    assert body["division"] == pytest.approx(snapshot.division) and body["division"] > 0.5
    assert body["computed_at"].startswith(snapshot.computed_at.strftime("%Y-%m-%dT%H:%M:%S"))
    assert [(group["label"], group["size"]) for group in body["groups"]] == [(0, 12), (1, 12)]
    assert [group["name"] for group in body["groups"]] == ["A", "B"]
    for group in body["groups"]:
        assert group["representative"], group
        for row in group["representative"]:
            assert row["text"] == texts[row["statement_id"]]
            assert row["direction"] in {"agree", "disagree"}
            assert row["n_seen"] == 12 and 0 < row["probability"] < 1
    last = Statement.objects.filter(consultation=world.consultation).order_by("pk").last()
    assert [row["statement_id"] for row in body["consensus_agree"]] == [last.pk]
    assert body["consensus_agree"][0]["n_success"] == 24 and body["consensus_agree"][0]["n_seen"] == 24
    assert body["consensus_disagree"] == []
    assert body["group_aware_consensus"][0]["statement_id"] == last.pk
    assert len(body["divisive"]) == 10 and body["divisive"][-1]["statement_id"] == last.pk
    assert body["divisive"][0]["value"] > 0.8
    values = [row["value"] for row in body["divisive"]]
    assert values == sorted(values, reverse=True)


def test_rejected_statements_leave_the_rankings(world: World, as_person: Callable[[str], Client]) -> None:
    two_camps(world.consultation)
    first = Statement.objects.filter(consultation=world.consultation).order_by("pk").first()
    services.moderate_statement(statement=first, moderation="rejected")
    services.recompute_opinion(consultation=world.consultation)
    body = as_person("lead").get(results_url(world)).json()
    assert first.pk not in {row["statement_id"] for row in body["divisive"] + body["group_aware_consensus"]}


def test_recompute_is_queued_and_runs_in_the_background(
    world: World, as_person: Callable[[str], Client], django_capture_on_commit_callbacks: Any
) -> None:
    two_camps(world.consultation)
    # In production each vote's request commits (queueing its own recomputation); here they share the
    # test's transaction, whose pending queue would make the API's queueing a duplicate. Start afresh.
    transaction.get_connection().run_on_commit.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post(as_person("manager"), f"{results_url(world)}/recompute", {})
    assert response.status_code == 202
    assert response.json() == {"consultation_id": world.consultation.pk, "queued": True, "computed_at": None}
    assert not OpinionSnapshot.objects.exists()  # nothing computed while the request waited
    assert len(callbacks) == 1
    for callback in callbacks:
        callback()
    snapshot = selectors.latest_snapshot(world.consultation)
    assert snapshot is not None and snapshot.votes_counted == 240
    again = post(as_person("lead"), f"{results_url(world)}/recompute", {}).json()
    assert again["computed_at"].startswith(snapshot.computed_at.strftime("%Y-%m-%dT%H:%M:%S"))


@pytest.mark.parametrize(
    ("name", "read", "recompute"),
    [
        ("lead", 200, 202),
        ("manager", 200, 202),
        ("leader", 200, 403),
        ("oversight", 200, 403),
        ("owner", 403, 403),
        ("member", 403, 403),
        ("admin", 403, 403),
    ],
)
def test_who_reads_and_recomputes_results(
    world: World, as_person: Callable[[str], Client], name: str, read: int, recompute: int
) -> None:
    client = as_person(name)
    for url in (results_url(world), f"{URL}/{world.consultation.pk}/participation"):
        response = client.get(url)
        assert response.status_code == read if read == 200 else assert_problem(response, read)
    queued = post(client, f"{results_url(world)}/recompute", {})
    assert queued.status_code == recompute if recompute == 202 else assert_problem(queued, recompute)


def test_participation_over_time(world: World, as_person: Callable[[str], Client]) -> None:
    assert as_person("lead").get(f"{URL}/{world.consultation.pk}/participation").json() == []
    two_camps(world.consultation, size=3)
    today = timezone.localdate()
    days = as_person("leader").get(f"{URL}/{world.consultation.pk}/participation").json()
    assert days == [{"day": today.isoformat(), "joined": 6, "votes": 60, "participants_total": 6, "votes_total": 60}]


def test_routes_answer_only_their_methods_with_problems(world: World, as_person: Callable[[str], Client]) -> None:
    lead = as_person("lead")
    assert_problem(lead.delete(f"{URL}/{world.consultation.pk}"), 405)
    assert_problem(lead.put(results_url(world), data="{}", content_type="application/json"), 405)
    assert_problem(lead.get(f"{results_url(world)}/recompute"), 405)
    assert_problem(lead.get(f"{URL}/{world.consultation.pk}/statements/1/moderation"), 405)


def test_every_consultations_route_is_documented(world: World, client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operations = {
        f"{method.upper()} {route}": operation
        for route, item in schema["paths"].items()
        if "/consultations" in route
        for method, operation in item.items()
    }
    assert len(operations) == 11
    for name, operation in operations.items():
        assert operation["summary"] and operation["description"], name
        assert all(parameter.get("description") for parameter in operation.get("parameters", [])), name
        assert operation["responses"]["404"]["content"]["application/problem+json"], name
    names = {"ConsultationOut", "ConsultationIn", "OpinionResultsOut", "OpinionGroupOut", "ParticipationDayOut"}
    schemas = schema["components"]["schemas"]
    assert names <= set(schemas)
    for schema_name in names:
        assert schemas[schema_name]["description"]
        assert all(prop.get("description") for prop in schemas[schema_name]["properties"].values()), schema_name
