"""The budget API's newer endpoints: changing a cycle, a line's funding options, and the lines' export;
values, roles, other organisations' ids (in the path and the body) and bad bodies that change nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.test import Client

from spaceforchange.budgeting import budget_services, import_lines
from spaceforchange.budgeting.models import BudgetCycle, BudgetLine, FundingOption
from tests.integration.budgeting.conftest import World
from tests.web.budgeting.test_api_budget import CYCLES, patch

pytestmark = pytest.mark.django_db


def put(client: Client, url: str, body: object) -> Any:
    return client.put(url, data=body, content_type="application/json")


def cycle_url(world: World) -> str:
    return f"{CYCLES}/{world.cycle.pk}"


def options_url(world: World, line: BudgetLine) -> str:
    return f"{cycle_url(world)}/lines/{line.pk}/options"


def _cycle_state(cycle: BudgetCycle) -> tuple[object, ...]:
    cycle.refresh_from_db()
    fields = ("name", "starts_on", "ends_on", "total_budget", "target_purpose_mix", "purpose_bounds", "status")
    return tuple(getattr(cycle, name) for name in fields)


def _options(line: BudgetLine) -> list[tuple[object, ...]]:
    return list(FundingOption.objects.filter(line=line).order_by("cost", "key").values_list("key", "cost", "scale"))


# --- Changing a cycle -------------------------------------------------------------------------


def test_lead_changes_a_cycle_and_only_the_fields_sent_change(world: World, as_person: Callable[[str], Client]) -> None:
    body = {"name": "2027 revised", "total_budget": "2500.75", "purpose_bounds": {"innovation": {"min": 0.1}}}
    response = patch(as_person("lead"), cycle_url(world), body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["name"] == "2027 revised" and data["total_budget"] == 2500.75
    assert data["purpose_bounds"] == {"innovation": {"min": 0.1}}
    assert data["starts_on"] == "2027-01-01" and data["status"] == "draft"
    assert data["target_purpose_mix"] == {"innovation": 0.1, "efficiency": 0.2, "service_delivery": 0.7}
    assert "indicators" in data
    world.cycle.refresh_from_db()
    assert world.cycle.name == "2027 revised" and world.cycle.total_budget == Decimal("2500.75")
    assert patch(as_person("leader"), cycle_url(world), {"ends_on": "2027-06-30"}).json()["ends_on"] == "2027-06-30"


@pytest.mark.parametrize(("name", "status"), [("member", 403), ("oversight", 403), ("admin", 403)])
def test_only_those_who_manage_budgets_change_a_cycle(
    world: World, as_person: Callable[[str], Client], name: str, status: int
) -> None:
    before = _cycle_state(world.cycle)
    assert patch(as_person(name), cycle_url(world), {"name": "Taken"}).status_code == status
    assert _cycle_state(world.cycle) == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"ends_on": "2026-01-01"}, {"ends_on"}),
        ({"total_budget": "-1"}, {"total_budget"}),
        ({"total_budget": "1.234"}, {"total_budget"}),
        ({"target_purpose_mix": {"innovation": 0.9}}, {"target_purpose_mix"}),
        ({"name": "x" * 201}, {"name"}),
        ({"status": "decided"}, None),
        ({"purpose_bounds": {"innovation": {"min": "<script>"}}}, {"min"}),
        ({"target_purpose_mix": {f"p{i}": 0.1 for i in range(11)}}, {"target_purpose_mix"}),
    ],
)
def test_bad_cycle_changes_are_422_and_change_nothing(
    world: World, as_person: Callable[[str], Client], body: dict[str, object], fields: set[str] | None
) -> None:
    before = _cycle_state(world.cycle)
    response = patch(as_person("lead"), cycle_url(world), body)
    if fields is None:  # an unknown field is ignored: the status is not set by hand
        assert response.status_code == 200 and response.json()["status"] == "draft"
    else:
        assert response.status_code == 422, response.content
        assert fields <= {str(error["loc"][-1]) for error in response.json()["errors"]}
    assert _cycle_state(world.cycle) == before


def test_a_cycle_name_used_by_another_cycle_is_refused(world: World, as_person: Callable[[str], Client]) -> None:
    budget_services.create_budget_cycle(
        organization=world.organization,
        name="2028",
        starts_on=world.cycle.starts_on,
        ends_on=world.cycle.ends_on,
        total_budget=1,
    )
    before = _cycle_state(world.cycle)
    assert patch(as_person("lead"), cycle_url(world), {"name": "2028"}).status_code == 422
    assert _cycle_state(world.cycle) == before


def test_another_organisations_cycle_is_404(world: World, other: World, as_person: Callable[[str], Client]) -> None:
    before = _cycle_state(other.cycle)
    assert patch(as_person("lead"), f"{CYCLES}/{other.cycle.pk}", {"name": "Taken"}).status_code == 404
    assert _cycle_state(other.cycle) == before


# --- Funding options --------------------------------------------------------------------------


def test_members_read_a_lines_options(world: World, as_person: Callable[[str], Client]) -> None:
    line = world.line("A1", 1000)
    world.score(line, 0, 4)
    response = as_person("member").get(options_url(world, line))
    assert response.status_code == 200
    goal = str(world.goals[0].pk)
    assert response.json() == [
        {"key": "none", "label": "Not funded", "cost": 0.0, "contributions": {}, "scale": 0.0},
        {"key": "half", "label": "Half funded", "cost": 500.0, "contributions": {goal: 2.0}, "scale": 0.5},
        {"key": "full", "label": "Fully funded", "cost": 1000.0, "contributions": {goal: 4.0}, "scale": 1.0},
    ]


def test_lead_replaces_options_with_scaled_ones_and_packages(world: World, as_person: Callable[[str], Client]) -> None:
    line = world.line("A1", 1000)
    world.score(line, 0, 4)
    goal, climate = world.goals[0].pk, world.goals[1].pk
    body = {
        "options": [
            {"key": "none", "cost": "0"},
            {"key": "pilot", "label": "Pilot", "cost": "250.50", "scale": 0.5},
            {"key": "app", "label": "App and training", "cost": 600, "contributions": {goal: 3, climate: 4.5}},
        ]
    }
    response = put(as_person("leader"), options_url(world, line), body)
    assert response.status_code == 200, response.content
    assert response.json() == [
        {"key": "none", "label": "none", "cost": 0.0, "contributions": {}, "scale": 0.0},
        {"key": "pilot", "label": "Pilot", "cost": 250.5, "contributions": {str(goal): 2.0}, "scale": 0.5},
        {
            "key": "app",
            "label": "App and training",
            "cost": 600.0,
            "contributions": {str(goal): 3.0, str(climate): 4.5},
            "scale": None,
        },
    ]
    assert _options(line) == [("none", Decimal("0.00"), 0.0), ("pilot", Decimal("250.50"), 0.5), ("app", 600, None)]


@pytest.mark.parametrize(("name", "status"), [("member", 403), ("oversight", 403), ("admin", 403)])
def test_only_those_who_manage_budgets_replace_options(
    world: World, as_person: Callable[[str], Client], name: str, status: int
) -> None:
    line = world.line("A1", 1000)
    before = _options(line)
    body = {"options": [{"key": "none", "cost": 0}]}
    assert put(as_person(name), options_url(world, line), body).status_code == status
    assert _options(line) == before


def test_other_organisations_ids_are_404_and_change_nothing(
    world: World, other: World, as_person: Callable[[str], Client]
) -> None:
    line = world.line("A1", 1000)
    theirs = other.line("B1", 500)
    before, their_before = _options(line), _options(theirs)
    lead = as_person("lead")
    body = {"options": [{"key": "none", "cost": 0}, {"key": "app", "cost": 5, "contributions": {other.goals[0].pk: 3}}]}
    response = put(lead, options_url(world, line), body)
    assert response.status_code == 404
    assert str(other.goals[0].pk) in response.json()["detail"]
    assert put(lead, f"{CYCLES}/{other.cycle.pk}/lines/{theirs.pk}/options", {"options": []}).status_code == 404
    assert put(lead, f"{cycle_url(world)}/lines/{theirs.pk}/options", {"options": []}).status_code == 404
    assert lead.get(f"{cycle_url(world)}/lines/{theirs.pk}/options").status_code == 404
    assert _options(line) == before and _options(theirs) == their_before


@pytest.mark.parametrize(
    "options",
    [
        [],
        [{"key": "half", "cost": 5}],
        [{"key": "none", "cost": 0}, {"key": "none", "cost": 3}],
        [{"key": "none", "cost": -1}],
        [{"key": "none", "cost": "1.234"}],
        [{"key": "<script>", "cost": 0}],
        [{"key": "none", "cost": 0, "scale": 9}],
        [{"key": "none", "cost": 0}, {"key": "a", "cost": 1, "contributions": {"1": 7}}],
        [{"key": "none", "cost": 0}, {"key": "a", "cost": 1, "contributions": {"x": 1}}],
        [{"key": f"k{i}", "cost": i} for i in range(21)],
        [{"key": f"k{i}", "cost": i} for i in range(101)],
        [{"key": "none", "cost": 0, "label": "x" * 401}],
    ],
)
def test_bad_options_are_422_and_change_nothing(
    world: World, as_person: Callable[[str], Client], options: list[dict[str, object]]
) -> None:
    line = world.line("A1", 1000)
    world.score(line, 0, 4)
    for option in options:  # a real goal id where a test body means one
        if option.get("contributions") == {"1": 7}:
            option["contributions"] = {str(world.goals[0].pk): 7}
    before = _options(line)
    response = put(as_person("lead"), options_url(world, line), {"options": options})
    assert response.status_code == 422, response.content
    assert _options(line) == before


def test_an_inactive_goal_in_a_package_is_422(world: World, as_person: Callable[[str], Client]) -> None:
    line = world.line("A1", 1000)
    world.goals[2].active = False
    world.goals[2].save()
    before = _options(line)
    body = {"options": [{"key": "none", "cost": 0}, {"key": "a", "cost": 1, "contributions": {world.goals[2].pk: 2}}]}
    response = put(as_person("lead"), options_url(world, line), body)
    assert response.status_code == 422
    assert any("active goal" in error["msg"] for error in response.json()["errors"])
    assert _options(line) == before


def test_a_malformed_body_changes_nothing(world: World, as_person: Callable[[str], Client]) -> None:
    line = world.line("A1", 1000)
    before = _options(line)
    lead = as_person("lead")
    response = lead.put(options_url(world, line), data="{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert put(lead, options_url(world, line), {"options": "none"}).status_code == 422
    assert _options(line) == before


# --- Export -----------------------------------------------------------------------------------


def test_members_export_csv_and_xlsx_that_import_back(world: World, as_person: Callable[[str], Client]) -> None:
    line = world.line("A1", 1000, title="=1+1")
    world.score(line, 0, 4)
    budget_services.set_funding_options(
        line=line,
        options=[{"key": "none", "cost": 0}, {"key": "app", "cost": 600, "contributions": {str(world.goals[1].pk): 2}}],
    )
    member = as_person("member")
    response = member.get(f"{cycle_url(world)}/lines/export?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="2027-lines.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["code", "title", "unit", "amount"]
    assert rows[1][:2] == ["A1", "'=1+1"]
    assert rows[1][-1] == "none:0.00:0;app:600.00:Climate=2"
    xlsx = member.get(f"{cycle_url(world)}/lines/export?format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Disposition"].endswith('2027-lines.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A2"].value == "A1" and sheet["B2"].value == "'=1+1"
    summary = import_lines.import_budget_lines(cycle=world.cycle, file=io.BytesIO(xlsx.content), format="xlsx")
    assert (summary.created, summary.updated) == (0, 1)
    app = FundingOption.objects.get(line=line, key="app")
    assert app.contributions == {str(world.goals[1].pk): 2.0} and app.scale is None


def test_export_refuses_other_formats_and_other_organisations(
    world: World, other: World, as_person: Callable[[str], Client]
) -> None:
    member = as_person("member")
    assert member.get(f"{cycle_url(world)}/lines/export?format=pdf").status_code == 422
    assert member.get(f"{CYCLES}/{other.cycle.pk}/lines/export?format=csv").status_code == 404
    assert Client().get(f"{cycle_url(world)}/lines/export?format=csv").status_code in (401, 403)
