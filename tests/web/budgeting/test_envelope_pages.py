"""The unit envelopes page of a cycle (each unit's total, floor and ceiling; set and clear one), the
cycle navigation's link to it, and the cycles listed newest first.

Per role, with other organisations' ids (404, or "not a valid choice" in the form), and bad,
oversized and hostile input (re-rendered with errors, nothing changed).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from spaceforchange.budgeting import budget_services
from spaceforchange.budgeting.models import BudgetLine, UnitEnvelope
from tests.integration.budgeting.conftest import World
from tests.web.budgeting.helpers import ORG, errors_of, soup_of, table_rows

pytestmark = pytest.mark.django_db
BUDGETS = ORG + "budgets/"


def url_of(world: World) -> str:
    return f"{BUDGETS}{world.cycle.pk}/envelopes/"


def envelope_of(world: World, unit: int) -> tuple[Decimal, Decimal | None] | None:
    found = UnitEnvelope.objects.filter(cycle=world.cycle, unit=world.units[unit]).first()
    return None if found is None else (found.floor, found.ceiling)


def test_page_lists_every_unit_with_its_total_floor_and_ceiling(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    budget_services.set_unit_envelope(cycle=world.cycle, unit=world.units[1], floor=200, ceiling="350.50")
    lead = as_person("lead")
    lead.get(url_of(world))
    with django_assert_max_num_queries(12):
        soup = soup_of(lead.get(url_of(world)))
    assert [row[:5] for row in table_rows(soup, "#envelopes")] == [
        ["Health", "3", "290", "200", "351"],
        ["Roads", "4", "410", "—", "No limit"],
        ["Schools", "3", "260", "—", "No limit"],
    ]
    assert soup.select_one("#envelope-form select[name=unit]") is not None


def test_change_link_fills_the_form_with_the_units_envelope(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    budget_services.set_unit_envelope(cycle=world.cycle, unit=world.units[1], floor=200, ceiling=300)
    soup = soup_of(as_person("lead").get(url_of(world), {"unit": world.units[1].pk}))
    assert soup.select_one("select[name=unit] option[selected]")["value"] == str(world.units[1].pk)
    assert soup.select_one("input[name=floor]")["value"] == "200.00"
    assert soup.select_one("input[name=ceiling]")["value"] == "300.00"
    unknown = soup_of(as_person("lead").get(url_of(world), {"unit": "x"}))
    assert unknown.select_one("select[name=unit] option[selected]")["value"] == ""


def test_lead_sets_then_clears_an_envelope(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    lead = as_person("lead")
    response = lead.post(url_of(world), {"unit": world.units[2].pk, "floor": "100", "ceiling": "450.25"})
    assert response.status_code == 302 and response["Location"] == url_of(world)
    assert envelope_of(world, 2) == (Decimal(100), Decimal("450.25"))
    assert lead.post(url_of(world), {"unit": world.units[2].pk, "floor": "", "ceiling": ""}).status_code == 302
    assert envelope_of(world, 2) == (Decimal(0), None)
    lead.post(url_of(world), {"unit": world.units[2].pk, "floor": "10", "ceiling": "20"})
    cleared = lead.post(url_of(world), {"unit": world.units[2].pk, "floor": "5", "action": "clear"}, follow=True)
    assert "The floor and ceiling of Roads were cleared." in cleared.content.decode()
    assert envelope_of(world, 2) == (Decimal(0), None)
    assert table_rows(soup_of(cleared), "#envelopes")[1][3:5] == ["0", "No limit"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"floor": "-1"}, "Floor"),
        ({"ceiling": "-5"}, "Ceiling"),
        ({"floor": "300", "ceiling": "200"}, "The ceiling is at least the floor."),
        ({"floor": "1.234"}, "Floor"),
        ({"floor": "1" * 40}, "Floor"),
        ({"floor": "NaN"}, "Floor"),
        ({"ceiling": "<script>alert(1)</script>"}, "Ceiling"),
        ({"unit": ""}, "Unit"),
        ({"unit": "99999999"}, "Unit"),
        ({"unit": "'; drop table budgeting_unitenvelope; --"}, "Unit"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client], change: dict[str, str], message: str
) -> None:
    budget_services.set_unit_envelope(cycle=world.cycle, unit=world.units[0], floor=50, ceiling=70)
    data = {"unit": world.units[0].pk, "floor": "100", "ceiling": "200"} | change
    soup = soup_of(as_person("lead").post(url_of(world), data))
    assert message in errors_of(soup)
    assert "<script>" not in str(soup.select_one("#error-summary"))
    assert envelope_of(world, 0) == (Decimal(50), Decimal(70))
    assert UnitEnvelope.objects.count() == 1


@pytest.mark.parametrize(("name", "status"), [("member", 403), ("oversight", 403), ("admin", 403), ("leader", 200)])
def test_only_budget_managers_see_and_change_envelopes(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client], name: str, status: int
) -> None:
    client = as_person(name)
    assert client.get(url_of(world)).status_code == status
    link = soup_of(client.get(f"{BUDGETS}{world.cycle.pk}/")).find("a", string="Unit envelopes")
    assert (link is not None) == (status == 200)
    if link is not None:
        assert link["href"] == url_of(world)
    response = client.post(url_of(world), {"unit": world.units[0].pk, "floor": "1"})
    assert response.status_code == (302 if status == 200 else 403)
    assert (envelope_of(world, 0) is not None) == (status == 200)


def test_another_organisations_cycle_and_unit_are_refused(
    world: World, other: World, as_person: Callable[[str], Client]
) -> None:
    lead = as_person("lead")
    assert lead.get(f"{BUDGETS}{other.cycle.pk}/envelopes/").status_code == 404
    assert lead.post(f"{BUDGETS}{other.cycle.pk}/envelopes/", {"unit": world.units[0].pk}).status_code == 404
    assert lead.get(f"/o/southport/budgets/{other.cycle.pk}/envelopes/").status_code == 404
    soup = soup_of(lead.post(url_of(world), {"unit": other.units[0].pk, "floor": "1"}))
    assert "Unit" in errors_of(soup)
    offered = {option["value"] for option in soup.select("select[name=unit] option")}
    assert str(other.units[0].pk) not in offered and str(world.units[0].pk) in offered
    assert UnitEnvelope.objects.count() == 0


def test_cycles_are_listed_newest_first(world: World, as_person: Callable[[str], Client]) -> None:
    for year in (2025, 2029, 2026):
        budget_services.create_budget_cycle(
            organization=world.organization,
            name=str(year),
            starts_on=datetime.date(year, 1, 1),
            ends_on=datetime.date(year, 12, 31),
            total_budget=Decimal(10),
        )
    rows = table_rows(soup_of(as_person("member").get(BUDGETS)), "#cycles")
    assert [row[0] for row in rows] == ["2029", "2027", "2026", "2025"]
