"""Pure import rules: the column mapping and the checks every row passes (reading files: test_import_reading)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spaceforchange.assessments import import_domain as domain
from spaceforchange.assessments import import_mapping as mapping
from spaceforchange.assessments.import_domain import ParsedRow, RowProblemCode
from spaceforchange.assessments.import_mapping import ColumnMap, MappingProblem, MappingProblemCode
from spaceforchange.frameworks.schema import ImportMapping, Instrument


def _statement(key: str, **extra: object) -> dict:
    return {"key": key, "dimension": "room", "provenance": "working-model", "text": {"en": key}, **extra}


INSTRUMENT = Instrument.model_validate(
    {
        "key": "fevs-like",
        "name": {"en": "Scan"},
        "provenance": "working-model",
        "scale": {"min": 1, "max": 5},
        "statements": [_statement("Q1"), _statement("Q2", dont_know_allowed=False), _statement("Q3")],
    }
)
HEADER = ("id", "Q1", "Q2", "Q3", "AGENCY", "WT", "UNIT")
MAPPING = ColumnMap(
    statements={"Q1": "Q1", "Q2": "Q2", "Q3": "Q3"},
    attributes={"AGENCY": "AGENCY"},
    weight="WT",
    unit="UNIT",
    dont_know=("X",),
)
UNITS = {"finance": 7, "it": None}
RULES = domain.row_rules(MAPPING, INSTRUMENT, HEADER, UNITS)


def problems(cells: list[str], line: int = 2) -> list[tuple[str, RowProblemCode, str]]:
    checked = domain.check_row(RULES, line, cells)
    assert not isinstance(checked, ParsedRow)
    return [(problem.column, problem.code, problem.value) for problem in checked]


# --- Mapping ------------------------------------------------------------------------------------


def test_mapping_round_trips_through_json_and_from_a_pack():
    assert ColumnMap.from_json(MAPPING.to_json()) == MAPPING
    declared = ImportMapping.model_validate(
        {"key": "fevs-2018", "name": {"en": "FEVS"}, "statements": {"Q1": "Q1"}, "weight": "WT", "dont_know": ["X"]}
    )
    assert ColumnMap.from_pack(declared) == ColumnMap({"Q1": "Q1"}, {}, "WT", None, ("X",))


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {"statements": ["Q1"]},
        {"statements": {"Q1": 3}},
        {"statements": {}, "extra": 1},
        {"statements": {}, "dont_know": "X"},
        {"statements": {}, "weight": 5},
    ],
)
def test_malformed_mappings_are_refused(data):
    with pytest.raises(ValueError):
        ColumnMap.from_json(data)


def test_mapping_problems_against_the_instrument():
    bad = ColumnMap(
        statements={"Q1": "A", "Q2": "A", "Q9": "B"},
        attributes={" ": "C", "ok": "D\x00"},
        dont_know=("3", "", "X"),
    )
    found = {(problem.code, problem.column, problem.target) for problem in mapping.mapping_problems(bad, INSTRUMENT)}
    assert found == {
        (MappingProblemCode.UNKNOWN_STATEMENT, "B", "Q9"),
        (MappingProblemCode.COLUMN_TWICE, "A", ""),
        (MappingProblemCode.BAD_ATTRIBUTE, "C", " "),
        (MappingProblemCode.BAD_COLUMN, "D\x00", "attribute:ok"),
        (MappingProblemCode.BAD_DONT_KNOW, "3", ""),
        (MappingProblemCode.BAD_DONT_KNOW, "", ""),
    }
    assert mapping.mapping_problems(ColumnMap({}), INSTRUMENT) == [MappingProblem(MappingProblemCode.NO_STATEMENTS)]
    assert mapping.mapping_problems(MAPPING, INSTRUMENT) == []


def test_header_problems_name_missing_and_repeated_columns():
    header = ("Q1", "Q2", "Q2", "AGENCY", "WT")
    found = mapping.header_problems(MAPPING, header)
    assert found == [
        MappingProblem(MappingProblemCode.DUPLICATE_COLUMN, "Q2", "Q2"),
        MappingProblem(MappingProblemCode.MISSING_COLUMN, "Q3", "Q3"),
        MappingProblem(MappingProblemCode.MISSING_COLUMN, "UNIT", "unit"),
    ]


def test_mapping_by_header_reads_statements_from_same_named_columns():
    assert mapping.mapping_by_header(INSTRUMENT, ("Q3", "x", "Q1")) == ColumnMap({"Q1": "Q1", "Q3": "Q3"})


# --- Rows ---------------------------------------------------------------------------------------


def test_a_valid_row_is_parsed():
    parsed = domain.check_row(RULES, 9, ["r1", "4", "", "X", " Army ", "1,5", "Finance"])
    assert parsed == ParsedRow(9, [("Q1", 4), ("Q3", None)], 1.5, {"AGENCY": "Army"}, 7)
    assert domain.check_row(RULES, 3, ["r", "+5", "1.0", "", "", "2e0", ""]) == ParsedRow(
        3, [("Q1", 5), ("Q2", 1)], 2.0, {}, None
    )


def test_every_problem_of_a_row_is_reported():
    assert problems(["r", "6", "X", "four", "", "", "IT"]) == [
        ("Q1", RowProblemCode.OUT_OF_SCALE, "6"),
        ("Q2", RowProblemCode.DONT_KNOW_NOT_ALLOWED, "X"),
        ("Q3", RowProblemCode.NOT_A_NUMBER, "four"),
        ("WT", RowProblemCode.MISSING_WEIGHT, ""),
        ("UNIT", RowProblemCode.AMBIGUOUS_UNIT, "IT"),
    ]


@pytest.mark.parametrize(
    ("weight", "code"),
    [
        ("0", RowProblemCode.WEIGHT_NOT_POSITIVE),
        ("-1", RowProblemCode.WEIGHT_NOT_POSITIVE),
        ("nan", RowProblemCode.BAD_WEIGHT),
        ("inf", RowProblemCode.BAD_WEIGHT),
        ("1_0", RowProblemCode.BAD_WEIGHT),
        ("heavy", RowProblemCode.BAD_WEIGHT),
    ],
)
def test_weights_must_be_positive_numbers(weight, code):
    assert problems(["r", "3", "3", "3", "", weight, ""]) == [("WT", code, weight)]


def test_rows_without_answers_or_of_the_wrong_width_are_refused():
    assert problems(["r", "", "", "", "A", "1", ""]) == [("", RowProblemCode.NO_ANSWERS, "")]
    assert problems(["r", "3"]) == [("", RowProblemCode.TOO_FEW_CELLS, "2")]
    assert problems(["r", "3", "3", "3", "", "1", "", "extra"]) == [("", RowProblemCode.TOO_MANY_CELLS, "8")]
    assert domain.check_row(RULES, 2, ["r", "3", "3", "3", "", "1", "", " "]) == ParsedRow(
        2, [("Q1", 3), ("Q2", 3), ("Q3", 3)], 1.0, {}, None
    )


def test_long_cells_unknown_units_and_control_characters():
    assert problems(["r", "3", "3", "3", "A" * 1001, "1", "Nowhere"]) == [
        ("AGENCY", RowProblemCode.CELL_TOO_LONG, "A" * 39 + "…"),
        ("UNIT", RowProblemCode.UNKNOWN_UNIT, "Nowhere"),
    ]
    assert problems(["r", "4" * 1001, "3\x00", "3", "a\x00b", "1", ""]) == [
        ("Q1", RowProblemCode.CELL_TOO_LONG, "4" * 39 + "…"),
        ("Q2", RowProblemCode.NOT_A_NUMBER, "3\x00"),
        ("AGENCY", RowProblemCode.BAD_CHARACTER, ""),
    ]


@given(
    st.integers(min_value=-1000, max_value=1000), st.sampled_from(["", "+", " "]), st.sampled_from(["", ".0", ".00"])
)
def test_integers_are_accepted_exactly_inside_the_scale(value, sign, decimals):
    text = f"{sign if value >= 0 else ''}{value}{decimals}"
    checked = domain.check_row(RULES, 2, ["r", text, "", "", "", "1", ""])
    if 1 <= value <= 5:
        assert checked == ParsedRow(2, [("Q1", value)], 1.0, {}, None)
    else:
        assert not isinstance(checked, ParsedRow)
        assert [problem.code for problem in checked] == [RowProblemCode.OUT_OF_SCALE]


@given(st.text(max_size=8))
def test_any_cell_text_is_either_an_answer_or_a_problem(text):
    checked = domain.check_row(RULES, 2, ["r", text, "3", "", "", "1", ""])
    if isinstance(checked, ParsedRow):
        value = dict(checked.answers).get("Q1")
        assert value is None or 1 <= value <= 5
    else:
        assert {problem.column for problem in checked} == {"Q1"}
