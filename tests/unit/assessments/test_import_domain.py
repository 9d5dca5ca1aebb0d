"""Pure import rules: reading CSV, CSV.gz and XLSX as rows, the column mapping, and the row checks."""

from __future__ import annotations

import csv
import gzip
import io
import zipfile

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spaceforchange.assessments import import_domain as domain
from spaceforchange.assessments.import_domain import (
    ColumnMap,
    FileProblemCode,
    ImportFileError,
    MappingProblem,
    MappingProblemCode,
    ParsedRow,
    RowProblemCode,
)
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


def table(data: bytes, kind: str = domain.KIND_CSV) -> tuple[tuple[str, ...], list[tuple[int, list[str]]]]:
    read = domain.read_table(io.BytesIO(data), kind=kind)
    return read.header, list(read.rows)


def problems(cells: list[str], line: int = 2) -> list[tuple[str, RowProblemCode, str]]:
    checked = domain.check_row(RULES, line, cells)
    assert not isinstance(checked, ParsedRow)
    return [(problem.column, problem.code, problem.value) for problem in checked]


# --- Reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiter_is_guessed_from_the_header(delimiter):
    text = delimiter.join(["a", "b", "c"]) + "\r\n" + delimiter.join(["1", "2", "3"]) + "\r\n"
    assert table(text.encode()) == (("a", "b", "c"), [(2, ["1", "2", "3"])])


def test_byte_order_mark_blank_lines_and_line_numbers():
    text = '\ufeffa,b\n1,2\n\n,\n"x\ny",3\n4,5\n'
    header, rows = table(text.encode("utf-8"))
    assert header == ("a", "b")
    # Blank rows are skipped; a quoted value spanning two lines is numbered by its first line.
    assert rows == [(2, ["1", "2"]), (5, ["x\ny", "3"]), (7, ["4", "5"])]


@pytest.mark.parametrize(
    ("data", "code", "line"),
    [
        (b"a,b\n1,2\n\xff\xfe,3\n", FileProblemCode.ENCODING, 3),
        (b'a,b\n"1"x,2\n', FileProblemCode.BAD_CSV, 2),
        (b",,\n1,2,3\n", FileProblemCode.NO_HEADER, 1),
        (b"\x00\x01\x02garbage", FileProblemCode.NOT_TEXT, 1),
    ],
)
def test_unreadable_csv_is_refused_with_its_line(data, code, line):
    with pytest.raises(ImportFileError) as refused:
        table(data)
    assert (refused.value.code, refused.value.line) == (code, line)


def test_too_many_columns_and_rows(monkeypatch):
    with pytest.raises(ImportFileError) as wide:
        table((",".join(f"c{i}" for i in range(domain.MAX_COLUMNS + 1)) + "\n").encode())
    assert wide.value.code == FileProblemCode.TOO_MANY_COLUMNS
    monkeypatch.setattr(domain, "MAX_ROWS", 2)
    with pytest.raises(ImportFileError) as long:
        table(b"a\n1\n2\n3\n")
    assert (long.value.code, long.value.line) == (FileProblemCode.TOO_MANY_ROWS, 4)


def test_gzip_is_unpacked_within_the_limit():
    packed = gzip.compress(b"a,b\n1,2\n")
    assert domain.unpacked(packed, limit=100) == b"a,b\n1,2\n"
    bomb = gzip.compress(b"0" * 10_000)
    with pytest.raises(ImportFileError) as big:
        domain.unpacked(bomb, limit=1_000)
    assert big.value.code == FileProblemCode.TOO_BIG
    for broken in (packed[:-6], packed + packed, domain.GZIP_MAGIC + b"rubbish"):
        with pytest.raises(ImportFileError) as bad:
            domain.unpacked(broken, limit=100)
        assert bad.value.code == FileProblemCode.BAD_GZIP
    with pytest.raises(ImportFileError) as empty:
        domain.unpacked(b"", limit=100)
    assert empty.value.code == FileProblemCode.EMPTY
    with pytest.raises(ImportFileError) as too_big:
        domain.unpacked(b"x" * 101, limit=100)
    assert too_big.value.code == FileProblemCode.TOO_BIG


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.create_sheet("ignored").append(["not", "read"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_first_sheet_reads_like_csv():
    data = xlsx([["id", "Q1", "WT"], [1, 4, 1.5], [None, None, None], [2, 5.0, 2], [3, None]])
    assert domain.kind_of(data[:4]) == domain.KIND_XLSX
    header, rows = table(data, domain.KIND_XLSX)
    assert header == ("id", "Q1", "WT")
    assert rows == [(2, ["1", "4", "1.5"]), (4, ["2", "5", "2"]), (5, ["3", "", ""])]


def test_damaged_xlsx_and_zip_bombs_are_refused():
    broken = xlsx([["a"], [1]])[:200]
    with pytest.raises(ImportFileError) as damaged:
        table(broken, domain.KIND_XLSX)
    assert damaged.value.code == FileProblemCode.BAD_XLSX
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 5_000)
    with pytest.raises(ImportFileError) as bomb:
        domain.read_table(io.BytesIO(buffer.getvalue()), kind=domain.KIND_XLSX, limit=1_000)
    assert bomb.value.code == FileProblemCode.TOO_BIG


@given(st.lists(st.lists(st.text(alphabet="ab1 ;\t,\"'\n", max_size=6), min_size=3, max_size=3), max_size=8))
def test_csv_round_trip(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["c1", "c2", "c3"], *rows])
    header, read = table(buffer.getvalue().encode())
    assert header == ("c1", "c2", "c3")
    assert [cells for _line, cells in read] == [row for row in rows if any(cell.strip() for cell in row)]


@given(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5)))
def test_cell_text_of_whole_numbers_has_no_decimals(value):
    text = domain.cell_text(value)
    assert isinstance(text, str)
    if isinstance(value, float) and value.is_integer():
        assert text == str(int(value))


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
    found = {(problem.code, problem.column, problem.target) for problem in domain.mapping_problems(bad, INSTRUMENT)}
    assert found == {
        (MappingProblemCode.UNKNOWN_STATEMENT, "B", "Q9"),
        (MappingProblemCode.COLUMN_TWICE, "A", ""),
        (MappingProblemCode.BAD_ATTRIBUTE, "C", " "),
        (MappingProblemCode.BAD_COLUMN, "D\x00", "attribute:ok"),
        (MappingProblemCode.BAD_DONT_KNOW, "3", ""),
        (MappingProblemCode.BAD_DONT_KNOW, "", ""),
    }
    assert domain.mapping_problems(ColumnMap({}), INSTRUMENT) == [MappingProblem(MappingProblemCode.NO_STATEMENTS)]
    assert domain.mapping_problems(MAPPING, INSTRUMENT) == []


def test_header_problems_name_missing_and_repeated_columns():
    header = ("Q1", "Q2", "Q2", "AGENCY", "WT")
    found = domain.header_problems(MAPPING, header)
    assert found == [
        MappingProblem(MappingProblemCode.DUPLICATE_COLUMN, "Q2", "Q2"),
        MappingProblem(MappingProblemCode.MISSING_COLUMN, "Q3", "Q3"),
        MappingProblem(MappingProblemCode.MISSING_COLUMN, "UNIT", "unit"),
    ]


def test_mapping_by_header_reads_statements_from_same_named_columns():
    assert domain.mapping_by_header(INSTRUMENT, ("Q3", "x", "Q1")) == ColumnMap({"Q1": "Q1", "Q3": "Q3"})


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


def test_binary_files_are_recognised_before_reading():
    for data in (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", gzip.compress(b"%PDF-1.4\n\x00\x01")):
        with pytest.raises(ImportFileError) as refused:
            domain.unpacked(data, limit=1_000)
        assert refused.value.code == FileProblemCode.NOT_TEXT
