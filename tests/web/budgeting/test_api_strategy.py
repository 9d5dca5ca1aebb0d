"""The strategy API: the strategy, revisions, goal contributions; roles, tenancy and bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from spaceforchange.api import services as api_services
from spaceforchange.budgeting.models import GoalContribution, StrategicGoal, StrategyRevision
from spaceforchange.portfolio import services as portfolio_services
from tests.factories import make_member, make_organization, make_unit
from tests.integration.budgeting.conftest import World

pytestmark = pytest.mark.django_db
ORG = "/api/v1/organizations/northbay"
STRATEGY = f"{ORG}/strategy"
REVISIONS = f"{STRATEGY}/revisions"


def post(client: Client, url: str, body: object) -> Any:
    return client.post(url, data=body, content_type="application/json")


def put(client: Client, url: str, body: object) -> Any:
    return client.put(url, data=body, content_type="application/json")


def fields_of(response: Any) -> set[str]:
    return {str(error["loc"][-1]) for error in response.json()["errors"]}


def revision_body(world: World, **changes: object) -> dict[str, Any]:
    digital, climate, _early = world.goals
    goals = [
        {"id": digital.pk, "weight": 40, "owner_id": world.lead.pk, "description": "Online first."},
        {"id": climate.pk, "weight": 20},
        {"title": "Young people thrive", "weight": 40},
    ]
    body: dict[str, Any] = {
        "vision": "A municipality for every age.",
        "summary": "Early help retired; young people added.",
        "reason": "The survey.",
        "goals": goals,
    }
    return body | changes


def test_strategy_shows_vision_goals_weights_and_owners(world: World, as_person: Callable[[str], Client]) -> None:
    body = as_person("member").get(STRATEGY).json()
    assert (body["vision"], body["cadence_months"], body["overdue"], body["revision_count"]) == (
        "A municipality that learns.",
        12,
        False,
        1,
    )
    assert body["next_revision_due"] is not None and body["last_revised_at"] is not None
    assert [(goal["title"], goal["weight"], goal["active"]) for goal in body["goals"]] == [
        ("Digital services", 50, True),
        ("Climate", 30, True),
        ("Early help", 20, True),
    ]


def test_strategy_of_an_organisation_never_revised_is_empty(as_person: Callable[[str], Client], other: World) -> None:
    organization = make_organization(slug="fresh")
    client = Client()
    client.force_login(make_member(organization).user)
    body = client.get("/api/v1/organizations/fresh/strategy").json()
    assert body == {
        "vision": "",
        "cadence_months": 12,
        "last_revised_at": None,
        "next_revision_due": None,
        "overdue": False,
        "revision_count": 0,
        "goals": [],
    }


def test_leader_revises_the_strategy(world: World, as_person: Callable[[str], Client]) -> None:
    response = post(as_person("leader"), REVISIONS, revision_body(world, cadence_months=24))
    assert response.status_code == 201, response.json()
    revision = response.json()
    assert (revision["number"], revision["revised_by_id"], revision["summary"]) == (
        2,
        world.leader.pk,
        "Early help retired; young people added.",
    )
    assert [goal["title"] for goal in revision["snapshot"]["goals"]] == [
        "Digital services",
        "Climate",
        "Young people thrive",
    ]
    strategy = as_person("member").get(STRATEGY).json()
    assert strategy["cadence_months"] == 24
    assert [(goal["title"], goal["weight"], goal["owner_id"]) for goal in strategy["goals"]] == [
        ("Digital services", 40, world.lead.pk),
        ("Young people thrive", 40, None),
        ("Climate", 20, None),
    ]
    assert StrategicGoal.objects.get(pk=world.goals[2].pk).active is False
    listed = as_person("oversight").get(REVISIONS).json()
    assert (listed["count"], [row["number"] for row in listed["items"]]) == (2, [2, 1])
    one = as_person("member").get(f"{REVISIONS}/{revision['id']}").json()
    assert one["reason"] == "The survey." and one["changes"] == revision["changes"]


@pytest.mark.parametrize(("name", "status"), [("member", 403), ("lead", 403), ("oversight", 403), ("admin", 403)])
def test_only_leaders_revise(world: World, as_person: Callable[[str], Client], name: str, status: int) -> None:
    assert post(as_person(name), REVISIONS, revision_body(world)).status_code == status
    assert StrategyRevision.objects.filter(organization=world.organization).count() == 1


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"goals": [{"title": "Only", "weight": 90}]}, {"goals"}),
        ({"goals": []}, {"goals"}),
        ({"summary": ""}, {"summary"}),
        ({"reason": "  "}, {"reason"}),
        ({"cadence_months": 0}, {"cadence_months"}),
        ({"goals": [{"title": "Only", "weight": 100, "owner_id": 999_999}]}, {"goals"}),
        ({"goals": [{"title": "A", "weight": 50}, {"title": "a", "weight": 50}]}, {"goals"}),
        ({"goals": [{"title": "A", "weight": "lots"}]}, {"weight"}),
        ({"goals": "Climate"}, {"goals"}),
        ({"vision": ["list"]}, {"vision"}),
        ({"summary": "x" * 4001}, {"summary"}),
        ({"vision": "x" * 16_001}, {"vision"}),
        ({"goals": [{"title": "G", "weight": 1}] * 101}, {"goals"}),
    ],
)
def test_bad_revisions_are_422_and_change_nothing(
    world: World, as_person: Callable[[str], Client], changes: dict[str, object], fields: set[str]
) -> None:
    response = post(as_person("leader"), REVISIONS, revision_body(world, **changes))
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert fields_of(response) == fields, response.json()
    assert StrategyRevision.objects.filter(organization=world.organization).count() == 1
    assert sorted(StrategicGoal.objects.filter(organization=world.organization).values_list("weight", flat=True)) == [
        20,
        30,
        50,
    ]


def test_bodies_that_are_not_json_objects_are_refused(world: World, as_person: Callable[[str], Client]) -> None:
    leader = as_person("leader")
    assert leader.post(REVISIONS, data="{not json", content_type="application/json").status_code == 400
    listed = post(leader, REVISIONS, ["a", "list"])
    assert listed.status_code in (400, 422) and listed["Content-Type"] == "application/problem+json"
    assert StrategyRevision.objects.filter(organization=world.organization).count() == 1


def test_another_organisations_goal_in_a_revision_is_404(
    world: World, other: World, as_person: Callable[[str], Client]
) -> None:
    body = revision_body(world, goals=[{"id": other.goals[0].pk, "weight": 100}])
    response = post(as_person("leader"), REVISIONS, body)
    assert response.status_code == 404 and response.json()["status"] == 404
    assert StrategyRevision.objects.filter(organization=world.organization).count() == 1
    other.goals[0].refresh_from_db()
    assert other.goals[0].weight == 50


def test_other_organisations_and_strangers(world: World, other: World, as_person: Callable[[str], Client]) -> None:
    foreign = StrategyRevision.objects.get(organization=other.organization)
    assert as_person("member").get(f"{REVISIONS}/{foreign.pk}").status_code == 404
    assert as_person("member").get("/api/v1/organizations/southport/strategy").status_code == 404
    assert Client().get(STRATEGY).status_code == 401


def test_contributions_are_set_listed_and_removed(world: World, as_person: Callable[[str], Client]) -> None:
    line = world.line("L-1", 100)
    goal = world.goals[0]
    url = f"{STRATEGY}/goals/{goal.pk}/contributions"
    lead = as_person("lead")
    set_line = put(lead, f"{url}/line/{line.pk}", {"score": 4, "evidence": "Usage data."})
    assert set_line.status_code == 200, set_line.json()
    assert {key: set_line.json()[key] for key in ("subject", "subject_id", "subject_name", "score", "evidence")} == {
        "subject": "line",
        "subject_id": line.pk,
        "subject_name": "L-1 Line L-1",
        "score": 4,
        "evidence": "Usage data.",
    }
    assert put(lead, f"{url}/unit/{world.units[1].pk}", {"score": 2}).status_code == 200
    listed = as_person("member").get(url).json()
    assert [(row["subject"], row["score"]) for row in listed["items"]] == [("line", 4), ("unit", 2)]
    only_units = as_person("member").get(url, {"subject": "unit"}).json()["items"]
    assert [row["subject_id"] for row in only_units] == [world.units[1].pk]
    line_options = {option.key: option.contributions for option in line.options.all()}
    assert line_options["full"] == {str(goal.pk): 4.0} and line_options["half"] == {str(goal.pk): 2.0}
    assert lead.delete(f"{url}/line/{line.pk}").status_code == 204
    assert not GoalContribution.objects.filter(budget_line=line).exists()
    assert lead.delete(f"{url}/line/{line.pk}").status_code == 204


def test_initiative_owner_scores_only_their_initiative(world: World, as_person: Callable[[str], Client]) -> None:
    own = portfolio_services.create_initiative(organization=world.organization, title="Mine", owner=world.member)
    theirs = portfolio_services.create_initiative(organization=world.organization, title="Theirs")
    url = f"{STRATEGY}/goals/{world.goals[1].pk}/contributions/initiative"
    member = as_person("member")
    assert put(member, f"{url}/{own.pk}", {"score": 3}).status_code == 200
    assert put(member, f"{url}/{theirs.pk}", {"score": 3}).status_code == 403
    assert member.delete(f"{url}/{theirs.pk}").status_code == 403
    for name in ("oversight", "admin"):
        assert put(as_person(name), f"{url}/{theirs.pk}", {"score": 3}).status_code == 403
    assert GoalContribution.objects.filter(initiative=theirs).count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "score"),
        ({"score": 0}, "score"),
        ({"score": 6}, "score"),
        ({"score": 3, "evidence": "x" * 4001}, "evidence"),
    ],
)
def test_bad_contributions_are_422(
    world: World, as_person: Callable[[str], Client], body: dict[str, object], field: str
) -> None:
    line = world.line("L-1", 100)
    response = put(as_person("lead"), f"{STRATEGY}/goals/{world.goals[0].pk}/contributions/line/{line.pk}", body)
    assert response.status_code == 422 and fields_of(response) == {field}
    assert not GoalContribution.objects.filter(budget_line=line).exists()


def test_another_organisations_goal_or_subject_is_404(
    world: World, other: World, as_person: Callable[[str], Client]
) -> None:
    foreign_line = other.line("X-1", 10)
    foreign_unit = make_unit(other.organization)
    own_line = world.line("L-1", 100)
    lead = as_person("lead")
    base = f"{STRATEGY}/goals"
    assert (
        put(lead, f"{base}/{world.goals[0].pk}/contributions/line/{foreign_line.pk}", {"score": 3}).status_code == 404
    )
    assert (
        put(lead, f"{base}/{world.goals[0].pk}/contributions/unit/{foreign_unit.pk}", {"score": 3}).status_code == 404
    )
    assert put(lead, f"{base}/{other.goals[0].pk}/contributions/line/{own_line.pk}", {"score": 3}).status_code == 404
    assert lead.get(f"{base}/{other.goals[0].pk}/contributions").status_code == 404
    assert put(lead, f"{base}/{world.goals[0].pk}/contributions/policy/{own_line.pk}", {"score": 3}).status_code in (
        404,
        422,
    )
    assert GoalContribution.objects.filter(budget_line__in=[foreign_line, own_line]).count() == 0


def test_an_oversized_body_is_413_and_changes_nothing(world: World, as_person: Callable[[str], Client]) -> None:
    body = json.dumps(revision_body(world, vision="x" * 3_000_000))
    response = as_person("leader").post(REVISIONS, data=body, content_type="application/json")
    assert response.status_code == 413 and response.json()["status"] == 413
    assert StrategyRevision.objects.filter(organization=world.organization).count() == 1


def test_a_personal_token_revises_as_its_owner(world: World) -> None:
    token = api_services.create_api_token(user=world.leader, name="script").plaintext
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.post(REVISIONS, data=revision_body(world), content_type="application/json")
    assert response.status_code == 201 and response.json()["revised_by_id"] == world.leader.pk
    assert Client(HTTP_AUTHORIZATION="Bearer sfc_wrong").get(STRATEGY).status_code == 401
