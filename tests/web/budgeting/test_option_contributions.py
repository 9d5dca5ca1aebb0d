"""The funding options page's grid of per-goal contributions: one labelled number per active goal per
option, validated, saved as the option's own contributions, and used by the optimiser's next scenario."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from spaceforchange.budgeting import budget_services, scenario_services
from spaceforchange.budgeting.models import BudgetLine, FundingOption
from tests.integration.budgeting.conftest import World
from tests.web.budgeting.helpers import ORG, errors_of, soup_of, table_rows

pytestmark = pytest.mark.django_db


def options_url(world: World, line: BudgetLine) -> str:
    return f"{ORG}budgets/{world.cycle.pk}/lines/{line.pk}/options/"


def grid(world: World, scores: dict[int, str], **changes: str) -> dict[str, Any]:
    """The form with two options: none, and a package costing 60 with ``scores`` (goal index → value)."""
    data = {
        "options-TOTAL_FORMS": "2",
        "options-INITIAL_FORMS": "0",
        "options-0-key": "none",
        "options-0-cost": "0",
        "options-0-scale": "0",
        "options-1-key": "package",
        "options-1-label": "Package",
        "options-1-cost": "60",
        "options-1-scale": "",
    }
    data |= {f"options-1-goal_{world.goals[index].pk}": value for index, value in scores.items()}
    return data | changes


def contributions_of(line: BudgetLine) -> dict[str, tuple[float | None, dict[str, float]]]:
    return {option.key: (option.scale, option.contributions) for option in FundingOption.objects.filter(line=line)}


def test_the_grid_has_one_labelled_score_per_active_goal_per_option(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    soup = soup_of(as_person("lead").get(options_url(world, filled[2])))
    inputs = soup.select("input[name*=-goal_]")
    assert len(inputs) == 5 * 3  # three options and two blank rows, three goals
    first = soup.select("#option-row-1 input[name*=-goal_]")
    labels = [soup.select_one(f"label[for={field['id']}]").get_text(strip=True) for field in first]
    assert labels == ["Digital services", "Climate", "Early help"]
    assert all(field["type"] == "number" and field["max"] == "5" and field["min"] == "0" for field in first)
    assert "contribution to each goal" in soup.select_one("#option-row-1 fieldset legend").get_text()
    header = [cell.get_text(strip=True) for cell in soup.select("#options thead th")]
    assert header[-3:] == ["Contribution to Digital services", "Contribution to Climate", "Contribution to Early help"]
    assert table_rows(soup, "#options")[2][-3:] == ["5", "0", "0"]  # full: S-03 scores Digital services 5


def test_saved_scores_feed_the_optimised_scenario(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    line = next(line for line in filled if line.code == "S-02")  # 80, linked to no goal
    before = scenario_services.run_scenario(cycle=world.cycle, method="optimised", name="before")
    assert before.chosen[str(line.pk)] == "none"
    response = as_person("lead").post(options_url(world, line), grid(world, {0: "5", 1: "4.5", 2: ""}))
    assert response.status_code == 302
    goals = [str(goal.pk) for goal in world.goals]
    assert contributions_of(line) == {"none": (0.0, {}), "package": (None, {goals[0]: 5.0, goals[1]: 4.5})}
    page = soup_of(as_person("member").get(options_url(world, line)))
    assert table_rows(page, "#options")[1][-3:] == ["5", "4.5", "0"]
    after = scenario_services.run_scenario(cycle=world.cycle, method="optimised", name="after")
    assert after.chosen[str(line.pk)] == "package"
    assert after.objective > before.objective
    refilled = soup_of(as_person("lead").get(options_url(world, line)))
    assert refilled.select_one(f"input[name=options-1-goal_{goals[1]}]")["value"] == "4.5"


def test_scaled_options_follow_the_lines_scores_when_no_score_is_given(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    line = filled[2]  # S-03, Digital services 5
    data = grid(world, {}, **{"options-1-scale": "40"})
    assert as_person("lead").post(options_url(world, line), data).status_code == 302
    assert contributions_of(line)["package"] == (0.4, {str(world.goals[0].pk): 2.0})


@pytest.mark.parametrize("value", ["6", "-1", "5.001", "abc", "1e400", "NaN", "<script>alert(1)</script>", "9" * 50])
def test_bad_scores_are_refused_and_change_nothing(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client], value: str
) -> None:
    line = filled[2]
    before = contributions_of(line)
    soup = soup_of(as_person("lead").post(options_url(world, line), grid(world, {0: "3", 1: value})))
    assert "Row 2, Climate" in errors_of(soup)
    assert "<script>" not in str(soup.select_one("#error-summary"))
    assert contributions_of(line) == before


def test_a_score_for_a_goal_not_in_the_grid_is_ignored(
    world: World, other: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    line = filled[1]
    data = grid(world, {0: "2"}) | {f"options-1-goal_{other.goals[0].pk}": "5"}
    assert as_person("lead").post(options_url(world, line), data).status_code == 302
    assert contributions_of(line)["package"] == (None, {str(world.goals[0].pk): 2.0})


def test_who_may_change_the_grid(world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]) -> None:
    line = filled[1]
    before = contributions_of(line)
    for name in ("member", "oversight", "admin"):
        client = as_person(name)
        assert soup_of(client.get(options_url(world, line))).select_one("input[name*=-goal_]") is None
        assert client.post(options_url(world, line), grid(world, {0: "5"})).status_code == 403
    assert contributions_of(line) == before
    budget_services.set_funding_options(line=line, options=[{"key": "none", "cost": 0}])
    assert as_person("leader").post(options_url(world, line), grid(world, {0: "1"})).status_code == 302
