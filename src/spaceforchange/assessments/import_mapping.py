"""The column mapping of an answer import: which file column feeds each statement, attribute, the
weight and the unit, and what can be wrong with a mapping for an instrument or a file's header.

No Django and no database here. Problems come back as codes with the column and target they
concern; ``import_messages`` words them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from spaceforchange.frameworks.schema import ImportMapping, Instrument

MAX_ATTRIBUTES = 20
MAX_NAME_CHARS = 100
MAX_COLUMN_CHARS = 255
MAX_DONT_KNOW_VALUES = 10
MAX_DONT_KNOW_CHARS = 50

# A whole number as a cell may write it ("4", "+4", "4.0"): an answer on the scale. Row checks
# read answers with it, and a "don't know" text must not match it, or it would be read as an answer.
INTEGER = re.compile(r"[+-]?([0-9]+)(?:\.0*)?", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class MappingProblemCode(StrEnum):
    MALFORMED = "malformed"
    NO_STATEMENTS = "no_statements"
    UNKNOWN_STATEMENT = "unknown_statement"
    COLUMN_TWICE = "column_twice"
    BAD_COLUMN = "bad_column"
    BAD_ATTRIBUTE = "bad_attribute"
    TOO_MANY_ATTRIBUTES = "too_many_attributes"
    BAD_DONT_KNOW = "bad_dont_know"
    MISSING_COLUMN = "missing_column"
    DUPLICATE_COLUMN = "duplicate_column"


@dataclass(frozen=True)
class MappingProblem:
    code: MappingProblemCode
    column: str = ""
    target: str = ""  # the statement key, attribute name or role ("weight", "unit") concerned


@dataclass(frozen=True)
class ColumnMap:
    """File column for each statement, respondent attribute, the weight and the unit."""

    statements: dict[str, str]
    attributes: dict[str, str] = field(default_factory=dict)
    weight: str | None = None
    unit: str | None = None
    dont_know: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: object) -> ColumnMap:
        """The mapping stored as JSON; ``ValueError`` when its shape is wrong."""
        if not isinstance(data, Mapping) or set(data) - {"statements", "attributes", "weight", "unit", "dont_know"}:
            raise ValueError("a mapping is an object with statements, attributes, weight, unit and dont_know")
        dont_know = data.get("dont_know") or []
        if not isinstance(dont_know, list) or not all(isinstance(value, str) for value in dont_know):
            raise ValueError("dont_know is a list of texts")
        return cls(
            statements=_text_dict(data.get("statements")),
            attributes=_text_dict(data.get("attributes") or {}),
            weight=_optional_text(data.get("weight")),
            unit=_optional_text(data.get("unit")),
            dont_know=tuple(dont_know),
        )

    @classmethod
    def from_pack(cls, mapping: ImportMapping) -> ColumnMap:
        return cls(
            dict(mapping.statements), dict(mapping.attributes), mapping.weight, mapping.unit, tuple(mapping.dont_know)
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "statements": dict(self.statements),
            "attributes": dict(self.attributes),
            "weight": self.weight,
            "unit": self.unit,
            "dont_know": list(self.dont_know),
        }

    def columns(self) -> list[tuple[str, str]]:
        """(target, column) for every column the mapping reads."""
        found = list(self.statements.items()) + [
            (f"attribute:{name}", column) for name, column in self.attributes.items()
        ]
        found += [("weight", self.weight)] if self.weight else []
        found += [("unit", self.unit)] if self.unit else []
        return found


def _text_dict(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValueError("statements and attributes map names to column names")
    return dict(value)


def _optional_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError("weight and unit are column names")
    return value


def mapping_by_header(instrument: Instrument, header: Sequence[str]) -> ColumnMap:
    """The mapping that reads each statement from the column named like its key, where there is one."""
    present = set(header)
    return ColumnMap({s.key: s.key for s in instrument.statements if s.key in present})


def mapping_problems(mapping: ColumnMap, instrument: Instrument) -> list[MappingProblem]:
    """What is wrong with the mapping for this instrument, whatever the file."""
    known = {statement.key for statement in instrument.statements}
    problems = [] if mapping.statements else [MappingProblem(MappingProblemCode.NO_STATEMENTS)]
    problems += [
        MappingProblem(MappingProblemCode.UNKNOWN_STATEMENT, column, key)
        for key, column in mapping.statements.items()
        if key not in known
    ]
    columns = list(mapping.statements.values())
    problems += [
        MappingProblem(MappingProblemCode.COLUMN_TWICE, column)
        for column in sorted(set(columns))
        if columns.count(column) > 1
    ]
    problems += [
        MappingProblem(MappingProblemCode.BAD_COLUMN, column, target)
        for target, column in mapping.columns()
        if not _good_name(column, MAX_COLUMN_CHARS)
    ]
    problems += [
        MappingProblem(MappingProblemCode.BAD_ATTRIBUTE, column, name)
        for name, column in mapping.attributes.items()
        if not _good_name(name, MAX_NAME_CHARS)
    ]
    if len(mapping.attributes) > MAX_ATTRIBUTES:
        problems.append(MappingProblem(MappingProblemCode.TOO_MANY_ATTRIBUTES))
    problems += [MappingProblem(MappingProblemCode.BAD_DONT_KNOW, value) for value in _bad_dont_know(mapping.dont_know)]
    return problems


def _good_name(name: str, limit: int) -> bool:
    return bool(name.strip()) and len(name) <= limit and not _CONTROL.search(name) and name == name.strip()


def _bad_dont_know(values: Sequence[str]) -> list[str]:
    if len(values) > MAX_DONT_KNOW_VALUES:
        return list(values[MAX_DONT_KNOW_VALUES:])
    # A number would be read as an answer on the scale first, so it cannot also mean "don't know".
    return [
        v
        for v in values
        if not v.strip() or len(v) > MAX_DONT_KNOW_CHARS or _CONTROL.search(v) or INTEGER.fullmatch(v.strip())
    ]


def header_problems(mapping: ColumnMap, header: Sequence[str]) -> list[MappingProblem]:
    """Columns the mapping reads that the file lacks, or has twice."""
    problems = []
    for target, column in mapping.columns():
        count = header.count(column)
        if count != 1:
            code = MappingProblemCode.MISSING_COLUMN if count == 0 else MappingProblemCode.DUPLICATE_COLUMN
            problems.append(MappingProblem(code, column, target))
    return problems
