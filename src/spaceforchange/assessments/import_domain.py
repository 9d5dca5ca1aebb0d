"""Pure rules of answer imports: the checks every row of a file passes before anything is imported.

No Django and no database here. A column mapping (``import_mapping``) is compiled against one
file's header (``import_reading``) and one instrument into :class:`RowRules`; ``check_row`` then
gives a row's values or every problem it has, as codes with the line and column they concern.
``import_messages`` turns the codes into messages, so the same rules serve the pages, the command
line and the background task.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from spaceforchange.assessments.import_mapping import INTEGER, ColumnMap
from spaceforchange.frameworks.schema import Instrument

MAX_CELL_CHARS = 1_000


class RowProblemCode(StrEnum):
    NOT_A_NUMBER = "not_a_number"
    OUT_OF_SCALE = "out_of_scale"
    DONT_KNOW_NOT_ALLOWED = "dont_know_not_allowed"
    NO_ANSWERS = "no_answers"
    MISSING_WEIGHT = "missing_weight"
    BAD_WEIGHT = "bad_weight"
    WEIGHT_NOT_POSITIVE = "weight_not_positive"
    UNKNOWN_UNIT = "unknown_unit"
    AMBIGUOUS_UNIT = "ambiguous_unit"
    TOO_MANY_CELLS = "too_many_cells"
    TOO_FEW_CELLS = "too_few_cells"
    CELL_TOO_LONG = "cell_too_long"
    BAD_CHARACTER = "bad_character"


@dataclass(frozen=True)
class RowProblem:
    line: int
    column: str
    code: RowProblemCode
    value: str = ""


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """One valid row: its answers (None is "don't know"), weight, attributes and unit."""

    line: int
    answers: list[tuple[str, int | None]]
    weight: float
    attributes: dict[str, str]
    unit_id: int | None


@dataclass(frozen=True)
class RowRules:
    """A mapping compiled against one file's header and one instrument, ready to check rows fast."""

    header: tuple[str, ...]
    statements: tuple[tuple[str, int, bool], ...]  # statement key, column index, "don't know" allowed
    attributes: tuple[tuple[str, int], ...]
    weight: int | None
    unit: int | None
    dont_know: frozenset[str]
    scale: tuple[int, int]
    # Unit name (case-folded) → id; None where two units share the name.
    units: Mapping[str, int | None]
    # The plain texts of the points of the scale ("1" … "5"): most cells are one of these.
    points: Mapping[str, int] = field(default_factory=dict)


def row_rules(
    mapping: ColumnMap, instrument: Instrument, header: Sequence[str], units: Mapping[str, int | None] | None = None
) -> RowRules:
    """Compile a mapping that ``mapping_problems`` and ``header_problems`` found nothing wrong with."""
    index = {column: position for position, column in enumerate(header)}
    allowed = {statement.key: statement.dont_know_allowed for statement in instrument.statements}
    return RowRules(
        header=tuple(header),
        # In file order, so a row's problems read left to right whatever order the mapping was stored in.
        statements=tuple(
            sorted(((key, index[column], allowed[key]) for key, column in mapping.statements.items()), key=_position)
        ),
        attributes=tuple(sorted(((name, index[column]) for name, column in mapping.attributes.items()), key=_position)),
        weight=index[mapping.weight] if mapping.weight else None,
        unit=index[mapping.unit] if mapping.unit else None,
        dont_know=frozenset(value.strip() for value in mapping.dont_know),
        scale=(instrument.scale.min, instrument.scale.max),
        units=units or {},
        points={str(value): value for value in range(instrument.scale.min, instrument.scale.max + 1)},
    )


def _position(entry: tuple[Any, ...]) -> int:
    position: int = entry[1]
    return position


def check_row(rules: RowRules, line: int, cells: Sequence[str]) -> ParsedRow | list[RowProblem]:
    """The row's values, or every problem it has."""
    problems = _width_problems(rules, line, cells)
    if problems:
        return problems
    answers, problems = _answers(rules, line, cells)
    weight = _weight(rules, line, cells, problems)
    attributes = _attributes(rules, line, cells, problems)
    unit_id = _unit(rules, line, cells, problems)
    if not answers and not problems:
        problems.append(RowProblem(line, "", RowProblemCode.NO_ANSWERS))
    return problems or ParsedRow(line, answers, weight, attributes, unit_id)


def _width_problems(rules: RowRules, line: int, cells: Sequence[str]) -> list[RowProblem]:
    width = len(rules.header)
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        return [RowProblem(line, "", RowProblemCode.TOO_MANY_CELLS, str(len(cells)))]
    if len(cells) < width:
        return [RowProblem(line, "", RowProblemCode.TOO_FEW_CELLS, str(len(cells)))]
    return []


def _clip(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def _answers(rules: RowRules, line: int, cells: Sequence[str]) -> tuple[list[tuple[str, int | None]], list[RowProblem]]:
    answers: list[tuple[str, int | None]] = []
    problems: list[RowProblem] = []
    points = rules.points
    for key, position, dont_know_allowed in rules.statements:
        text = cells[position]
        if text in points:  # the common case, decided by one lookup
            answers.append((key, points[text]))
            continue
        text = text.strip()
        if not text:
            continue
        value, code = _answer(rules, text, dont_know_allowed)
        if code is None:
            answers.append((key, value))
        else:
            problems.append(RowProblem(line, rules.header[position], code, _clip(text)))
    return answers, problems


def _answer(rules: RowRules, text: str, dont_know_allowed: bool) -> tuple[int | None, RowProblemCode | None]:
    if text in rules.dont_know:
        return None, None if dont_know_allowed else RowProblemCode.DONT_KNOW_NOT_ALLOWED
    if len(text) > MAX_CELL_CHARS:
        return None, RowProblemCode.CELL_TOO_LONG
    value = _integer(text)
    if value is None:
        return None, RowProblemCode.NOT_A_NUMBER
    low, high = rules.scale
    return value, None if low <= value <= high else RowProblemCode.OUT_OF_SCALE


def _integer(text: str) -> int | None:
    if text.isdigit() and text.isascii():
        return int(text)
    match = INTEGER.fullmatch(text)
    if match is None:
        return None
    return -int(match.group(1)) if text.startswith("-") else int(match.group(1))


def _weight(rules: RowRules, line: int, cells: Sequence[str], problems: list[RowProblem]) -> float:
    if rules.weight is None:
        return 1.0
    column, text = rules.header[rules.weight], cells[rules.weight].strip()
    if not text:
        problems.append(RowProblem(line, column, RowProblemCode.MISSING_WEIGHT))
        return 1.0
    # Spreadsheets set to a European language write a decimal comma.
    number = text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
    try:
        weight = float(number) if "_" not in number and len(number) <= 50 else math.nan
    except ValueError:
        weight = math.nan
    if not math.isfinite(weight):
        problems.append(RowProblem(line, column, RowProblemCode.BAD_WEIGHT, _clip(text)))
    elif weight <= 0:
        problems.append(RowProblem(line, column, RowProblemCode.WEIGHT_NOT_POSITIVE, _clip(text)))
    return weight


def _attributes(rules: RowRules, line: int, cells: Sequence[str], problems: list[RowProblem]) -> dict[str, str]:
    attributes: dict[str, str] = {}
    for name, position in rules.attributes:
        text = cells[position].strip()
        if not text:
            continue
        if len(text) > MAX_CELL_CHARS:
            problems.append(RowProblem(line, rules.header[position], RowProblemCode.CELL_TOO_LONG, _clip(text)))
        elif "\x00" in text:
            problems.append(RowProblem(line, rules.header[position], RowProblemCode.BAD_CHARACTER))
        else:
            attributes[name] = text
    return attributes


def _unit(rules: RowRules, line: int, cells: Sequence[str], problems: list[RowProblem]) -> int | None:
    if rules.unit is None:
        return None
    text = cells[rules.unit].strip()
    if not text:
        return None
    key = text.casefold()
    if key not in rules.units:
        problems.append(RowProblem(line, rules.header[rules.unit], RowProblemCode.UNKNOWN_UNIT, _clip(text)))
        return None
    unit_id = rules.units[key]
    if unit_id is None:
        problems.append(RowProblem(line, rules.header[rules.unit], RowProblemCode.AMBIGUOUS_UNIT, _clip(text)))
    return unit_id
