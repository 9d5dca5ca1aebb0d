"""Test data and parsing helpers of the budgeting page and browser tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bs4 import BeautifulSoup

from spaceforchange.budgeting import budget_services
from spaceforchange.budgeting.models import BudgetLine
from tests.integration.budgeting.conftest import World

ORG = "/o/northbay/"


def soup_of(response: Any) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def text_of(soup: BeautifulSoup, selector: str) -> str:
    found = soup.select_one(selector)
    assert found is not None, selector
    return " ".join(found.get_text(" ").split())


def table_rows(soup: BeautifulSoup, selector: str) -> list[list[str]]:
    """The body rows of a table, each cell's text with its white space collapsed."""
    return [
        [" ".join(cell.get_text(" ").split()) for cell in row.select("th, td")]
        for row in soup.select(f"{selector} tbody tr")
    ]


def errors_of(soup: BeautifulSoup) -> str:
    return text_of(soup, "#error-summary")


# code, unit, amount, previous, purpose, basis, mandatory, goal scores (goal index → score)
LINES = (
    ("S-01", 0, 120, 110, "service_delivery", "carried_over", True, {0: 2}),
    ("S-02", 0, 80, 80, "service_delivery", "carried_over", False, {}),
    ("S-03", 0, 60, 40, "innovation", "re_decided", False, {0: 5}),
    ("H-01", 1, 150, 150, "service_delivery", "carried_over", True, {2: 3}),
    ("H-02", 1, 90, 100, "efficiency", "re_decided", False, {1: 2}),
    ("H-03", 1, 50, 50, "innovation", "re_decided", False, {0: 4, 1: 1}),
    ("R-01", 2, 200, 200, "service_delivery", "carried_over", True, {}),
    ("R-02", 2, 100, 120, "efficiency", "carried_over", False, {1: 4}),
    ("R-03", 2, 70, 70, "service_delivery", "carried_over", False, {}),
    ("R-04", 2, 40, 0, "innovation", "re_decided", False, {1: 5}),
)


def fill_cycle(world: World) -> list[BudgetLine]:
    """Ten lines in three units (total 960 of a budget of 1000), seven scored, R-04 requiring H-03;
    all through the services."""
    lines = []
    for code, unit, amount, previous, purpose, basis, mandatory, scores in LINES:
        line = world.line(
            code,
            amount,
            unit,
            title=f"Line {code}",
            purpose=purpose,
            basis=basis,
            mandatory=mandatory,
            previous_amount=Decimal(previous),
        )
        for goal, score in scores.items():
            world.score(line, goal, score)
        lines.append(line)
    by_code = {line.code: line for line in lines}
    budget_services.save_budget_line(
        cycle=world.cycle,
        line=by_code["R-04"],
        code="R-04",
        title="Line R-04",
        unit=world.units[2],
        amount=Decimal(40),
        previous_amount=Decimal(0),
        purpose="innovation",
        basis="re_decided",
        requires=[by_code["H-03"]],
    )
    return lines
