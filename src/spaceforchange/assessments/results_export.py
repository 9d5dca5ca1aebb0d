"""A campaign's results as CSV and XLSX downloads: one row per group and dimension (or statement).

The input is the results dict of ``results.campaign_results`` (read through ``snapshots``). A
suppressed group is one row with the status ``suppressed`` and no figures, in each table.

Texts that others wrote (campaign titles, unit names, respondent attributes from an imported file,
framework names) go into cells a spreadsheet may read as a formula. A text starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so it stays text;
numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from spaceforchange.assessments.results import DIMENSION_FIGURES, ITEM_FIGURES

SHOWN = "shown"
SUPPRESSED = "suppressed"
DIMENSION = "dimension"
ITEM = "item"
LEADING_COLUMNS = ("campaign", "group", "status")
CSV_COLUMNS = (*LEADING_COLUMNS, "kind", "key", "name", *DIMENSION_FIGURES)
# kind → the sheet's title, its key and name columns, and its figures
SHEETS = {
    DIMENSION: ("Dimensions", ("dimension_key", "dimension"), DIMENSION_FIGURES),
    ITEM: ("Items", ("statement_key", "statement"), ITEM_FIGURES),
}
SHARES = ("share_favourable", "share_neutral", "share_unfavourable")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Names of the figure dicts in a group of the results, per kind.
GROUP_KEYS = {DIMENSION: "dimensions", ITEM: "items"}

Names = Mapping[str, Mapping[str, str]]  # kind → key → the dimension's name or the statement's text


class Record(NamedTuple):
    group: str
    status: str  # SHOWN or SUPPRESSED
    key: str
    name: str
    figures: Mapping[str, Any]  # empty for a suppressed group


def neutralise(value: Any) -> Any:
    """A text a spreadsheet would read as a formula, made plain text; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def records(results: Mapping[str, Any], kind: str, names: Names) -> Iterator[Record]:
    """Per group: one record per dimension (or statement) of ``kind``, or one ``suppressed`` record."""
    for group in results["groups"]:
        if group["suppressed"]:
            yield Record(group["group"], SUPPRESSED, "", "", {})
            continue
        for key, figures in group[GROUP_KEYS[kind]].items():
            yield Record(group["group"], SHOWN, key, names.get(kind, {}).get(key, key), figures)


def csv_bytes(results: Mapping[str, Any], names: Names) -> bytes:
    """Dimensions, then statements, of every group; UTF-8 with a byte order mark so Excel reads ``æøå``."""
    title = results["campaign"]["title"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for kind in (DIMENSION, ITEM):
        for record in records(results, kind, names):
            if record.status == SUPPRESSED and kind == ITEM:
                continue  # in a single table, one row per suppressed group is enough
            shown_kind = kind if record.status == SHOWN else ""
            cells = [title, record.group, record.status, shown_kind, record.key, record.name]
            cells += [record.figures.get(name) for name in DIMENSION_FIGURES]
            writer.writerow(["" if cell is None else neutralise(cell) for cell in cells])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(results: Mapping[str, Any], names: Names) -> bytes:
    """A workbook with a Dimensions and an Items sheet; header rows bold, figures as numbers."""
    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    for kind, (sheet_title, key_columns, figures_named) in SHEETS.items():
        sheet = workbook.create_sheet(sheet_title)
        header = (*LEADING_COLUMNS, *key_columns, *figures_named)
        _write_sheet(sheet, results["campaign"]["title"], header, records(results, kind, names))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_sheet(sheet: Worksheet, title: str, header: Sequence[str], rows: Iterator[Record]) -> None:
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    figures_named = header[len(LEADING_COLUMNS) + 2 :]
    share_columns = {index + 1 for index, name in enumerate(header) if name in SHARES}
    for record in rows:
        values: list[Any] = [title, record.group, record.status, record.key, record.name]
        values += [record.figures.get(name) for name in figures_named]
        sheet.append([_xlsx_cell(value) for value in values])
        for column in share_columns:
            sheet.cell(row=sheet.max_row, column=column).number_format = "0.0%"
    sheet.freeze_panes = "A2"


def _xlsx_cell(value: Any) -> Any:
    # Control characters (from an imported file, say) are not allowed in a workbook at all.
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value)


def filename(campaign_id: int, group_by: str | None, extension: str) -> str:
    """``campaign-12-results[-grouping].csv``: ASCII letters, digits and hyphens only."""
    grouping = slugify((group_by or "").replace(":", "-"))[:40]
    return f"campaign-{campaign_id}-results{'-' + grouping if grouping else ''}.{extension}"
