"""Strategy and money: leadership makes money follow strategy.

1. The leader opens the budget of 2027 (ten lines in three units), runs the current allocation and
   the optimised scenario, compares the two side by side (the optimised one is worth more), and
   adopts the optimised scenario: sent first without a decision note, the form says what is
   missing; with the note it is adopted and the decision is shown on the scenario.
2. The leader revises the strategy: a revision whose weights do not add up to 100 is refused with
   the reason; the corrected one is saved and its changes appear in the revision history.
axe finds no serious or critical violation on any page visited.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_journey_foundation import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LEADER = "leader@northbay.example"


@pytest.fixture
def world() -> object:
    from tests.integration.budgeting.conftest import make_world
    from tests.web.budgeting.helpers import fill_cycle

    made = make_world()
    fill_cycle(made)
    return made


def visit(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name=name, exact=True).first.click()
    page.wait_for_load_state()
    assert_accessible(page)


def run(page, method: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label(method, exact=True).check()
    page.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_load_state()
    assert_accessible(page)


def test_leadership_runs_compares_and_adopts_the_optimised_scenario(page, world):  # type: ignore[no-untyped-def]
    from tests.factories import PASSWORD

    sign_in(page, LEADER, PASSWORD)
    page.goto("/o/northbay/budgets/")
    assert_accessible(page)
    visit(page, "2027")
    assert page.locator("#lines tbody tr").count() == 10
    assert page.locator("#linked-share").inner_text() == "64 %"

    visit(page, "Scenarios")
    run(page, "Current allocation")
    current_value = float(page.locator("#value").inner_text().replace(",", ""))
    assert page.locator("#goal-chart").is_visible() and page.locator("#goal-table").is_visible()

    visit(page, "Scenarios")
    run(page, "Optimised")
    assert page.locator("#status").inner_text() == "Optimal"
    optimised_url = page.url
    optimised_value = float(page.locator("#value").inner_text().replace(",", ""))
    assert optimised_value > current_value

    visit(page, "Scenarios")
    page.get_by_label("First scenario").select_option(label="Current allocation 1")
    page.get_by_label("Second scenario").select_option(label="Optimised 1")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_load_state()
    assert_accessible(page)
    value_row = page.locator("#compare-totals tr", has_text="Strategic value").inner_text()
    assert f"{optimised_value:,.0f}" in value_row and f"{current_value:,.0f}" in value_row

    page.goto(optimised_url)
    visit(page, "Adopt this scenario")
    page.get_by_role("button", name="Adopt and record the decision").click()
    page.wait_for_load_state()
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page)
    page.get_by_label(re.compile("^Decision")).fill("Money follows the new goals; Roads keeps its mandatory lines.")
    page.get_by_role("button", name="Adopt and record the decision").click()
    page.wait_for_load_state()
    assert page.url == optimised_url
    assert "Money follows the new goals" in page.locator("#decision").inner_text()
    assert page.locator("#adopt-link").count() == 0
    assert_accessible(page)


def test_leader_revises_the_strategy(page, world):  # type: ignore[no-untyped-def]
    from tests.factories import PASSWORD

    sign_in(page, LEADER, PASSWORD)
    page.goto("/o/northbay/strategy/")
    assert_accessible(page)
    visit(page, "Revise strategy")
    page.get_by_label(re.compile("^What changed")).fill("Climate weighs more.")
    page.get_by_label(re.compile("^Why")).fill("The council's new climate plan.")
    row = page.locator("#goal-row-2")
    row.get_by_label(re.compile("^Weight")).fill("40")
    page.get_by_role("button", name="Save the revision").click()
    page.wait_for_load_state()
    assert "they must add up to 100" in page.locator("#error-summary").inner_text()
    assert_accessible(page)
    page.locator("#goal-row-1").get_by_label(re.compile("^Weight")).fill("40")
    page.get_by_role("button", name="Save the revision").click()
    page.wait_for_load_state()
    assert page.locator("#error-summary").count() == 0
    assert_accessible(page)
    visit(page, "Revision history")
    assert "Climate: weight 30 → 40" in page.locator("#revision-2").inner_text()
    visit(page, "Strategy")
    visit(page, "Climate")
    assert page.locator("#contributions-line tbody tr").count() == 4


def test_innovation_lead_prepares_lines_and_reads_what_is_not_demonstrated(page, world, tmp_path):  # type: ignore[no-untyped-def]
    from tests.factories import PASSWORD

    sign_in(page, "lead@northbay.example", PASSWORD)
    page.goto(f"/o/northbay/budgets/{world.cycle.pk}/")
    assert_accessible(page)
    page.get_by_label("Purpose", exact=True).select_option(label="Innovation")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    assert page.locator("#lines tbody tr").count() == 3
    assert_accessible(page)

    visit(page, "Add a line")
    page.get_by_role("button", name="Save the line").click()
    page.wait_for_load_state()
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page)
    page.get_by_label(re.compile("^Code")).fill("N-01")
    page.get_by_label(re.compile("^Title")).fill("Digital enrolment")
    page.get_by_label(re.compile("^Unit")).select_option(label="Schools")
    page.get_by_label(re.compile("^Amount")).first.fill("30")
    page.get_by_role("group", name=re.compile("^Purpose")).get_by_label("Innovation").check()
    page.get_by_role("group", name=re.compile("^Basis")).get_by_label("Re-decided").check()
    # The design system draws its own box and hides the input: people click the label.
    page.get_by_role("group", name=re.compile("^Funded only if")).locator("label", has_text="S-03 Line S-03").click()
    page.get_by_role("button", name="Save the line").click()
    page.wait_for_load_state()
    assert page.locator("#options tbody tr").count() == 3
    assert "S-03 Line S-03" in page.locator("#line-facts").inner_text()
    assert_accessible(page)

    visit(page, "Lines and indicators")
    visit(page, "Import lines")
    bad = tmp_path / "lines.csv"
    bad.write_text("code,title,unit,amount,purpose\nA1,Fine,Schools,10,innovation\nA2,Bad,Nowhere,-1,fun\n")
    # The design system's script wraps the file input in its own drop zone; the input stays the target.
    page.locator("input[type=file][name=file]").set_input_files(str(bad))
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_load_state()
    assert page.locator("#import-problems tbody tr").count() >= 3
    assert_accessible(page)

    visit(page, "Demonstrate or change")
    assert page.locator("#challenged-units tbody tr").count() == 3
    visit(page, "Contribution statements")
    page.get_by_label(re.compile("^Unit")).select_option(label="Schools")
    page.get_by_label(re.compile("^The unit.s strategic contribution")).fill("Enrolment moves online.")
    page.get_by_role("button", name="Submit the statement").click()
    page.wait_for_load_state()
    assert "Waiting for review" in page.locator("#statements").inner_text()
    assert_accessible(page)
