"""Reading uploaded files as rows: CSV (any of three delimiters), CSV.gz and XLSX, within the limits."""

from __future__ import annotations

import csv
import gzip
import io
import zipfile

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spaceforchange.assessments import import_reading as reading
from spaceforchange.assessments.import_reading import FileProblemCode, ImportFileError


def table(data: bytes, kind: str = reading.KIND_CSV) -> tuple[tuple[str, ...], list[tuple[int, list[str]]]]:
    read = reading.read_table(io.BytesIO(data), kind=kind)
    return read.header, list(read.rows)


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
        table((",".join(f"c{i}" for i in range(reading.MAX_COLUMNS + 1)) + "\n").encode())
    assert wide.value.code == FileProblemCode.TOO_MANY_COLUMNS
    monkeypatch.setattr(reading, "MAX_ROWS", 2)
    with pytest.raises(ImportFileError) as long:
        table(b"a\n1\n2\n3\n")
    assert (long.value.code, long.value.line) == (FileProblemCode.TOO_MANY_ROWS, 4)


def test_gzip_is_unpacked_within_the_limit():
    packed = gzip.compress(b"a,b\n1,2\n")
    assert reading.unpacked(packed, limit=100) == b"a,b\n1,2\n"
    bomb = gzip.compress(b"0" * 10_000)
    with pytest.raises(ImportFileError) as big:
        reading.unpacked(bomb, limit=1_000)
    assert big.value.code == FileProblemCode.TOO_BIG
    for broken in (packed[:-6], packed + packed, reading.GZIP_MAGIC + b"rubbish"):
        with pytest.raises(ImportFileError) as bad:
            reading.unpacked(broken, limit=100)
        assert bad.value.code == FileProblemCode.BAD_GZIP
    with pytest.raises(ImportFileError) as empty:
        reading.unpacked(b"", limit=100)
    assert empty.value.code == FileProblemCode.EMPTY
    with pytest.raises(ImportFileError) as too_big:
        reading.unpacked(b"x" * 101, limit=100)
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
    assert reading.kind_of(data[:4]) == reading.KIND_XLSX
    header, rows = table(data, reading.KIND_XLSX)
    assert header == ("id", "Q1", "WT")
    assert rows == [(2, ["1", "4", "1.5"]), (4, ["2", "5", "2"]), (5, ["3", "", ""])]


def test_damaged_xlsx_and_zip_bombs_are_refused():
    broken = xlsx([["a"], [1]])[:200]
    with pytest.raises(ImportFileError) as damaged:
        table(broken, reading.KIND_XLSX)
    assert damaged.value.code == FileProblemCode.BAD_XLSX
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 5_000)
    with pytest.raises(ImportFileError) as bomb:
        reading.read_table(io.BytesIO(buffer.getvalue()), kind=reading.KIND_XLSX, limit=1_000)
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
    text = reading.cell_text(value)
    assert isinstance(text, str)
    if isinstance(value, float) and value.is_integer():
        assert text == str(int(value))


def test_binary_files_are_recognised_before_reading():
    for data in (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", gzip.compress(b"%PDF-1.4\n\x00\x01")):
        with pytest.raises(ImportFileError) as refused:
            reading.unpacked(data, limit=1_000)
        assert refused.value.code == FileProblemCode.NOT_TEXT
