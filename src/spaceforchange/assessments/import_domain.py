"""Pure rules of answer imports: reading a file as rows, the column mapping, and the checks every row passes.

No Django and no database here. A file is CSV (UTF-8, with or without a byte-order mark; comma,
semicolon or tab between cells, guessed from the header line), gzip-compressed CSV or XLSX (the
first sheet). Its first row names the columns. Problems come back as codes with the line and
column they concern; ``import_services`` turns them into messages, so the same rules serve the
pages, the command line and the background task.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import IO, Any

from spaceforchange.frameworks.schema import ImportMapping, Instrument

# 200 MiB of CSV holds about 800,000 rows of a 80-column survey export such as FEVS.
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
MAX_ROWS = 1_000_000
MAX_COLUMNS = 2_000
MAX_CELL_CHARS = 1_000
MAX_ATTRIBUTES = 20
MAX_NAME_CHARS = 100
MAX_COLUMN_CHARS = 255
MAX_DONT_KNOW_VALUES = 10
MAX_DONT_KNOW_CHARS = 50

BINARY_SNIFF_BYTES = 8192
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
DELIMITERS = (",", ";", "\t")
KIND_CSV = "csv"
KIND_XLSX = "xlsx"

_INTEGER = re.compile(r"[+-]?([0-9]+)(?:\.0*)?", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class FileProblemCode(StrEnum):
    EMPTY = "empty"
    TOO_BIG = "too_big"
    BAD_GZIP = "bad_gzip"
    BAD_XLSX = "bad_xlsx"
    NOT_TEXT = "not_text"
    ENCODING = "encoding"
    BAD_CSV = "bad_csv"
    NO_HEADER = "no_header"
    NO_ROWS = "no_rows"
    TOO_MANY_ROWS = "too_many_rows"
    TOO_MANY_COLUMNS = "too_many_columns"


class ImportFileError(Exception):
    """The file as a whole cannot be read; ``line`` is where reading stopped, when known."""

    def __init__(self, code: FileProblemCode, *, line: int | None = None) -> None:
        super().__init__(code.value if line is None else f"{code.value} (line {line})")
        self.code = code
        self.line = line


# --- Reading files ------------------------------------------------------------------------------


def gunzip(data: bytes, *, limit: int) -> bytes:
    """The content of a gzip file, refused past ``limit`` bytes so a small bomb cannot fill memory."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        content = inflater.decompress(data, limit + 1)
    except zlib.error:
        raise ImportFileError(FileProblemCode.BAD_GZIP) from None
    if len(content) > limit or inflater.unconsumed_tail:
        raise ImportFileError(FileProblemCode.TOO_BIG)
    if not inflater.eof or inflater.unused_data:  # cut short, or several files glued together
        raise ImportFileError(FileProblemCode.BAD_GZIP)
    return content


def unpacked(data: bytes, *, limit: int) -> bytes:
    """The file as uploaded, with gzip compression taken off; checks emptiness and size."""
    if not data:
        raise ImportFileError(FileProblemCode.EMPTY)
    if data.startswith(GZIP_MAGIC):
        data = gunzip(data, limit=limit)
        if not data:
            raise ImportFileError(FileProblemCode.EMPTY)
    if len(data) > limit:
        raise ImportFileError(FileProblemCode.TOO_BIG)
    # Text never holds NUL bytes; pictures, PDFs and other binary files do, early on.
    if kind_of(data[:4]) == KIND_CSV and b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise ImportFileError(FileProblemCode.NOT_TEXT)
    return data


def kind_of(head: bytes) -> str:
    """XLSX files are zip archives; anything else is read as CSV text."""
    return KIND_XLSX if head.startswith(ZIP_MAGIC) else KIND_CSV


@dataclass
class Table:
    """A file's column names and its data rows as (line, cells); blank rows are skipped."""

    header: tuple[str, ...]
    rows: Iterator[tuple[int, list[str]]]


def read_table(stream: IO[bytes], *, kind: str, limit: int = DEFAULT_MAX_BYTES) -> Table:
    """The rows of a CSV stream or an XLSX file; raises :class:`ImportFileError` (also while iterating)."""
    return _xlsx_table(stream, limit) if kind == KIND_XLSX else _csv_table(stream)


def _header(cells: Sequence[str], line: int) -> tuple[str, ...]:
    header = tuple(cell.strip() for cell in cells)
    if not any(header):
        raise ImportFileError(FileProblemCode.NO_HEADER, line=line)
    if len(header) > MAX_COLUMNS:
        raise ImportFileError(FileProblemCode.TOO_MANY_COLUMNS, line=line)
    return header


def _delimiter(line: str) -> str:
    counts = {delimiter: line.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _decoded_lines(stream: IO[bytes]) -> Iterator[str]:
    """The file's lines as text, decoded one by one so a bad byte is reported with its line."""
    for number, raw in enumerate(stream, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ImportFileError(FileProblemCode.ENCODING, line=number) from None
        yield text.removeprefix("\ufeff") if number == 1 else text


def _csv_table(stream: IO[bytes]) -> Table:
    lines = _decoded_lines(stream)
    first = next(lines, None)
    if first is None:
        raise ImportFileError(FileProblemCode.EMPTY)
    if "\x00" in first:
        raise ImportFileError(FileProblemCode.NOT_TEXT, line=1)
    reader = csv.reader(itertools.chain([first], lines), delimiter=_delimiter(first), strict=True)
    try:
        cells = next(reader)
    except csv.Error:
        raise ImportFileError(FileProblemCode.BAD_CSV, line=1) from None
    return Table(_header(cells, 1), _csv_rows(reader))


def _csv_rows(reader: Any) -> Iterator[tuple[int, list[str]]]:
    count = 0
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise ImportFileError(FileProblemCode.BAD_CSV, line=line) from None
        joined = "".join(cells)
        if not joined or joined.isspace():
            continue
        count += 1
        if count > MAX_ROWS:
            raise ImportFileError(FileProblemCode.TOO_MANY_ROWS, line=line)
        yield line, cells


def _xlsx_table(stream: IO[bytes], limit: int) -> Table:
    import openpyxl  # only XLSX imports pay for loading it

    content = io.BytesIO(stream.read())
    try:
        with zipfile.ZipFile(content) as archive:
            # The sheets are compressed XML: refuse what would unpack past the size limit.
            if sum(entry.file_size for entry in archive.infolist()) > limit:
                raise ImportFileError(FileProblemCode.TOO_BIG)
        workbook = openpyxl.load_workbook(content, read_only=True, data_only=True)
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        first = next(rows, None)
    except ImportFileError:
        raise
    except Exception:  # openpyxl raises many kinds on a damaged or foreign archive
        raise ImportFileError(FileProblemCode.BAD_XLSX) from None
    if first is None:
        raise ImportFileError(FileProblemCode.EMPTY)
    header = _header([cell_text(value) for value in first], 1)
    return Table(header, _xlsx_rows(rows, len(header)))


def _xlsx_rows(rows: Iterator[tuple[Any, ...]], width: int) -> Iterator[tuple[int, list[str]]]:
    count = 0
    for line, values in enumerate(rows, start=2):
        cells = [cell_text(value) for value in values]
        while len(cells) > width and not cells[-1]:
            cells.pop()  # sheets often carry formatted but empty cells beyond the table
        if not any(cell.strip() for cell in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise ImportFileError(FileProblemCode.TOO_MANY_ROWS, line=line)
        yield line, cells + [""] * (width - len(cells))


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV export would hold (whole numbers without ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


# --- The column mapping -------------------------------------------------------------------------


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
        if not v.strip() or len(v) > MAX_DONT_KNOW_CHARS or _CONTROL.search(v) or _INTEGER.fullmatch(v.strip())
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


# --- Rows ---------------------------------------------------------------------------------------


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
    match = _INTEGER.fullmatch(text)
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
