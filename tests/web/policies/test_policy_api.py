"""The policies API: policies, reports and answers, signals, tension; roles, tenancy, anonymity, bad input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from spaceforchange.policies.models import Policy, PolicySignal, ScrutinyReport
from tests.factories import make_member, make_organization, make_registered_policy, make_scrutiny_report, make_unit
from tests.integration.policies.conftest import World, judge, stakeholder

pytestmark = pytest.mark.django_db
URL = "/api/v1/organizations/northbay/policies"
REPORT = {"what_happened": "Too little time.", "legitimacy_type": "pragmatic", "frequency": "daily"}


def fields_of(response: Any) -> set[str]:
    return {str(error["loc"][-1]) for error in response.json()["errors"]}


def post(client: Client, url: str, body: object) -> Any:
    return client.post(url, data=body, content_type="application/json")


def patch(client: Client, url: str, body: object) -> Any:
    return client.patch(url, data=body, content_type="application/json")


def test_lead_registers_lists_reads_and_changes_a_policy(world: World, as_person: Callable[[str], Client]) -> None:
    unit = make_unit(world.organization)
    lead = as_person("lead")
    response = post(lead, URL, {"title": "Age limit", "enforcing_unit_ids": [unit.pk]})
    assert response.status_code == 201
    body = response.json()
    assert (body["title"], body["manager_id"], body["enforcing_unit_ids"], body["level"]) == (
        "Age limit",
        None,
        [unit.pk],
        0,
    )
    assert body["unmanaged_since"] == world.today.isoformat()
    listed = as_person("member").get(URL, {"unmanaged": "true"}).json()
    assert [row["id"] for row in listed["items"]] == [body["id"]]
    changed = patch(lead, f"{URL}/{body['id']}", {"manager_id": world.manager.pk}).json()
    assert (changed["manager_id"], changed["unmanaged_since"], changed["enforcing_unit_ids"]) == (
        world.manager.pk,
        None,
        [unit.pk],
    )
    assert as_person("member").get(f"{URL}/{body['id']}").json()["title"] == "Age limit"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"title"}),
        ({"title": "Standard visit times"}, {"title"}),
        ({"title": "x" * 201}, None),
        ({"title": "A", "manager_id": 999_999}, {"manager_id"}),
        ({"title": "A", "enforcing_unit_ids": [999_999]}, {"enforcing_unit_ids"}),
        ({"title": "A", "last_reviewed_on": "2999-01-01"}, {"last_reviewed_on"}),
        ({"title": "A", "next_review_on": "soon"}, None),
        ({"title": ["A"]}, None),
    ],
)
def test_bad_policies_are_422_and_change_nothing(
    world: World, as_person: Callable[[str], Client], body: dict[str, object], fields: set[str] | None
) -> None:
    response = post(as_person("lead"), URL, body)
    assert response.status_code == 422
    if fields is not None:
        assert fields_of(response) == fields, response.json()
    assert Policy.objects.count() == 1


def test_another_organisations_ids_in_bodies_are_refused(world: World, as_person: Callable[[str], Client]) -> None:
    other = make_organization()
    body = {"manager_id": make_member(other).user.pk, "enforcing_unit_ids": [make_unit(other).pk]}
    response = patch(as_person("lead"), f"{URL}/{world.policy.pk}", body)
    assert response.status_code == 422
    assert fields_of(response) == {"manager_id", "enforcing_unit_ids"}
    world.policy.refresh_from_db()
    assert world.policy.manager_id == world.manager.pk


@pytest.mark.parametrize(("name", "status"), [("member", 403), ("oversight", 403), ("leader", 201), ("admin", 201)])
def test_who_registers(world: World, as_person: Callable[[str], Client], name: str, status: int) -> None:
    assert post(as_person(name), URL, {"title": f"By {name}"}).status_code == status


def test_member_cannot_change_a_policy_but_its_manager_can(world: World, as_person: Callable[[str], Client]) -> None:
    assert patch(as_person("member"), f"{URL}/{world.policy.pk}", {"title": "Mine"}).status_code == 403
    assert patch(as_person("manager"), f"{URL}/{world.policy.pk}", {"summary": "Why."}).status_code == 200


def test_reports_anonymity_and_answers(world: World, as_person: Callable[[str], Client]) -> None:
    member = as_person("member")
    created = post(member, f"{URL}/{world.policy.pk}/reports", {**REPORT, "anonymous": True})
    assert created.status_code == 201
    report = created.json()
    assert report["reported_by_id"] == world.member.pk
    for name in ("manager", "lead", "oversight"):
        listed = as_person(name).get(f"{URL}/{world.policy.pk}/reports").json()["items"]
        assert [(row["id"], row["reported_by_id"]) for row in listed] == [(report["id"], None)]
    assert as_person("colleague").get(f"{URL}/{world.policy.pk}/reports").json()["items"] == []
    assert as_person("colleague").get(f"{URL}/{world.policy.pk}/reports/{report['id']}").status_code == 403
    answer_url = f"{URL}/{world.policy.pk}/reports/{report['id']}/answer"
    assert post(as_person("lead"), answer_url, {"answer": "No."}).status_code == 403
    assert post(as_person("manager"), answer_url, {"answer": ""}).status_code == 422
    answered = post(as_person("manager"), answer_url, {"answer": "Ten more minutes."})
    assert answered.status_code == 200 and answered.json()["reported_by_id"] is None
    read = member.get(f"{URL}/{world.policy.pk}/reports/{report['id']}").json()
    assert (read["answer"], read["answered_by_id"]) == ("Ten more minutes.", world.manager.pk)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {**REPORT, "legitimacy_type": "feelings"},
        {**REPORT, "frequency": "hourly"},
        {**REPORT, "what_happened": "x" * 4001},
        {**REPORT, "anonymous": "maybe"},
        {**REPORT, "legitimacy_type": "<script>alert(1)</script>"},
    ],
)
def test_bad_reports_are_422(world: World, as_person: Callable[[str], Client], body: dict[str, object]) -> None:
    assert post(as_person("member"), f"{URL}/{world.policy.pk}/reports", body).status_code == 422
    assert not ScrutinyReport.objects.exists()


def test_signals_and_tension(world: World, as_person: Callable[[str], Client]) -> None:
    signals = f"{URL}/{world.policy.pk}/signals"
    body = {"signal": "media_attention", "period_start": world.today.isoformat(), "count": 2}
    assert post(as_person("member"), signals, body).status_code == 403
    created = post(as_person("manager"), signals, body)
    assert created.status_code == 201 and created.json()["period_start"] == world.today.replace(day=1).isoformat()
    assert [row["count"] for row in as_person("member").get(signals).json()["items"]] == [2]
    judge(world.policy, stakeholder(world.organization, "Union"), "normative", "illegitimate")
    tension = as_person("member").get(f"{URL}/{world.policy.pk}/tension").json()
    assert (tension["policy"], tension["level"], tension["level_key"]) == (world.policy.pk, 3, "escalating")
    assert next(c["key"] for c in tension["components"]) == "judgment_gap"
    assert "Union" in tension["components"][0]["reason"]["text"]
    assert tension["reasons"][0]["code"] == "media_attention"
    assert [point["level"] for point in tension["history"]] == [3]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"signal": "complaints", "count": 1},
        {"signal": "complaints", "period_start": "2026-01-01"},
        {"signal": "scrutiny_report", "period_start": "2026-01-01", "count": 1},
        {"signal": "complaints", "period_start": "2999-01-01", "count": 1},
        {"signal": "complaints", "period_start": "2026-01-01", "count": -1},
        {"signal": "complaints", "period_start": "2026-01-01", "count": 10**12},
    ],
)
def test_bad_signals_are_422(world: World, as_person: Callable[[str], Client], body: dict[str, object]) -> None:
    assert post(as_person("manager"), f"{URL}/{world.policy.pk}/signals", body).status_code == 422
    assert not PolicySignal.objects.exists()


def test_another_organisations_policies_and_reports_are_404(world: World, as_person: Callable[[str], Client]) -> None:
    other = make_organization()
    foreign = make_registered_policy(other, manager=make_member(other).user)
    report = make_scrutiny_report(foreign, foreign.manager)
    client = as_person("lead")
    for url in (
        f"{URL}/{foreign.pk}",
        f"{URL}/{foreign.pk}/reports",
        f"{URL}/{foreign.pk}/signals",
        f"{URL}/{foreign.pk}/tension",
        f"{URL}/{world.policy.pk}/reports/{report.pk}",
    ):
        assert client.get(url).status_code == 404, url
    assert patch(client, f"{URL}/{foreign.pk}", {"title": "Taken"}).status_code == 404
    assert post(client, f"{URL}/{foreign.pk}/reports", REPORT).status_code == 404
    answer = f"{URL}/{world.policy.pk}/reports/{report.pk}/answer"
    assert post(as_person("manager"), answer, {"answer": "x"}).status_code == 404
    assert client.get(f"/api/v1/organizations/{other.slug}/policies").status_code == 404
