"""The budgeting API's statements, demonstrate-or-change list and scenarios; roles, tenancy and bad input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from spaceforchange.budgeting import scenario_services, services
from spaceforchange.budgeting.models import BudgetLine, Scenario, UnitContributionStatement
from tests.factories import make_unit
from tests.integration.budgeting.conftest import World

pytestmark = pytest.mark.django_db
CYCLES = "/api/v1/organizations/northbay/budget-cycles"


def post(client: Client, url: str, body: object) -> Any:
    return client.post(url, data=body, content_type="application/json")


def fields_of(response: Any) -> set[str]:
    return {str(error["loc"][-1]) for error in response.json()["errors"]}


def cycle_url(world: World) -> str:
    return f"{CYCLES}/{world.cycle.pk}"


# --- Statements -------------------------------------------------------------------------------


def test_member_states_their_unit_and_the_leader_reviews(world: World, as_person: Callable[[str], Client]) -> None:
    url = f"{cycle_url(world)}/statements"
    body = {"unit_id": world.units[0].pk, "statement": "We teach.", "goal_ids": [world.goals[0].pk]}
    response = post(as_person("member"), url, body)
    assert response.status_code == 201, response.json()
    row = response.json()
    assert (row["unit_id"], row["goal_ids"], row["submitted_by_id"], row["demonstrated"], row["reviewed_at"]) == (
        world.units[0].pk,
        [world.goals[0].pk],
        world.member.pk,
        False,
        None,
    )
    review = f"{url}/{row['id']}/review"
    assert post(as_person("lead"), review, {"demonstrated": True}).status_code == 403
    assert post(as_person("leader"), review, {"demonstrated": False}).status_code == 422
    assert post(as_person("leader"), review, {}).status_code == 422
    reviewed = post(as_person("leader"), review, {"demonstrated": True, "note": "Clear."}).json()
    assert (reviewed["demonstrated"], reviewed["review_note"], reviewed["reviewed_by_id"]) == (
        True,
        "Clear.",
        world.leader.pk,
    )
    assert [row["id"] for row in as_person("oversight").get(url).json()["items"]] == [row["id"]]


def test_member_cannot_state_another_unit_or_read_its_statement(
    world: World, as_person: Callable[[str], Client]
) -> None:
    url = f"{cycle_url(world)}/statements"
    response = post(as_person("member"), url, {"unit_id": world.units[1].pk, "statement": "Not mine."})
    assert response.status_code == 403
    created = post(as_person("lead"), url, {"unit_id": world.units[1].pk, "statement": "Health does a lot."})
    assert created.status_code == 201
    assert as_person("member").get(url).json() == {"items": [], "count": 0}
    assert as_person("lead").get(url).json()["count"] == 1
    assert UnitContributionStatement.objects.filter(cycle=world.cycle).count() == 1


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"unit_id": None, "statement": "No unit."}, {"unit_id"}),
        ({"unit_id": "SELECT"}, {"unit_id"}),
        ({"statement": ""}, {"statement"}),
        ({"statement": "x" * 4001}, {"statement"}),
        ({"statement": "Ok", "goal_ids": "all"}, {"goal_ids"}),
    ],
)
def test_bad_statements_are_422(
    world: World, as_person: Callable[[str], Client], body: dict[str, object], fields: set[str]
) -> None:
    payload = {"unit_id": world.units[0].pk} | body
    response = post(as_person("lead"), f"{cycle_url(world)}/statements", payload)
    assert response.status_code == 422 and fields_of(response) == fields, response.json()
    assert not UnitContributionStatement.objects.exists()


def test_another_organisations_units_goals_and_statements_are_404(
    world: World, other: World, as_person: Callable[[str], Client]
) -> None:
    url = f"{cycle_url(world)}/statements"
    lead = as_person("lead")
    assert post(lead, url, {"unit_id": make_unit(other.organization).pk, "statement": "X"}).status_code == 404
    body = {"unit_id": world.units[0].pk, "statement": "X", "goal_ids": [other.goals[0].pk]}
    assert post(lead, url, body).status_code == 404
    foreign = services.submit_contribution_statement(
        cycle=other.cycle, unit=other.units[0], statement="Theirs.", submitted_by=other.lead
    )
    assert post(as_person("leader"), f"{url}/{foreign.pk}/review", {"demonstrated": True}).status_code == 404
    assert lead.get(f"{CYCLES}/{other.cycle.pk}/statements").status_code == 404
    assert UnitContributionStatement.objects.filter(cycle=world.cycle).count() == 0
    foreign.refresh_from_db()
    assert foreign.reviewed_at is None


# --- Demonstrate or change --------------------------------------------------------------------


def test_demonstrate_or_change_lists_units_and_unlinked_lines(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    shown = services.submit_contribution_statement(
        cycle=world.cycle, unit=world.units[0], statement="We teach.", submitted_by=world.lead
    )
    services.review_contribution_statement(statement=shown, demonstrated=True, reviewed_by=world.leader)
    services.submit_contribution_statement(
        cycle=world.cycle, unit=world.units[1], statement="We heal.", submitted_by=world.lead
    )
    url = f"{cycle_url(world)}/demonstrate-or-change"
    body = as_person("oversight").get(url, {"limit": 2}).json()
    assert [(row["unit_name"], row["status"], row["amount"]) for row in body["units"]] == [
        ("Health", "pending", 290.0),
        ("Roads", "missing", 410.0),
    ]
    assert body["line_count"] == 3 and [row["code"] for row in body["lines"]] == ["R-01", "S-02"]
    assert [row["code"] for row in as_person("lead").get(url, {"offset": 2}).json()["lines"]] == ["R-03"]
    assert as_person("member").get(url).status_code == 403


# --- Scenarios --------------------------------------------------------------------------------


def test_lead_runs_scenarios_and_the_leader_compares_and_adopts_one(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    url = f"{cycle_url(world)}/scenarios"
    lead = as_person("lead")
    current = post(lead, url, {"method": "current"})
    optimised = post(lead, url, {"method": "optimised", "name": "Best"})
    assert (current.status_code, optimised.status_code) == (201, 201), optimised.json()
    a, b = current.json(), optimised.json()
    assert (b["name"], b["method"], b["status"]) == ("Best", "optimised", "optimal")
    assert b["objective"] >= a["objective"] and b["total_cost"] <= 1000
    assert set(b["chosen"]) == {str(line.pk) for line in filled}
    assert {row["purpose"] for row in b["figures"]["purposes"]} == {"innovation", "efficiency", "service_delivery"}
    listed = as_person("oversight").get(url).json()
    assert [row["name"] for row in listed["items"]] == [a["name"], "Best"]
    leader = as_person("leader")
    compared = leader.get(f"{url}/compare", {"a": a["id"], "b": b["id"]}).json()
    totals = {row["key"]: (row["a"], row["b"], row["difference"]) for row in compared["totals"]}
    assert totals["value"] == (a["objective"], b["objective"], round(b["objective"] - a["objective"], 4))
    assert {row["line_id"] for row in compared["lines"]} == {
        int(key) for key in b["chosen"] if b["chosen"][key] != a["chosen"][key]
    }
    assert post(lead, f"{url}/{b['id']}/adopt", {"note": "Go."}).status_code == 403
    assert post(leader, f"{url}/{b['id']}/adopt", {"note": ""}).status_code == 422
    adopted = post(leader, f"{url}/{b['id']}/adopt", {"note": "Adopted by the council."})
    assert adopted.status_code == 200
    assert (adopted.json()["adoption_note"], adopted.json()["adopted_by_id"]) == (
        "Adopted by the council.",
        world.leader.pk,
    )
    assert post(leader, f"{url}/{a['id']}/adopt", {"note": "Both?"}).status_code == 422
    world.cycle.refresh_from_db()
    assert world.cycle.status == "decided"
    assert leader.get(f"{url}/{b['id']}").json()["adopted_at"] is not None


@pytest.mark.parametrize(("name", "status"), [("member", 403), ("oversight", 403), ("admin", 403), ("leader", 201)])
def test_who_runs_scenarios(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client], name: str, status: int
) -> None:
    assert post(as_person(name), f"{cycle_url(world)}/scenarios", {"method": "greedy"}).status_code == status


@pytest.mark.parametrize("name", ["member", "admin"])
def test_who_cannot_see_scenarios(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client], name: str
) -> None:
    scenario = scenario_services.run_scenario(cycle=world.cycle, method="current", actor=world.lead)
    url = f"{cycle_url(world)}/scenarios"
    client = as_person(name)
    assert client.get(url).status_code == 403
    assert client.get(f"{url}/{scenario.pk}").status_code == 403
    assert client.get(f"{url}/compare", {"a": scenario.pk, "b": scenario.pk}).status_code == 403


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"method"}),
        ({"method": "astrology"}, {"method"}),
        ({"method": "current", "chosen": {"1": "full"}}, {"chosen"}),
        ({"method": "manual"}, {"chosen"}),
        ({"method": "manual", "chosen": {"999999": "full"}}, {"chosen"}),
        ({"method": "current", "name": "x" * 101}, {"name"}),
        ({"method": "current", "chosen": ["full"]}, {"chosen"}),
    ],
)
def test_bad_scenarios_are_422_and_store_nothing(
    world: World,
    filled: list[BudgetLine],
    as_person: Callable[[str], Client],
    body: dict[str, object],
    fields: set[str],
) -> None:
    response = post(as_person("lead"), f"{cycle_url(world)}/scenarios", body)
    assert response.status_code == 422 and fields_of(response) == fields, response.json()
    assert not Scenario.objects.exists()


def test_a_manual_scenario_and_a_cycle_without_lines(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    chosen = {str(line.pk): "full" for line in filled}
    response = post(as_person("lead"), f"{cycle_url(world)}/scenarios", {"method": "manual", "chosen": chosen})
    assert response.status_code == 201 and response.json()["total_cost"] == 960.0
    BudgetLine.objects.filter(cycle=world.cycle).delete()
    empty = post(as_person("lead"), f"{cycle_url(world)}/scenarios", {"method": "optimised"})
    assert empty.status_code == 422 and fields_of(empty) == {"cycle"}


def test_another_organisations_or_cycles_scenarios_are_404(
    world: World, other: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    other.line("X-1", 10)
    foreign = scenario_services.run_scenario(cycle=other.cycle, method="current", actor=other.lead)
    own = scenario_services.run_scenario(cycle=world.cycle, method="current", actor=world.lead)
    url = f"{cycle_url(world)}/scenarios"
    leader = as_person("leader")
    assert leader.get(f"{url}/{foreign.pk}").status_code == 404
    assert leader.get(f"{url}/compare", {"a": own.pk, "b": foreign.pk}).status_code == 404
    assert post(leader, f"{url}/{foreign.pk}/adopt", {"note": "Mine now."}).status_code == 404
    assert leader.get(f"{CYCLES}/{other.cycle.pk}/scenarios").status_code == 404
    half = leader.get(f"{url}/compare", {"a": own.pk})
    assert half.status_code == 422 and fields_of(half) == {"b"}
    foreign.refresh_from_db()
    assert foreign.adopted_at is None
