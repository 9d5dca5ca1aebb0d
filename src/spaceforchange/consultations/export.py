"""A consultation's results as downloads: the tables of the results page, one after the other.

XLSX has one sheet per table; CSV holds them all, every row (header rows included) starting with the
table's name in a ``table`` column, as the legitimacy download does, so a spreadsheet filter
separates them. Groups are named by letter as on the page; statements carry their database id.
Statements are written by participants, so every text is neutralised where a spreadsheet could
read it as a formula. Without an opinion map yet, its tables are empty; statements and
participation are always there.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from spaceforchange.assessments.results_export import neutralise
from spaceforchange.consultations import results_selectors, selectors
from spaceforchange.consultations.models import Consultation
from spaceforchange.consultations.results_selectors import OpinionView, Ranked

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def _summary(consultation: Consultation, view: OpinionView | None) -> Table:
    rows: list[tuple[Any, ...]] = [("question", consultation.title), ("status", str(consultation.status.value))]
    if view is not None:
        rows += [
            ("computed_at", view.snapshot.computed_at.isoformat()),
            ("votes_counted", view.snapshot.votes_counted),
            ("participants_in_map", view.participants_in),
            ("groups", len(view.groups)),
            ("division", round(view.division, 6)),
        ]
    return Table("summary", ("figure", "value"), rows)


def _ranking(rows: Sequence[Ranked]) -> list[tuple[Any, ...]]:
    return [(row.statement.id, row.statement.text, round(row.value, 6)) for row in rows]


def _opinion_tables(view: OpinionView | None) -> list[Table]:
    groups = view.groups if view else ()
    representative = [
        (group.name, row.statement.id, row.statement.text, row.direction, round(row.share, 6), row.n_agree,
         row.n_disagree, row.n_seen, round(row.repness, 6))
        for group in groups
        for row in group.representative
    ]  # fmt: skip
    consensus = [
        (direction, row.statement.id, row.statement.text, round(row.value, 6), row.n_success, row.n_seen)
        for direction, rows in (("agree", view.consensus_agree if view else ()),
                                ("disagree", view.consensus_disagree if view else ()))
        for row in rows
    ]  # fmt: skip
    return [
        Table("groups", ("group", "size"), [(group.name, group.size) for group in groups]),
        Table("representative", ("group", "statement_id", "statement", "direction", "share", "n_agree",
                                 "n_disagree", "n_seen", "repness"), representative),
        Table("consensus", ("direction", "statement_id", "statement", "probability", "n_success", "n_seen"),
              consensus),
        Table("group_aware_consensus", ("statement_id", "statement", "value"),
              _ranking(view.group_aware if view else ())),
        Table("divisive", ("statement_id", "statement", "divisiveness"),
              _ranking(view.divisive if view else ())),
    ]  # fmt: skip


def tables(consultation: Consultation) -> list[Table]:
    snapshot = selectors.latest_snapshot(consultation)
    view = results_selectors.opinion_view(consultation, snapshot, top=None) if snapshot is not None else None
    statements = results_selectors.statement_figures(consultation) if view is None else view.statements
    days = selectors.participation_over_time(consultation)
    return [
        _summary(consultation, view),
        *_opinion_tables(view),
        Table(
            "statements",
            ("statement_id", "statement", "moderation", "agree", "disagree", "pass"),
            [(s.id, s.text, s.moderation, s.agree, s.disagree, s.passed) for s in statements.values()],
        ),
        Table(
            "participation",
            ("day", "participants_joined", "votes", "participants_total", "votes_total"),
            [(d.day.isoformat(), d.joined, d.votes, d.participants_total, d.votes_total) for d in days],
        ),
    ]


def _cell(value: Any) -> Any:
    # Control characters are not allowed in a workbook at all (and are noise in a CSV).
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value)


def as_csv(made: Sequence[Table]) -> bytes:
    """UTF-8 with a byte order mark, so a spreadsheet reads ``æøå``; no value is read as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for table in made:
        writer.writerow(["table", *table.columns])
        for row in table.rows:
            writer.writerow([table.name, *(_cell(value) for value in row)])
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(made: Sequence[Table]) -> bytes:
    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    for table in made:
        sheet = workbook.create_sheet(table.name.replace("_", " ").capitalize()[:31])
        sheet.append(list(table.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_cell(value) for value in row])
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export(consultation: Consultation, file_format: str) -> bytes:
    made = tables(consultation)
    return {"csv": as_csv, "xlsx": as_xlsx}[file_format](made)


def filename(consultation: Consultation, file_format: str) -> str:
    """``consultation-12-results-parking-permits.csv``: ASCII letters, digits and hyphens only."""
    title = slugify(consultation.title)[:40].strip("-")
    return f"consultation-{consultation.pk}-results{'-' + title if title else ''}.{file_format}"
