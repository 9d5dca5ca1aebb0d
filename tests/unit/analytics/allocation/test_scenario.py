"""The scenario file format: reading, every problem reported with its path, and writing back."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings

from spaceforchange.analytics.allocation import (
    AllocationProblem,
    FundingOption,
    PurposeBound,
    ScenarioError,
    Unit,
    parse_scenario,
    problem_to_dict,
)
from tests.unit.analytics.allocation.builders import example_document
from tests.unit.analytics.allocation.strategies import problems


def problems_of(document: object) -> tuple[str, ...]:
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(document)  # type: ignore[arg-type]
    assert str(raised.value) == "\n".join(raised.value.problems)
    return raised.value.problems


def test_the_issue_example_is_read_with_its_meaning():
    problem = parse_scenario(example_document())
    assert problem.budget == 1_000_000
    assert [(goal.id, goal.weight) for goal in problem.goals] == [("g1", 40), ("g2", 60)]
    assert problem.units == (Unit("u1", 0, 400000), Unit("u2", None, None))
    assert problem.purpose_bounds == {"innovation": PurposeBound(0.08, 0.3)}
    first, second = problem.lines
    assert (first.id, first.unit, first.purpose, first.mandatory) == ("l1", "u1", "innovation", False)
    assert (first.requires, first.previous_cost, first.max_change, first.locked_option) == (("l7",), 20000, 0.5, None)
    assert first.options[1] == FundingOption("half", 10000, {"g1": 2})
    # omitted fields take their defaults
    assert (second.requires, second.previous_cost, second.max_change, second.locked_option) == ((), None, None, None)
    assert second.options[0].contributions == {}
    assert second.mandatory is True


def test_names_are_optional_and_kept():
    document = example_document() | {"name": "Budget 2027"}
    document["goals"][0]["name"] = "Greener services"
    document["lines"][0]["options"][0]["name"] = "Stop"
    problem = parse_scenario(document)
    assert (problem.name, problem.goals[0].name, problem.lines[0].options[0].name) == (
        "Budget 2027",
        "Greener services",
        "Stop",
    )
    assert parse_scenario(problem_to_dict(problem)) == problem


@settings(max_examples=80, deadline=None)
@given(problems())
def test_a_problem_written_and_read_back_is_unchanged(problem: AllocationProblem) -> None:
    assert parse_scenario(json.loads(json.dumps(problem_to_dict(problem)))) == problem


def test_every_problem_is_listed_with_its_path():
    document = {
        "budget": -5,
        "goals": [{"id": "g1", "weight": "heavy"}, {"id": "g1", "weight": 1}],
        "units": [{"id": "u1", "floor": 500, "ceiling": 100}],
        "purpose_bounds": {"innovation": {"min": 0.5, "max": 0.2}, "service": {"min": 1.5}},
        "lines": [
            {
                "id": "l1",
                "unit": "u9",
                "purpose": "innovation",
                "mandatory": "yes",
                "requires": ["l1", "nowhere"],
                "max_change": 0.2,
                "locked_option": "max",
                "options": [
                    {"id": "a", "cost": True, "contributions": {"g1": 6, "g7": 1}},
                    {"id": "a", "cost": 10, "colour": "red"},
                ],
            },
            {"id": "l2", "unit": "u1", "purpose": "", "options": []},
            "not a line",
        ],
        "extra": 1,
    }
    assert problems_of(document) == (
        "extra: is not a known field (known: budget, goals, lines, name, purpose_bounds, units)",
        "budget: must be at least 0, not -5",
        "goals[0].weight: must be a number",
        "units[0].floor: must not exceed the ceiling (100)",
        "purpose_bounds.innovation.min: must not exceed max (0.2)",
        "purpose_bounds.service.min: must be between 0 and 1, not 1.5",
        "lines[0].options[0].contributions.g1: must be between 0 and 5, not 6",
        "lines[0].options[0].cost: must be a number",
        "lines[0].options[1].colour: is not a known field (known: contributions, cost, id, name)",
        "lines[0].options[1].id: option a is given twice",
        "lines[0].mandatory: must be true or false",
        "lines[0].max_change: needs previous_cost (the change is measured from it)",
        "lines[0].locked_option: must be the id of one of the line's options, not 'max'",
        "lines[1].options: must hold at least one option",
        "lines[1].purpose: must be a non-empty text",
        "lines[2]: must be an object",
        "goals[1].id: goal g1 is given twice",
        "lines[0].unit: unit u9 is not listed in units",
        "lines[0].requires[0]: a line cannot require itself",
        "lines[0].requires[1]: there is no line nowhere",
        "lines[0].options[0].contributions.g7: is not a goal listed in goals",
    )


def test_missing_fields_and_wrong_types_are_reported():
    assert problems_of({"goals": {}, "units": [], "lines": [{"id": 3, "unit": "u", "options": [{"id": "x"}]}]}) == (
        "budget: is required",
        "goals: must be a list",
        "lines[0].purpose: is required",
        "lines[0].options[0].cost: is required",
        "lines[0].id: must be a non-empty text",
        "lines[0].unit: unit u is not listed in units",
    )


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ([], ("must be an object",)),
        ({"budget": None, "goals": [], "units": [], "lines": []}, ("budget: must be a number, not null",)),
        ({"budget": float("nan"), "goals": [], "units": [], "lines": []}, ("budget: must be a number",)),
        (
            {"budget": 1, "goals": [], "units": [], "lines": [], "purpose_bounds": []},
            ("purpose_bounds: must be an object (purpose -> {min, max})",),
        ),
    ],
)
def test_malformed_documents_are_refused(document, expected):
    assert problems_of(document) == expected


def test_an_empty_scenario_is_valid():
    assert parse_scenario({"budget": 0, "goals": [], "units": [], "lines": []}) == AllocationProblem(0, (), (), {}, ())
