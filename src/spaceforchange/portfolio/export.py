"""The portfolio as downloads: the initiative table and the figures as CSV, XLSX and JSON.

Initiative rows carry pack keys (stage, change form, initiator level, trigger) rather than names,
so a file reads the same in every language and can be joined with other exports. Titles, unit
and goal names and owner names are typed in by people and may look like formulas to a
spreadsheet; they are neutralised as in the assessments' results export (numbers stay numbers).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from spaceforchange.analytics import portfolio as rules
from spaceforchange.assessments.results_export import neutralise
from spaceforchange.portfolio.challenge_selectors import Ranking
from spaceforchange.portfolio.models import Initiative

INITIATIVE_COLUMNS = (
    "id",
    "title",
    "stage",
    "change_form",
    "initiator_level",
    "trigger",
    "unit",
    "owner",
    "goals",
    "ai",
    "created",
    "updated",
)
FIGURE_COLUMNS = ("figure", "subject", "measure", "value")
GOAL_SEPARATOR = "; "


def initiative_record(initiative: Initiative) -> dict[str, Any]:
    """One initiative as the JSON export and every table row show it; expects goals prefetched."""
    return {
        "id": initiative.pk,
        "title": initiative.title,
        "stage": initiative.stage,
        "change_form": initiative.change_form or None,
        "initiator_level": initiative.initiator_level or None,
        "trigger": initiative.trigger or None,
        "unit": initiative.unit.name if initiative.unit is not None else None,
        "owner": str(initiative.owner) if initiative.owner is not None else None,
        "goals": sorted(goal.title for goal in initiative.goals.all()),
        "ai": initiative.uses_ai,
        "created": initiative.created_at.isoformat(),
        "updated": initiative.updated_at.isoformat(),
    }


def _row(record: dict[str, Any]) -> list[Any]:
    values = {**record, "goals": GOAL_SEPARATOR.join(record["goals"])}
    return [values[column] for column in INITIATIVE_COLUMNS]


def figure_rows(figures: rules.PortfolioFigures) -> Iterator[tuple[str, str, str, Any]]:
    """Every figure as (figure, subject, measure, value); an empty subject for an unrecorded key."""
    for stage, counts in figures.stage_form_counts.items():
        for form, count in counts.items():
            yield ("stage_form", f"{stage}/{form or ''}", "count", count)
    for share in figures.mix.forms:
        for measure in ("count", "share", "target", "deviation"):
            yield ("mix", share.form, measure, getattr(share, measure))
    yield ("mix", "", "unrecorded", figures.mix.unrecorded)
    for step in figures.funnel:
        subject = f"{step.from_stage}>{step.to_stage}"
        for measure in ("reached_from", "reached_to", "conversion"):
            yield ("funnel", subject, measure, getattr(step, measure))
    for measure in ("scaled", "stopped_as_pilot", "running", "ratio"):
        yield ("pilot_to_scale", "", measure, getattr(figures.pilot_to_scale, measure))
    for measure in ("bottom_up", "senior", "other", "unrecorded", "share"):
        yield ("bottom_up", "", measure, getattr(figures.bottom_up, measure))
    for trigger, count in figures.triggers.items():
        yield ("trigger", trigger or "", "count", count)


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte order mark, so a spreadsheet reads ``æøå``; no value is read as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else neutralise(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def initiatives_csv(initiatives: Iterable[Initiative]) -> bytes:
    return _csv(INITIATIVE_COLUMNS, (_row(initiative_record(initiative)) for initiative in initiatives))


def figures_csv(figures: rules.PortfolioFigures) -> bytes:
    return _csv(FIGURE_COLUMNS, figure_rows(figures))


def portfolio_xlsx(initiatives: Iterable[Initiative], figures: rules.PortfolioFigures) -> bytes:
    """A workbook with an Initiatives and a Figures sheet; header rows bold, figures as numbers."""
    return _xlsx(
        (
            ("Initiatives", INITIATIVE_COLUMNS, (_row(initiative_record(initiative)) for initiative in initiatives)),
            ("Figures", FIGURE_COLUMNS, figure_rows(figures)),
        )
    )


def _xlsx(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_xlsx_cell(value) for value in row])
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(value: Any) -> Any:
    # Control characters are not allowed in a workbook at all.
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value)


# A challenge's ranking (issue #4): one row per idea, criterion means under the criteria's keys.
RANKING_COLUMNS = ("rank", "idea_id", "title", "status", "score", "evaluations", "spread")


def _ranking_table(ranking: Ranking) -> tuple[list[str], Iterator[list[Any]]]:
    header = [*RANKING_COLUMNS, *(criterion.key for criterion in ranking.criteria)]

    def rows() -> Iterator[list[Any]]:
        for row in ranking.rows:
            figures = [row.score, row.evaluations, row.spread, *row.criterion_means]
            yield [row.rank, row.idea.pk, row.idea.title, row.idea.status, *_rounded(figures)]

    return header, rows()


def _rounded(values: Iterable[Any]) -> list[Any]:
    return [round(value, 3) if isinstance(value, float) else value for value in values]


def ranking_csv(ranking: Ranking) -> bytes:
    header, rows = _ranking_table(ranking)
    return _csv(header, rows)


def ranking_xlsx(ranking: Ranking) -> bytes:
    header, rows = _ranking_table(ranking)
    return _xlsx((("Ranking", header, rows),))
