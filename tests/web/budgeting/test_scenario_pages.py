"""Scenario pages: running current, optimised and greedy scenarios, a scenario's figures with
charts and tables, infeasibility explained in words, two scenarios side by side, and adoption as a
recorded decision by leadership."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from spaceforchange.budgeting import budget_services, scenario_services
from spaceforchange.budgeting.models import BudgetCycle, BudgetLine, CycleStatus, Scenario
from tests.integration.budgeting.conftest import World
from tests.web.budgeting.helpers import ORG, errors_of, soup_of, table_rows, text_of

pytestmark = pytest.mark.django_db


def url(world: World, rest: str = "") -> str:
    return f"{ORG}budgets/{world.cycle.pk}/scenarios/{rest}"


def run(world: World, method: str, cycle: BudgetCycle | None = None) -> Scenario:
    return scenario_services.run_scenario(cycle=cycle or world.cycle, method=method, actor=world.lead)


def test_lead_runs_each_method(world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]) -> None:
    lead = as_person("lead")
    methods = {tag["value"] for tag in soup_of(lead.get(url(world))).select("input[name=method]")}
    assert methods == {"current", "optimised", "greedy"}
    for method in ("optimised", "greedy", "current"):
        response = lead.post(url(world), {"method": method, "name": ""})
        scenario = Scenario.objects.get(method=method)
        assert response.status_code == 302 and response["Location"] == url(world, f"{scenario.pk}/")
    rows = table_rows(soup_of(lead.get(url(world))), "#scenarios")
    assert [row[:3] for row in rows] == [
        ["Optimised 1", "Optimised", "Optimal"],
        ["Greedy by score 1", "Greedy by score", "Feasible"],
        ["Current allocation 1", "Current allocation", "Feasible"],
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"method": "manual"}, "Method"),
        ({"method": "magic"}, "Method"),
        ({}, "Method"),
        ({"method": "optimised", "name": "x" * 101}, "Name"),
        ({"method": "optimised", "name": "Taken"}, "already has a scenario"),
    ],
)
def test_bad_runs_rerender_with_errors(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client], data: dict[str, str], message: str
) -> None:
    scenario_services.run_scenario(cycle=world.cycle, method="current", name="Taken", actor=world.lead)
    soup = soup_of(as_person("lead").post(url(world), data))
    assert message in errors_of(soup)
    assert Scenario.objects.count() == 1


def test_a_cycle_without_lines_cannot_be_run(world: World, as_person: Callable[[str], Client]) -> None:
    soup = soup_of(as_person("lead").post(url(world), {"method": "optimised"}))
    assert "no budget lines" in errors_of(soup)
    assert soup.select_one("#no-scenarios") is not None


@pytest.mark.parametrize(("name", "status"), [("member", 403), ("admin", 403), ("oversight", 200), ("leader", 200)])
def test_who_reads_scenarios(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client], name: str, status: int
) -> None:
    scenario = run(world, "current")
    client = as_person(name)
    assert client.get(url(world)).status_code == status
    assert client.get(url(world, f"{scenario.pk}/")).status_code == status
    assert client.get(url(world, "compare/")).status_code == status


def test_oversight_reads_but_does_not_run_or_adopt(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    scenario = run(world, "current")
    oversight = as_person("oversight")
    assert soup_of(oversight.get(url(world))).select_one("input[name=method]") is None
    assert oversight.post(url(world), {"method": "optimised"}).status_code == 403
    assert oversight.get(url(world, f"{scenario.pk}/adopt/")).status_code == 403
    assert Scenario.objects.count() == 1


def test_scenario_page_has_figures_and_charts_with_tables(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    scenario = run(world, "optimised")
    client = as_person("lead")
    with django_assert_max_num_queries(14):
        soup = soup_of(client.get(url(world, f"{scenario.pk}/")))
    figures = scenario.figures
    assert text_of(soup, "#status") == "Optimal"
    assert text_of(soup, "#value") == f"{figures['value']:,.0f}"
    assert text_of(soup, "#total-cost") == f"{figures['total_cost']:,.0f}"
    goals = table_rows(soup, "#goal-table")
    assert [row[0] for row in goals] == ["Digital services", "Climate", "Early help", "No goal"]
    purposes = {row[0]: row[3] for row in table_rows(soup, "#purpose-table")}
    assert purposes == {
        {"innovation": "Innovation", "efficiency": "Operational efficiency", "service_delivery": "Service delivery"}[
            row["purpose"]
        ]: f"{row['cost']:,.0f}"
        for row in figures["purposes"]
    }
    units = table_rows(soup, "#unit-table")
    assert sorted(row[0] for row in units) == ["Health", "Roads", "Schools"]
    changes = [float(row[3].replace(",", "")) for row in units]
    assert changes == sorted(changes)
    for chart, table in (
        ("goal-chart", "goal-table"),
        ("purpose-chart", "purpose-table"),
        ("unit-chart", "unit-table"),
    ):
        svg = soup.select_one(f"svg#{chart}[role=img]")
        assert svg is not None and svg.select_one("title") is not None
        assert len(svg.select("text[font-size='10']")) == len(table_rows(soup, f"#{table}"))
    assert len(soup.select("svg#goal-chart rect")) == 2 * len(goals)
    assert soup.select_one("#conflicts") is None
    assert soup.select_one("#adopt-link") is None  # the lead prepares; leaders adopt


def test_infeasible_scenario_explains_the_conflict_in_words(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    budget_services.update_budget_cycle(cycle=world.cycle, total_budget=100)
    scenario = run(world, "optimised")
    assert scenario.status == "infeasible"
    soup = soup_of(as_person("leader").get(url(world, f"{scenario.pk}/")))
    conflicts = text_of(soup, "#conflicts")
    assert "No allocation meets every constraint" in conflicts
    assert "The total cost must stay within the budget of 100." in conflicts
    assert "is mandatory (a legal obligation): it must be funded." in conflicts
    assert soup.select_one("#no-figures") is not None and soup.select_one("#adopt-link") is None


def test_compare_two_scenarios_side_by_side(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    current, optimised = run(world, "current"), run(world, "optimised")
    client = as_person("leader")
    listing = soup_of(client.get(url(world)))
    assert listing.select_one("#compare-form select[name=a]") is not None
    with django_assert_max_num_queries(14):
        soup = soup_of(client.get(url(world, "compare/"), {"a": current.pk, "b": optimised.pk}))
    totals = {row[0]: row[1:] for row in table_rows(soup, "#compare-totals")}
    assert totals["Status"][:2] == ["Feasible", "Optimal"]
    value_a, value_b = current.figures["value"], optimised.figures["value"]
    assert totals["Strategic value"] == [f"{value_a:,.0f}", f"{value_b:,.0f}", f"{value_b - value_a:,.0f}"]
    assert value_b >= value_a
    assert {row[0] for row in table_rows(soup, "#compare-units")} == {"Health", "Roads", "Schools"}
    assert "No goal" in {row[0] for row in table_rows(soup, "#compare-goals")}
    differing = {key for key in current.chosen if current.chosen[key] != optimised.chosen[key]}
    assert len(soup.select("#compare-lines tbody tr")) == len(differing)


def test_compare_with_bad_or_foreign_ids(
    world: World, other: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    mine = run(world, "current")
    other.line("F-01", 10)
    theirs = run(other, "current", cycle=other.cycle)
    client = as_person("leader")
    assert client.get(url(world, "compare/"), {"a": mine.pk, "b": theirs.pk}).status_code == 404
    assert client.get(url(world, f"{theirs.pk}/")).status_code == 404
    assert client.get(url(world, f"{theirs.pk}/adopt/")).status_code == 404
    assert client.get(f"{ORG}budgets/{other.cycle.pk}/scenarios/").status_code == 404
    soup = soup_of(client.get(url(world, "compare/"), {"a": "<script>", "b": "1 OR 1=1"}))
    assert soup.select_one("#compare-totals") is None and soup.select_one("#too-few") is not None


def test_leader_adopts_a_scenario_with_a_recorded_decision(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    scenario, other = run(world, "optimised"), run(world, "current")
    leader = as_person("leader")
    page = soup_of(leader.get(url(world, f"{scenario.pk}/")))
    assert page.select_one("#adopt-link") is not None
    assert "This field is required." in errors_of(
        soup_of(leader.post(url(world, f"{scenario.pk}/adopt/"), {"note": " "}))
    )
    assert "Decision" in errors_of(soup_of(leader.post(url(world, f"{scenario.pk}/adopt/"), {"note": "x" * 4001})))
    assert as_person("lead").post(url(world, f"{scenario.pk}/adopt/"), {"note": "Mine."}).status_code == 403
    assert Scenario.objects.filter(adopted_at__isnull=False).count() == 0
    response = leader.post(url(world, f"{scenario.pk}/adopt/"), {"note": "Money follows the new goals."})
    assert response.status_code == 302 and response["Location"] == url(world, f"{scenario.pk}/")
    scenario.refresh_from_db()
    world.cycle.refresh_from_db()
    assert (scenario.adoption_note, scenario.adopted_by_id, world.cycle.status) == (
        "Money follows the new goals.",
        world.leader.pk,
        CycleStatus.DECIDED,
    )
    adopted = soup_of(leader.get(url(world, f"{scenario.pk}/")))
    assert text_of(adopted, "#decision") == "Money follows the new goals."
    assert adopted.select_one("#adopt-link") is None
    second = soup_of(leader.get(url(world, f"{other.pk}/")))
    assert "adopted scenario is Optimised 1" in text_of(second, "#other-adopted")
    assert second.select_one("#adopt-link") is None
    refused = soup_of(leader.post(url(world, f"{other.pk}/adopt/"), {"note": "Changed my mind."}))
    assert "already adopted" in errors_of(refused)
