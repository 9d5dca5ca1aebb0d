"""The API of an initiative's transitions, constraints, backing and setbacks."""

from __future__ import annotations

import pytest

from spaceforchange.portfolio import record_services, services
from spaceforchange.portfolio.models import Backing, Constraint, Setback, StageTransition
from tests.factories import make_member, make_organization

pytestmark = pytest.mark.django_db

BASE = "/api/v1/organizations/northbay/initiatives"


def path(world, suffix):
    return f"{BASE}/{world.initiative.pk}/{suffix}"


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_initiative_carries_the_new_fields(world, as_person):
    services.update_initiative(initiative=world.initiative, change_form="incremental_change", uses_ai=True)
    body = as_person("member").get(f"{BASE}/{world.initiative.pk}").json()
    assert (body["change_form"], body["initiator_level"], body["uses_ai"], body["stage"]) == (
        "incremental_change",
        "",
        True,
        "idea",
    )


def test_transitions_list_and_create_with_refusal(world, as_person):
    client = as_person("owner")
    body = {"to_stage": "experiment", "decided_by_id": world.lead.pk, "decided_on": world.today.isoformat()}
    response = post(client, path(world, "transitions"), body)
    assert response.status_code == 201
    assert (response.json()["from_stage"], response.json()["to_stage"]) == ("idea", "experiment")
    response = post(client, path(world, "transitions"), {**body, "to_stage": "scaling"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {
            "loc": ["body", "to_stage"],
            "msg": "Scaling needs named senior backing (at least Formal mandate); no senior backer is recorded.",
            "type": "invalid",
        }
    ]
    listed = client.get(path(world, "transitions")).json()
    assert listed["count"] == 2 and [item["to_stage"] for item in listed["items"]] == ["idea", "experiment"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"to_stage": "experiment", "decided_by_id": 999999, "decided_on": "2020-01-01"},
        {"to_stage": "experiment", "decided_on": "yesterday"},
        {"to_stage": "x" * 21},
    ],
)
def test_bad_transitions_are_422_and_change_nothing(world, as_person, body):
    response = post(as_person("lead"), path(world, "transitions"), body)
    assert response.status_code == 422 and response.json()["errors"]
    assert StageTransition.objects.count() == 1


def test_foreign_decider_is_an_invalid_value(world, as_person):
    stranger = make_member(make_organization()).user
    body = {"to_stage": "experiment", "decided_by_id": stranger.pk, "decided_on": world.today.isoformat()}
    response = post(as_person("lead"), path(world, "transitions"), body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "decided_by_id"]


def test_member_may_read_but_not_write(world, as_person):
    client = as_person("member")
    for suffix in ("transitions", "constraints", "backing", "setbacks"):
        assert client.get(path(world, suffix)).status_code == 200
        response = post(client, path(world, suffix), {})
        assert response.status_code == 403, suffix
    assert not Constraint.objects.exists()


def test_teammate_records_but_cannot_move(world, as_person):
    client = as_person("teammate")
    assert post(client, path(world, "transitions"), {"to_stage": "experiment"}).status_code == 403
    assert post(client, path(world, "setbacks"), {"description": "Storm", "support_held": False}).status_code == 201
    assert list(Setback.objects.values_list("description", "support_held")) == [("Storm", False)]


def test_constraints_create_list_and_status(world, as_person):
    client = as_person("owner")
    body = {"family": "cognitive", "description": "Belief", "severity": 4, "mitigation": "Visit"}
    response = post(client, path(world, "constraints"), body)
    assert response.status_code == 201
    created = response.json()
    assert (created["status"], created["severity"], created["added_on"]) == ("active", 4, world.today.isoformat())
    response = post(client, path(world, f"constraints/{created['id']}/status"), {"status": "removed", "note": "Gone"})
    assert response.status_code == 201 and response.json()["status"] == "removed"
    listed = client.get(path(world, "constraints")).json()
    assert [item["status"] for item in listed["items"]] == ["removed"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"family": "astral", "description": "x", "severity": 3},
        {"family": "political", "description": "x", "severity": 7},
        {"family": "political", "description": "x", "severity": "high"},
        {"family": "political", "description": "x" * 2001, "severity": 3},
        {"family": "political", "description": "x", "severity": 3, "added_on": "2999-01-01"},
    ],
)
def test_bad_constraints_are_422(world, as_person, body):
    response = post(as_person("owner"), path(world, "constraints"), body)
    assert response.status_code == 422 and response.json()["errors"]
    assert not Constraint.objects.exists()


def test_constraint_of_another_initiative_is_404(world, as_person):
    sibling = services.create_initiative(organization=world.organization, title="Sibling")
    constraint = record_services.record_constraint(initiative=sibling, family="political", description="x", severity=1)
    response = post(as_person("lead"), path(world, f"constraints/{constraint.pk}/status"), {"status": "removed"})
    assert response.status_code == 404
    constraint.refresh_from_db()
    assert constraint.status == "active"


def test_backing_create_and_list(world, as_person):
    client = as_person("owner")
    assert (
        post(
            client,
            path(world, "backing"),
            {"backer_id": world.lead.pk, "level": "senior_leader", "commitment": "budget"},
        ).status_code
        == 201
    )
    response = post(client, path(world, "backing"), {"backer_name": "Mayor", "level": "politician", "commitment": None})
    assert response.status_code == 201 and response.json()["commitment"] is None
    items = client.get(path(world, "backing")).json()["items"]
    assert [(item["backer_name"], item["commitment"]) for item in items] == [
        (str(world.lead), "budget"),
        ("Mayor", None),
    ]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"backer_name": "A", "level": "emperor", "commitment": "verbal"},
        {"backer_name": "A", "level": "politician", "commitment": "oath"},
        {"backer_id": 999999, "level": "politician", "commitment": "verbal"},
    ],
)
def test_bad_backing_is_422(world, as_person, body):
    response = post(as_person("owner"), path(world, "backing"), body)
    assert response.status_code == 422
    assert not Backing.objects.exists()


def test_foreign_initiative_is_404_on_every_record_route(world, as_person):
    foreign = services.create_initiative(organization=make_organization(), title="Theirs")
    client = as_person("lead")
    for suffix in ("transitions", "constraints", "backing", "setbacks"):
        url = f"{BASE}/{foreign.pk}/{suffix}"
        assert client.get(url).status_code == 404
        assert post(client, url, {"description": "x"}).status_code == 404
    assert not Setback.objects.exists()


def test_openapi_describes_every_new_operation(world, as_person):
    schema = as_person("member").get("/api/v1/openapi.json").json()
    prefix = "/api/v1/organizations/{org_slug}/initiatives/{initiative_id}/"
    for suffix in ("transitions", "constraints", "backing", "setbacks", "constraints/{constraint_id}/status"):
        operations = schema["paths"][prefix + suffix]
        for operation in operations.values():
            assert operation["summary"] and operation["description"]
    for name in ("TransitionIn", "ConstraintIn", "BackingIn", "SetbackIn", "ConstraintOut", "BackingOut"):
        component = schema["components"]["schemas"][name]
        assert component["description"]
        assert all(prop.get("description") for prop in component["properties"].values()), name


def test_lead_registers_an_initiative_with_links(world, as_person):
    from tests.factories import make_unit

    unit, other_unit = make_unit(world.organization, "Care"), make_unit(world.organization, "Health")
    goal = services.create_goal(organization=world.organization, title="Greener")
    body = {
        "title": "Sensors",
        "stage": "experiment",
        "change_form": "bold_experimentation",
        "unit_id": unit.pk,
        "unit_ids": [other_unit.pk],
        "owner_id": world.owner.pk,
        "team_ids": [world.teammate.pk],
        "goal_ids": [goal.pk],
        "uses_ai": True,
    }
    response = post(as_person("lead"), BASE, body)
    assert response.status_code == 201
    created = response.json()
    assert (created["stage"], created["unit_id"], created["unit_ids"], created["goal_ids"], created["uses_ai"]) == (
        "experiment",
        unit.pk,
        [other_unit.pk],
        [goal.pk],
        True,
    )
    assert created["team_ids"] == [world.teammate.pk] and created["owner_email"] == world.owner.email


def test_registering_needs_the_role_and_valid_ids(world, as_person):
    assert post(as_person("owner"), BASE, {"title": "Mine"}).status_code == 403
    foreign_goal = services.create_goal(organization=make_organization(), title="Theirs")
    response = post(as_person("lead"), BASE, {"title": "New", "goal_ids": [foreign_goal.pk], "owner_id": 999999})
    assert response.status_code == 422
    assert {tuple(error["loc"]) for error in response.json()["errors"]} == {("body", "goal_ids"), ("body", "owner_id")}
    assert post(as_person("lead"), BASE, {}).status_code == 422
    assert not world.organization.initiatives.filter(title__in=["Mine", "New"]).exists()


def test_owner_patches_only_the_fields_sent(world, as_person):
    url = f"{BASE}/{world.initiative.pk}"
    client = as_person("owner")
    response = client.patch(url, {"trigger": "crisis", "team_ids": []}, content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["trigger"], response.json()["team_ids"], response.json()["title"]) == (
        "crisis",
        [],
        "Night watch",
    )
    response = client.patch(url, {"trigger": "boredom", "stage": "scaling"}, content_type="application/json")
    assert response.status_code == 422
    world.initiative.refresh_from_db()
    assert (world.initiative.trigger, world.initiative.stage) == ("crisis", "idea")
    assert as_person("teammate").patch(url, {"title": "X"}, content_type="application/json").status_code == 403
