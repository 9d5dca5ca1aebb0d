"""The envelope API: list the units' totals, floors and ceilings of a cycle; set and clear one unit's.
Roles (403), other organisations' ids in the path (404), and bad input (422, nothing changed)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from spaceforchange.budgeting import budget_services
from spaceforchange.budgeting.models import BudgetLine, UnitEnvelope
from tests.integration.budgeting.conftest import World

pytestmark = pytest.mark.django_db
CYCLES = "/api/v1/organizations/northbay/budget-cycles"


def envelopes_url(world: World, unit: int | None = None) -> str:
    url = f"{CYCLES}/{world.cycle.pk}/envelopes"
    return url if unit is None else f"{url}/{unit}"


def put(client: Client, url: str, body: object) -> Any:
    return client.put(url, data=body, content_type="application/json")


def fields_of(response: Any) -> set[str]:
    return {str(error["loc"][-1]) for error in response.json()["errors"]}


def stored(world: World) -> dict[int, tuple[Decimal, Decimal | None]]:
    return {row.unit_id: (row.floor, row.ceiling) for row in UnitEnvelope.objects.filter(cycle=world.cycle)}


def test_members_list_every_unit_with_totals_floors_and_ceilings(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    budget_services.set_unit_envelope(cycle=world.cycle, unit=world.units[2], floor="300.5", ceiling=500)
    response = as_person("member").get(envelopes_url(world))
    assert response.status_code == 200
    health, roads, schools = world.units[1].pk, world.units[2].pk, world.units[0].pk
    assert response.json() == [
        {"unit_id": health, "unit_name": "Health", "line_count": 3, "total": 290.0, "floor": None, "ceiling": None},
        {"unit_id": roads, "unit_name": "Roads", "line_count": 4, "total": 410.0, "floor": 300.5, "ceiling": 500.0},
        {"unit_id": schools, "unit_name": "Schools", "line_count": 3, "total": 260.0, "floor": None, "ceiling": None},
    ]


def test_lead_sets_changes_and_clears_an_envelope(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    lead = as_person("lead")
    unit = world.units[1]
    response = put(lead, envelopes_url(world, unit.pk), {"floor": "100.25", "ceiling": 250})
    assert response.status_code == 200
    assert response.json() == {
        "unit_id": unit.pk,
        "unit_name": "Health",
        "line_count": 3,
        "total": 290.0,
        "floor": 100.25,
        "ceiling": 250.0,
    }
    assert put(lead, envelopes_url(world, unit.pk), {"floor": 0}).json()["ceiling"] is None
    assert stored(world) == {unit.pk: (Decimal(0), None)}
    put(lead, envelopes_url(world, unit.pk), {"floor": 10, "ceiling": 20})
    assert lead.delete(envelopes_url(world, unit.pk)).status_code == 204
    assert stored(world) == {unit.pk: (Decimal(0), None)}


@pytest.mark.parametrize(("name", "status"), [("member", 403), ("oversight", 403), ("admin", 403), ("leader", 200)])
def test_only_budget_managers_change_envelopes(
    world: World, as_person: Callable[[str], Client], name: str, status: int
) -> None:
    client = as_person(name)
    assert client.get(envelopes_url(world)).status_code == 200
    assert put(client, envelopes_url(world, world.units[0].pk), {"floor": 5}).status_code == status
    assert client.delete(envelopes_url(world, world.units[0].pk)).status_code == (204 if status == 200 else 403)
    assert stored(world) == ({world.units[0].pk: (Decimal(0), None)} if status == 200 else {})


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"floor": -1}, {"floor"}),
        ({"floor": 1, "ceiling": -1}, {"ceiling"}),
        ({"floor": 300, "ceiling": 200}, {"ceiling"}),
        ({"floor": "1.001"}, {"floor"}),
        ({"floor": "9" * 30}, {"floor"}),
        ({"floor": "NaN"}, {"floor"}),
        ({"floor": "Infinity", "ceiling": "-Infinity"}, {"floor", "ceiling"}),
        ({"floor": "<script>"}, {"floor"}),
        ({"floor": True}, {"floor"}),
        ({}, {"floor"}),
        ({"ceiling": 5}, {"floor"}),
    ],
)
def test_bad_envelopes_are_422_and_change_nothing(
    world: World, as_person: Callable[[str], Client], body: dict[str, Any], fields: set[str]
) -> None:
    budget_services.set_unit_envelope(cycle=world.cycle, unit=world.units[0], floor=1, ceiling=2)
    response = put(as_person("lead"), envelopes_url(world, world.units[0].pk), body)
    assert response.status_code == 422 and fields_of(response) == fields, response.json()
    assert stored(world) == {world.units[0].pk: (Decimal(1), Decimal(2))}


@pytest.mark.parametrize("body", ["[1, 2]", "null", '{"floor": 1', '"floor"'])
def test_bodies_that_are_not_json_objects_are_400(world: World, as_person: Callable[[str], Client], body: str) -> None:
    response = as_person("lead").put(
        envelopes_url(world, world.units[0].pk), data=body, content_type="application/json"
    )
    assert response.status_code == 400 and "JSON" in response.json()["detail"]
    assert stored(world) == {}


def test_another_organisations_ids_are_404(world: World, other: World, as_person: Callable[[str], Client]) -> None:
    lead = as_person("lead")
    foreign_cycle = f"{CYCLES}/{other.cycle.pk}/envelopes"
    assert lead.get(foreign_cycle).status_code == 404
    assert put(lead, f"{foreign_cycle}/{world.units[0].pk}", {"floor": 1}).status_code == 404
    assert put(lead, envelopes_url(world, other.units[0].pk), {"floor": 1}).status_code == 404
    assert lead.delete(envelopes_url(world, other.units[0].pk)).status_code == 404
    assert put(lead, envelopes_url(world, 987654321), {"floor": 1}).status_code == 404
    assert lead.get(f"/api/v1/organizations/southport/budget-cycles/{other.cycle.pk}/envelopes").status_code == 404
    assert UnitEnvelope.objects.count() == 0
