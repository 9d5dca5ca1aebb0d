"""Packages with scores of their own survive an export and an import into another cycle; a file
without a goal's column leaves the updated lines' scores for that goal as they are."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest

from spaceforchange.budgeting import budget_services, import_lines, selectors, services
from spaceforchange.budgeting.models import BudgetCycle, BudgetLine, FundingOption, GoalContribution
from tests.integration.budgeting.conftest import World

HEADER = "code,title,unit,amount,previous_amount,purpose,basis,mandatory,max_change,locked,requires"


def _csv(*rows: str, header: str = HEADER) -> io.BytesIO:
    return io.BytesIO(("\n".join([header, *rows]) + "\n").encode())


def _fresh_cycle(world: World) -> BudgetCycle:
    return budget_services.create_budget_cycle(
        organization=world.organization,
        name="2028",
        starts_on=datetime.date(2028, 1, 1),
        ends_on=datetime.date(2028, 12, 31),
        total_budget=Decimal(1000),
        target_purpose_mix={"innovation": 0.1, "efficiency": 0.2, "service_delivery": 0.7},
    )


def _state(cycle: BudgetCycle) -> list[tuple[object, ...]]:
    rows = []
    for line in BudgetLine.objects.filter(cycle=cycle).order_by("code"):
        options = sorted(FundingOption.objects.filter(line=line).values_list("key", "cost", "scale", "contributions"))
        scores = sorted(GoalContribution.objects.filter(budget_line=line).values_list("goal_id", "score"))
        rows.append((line.code, line.amount, options, scores))
    return rows


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_packages_with_own_scores_and_scaled_options_import_into_a_fresh_cycle(world: World, format: str) -> None:
    # A title with every separator of the cell, to show the escapes read back.
    world.goals[2].title = "Help: early; 100% = good | fast"
    world.goals[2].save()
    first = world.line("A1", 1000)
    second = world.line("A2", 400)
    world.score(first, 0, 4)
    world.score(first, 1, 2)
    budget_services.set_funding_options(
        line=first,
        options=[
            {"key": "none", "cost": 0},
            {"key": "pilot", "cost": "250.50", "scale": 0.5},
            {"key": "app", "cost": 600, "contributions": {str(world.goals[0].pk): 3, str(world.goals[2].pk): 4.5}},
            {"key": "full", "cost": 1000, "scale": 1},
        ],
    )
    budget_services.set_funding_options(
        line=second,
        options=[
            {"key": "none", "cost": 0},
            {"key": "climate", "cost": 400, "contributions": {str(world.goals[1].pk): 5}},
        ],
    )
    before = _state(world.cycle)
    _header, rows = import_lines.export_rows(world.cycle)
    assert rows[0][-1] == (
        f"none:0.00:0;pilot:250.50:2;app:600.00:{world.goals[0].title}=3|Help%3A early%3B 100%25 %3D good %7C fast=4.5;"
        "full:1000.00:4"
    )
    fresh = _fresh_cycle(world)
    exported = selectors.export_lines(world.cycle, format)
    summary = import_lines.import_budget_lines(cycle=fresh, file=io.BytesIO(exported), format=format, actor=world.lead)
    assert (summary.created, summary.updated) == (2, 0)
    assert _state(fresh) == before
    app = FundingOption.objects.get(line__cycle=fresh, key="app")
    assert app.scale is None
    assert app.contributions == {str(world.goals[0].pk): 3, str(world.goals[2].pk): 4.5}
    climate = FundingOption.objects.get(line__cycle=fresh, key="climate")
    assert climate.contributions == {str(world.goals[1].pk): 5} and climate.scale is None


def test_a_package_cell_with_own_scores_is_checked(world: World) -> None:
    header = HEADER + ",goal:Climate,options"
    bad = [
        "none:0:0;app:10:Nowhere=3",
        "none:0:0;app:10:Climate=6",
        "none:0:0;app:10:Climate=x",
        "none:0:0;app:10:Climate=-1",
    ]
    rows = [f"B{index},Line,Schools,10,,innovation,,,,,,2,{cell}" for index, cell in enumerate(bad)]
    with pytest.raises(import_lines.ImportProblems) as raised:
        import_lines.import_budget_lines(cycle=world.cycle, file=_csv(*rows, header=header), format="csv")
    messages = [problem.message_text() for problem in raised.value.problems]
    assert messages[0] == "Line 2, column options: No goal of the organisation has the title “Nowhere”."
    assert messages[1:] == [
        f"Line {line}, column options: Write each package as key:cost:score or key:cost:goal=score|goal=score "
        "(scores 0–5)."
        for line in (3, 4, 5)
    ]
    assert not BudgetLine.objects.filter(cycle=world.cycle).exists()


def test_an_own_scoring_package_needs_no_line_score(world: World) -> None:
    header = HEADER + ",options"
    data = _csv("C1,Line,Schools,10,,innovation,,,,,,none:0:0;app:10:early HELP=2.25", header=header)
    import_lines.import_budget_lines(cycle=world.cycle, file=data, format="csv")
    option = FundingOption.objects.get(line__code="C1", key="app")
    assert option.contributions == {str(world.goals[2].pk): 2.25} and option.scale is None
    assert option.cost == Decimal(10)


def test_absent_goal_columns_leave_scores_and_empty_cells_remove_them(world: World) -> None:
    line = world.line("A1", 1000)
    world.score(line, 0, 4)
    world.score(line, 1, 2)
    services.set_goal_contribution(goal=world.goals[2], subject=line, score=1, evidence="Survey", actor=world.lead)
    row = "A1,Renamed,Schools,1000,,service_delivery,,,,,"
    import_lines.import_budget_lines(cycle=world.cycle, file=_csv(row), format="csv")
    scores = dict(GoalContribution.objects.filter(budget_line=line).values_list("goal_id", "score"))
    assert scores == {world.goals[0].pk: 4, world.goals[1].pk: 2, world.goals[2].pk: 1}
    assert GoalContribution.objects.get(budget_line=line, goal=world.goals[2]).evidence == "Survey"
    full = FundingOption.objects.get(line=line, key="full")
    assert full.contributions == {str(world.goals[0].pk): 4.0, str(world.goals[1].pk): 2.0, str(world.goals[2].pk): 1.0}
    # A column present: an empty cell removes that goal's score, a number replaces it; others stay.
    header = HEADER + ",goal:Digital services,goal:Climate"
    import_lines.import_budget_lines(cycle=world.cycle, file=_csv(row + ",,5", header=header), format="csv")
    scores = dict(GoalContribution.objects.filter(budget_line=line).values_list("goal_id", "score"))
    assert scores == {world.goals[1].pk: 5, world.goals[2].pk: 1}
    assert BudgetLine.objects.get(pk=line.pk).title == "Renamed"
    full = FundingOption.objects.get(line=line, key="full")
    assert full.contributions == {str(world.goals[1].pk): 5.0, str(world.goals[2].pk): 1.0}
