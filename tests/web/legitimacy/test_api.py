"""The legitimacy API: stakeholders, judgments, actions, tactics; 404 for foreign ids (in paths and
bodies), 403 for roles, 422 with every invalid field, and nothing changed by a refusal."""

from __future__ import annotations

import datetime

import pytest

from spaceforchange.legitimacy.models import GrayZoneEntry, Judgment, LegitimationAction, Stakeholder
from tests.factories import make_judgment, make_stakeholder

pytestmark = pytest.mark.django_db

BASE = "/api/v1/organizations/northbay/"


def post(client, url, body):
    return client.post(BASE + url, body, content_type="application/json")


def patch(client, url, body):
    return client.patch(BASE + url, body, content_type="application/json")


def fields(response):
    return sorted({error["loc"][-1] for error in response.json()["errors"] if error["loc"]})


def test_stakeholders_list_create_read_patch(world, filled, as_person):
    client = as_person("lead")
    listed = client.get(BASE + "stakeholders?category=regulator").json()
    assert listed["count"] == 1 and listed["items"][0]["name"] == "County governor"
    assert listed["items"][0]["initiative_ids"] == [world.initiative.pk]
    created = post(
        client,
        "stakeholders",
        {
            "name": "Harbour board",
            "category": "partner",
            "influence": 2,
            "interest": 3,
            "policy_ids": [world.policy.pk],
        },
    )
    assert created.status_code == 201 and created.json()["policy_ids"] == [world.policy.pk]
    pk = created.json()["id"]
    changed = patch(client, f"stakeholders/{pk}", {"influence": 4, "active": False})
    assert changed.status_code == 200 and (changed.json()["influence"], changed.json()["active"]) == (4, False)
    assert client.get(BASE + f"stakeholders/{pk}").json()["name"] == "Harbour board"


def test_stakeholder_422_lists_every_field_and_saves_nothing(world, as_person):
    response = post(
        as_person("lead"),
        "stakeholders",
        {"name": "", "category": "aliens", "kind": "robot", "influence": 9, "interest": 0, "contact_owner_id": 999999},
    )
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert fields(response) == ["contact_owner_id"]  # people are resolved before the service runs
    response = post(as_person("lead"), "stakeholders", {"name": "", "category": "aliens", "kind": "robot"})
    assert fields(response) == ["category", "influence", "interest", "kind", "name"]
    assert not Stakeholder.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        '{"name": ' + '"x' * 300 + '"}',
        '{"influence": "five"}',
        '{"initiative_ids": "all"}',
        "[]",
    ],
)
def test_malformed_and_oversized_bodies_are_4xx(world, as_person, body):
    response = as_person("lead").post(BASE + "stakeholders", body, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert not Stakeholder.objects.exists()


def test_judgments_record_list_read_and_no_patch(world, filled, as_person):
    client = as_person("owner")
    review = (world.today + datetime.timedelta(days=9)).isoformat()
    response = post(
        client,
        "judgments",
        {
            "stakeholder_id": filled.press.pk,
            "initiative_id": world.initiative.pk,
            "legitimacy_type": "normative",
            "state": "conditional_legitimacy",
            "conditions": [{"text": "Open books", "review_on": review}],
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["is_current"] is True and body["conditions"][0]["text"] == "Open books"
    listed = client.get(BASE + f"judgments?initiative_id={world.initiative.pk}&current=true").json()
    assert listed["count"] == 5
    assert client.get(BASE + f"judgments/{body['id']}").json()["state"] == "conditional_legitimacy"
    assert patch(client, f"judgments/{body['id']}", {"state": "legitimate"}).status_code == 405
    assert client.delete(BASE + f"judgments/{body['id']}").status_code == 405


def test_judgment_422_and_403(world, filled, as_person):
    response = post(
        as_person("lead"),
        "judgments",
        {
            "stakeholder_id": filled.press.pk,
            "initiative_id": world.initiative.pk,
            "legitimacy_type": "x",
            "state": "conditional_illegitimacy",
            "evidence": "",
            "unknown_cause": "pending_decision",
        },
    )
    assert response.status_code == 422
    assert fields(response) == ["legitimacy_type", "mitigating_factors", "unknown_cause"]
    both = post(
        as_person("lead"),
        "judgments",
        {"stakeholder_id": filled.press.pk, "initiative_id": world.initiative.pk, "policy_id": world.policy.pk},
    )
    assert both.status_code == 422
    body = {"stakeholder_id": filled.press.pk, "policy_id": world.policy.pk, "legitimacy_type": "regulatory"}
    assert post(as_person("owner"), "judgments", {**body, "state": "legitimate"}).status_code == 403
    assert post(as_person("manager"), "judgments", {**body, "state": "legitimate"}).status_code == 201
    assert as_person("member").get(BASE + "judgments").status_code == 403
    manager_view = as_person("manager").get(BASE + f"judgments?policy_id={world.policy.pk}")
    assert manager_view.status_code == 200 and manager_view.json()["count"] == 2


def test_foreign_ids_are_404_in_paths_and_bodies(world, filled, as_person):
    theirs = make_stakeholder(world.other, "Theirs")
    judgment = make_judgment(theirs, world.foreign_initiative)
    client = as_person("lead")
    before = (Judgment.objects.count(), LegitimationAction.objects.count(), GrayZoneEntry.objects.count())
    for url in (
        f"stakeholders/{theirs.pk}",
        f"judgments/{judgment.pk}",
        f"judgments?initiative_id={world.foreign_initiative.pk}",
    ):
        assert client.get(BASE + url).status_code == 404, url
    assert patch(client, f"stakeholders/{theirs.pk}", {"influence": 1}).status_code == 404
    bodies = [
        ("judgments", {"stakeholder_id": theirs.pk, "initiative_id": world.initiative.pk}),
        ("judgments", {"stakeholder_id": filled.press.pk, "initiative_id": world.foreign_initiative.pk}),
        ("judgments", {"stakeholder_id": filled.press.pk, "policy_id": world.foreign_policy.pk}),
        ("actions", {"initiative_id": world.foreign_initiative.pk, "strategy": "storytelling"}),
        ("actions", {"initiative_id": world.initiative.pk, "stakeholder_ids": [filled.press.pk, theirs.pk]}),
        ("tactics", {"policy_id": world.foreign_policy.pk}),
        ("stakeholders", {"name": "X", "initiative_ids": [world.foreign_initiative.pk]}),
    ]
    for url, body in bodies:
        assert post(client, url, body).status_code == 404, (url, body)
    assert (
        patch(client, f"stakeholders/{filled.press.pk}", {"policy_ids": [world.foreign_policy.pk]}).status_code == 404
    )
    after = (Judgment.objects.count(), LegitimationAction.objects.count(), GrayZoneEntry.objects.count())
    assert before == after
    assert as_person("stranger").get(BASE + "stakeholders").status_code == 404


def test_actions_plan_patch_and_done(world, filled, as_person):
    client = as_person("owner")
    response = post(
        client,
        "actions",
        {
            "initiative_id": world.initiative.pk,
            "strategy": "symbolic_actions",
            "goal": "maintain",
            "mode": "conform",
            "description": "Ribbon",
            "stakeholder_ids": [filled.union.pk],
            "owner_id": world.owner.pk,
        },
    )
    assert response.status_code == 201
    pk = response.json()["id"]
    done = patch(client, f"actions/{pk}", {"outcome": "Went well", "done_on": world.today.isoformat()})
    assert done.status_code == 200 and done.json()["done_on"] == world.today.isoformat()
    bad = patch(client, f"actions/{pk}", {"strategy": "bribe", "outcome": "", "done_on": "2999-01-01"})
    assert bad.status_code == 422 and fields(bad) == ["strategy"]
    assert LegitimationAction.objects.get(pk=pk).strategy == "symbolic_actions"
    assert patch(client, f"actions/{pk}", {"initiative_id": world.initiative.pk}).status_code == 422
    assert patch(as_person("oversight"), f"actions/{pk}", {"description": "x"}).status_code == 403
    listed = as_person("oversight").get(BASE + "actions").json()
    assert listed["count"] == 2


def test_tactics_register_approve_end_and_the_matrix(world, filled, as_person):
    owner = as_person("owner")
    body = {
        "initiative_id": world.initiative.pk,
        "tactic": "mystifying",
        "rule_concerned": "Form X",
        "rationale": "Because",
        "risks": "Some",
        "accountable_id": world.manager.pk,
        "review_on": world.today.isoformat(),
    }
    created = post(owner, "tactics", body)
    assert created.status_code == 201 and created.json()["status"] == "proposed"
    assert created.json()["approved"] is False
    pk = created.json()["id"]
    assert post(owner, f"tactics/{pk}/approve", {}).status_code == 422  # the proposer
    assert post(as_person("oversight"), f"tactics/{pk}/approve", {}).status_code == 422
    assert post(as_person("member"), f"tactics/{pk}/approve", {}).status_code == 403
    approved = post(as_person("leader"), f"tactics/{pk}/approve", {"note": "Yes"})
    assert approved.status_code == 200 and approved.json()["approved"] is True
    assert [e["status"] for e in approved.json()["events"]] == ["proposed", "approved"]
    assert patch(owner, f"tactics/{pk}", {"rationale": "New"}).status_code == 422
    assert patch(owner, f"tactics/{pk}", {"risks": "More"}).json()["risks"] == "More"
    assert post(owner, f"tactics/{pk}/end", {"reason": ""}).status_code == 422
    ended = post(owner, f"tactics/{pk}/end", {"reason": "Done"})
    assert ended.json()["status"] == "ended"
    assert owner.delete(BASE + f"tactics/{pk}").status_code == 405
    assert as_person("owner").get(BASE + "tactics").status_code == 403
    assert as_person("oversight").get(BASE + "tactics").json()["count"] == 3
    missing = post(owner, "tactics", {"initiative_id": world.initiative.pk})
    assert fields(missing) == ["accountable_id", "rationale", "review_on", "risks", "rule_concerned", "tactic"]


def test_openapi_describes_every_legitimacy_schema_property(world, as_person):
    schema = as_person("lead").get("/api/v1/openapi.json").json()
    paths = [path for path in schema["paths"] if "/stakeholders" in path or "/tactics" in path]
    assert "/api/v1/organizations/{org_slug}/tactics/{entry_id}/approve" in paths
    names = ("StakeholderOut", "StakeholderIn", "JudgmentOut", "JudgmentIn", "ActionOut", "ActionIn", "TacticOut",
             "TacticIn", "ConditionOut", "EventOut")  # fmt: skip
    for name in names:
        properties = schema["components"]["schemas"][name]["properties"]
        undescribed = [key for key, value in properties.items() if not value.get("description")]
        assert undescribed == [], name


def test_oversized_ids_are_404_not_500(world, as_person):
    client = as_person("lead")
    big = "9" * 25
    for url in (
        f"/o/northbay/legitimacy/stakeholders/{big}/",
        f"/o/northbay/legitimacy/initiatives/{big}/",
        f"{BASE}stakeholders/{big}",
        f"{BASE}judgments?initiative_id={big}",
    ):
        assert client.get(url).status_code == 404, url
    body = {"stakeholder_id": int(big), "initiative_id": world.initiative.pk}
    assert post(client, "judgments", body).status_code == 404
