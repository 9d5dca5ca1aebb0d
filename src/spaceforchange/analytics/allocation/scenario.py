"""The scenario file format (JSON), read into an ``AllocationProblem`` and written back.

``docs/reference/budget-scenario.md`` documents every field. Reading checks the whole document
and raises ``ScenarioError`` listing every problem found, each with its path
(``lines[3].options[1].cost: ...``); nothing is half-read. Unknown fields are refused, so a
misspelt field name cannot silently drop a constraint.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from spaceforchange.analytics.allocation.model import (
    AllocationProblem,
    FundingOption,
    Goal,
    Line,
    PurposeBound,
    Unit,
)

MAX_CONTRIBUTION = 5.0
Spec = tuple[frozenset[str], frozenset[str]]  # required fields, optional fields
TOP: Spec = (frozenset({"budget", "goals", "units", "lines"}), frozenset({"purpose_bounds", "name"}))
GOAL: Spec = (frozenset({"id", "weight"}), frozenset({"name"}))
UNIT: Spec = (frozenset({"id"}), frozenset({"floor", "ceiling", "name"}))
BOUND: Spec = (frozenset(), frozenset({"min", "max"}))
LINE: Spec = (
    frozenset({"id", "unit", "purpose", "options"}),
    frozenset({"mandatory", "requires", "previous_cost", "max_change", "locked_option", "name"}),
)
OPTION: Spec = (frozenset({"id", "cost"}), frozenset({"contributions", "name"}))


class ScenarioError(ValueError):
    """The scenario is not valid; ``problems`` lists every problem, each as ``path: message``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


class _Reader:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}" if path else message)

    def fields(self, data: object, path: str, spec: Spec) -> Mapping[str, Any] | None:
        if not isinstance(data, Mapping):
            self.fail(path, "must be an object")
            return None
        required, optional = spec
        for key in sorted(required - set(data)):
            self.fail(_join(path, key), "is required")
        for key in sorted(set(data) - required - optional, key=str):
            self.fail(_join(path, str(key)), f"is not a known field (known: {', '.join(sorted(required | optional))})")
        return data

    def number(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        low: float = 0.0,
        high: float = math.inf,
        *,
        optional: bool = False,
    ) -> float:
        """The number ``data[key]`` within [low, high]; nan when absent, null (if ``optional``) or wrong."""
        value = data.get(key)
        if value is None:
            if key in data and not optional:
                self.fail(_join(path, key), "must be a number, not null")
            return math.nan
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.fail(_join(path, key), "must be a number")
            return math.nan
        if not low <= value <= high:
            within = f"at least {low:g}" if high == math.inf else f"between {low:g} and {high:g}"
            self.fail(_join(path, key), f"must be {within}, not {value:g}")
            return math.nan
        return float(value)

    def text(self, data: Mapping[str, Any], key: str, path: str, *, optional: bool = False) -> str:
        """The text ``data[key]``; a required one must not be empty, an optional one may be absent or null."""
        value = data.get(key)
        if value is None and (optional or key not in data):
            return ""
        if not isinstance(value, str) or (not optional and not value.strip()):
            self.fail(_join(path, key), "must be a text" if optional else "must be a non-empty text")
            return ""
        return value

    def items(self, data: Mapping[str, Any], key: str, path: str) -> list[Any]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.fail(_join(path, key), "must be a list")
            return []
        return value

    def unique(self, ids: list[str], path: str, what: str) -> None:
        seen: set[str] = set()
        for index, identifier in enumerate(ids):
            if identifier and identifier in seen:
                self.fail(f"{path}[{index}].id", f"{what} {identifier} is given twice")
            seen.add(identifier)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _optional(value: float) -> float | None:
    return None if math.isnan(value) else value


def parse_scenario(data: Mapping[str, Any]) -> AllocationProblem:
    """The problem a scenario document describes; ``ScenarioError`` lists every problem in it."""
    reader = _Reader()
    top = reader.fields(data, "", TOP)
    if top is None:
        raise ScenarioError(reader.problems)
    budget = reader.number(top, "budget", "")
    goals = tuple(_goal(reader, item, f"goals[{i}]") for i, item in enumerate(reader.items(top, "goals", "")))
    units = tuple(_unit(reader, item, f"units[{i}]") for i, item in enumerate(reader.items(top, "units", "")))
    bounds = _bounds(reader, top.get("purpose_bounds", {}))
    raw_lines = reader.items(top, "lines", "")
    lines = tuple(_line(reader, item, f"lines[{i}]") for i, item in enumerate(raw_lines))
    reader.unique([goal.id for goal in goals], "goals", "goal")
    reader.unique([unit.id for unit in units], "units", "unit")
    reader.unique([line.id for line in lines], "lines", "line")
    _references(reader, lines, {goal.id for goal in goals}, {unit.id for unit in units})
    if reader.problems:
        raise ScenarioError(reader.problems)
    return AllocationProblem(budget, goals, units, bounds, lines, reader.text(top, "name", "", optional=True))


def _goal(reader: _Reader, data: object, path: str) -> Goal:
    fields = reader.fields(data, path, GOAL)
    if fields is None:
        return Goal("", 0.0)
    return Goal(
        reader.text(fields, "id", path),
        reader.number(fields, "weight", path),
        reader.text(fields, "name", path, optional=True),
    )


def _unit(reader: _Reader, data: object, path: str) -> Unit:
    fields = reader.fields(data, path, UNIT)
    if fields is None:
        return Unit("")
    floor = _optional(reader.number(fields, "floor", path, optional=True))
    ceiling = _optional(reader.number(fields, "ceiling", path, optional=True))
    if floor is not None and ceiling is not None and floor > ceiling:
        reader.fail(_join(path, "floor"), f"must not exceed the ceiling ({ceiling:g})")
    return Unit(reader.text(fields, "id", path), floor, ceiling, reader.text(fields, "name", path, optional=True))


def _bounds(reader: _Reader, data: object) -> dict[str, PurposeBound]:
    if not isinstance(data, Mapping):
        reader.fail("purpose_bounds", "must be an object (purpose -> {min, max})")
        return {}
    bounds = {}
    for purpose, item in data.items():
        path = f"purpose_bounds.{purpose}"
        fields = reader.fields(item, path, BOUND)
        if fields is None:
            continue
        low = _optional(reader.number(fields, "min", path, 0.0, 1.0, optional=True))
        high = _optional(reader.number(fields, "max", path, 0.0, 1.0, optional=True))
        if low is not None and high is not None and low > high:
            reader.fail(_join(path, "min"), f"must not exceed max ({high:g})")
        bounds[str(purpose)] = PurposeBound(low, high)
    return bounds


def _line(reader: _Reader, data: object, path: str) -> Line:
    fields = reader.fields(data, path, LINE)
    if fields is None:
        return Line("", "", "", ())
    options = tuple(
        _option(reader, item, f"{path}.options[{i}]") for i, item in enumerate(reader.items(fields, "options", path))
    )
    if "options" in fields and not options and isinstance(fields["options"], list):
        reader.fail(_join(path, "options"), "must hold at least one option")
    reader.unique([option.id for option in options], f"{path}.options", "option")
    mandatory = fields.get("mandatory", False)
    if not isinstance(mandatory, bool):
        reader.fail(_join(path, "mandatory"), "must be true or false")
    requires = reader.items(fields, "requires", path)
    for index, required in enumerate(requires):
        if not isinstance(required, str) or not required:
            reader.fail(f"{path}.requires[{index}]", "must be a line id (text)")
    previous = _optional(reader.number(fields, "previous_cost", path, optional=True))
    change = _optional(reader.number(fields, "max_change", path, optional=True))
    if change is not None and previous is None:
        reader.fail(_join(path, "max_change"), "needs previous_cost (the change is measured from it)")
    locked = fields.get("locked_option")
    if locked is not None and locked not in {option.id for option in options}:
        reader.fail(_join(path, "locked_option"), f"must be the id of one of the line's options, not {locked!r}")
    return Line(
        id=reader.text(fields, "id", path),
        unit=reader.text(fields, "unit", path),
        purpose=reader.text(fields, "purpose", path),
        options=options,
        mandatory=mandatory is True,
        requires=tuple(str(required) for required in requires),
        previous_cost=previous,
        max_change=change,
        locked_option=locked if isinstance(locked, str) else None,
        name=reader.text(fields, "name", path, optional=True),
    )


def _option(reader: _Reader, data: object, path: str) -> FundingOption:
    fields = reader.fields(data, path, OPTION)
    if fields is None:
        return FundingOption("", 0.0)
    contributions = fields.get("contributions", {})
    scores: dict[str, float] = {}
    if not isinstance(contributions, Mapping):
        reader.fail(_join(path, "contributions"), "must be an object (goal id -> score 0..5)")
    else:
        for goal in contributions:
            score = reader.number(contributions, goal, f"{path}.contributions", 0.0, MAX_CONTRIBUTION)
            if not math.isnan(score):
                scores[str(goal)] = score
    return FundingOption(
        reader.text(fields, "id", path),
        reader.number(fields, "cost", path),
        scores,
        reader.text(fields, "name", path, optional=True),
    )


def _references(reader: _Reader, lines: tuple[Line, ...], goals: set[str], units: set[str]) -> None:
    ids = {line.id for line in lines}
    for index, line in enumerate(lines):
        path = f"lines[{index}]"
        if line.unit and line.unit not in units:
            reader.fail(f"{path}.unit", f"unit {line.unit} is not listed in units")
        for position, required in enumerate(line.requires):
            if required == line.id:
                reader.fail(f"{path}.requires[{position}]", "a line cannot require itself")
            elif required not in ids:
                reader.fail(f"{path}.requires[{position}]", f"there is no line {required}")
        for number, option in enumerate(line.options):
            for goal in option.contributions:
                if goal not in goals:
                    reader.fail(f"{path}.options[{number}].contributions.{goal}", "is not a goal listed in goals")


def problem_to_dict(problem: AllocationProblem) -> dict[str, Any]:
    """The scenario document of ``problem``; ``parse_scenario`` reads it back to an equal problem."""
    document: dict[str, Any] = {"name": problem.name} if problem.name else {}
    document |= {
        "budget": problem.budget,
        "goals": [_named({"id": goal.id, "weight": goal.weight}, goal.name) for goal in problem.goals],
        "units": [
            _named({"id": unit.id, "floor": unit.floor, "ceiling": unit.ceiling}, unit.name) for unit in problem.units
        ],
        "purpose_bounds": {
            purpose: {"min": bound.min, "max": bound.max} for purpose, bound in problem.purpose_bounds.items()
        },
        "lines": [_line_dict(line) for line in problem.lines],
    }
    return document


def _named(document: dict[str, Any], name: str) -> dict[str, Any]:
    return {**document, "name": name} if name else document


def _line_dict(line: Line) -> dict[str, Any]:
    document = {
        "id": line.id,
        "unit": line.unit,
        "purpose": line.purpose,
        "mandatory": line.mandatory,
        "requires": list(line.requires),
        "previous_cost": line.previous_cost,
        "max_change": line.max_change,
        "locked_option": line.locked_option,
        "options": [
            _named({"id": option.id, "cost": option.cost, "contributions": dict(option.contributions)}, option.name)
            for option in line.options
        ],
    }
    return _named(document, line.name)
