"""Reading an uploaded file of answers as a header and rows: CSV, gzip-compressed CSV and XLSX.

No Django and no database here. A file is CSV (UTF-8, with or without a byte-order mark; comma,
semicolon or tab between cells, guessed from the header line), gzip-compressed CSV or XLSX (the
first sheet). Its first row names the columns. A file that cannot be read raises
:class:`ImportFileError` with a code and, where known, the line; ``import_messages`` words it.
CSV is read as it streams, so a large file is never held whole as text.
"""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import IO, Any

# 200 MiB of CSV holds about 800,000 rows of a 80-column survey export such as FEVS.
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
MAX_ROWS = 1_000_000
MAX_COLUMNS = 2_000

BINARY_SNIFF_BYTES = 8192
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
DELIMITERS = (",", ";", "\t")
KIND_CSV = "csv"
KIND_XLSX = "xlsx"


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
