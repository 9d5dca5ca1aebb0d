"""The budget API: cycles and lines (list, create, read, change, import); roles, tenancy and bad input."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from spaceforchange.budgeting.models import BudgetCycle, BudgetLine, LineDependency
from tests.factories import make_unit
from tests.integration.budgeting.conftest import World

pytestmark = pytest.mark.django_db
CYCLES = "/api/v1/organizations/northbay/budget-cycles"
CYCLE_BODY = {
    "name": "2028",
    "starts_on": "2028-01-01",
    "ends_on": "2028-12-31",
    "total_budget": "1500000.50",
    "target_purpose_mix": {"innovation": 0.1, "efficiency": 0.3, "service_delivery": 0.6},
    "purpose_bounds": {"innovation": {"min": 0.05}},
}


def post(client: Client, url: str, body: object) -> Any:
    return client.post(url, data=body, content_type="application/json")


def patch(client: Client, url: str, body: object) -> Any:
    return client.patch(url, data=body, content_type="application/json")


def fields_of(response: Any) -> set[str]:
    return {str(error["loc"][-1]) for error in response.json()["errors"]}


def lines_url(world: World) -> str:
    return f"{CYCLES}/{world.cycle.pk}/lines"


def line_body(world: World, **changes: object) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": "N-01",
        "title": "New reading support",
        "unit_id": world.units[1].pk,
        "amount": "300.00",
        "previous_amount": None,
        "purpose": "innovation",
    }
    return body | changes


# --- Cycles -----------------------------------------------------------------------------------


def test_lead_opens_a_cycle_and_members_read_it(world: World, as_person: Callable[[str], Client]) -> None:
    response = post(as_person("lead"), CYCLES, CYCLE_BODY)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["name"], created["total_budget"], created["status"], created["line_count"]) == (
        "2028",
        1500000.5,
        "draft",
        0,
    )
    assert created["purpose_bounds"] == {"innovation": {"min": 0.05}}
    listed = as_person("member").get(CYCLES).json()
    assert (listed["count"], [row["name"] for row in listed["items"]]) == (2, ["2028", "2027"])


def test_cycle_detail_has_the_indicators(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    body = as_person("member").get(f"{CYCLES}/{world.cycle.pk}").json()
    assert (body["line_count"], body["lines_total"]) == (10, 960.0)
    indicators = body["indicators"]
    assert (indicators["total"], indicators["line_count"]) == (960.0, 10)
    linked = sum(line.amount for line in filled if line.goal_contributions.exists())
    assert indicators["linked_share"] == pytest.approx(float(linked) / 960, abs=1e-3)
    assert indicators["purpose_mix"]["innovation"] == pytest.approx(150 / 960, abs=1e-3)
    assert indicators["target_mix"] == {"innovation": 0.1, "efficiency": 0.2, "service_delivery": 0.7}
    by_goal = {row["title"]: row["money"] for row in indicators["goals"]}
    assert set(by_goal) == {"Digital services", "Climate", "Early help", ""}
    assert sum(by_goal.values()) == pytest.approx(960)


@pytest.mark.parametrize(("name", "status"), [("member", 403), ("oversight", 403), ("admin", 403), ("leader", 201)])
def test_who_opens_cycles(world: World, as_person: Callable[[str], Client], name: str, status: int) -> None:
    assert post(as_person(name), CYCLES, CYCLE_BODY).status_code == status


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"name": ""}, {"name"}),
        ({"name": "2027"}, {"name"}),
        ({"ends_on": "2027-12-31"}, {"ends_on"}),
        ({"starts_on": None}, {"starts_on"}),
        ({"starts_on": "soon"}, {"starts_on"}),
        ({"total_budget": "-1"}, {"total_budget"}),
        ({"total_budget": "1.001"}, {"total_budget"}),
        ({"total_budget": "lots"}, {"total_budget"}),
        ({"target_purpose_mix": {"innovation": 0.5}}, {"target_purpose_mix"}),
        ({"target_purpose_mix": {"parties": 1.0}}, {"target_purpose_mix"}),
        ({"purpose_bounds": {"innovation": {"min": 0.5, "max": 0.1}}}, {"purpose_bounds"}),
        ({"purpose_bounds": {"innovation": {"least": 0.5}}}, {"purpose_bounds"}),
        ({"name": "x" * 201}, {"name"}),
    ],
)
def test_bad_cycles_are_422_and_change_nothing(
    world: World, as_person: Callable[[str], Client], changes: dict[str, object], fields: set[str]
) -> None:
    response = post(as_person("lead"), CYCLES, CYCLE_BODY | changes)
    assert response.status_code == 422 and fields_of(response) == fields, response.json()
    assert BudgetCycle.objects.filter(organization=world.organization).count() == 1


def test_another_organisations_cycle_is_404(world: World, other: World, as_person: Callable[[str], Client]) -> None:
    lead = as_person("lead")
    for url in (f"{CYCLES}/{other.cycle.pk}", f"{CYCLES}/{other.cycle.pk}/lines"):
        assert lead.get(url).status_code == 404
    assert post(lead, f"{CYCLES}/{other.cycle.pk}/lines", line_body(world)).status_code == 404
    assert as_person("lead").get("/api/v1/organizations/southport/budget-cycles").status_code == 404


# --- Lines ------------------------------------------------------------------------------------


def test_lines_are_filtered_sorted_and_paged(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    member = as_person("member")
    page = member.get(lines_url(world), {"limit": 4, "offset": 2}).json()
    assert page["count"] == 10 and [row["code"] for row in page["items"]] == ["H-03", "R-01", "R-02", "R-03"]
    roads = member.get(lines_url(world), {"unit_id": world.units[2].pk, "sort": "amount"}).json()["items"]
    assert [row["code"] for row in roads] == ["R-01", "R-02", "R-03", "R-04"]
    mandatory = member.get(lines_url(world), {"mandatory": "true"}).json()["items"]
    assert [row["code"] for row in mandatory] == ["H-01", "R-01", "S-01"]
    unlinked = member.get(lines_url(world), {"linked": "false"}).json()["items"]
    assert [row["code"] for row in unlinked] == ["R-01", "R-03", "S-02"]
    found = member.get(lines_url(world), {"q": "line s-0", "purpose": "innovation"}).json()["items"]
    assert [(row["code"], row["amount"], row["previous_amount"]) for row in found] == [("S-03", 60.0, 40.0)]
    h03 = next(line for line in filled if line.code == "H-03")
    by_code = {row["code"]: row for row in member.get(lines_url(world), {"limit": 20}).json()["items"]}
    assert by_code["H-03"]["goal_scores"] == {str(world.goals[0].pk): 4, str(world.goals[1].pk): 1}
    assert by_code["H-03"]["id"] == h03.pk
    assert member.get(lines_url(world), {"sort": "drop table"}).status_code == 422
    assert member.get(lines_url(world), {"limit": 0}).status_code == 422


def test_lead_adds_reads_and_changes_a_line(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    lead = as_person("lead")
    h03 = next(line for line in filled if line.code == "H-03")
    response = post(lead, lines_url(world), line_body(world, requires_ids=[h03.pk], max_change=0.5))
    assert response.status_code == 201, response.json()
    line = response.json()
    assert (line["code"], line["amount"], line["basis"], line["requires_ids"], line["max_change"]) == (
        "N-01",
        300.0,
        "re_decided",
        [h03.pk],
        0.5,
    )
    assert [(option["key"], option["cost"]) for option in line["options"]] == [
        ("none", 0.0),
        ("half", 150.0),
        ("full", 300.0),
    ]
    url = f"{lines_url(world)}/{line['id']}"
    changed = patch(lead, url, {"amount": "500", "mandatory": True}).json()
    assert (changed["amount"], changed["mandatory"], changed["requires_ids"], changed["title"]) == (
        500.0,
        True,
        [h03.pk],
        "New reading support",
    )
    assert [option["cost"] for option in changed["options"]] == [0.0, 250.0, 500.0]
    cleared = patch(lead, url, {"requires_ids": [], "previous_amount": "400"}).json()
    assert (cleared["requires_ids"], cleared["previous_amount"]) == ([], 400.0)
    assert as_person("member").get(url).json()["amount"] == 500.0


@pytest.mark.parametrize(("name", "status"), [("member", 403), ("oversight", 403), ("admin", 403), ("leader", 201)])
def test_who_adds_lines(world: World, as_person: Callable[[str], Client], name: str, status: int) -> None:
    assert post(as_person(name), lines_url(world), line_body(world)).status_code == status


def test_member_cannot_change_a_line(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    response = patch(as_person("member"), f"{lines_url(world)}/{filled[0].pk}", {"amount": "1"})
    assert response.status_code == 403
    filled[0].refresh_from_db()
    assert filled[0].amount == Decimal(120)


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"code": ""}, {"code"}),
        ({"code": "S-01"}, {"code"}),
        ({"amount": "-5"}, {"amount"}),
        ({"amount": None}, {"amount"}),
        ({"amount": "NaN"}, {"amount"}),
        ({"purpose": "parties"}, {"purpose"}),
        ({"basis": "tradition"}, {"basis"}),
        ({"max_change": -1}, {"max_change"}),
        ({"unit_id": None}, {"unit_id"}),
        ({"title": "<script>" * 60}, {"title"}),
        ({"requires_ids": "S-01"}, {"requires_ids"}),
    ],
)
def test_bad_lines_are_422_and_change_nothing(
    world: World,
    filled: list[BudgetLine],
    as_person: Callable[[str], Client],
    changes: dict[str, object],
    fields: set[str],
) -> None:
    response = post(as_person("lead"), lines_url(world), line_body(world, **changes))
    assert response.status_code == 422 and fields_of(response) == fields, response.json()
    assert BudgetLine.objects.filter(cycle=world.cycle).count() == 10


def test_a_line_of_another_cycle_is_refused(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    lead = as_person("lead")
    created = post(lead, CYCLES, CYCLE_BODY).json()
    response = post(lead, f"{CYCLES}/{created['id']}/lines", line_body(world, requires_ids=[filled[0].pk]))
    assert response.status_code == 422 and fields_of(response) == {"requires_ids"}
    assert lead.get(f"{CYCLES}/{created['id']}/lines/{filled[0].pk}").status_code == 404
    assert patch(lead, f"{CYCLES}/{created['id']}/lines/{filled[0].pk}", {"amount": "1"}).status_code == 404
    assert BudgetLine.objects.filter(cycle_id=created["id"]).count() == 0


def test_another_organisations_ids_in_line_bodies_are_404(
    world: World, other: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    lead = as_person("lead")
    foreign_line = other.line("X-1", 10)
    foreign_unit = make_unit(other.organization)
    assert post(lead, lines_url(world), line_body(world, unit_id=foreign_unit.pk)).status_code == 404
    assert post(lead, lines_url(world), line_body(world, requires_ids=[foreign_line.pk])).status_code == 404
    url = f"{lines_url(world)}/{filled[0].pk}"
    assert patch(lead, url, {"unit_id": foreign_unit.pk}).status_code == 404
    assert lead.get(f"{lines_url(world)}/{foreign_line.pk}").status_code == 404
    assert patch(lead, f"{lines_url(world)}/{foreign_line.pk}", {"amount": "1"}).status_code == 404
    assert BudgetLine.objects.filter(cycle=world.cycle).count() == 10
    assert not LineDependency.objects.filter(requires=foreign_line).exists()
    foreign_line.refresh_from_db()
    assert foreign_line.amount == Decimal(10)


# --- Import -----------------------------------------------------------------------------------

CSV = (
    "code,title,unit,amount,previous_amount,purpose,goal:Climate\n"
    "C-01,Bike lanes,Roads,1000,800,innovation,4\n"
    "C-02,Snow clearing,Roads,2000,2000,service_delivery,\n"
)


def upload(client: Client, world: World, content: bytes, format: str = "csv") -> Any:
    file = SimpleUploadedFile(f"lines.{format}", content, content_type="text/csv")
    return client.post(f"{lines_url(world)}/import", {"file": file, "format": format})


def test_lead_imports_lines_from_a_file(world: World, as_person: Callable[[str], Client]) -> None:
    response = upload(as_person("lead"), world, CSV.encode())
    assert response.status_code == 200, response.json()
    assert response.json() == {"created": 2, "updated": 0}
    bike = BudgetLine.objects.get(cycle=world.cycle, code="C-01")
    assert (bike.amount, bike.unit, bike.goal_contributions.get().score) == (Decimal(1000), world.units[2], 4)
    again = upload(as_person("lead"), world, CSV.replace("1000,800", "1200,800").encode())
    assert again.json() == {"created": 0, "updated": 2}


def test_a_bad_file_is_422_with_every_row_and_nothing_is_imported(
    world: World, as_person: Callable[[str], Client]
) -> None:
    bad = CSV + "C-03,Ghost,Nowhere,-1,,parties,9\n"
    response = upload(as_person("lead"), world, bad.encode())
    assert response.status_code == 422
    messages = " ".join(error["msg"] for error in response.json()["errors"])
    assert "Line 4" in messages and "unit" in messages and "purpose" in messages
    assert upload(as_person("lead"), world, b"\x00\x01garbage", "xlsx").status_code == 422
    assert upload(as_person("lead"), world, CSV.encode(), "pdf").status_code == 422
    assert upload(as_person("member"), world, CSV.encode()).status_code == 403
    no_file = as_person("lead").post(f"{lines_url(world)}/import", {"format": "csv"})
    assert no_file.status_code == 422 and fields_of(no_file) == {"file"}
    assert BudgetLine.objects.filter(cycle=world.cycle).count() == 0
