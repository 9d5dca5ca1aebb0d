"""Budget lines in and out as CSV or XLSX: ``import_budget_lines`` (a service) and ``export_lines`` (a read).

**Columns** (first row; names are case-insensitive; unknown columns are refused):

- ``code`` (required): unique within the cycle; a code the cycle has already updates that line.
- ``title`` (required); ``unit`` (required): the name of a unit of the organisation.
- ``amount`` (required), ``previous_amount`` (empty: a new line): numbers with a decimal point,
  at most two decimals, spaces allowed as thousands separators.
- ``purpose`` (required): ``innovation``, ``efficiency`` or ``service_delivery``.
- ``basis``: ``carried_over`` or ``re_decided`` (default). ``mandatory``, ``locked``: yes/no,
  true/false, 1/0, ja/nei (empty: no). ``max_change``: a share (0.2 = ±20 %), empty for none.
- ``requires``: codes of lines this line depends on, separated by ``;`` (in the file or the cycle).
- ``goal:<goal title>``: one column per goal, the line's contribution score 0–5 (empty or 0: none).
  A file without a goal's column leaves an updated line's score for that goal as it is; an empty
  cell in the column removes it.
- ``options``: funding packages separated by ``;``; empty gives the defaults (none, 50 % and
  100 % of the amount). One package must cost 0. Each package is either
  ``key:cost:score`` — a scaled option: ``score`` (0–5, decimals allowed) is its contribution to
  the line's strongest goal and the other goals scale with the line's scores — or
  ``key:cost:goal title=score|goal title=score`` — a package with scores of its own, per goal
  (titles are case-insensitive; ``%``, ``;``, ``:``, ``=`` and ``|`` in a title are written
  ``%25``, ``%3B``, ``%3A``, ``%3D`` and ``%7C``). For example
  ``none:0:0;pilot:250:2.5;app:400:Digital services=4|Climate=1.5``.

The whole file is checked first; every problem is reported with its line number and column, and
nothing is written unless there is none. The lines are then written in bulk and the import is
recorded once in the audit log (``LineImport``: who, when, which codes), as answer imports are.
Limits: ``MAX_BYTES`` and ``MAX_ROWS``. Texts are stored as given — a cell such as
``=HYPERLINK(...)`` is only text here; the export neutralises it (a leading apostrophe, which the
import removes again, so an export reads back unchanged).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from spaceforchange.alerts.tasks import alerts_may_have_changed
from spaceforchange.assessments import import_reading
from spaceforchange.assessments.results_export import FORMULA_STARTS, neutralise
from spaceforchange.budgeting import line_rows
from spaceforchange.budgeting.budget_services import check_line
from spaceforchange.budgeting.line_rows import COLUMNS, GOAL_PREFIX, Problem, RowData
from spaceforchange.budgeting.models import (
    BudgetCycle,
    BudgetLine,
    FundingOption,
    GoalContribution,
    LineDependency,
    LineImport,
    StrategicGoal,
)
from spaceforchange.budgeting.options import DEFAULT_LEVELS, default_cost, default_options, scaled
from spaceforchange.core.models import User

MAX_BYTES = 20 * 1024 * 1024  # also the unpacked size of an XLSX file: 20,000 lines take about 6 MiB
MAX_ROWS = 20_000
BATCH = 1000
FORMATS = ("csv", "xlsx")


class ImportProblems(ValidationError):
    """The file was refused; ``problems`` lists every problem with its line and column."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__({"file": [problem.message_text() for problem in self.problems]})


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int


def _table(file: IO[bytes], format: str) -> tuple[tuple[str, ...], list[tuple[int, list[str]]]]:
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        limit = MAX_BYTES // (1024 * 1024)
        raise ImportProblems([Problem(None, "", _("The file is larger than %(limit)d MiB.") % {"limit": limit})])
    try:
        content = import_reading.unpacked(data, limit=MAX_BYTES)
        table = import_reading.read_table(io.BytesIO(content), kind=format, limit=MAX_BYTES)
        rows = []
        for line, cells in table.rows:
            rows.append((line, [_untext(cell) for cell in cells]))
            if len(rows) > MAX_ROWS:
                raise ImportProblems([Problem(line, "", _("At most %(limit)d lines.") % {"limit": MAX_ROWS})])
    except import_reading.ImportFileError as error:
        raise ImportProblems(
            [Problem(error.line, "", _("The file cannot be read as %(format)s.") % {"format": format})]
        ) from None
    if not rows:
        raise ImportProblems([Problem(None, "", _("The file has no lines."))])
    return table.header, rows


def _untext(cell: str) -> str:
    """A cell an export neutralised (``'=...``) back to its text."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


@transaction.atomic
def import_budget_lines(
    *, cycle: BudgetCycle, file: IO[bytes], format: str, actor: User | None = None
) -> ImportSummary:
    """Add or update the cycle's lines from a CSV or XLSX file (columns in the module docstring).

    Raises ``ImportProblems`` (a ``ValidationError``) listing every bad row with its line number
    and column; then nothing is written.
    """
    if format not in FORMATS:
        raise ImportProblems([Problem(None, "", _("Choose CSV or XLSX."))])
    header, rows = _table(file, format)
    reader = line_rows.RowReader(cycle, header)
    parsed = [reader.row(line, cells) for line, cells in rows] if not reader.problems else []
    problems = reader.problems + reader.cross_check(parsed)
    problems += [problem for row in parsed for problem in _field_problems(cycle, row)]
    if problems:
        raise ImportProblems(sorted(problems, key=Problem.order))
    summary = _write(cycle, parsed, set(reader.goal_columns.values()), format, actor)
    alerts_may_have_changed(cycle.organization_id)
    return summary


def _field_problems(cycle: BudgetCycle, row: RowData) -> list[Problem]:
    # Codes were checked by the reader (against the cycle and within the file), so not once per row here.
    errors = check_line(cycle, row.fields, check_code=False)
    return [
        Problem(row.line, name, message)
        for name, messages in errors.items()
        if name not in row.reported
        for message in messages
    ]


def _differs(line: BudgetLine, values: Mapping[str, Any]) -> bool:
    unit = values["unit"]
    # The unit by id: reading ``line.unit`` would cost a query per line.
    if line.unit_id != (unit.pk if unit is not None else None):
        return True
    return any(getattr(line, name) != value for name, value in values.items() if name != "unit")


def _write(
    cycle: BudgetCycle, parsed: list[RowData], goals: set[int], format: str, actor: User | None
) -> ImportSummary:
    """Write the checked rows in bulk; the import itself is the audit log's record (``LineImport``).

    Only the scores for ``goals`` (the file's goal columns) are replaced; the others stay."""
    fresh: list[BudgetLine] = []
    changed: list[BudgetLine] = []
    now = timezone.now()
    for row in parsed:
        line = row.existing or BudgetLine(organization_id=cycle.organization_id, cycle=cycle)
        values = line_rows.converted(row.fields)
        if row.existing is None or _differs(line, values):
            for name, value in values.items():
                setattr(line, name, value)
            line.updated_at = now
            (changed if row.existing else fresh).append(line)
    BudgetLine.objects.bulk_create(fresh, batch_size=BATCH)
    # Only the lines whose fields differ: rewriting unchanged rows is most of an update's cost.
    BudgetLine.objects.bulk_update(changed, [*line_rows.FIELDS, "updated_at"], batch_size=BATCH)
    updated = sum(row.existing is not None for row in parsed)
    ids = [row.existing.pk for row in parsed if row.existing is not None]
    # Raw deletes: the collector would load and log every option, score and dependency of the
    # updated lines, one by one; they are rewritten just below and the import is the record.
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        for rows in (
            FundingOption.objects.filter(line_id__in=batch),
            LineDependency.objects.filter(line_id__in=batch),
            GoalContribution.objects.filter(budget_line_id__in=batch, goal_id__in=goals),
        ):
            rows._raw_delete(rows.db)  # type: ignore[attr-defined]
    by_code = {line.code: line for line in BudgetLine.objects.filter(cycle=cycle)}
    contributions, options, dependencies = [], [], []
    for row in parsed:
        line = by_code[row.fields["code"]]
        contributions += [
            GoalContribution(organization_id=cycle.organization_id, goal_id=goal, budget_line=line, score=score)
            for goal, score in row.scores.items()
            if goal in goals
        ]
        options += _options(line, row)
        dependencies += [
            LineDependency(organization_id=cycle.organization_id, line=line, requires=by_code[code])
            for code in row.requires
        ]
    GoalContribution.objects.bulk_create(contributions, batch_size=BATCH)
    FundingOption.objects.bulk_create(options, batch_size=BATCH)
    LineDependency.objects.bulk_create(dependencies, batch_size=BATCH)
    LineImport.objects.create(
        organization_id=cycle.organization_id,
        cycle=cycle,
        format=format,
        created=len(fresh),
        updated=updated,
        codes=[row.fields["code"] for row in parsed],
        imported_by=actor,
    )
    return ImportSummary(created=len(fresh), updated=updated)


def _options(line: BudgetLine, row: RowData) -> list[FundingOption]:
    if not row.packages:
        return default_options(line, row.scores)
    strongest = max(row.scores.values(), default=0)
    options = []
    for key, cost, score, own in row.packages:
        scale = None if own is not None else score / strongest if strongest else 0.0
        contributions = scaled(row.scores, scale) if scale is not None else _own(own)
        options.append(
            FundingOption(
                organization_id=line.organization_id,
                line=line,
                key=key,
                label=key,
                cost=cost,
                scale=scale,
                contributions=contributions,
            )
        )
    return options


def _own(scores: Mapping[int, float] | None) -> dict[str, float]:
    return {str(goal): round(score, 3) for goal, score in sorted((scores or {}).items())}


# --- Export -----------------------------------------------------------------------------------


Option = tuple[str, Decimal, float | None, dict[str, float]]  # key, cost, scale, contributions


def _package_cell(amount: Decimal, options: list[Option], scores: Mapping[int, int], titles: Mapping[int, str]) -> str:
    """The ``options`` cell: empty for the default options, else ``key:cost:score`` for a scaled option
    and ``key:cost:goal title=score|...`` for a package with scores of its own, joined by ``;``."""
    defaults = {(key, default_cost(amount, level), level) for key, level in DEFAULT_LEVELS}
    if {(key, cost, scale) for key, cost, scale, _own in options} == defaults and len(options) == len(defaults):
        return ""
    strongest = max(scores.values(), default=0)
    return ";".join(
        f"{key}:{cost}:{_own_cell(own, titles) if scale is None and own else f'{(scale or 0.0) * strongest:g}'}"
        for key, cost, scale, own in options
    )


def _own_cell(own: Mapping[str, float], titles: Mapping[int, str]) -> str:
    scores = sorted((titles[int(goal)], score) for goal, score in own.items())
    return "|".join(f"{line_rows.escape_title(title)}={score:g}" for title, score in scores)


def _grouped(rows: Any) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for line_id, *values in rows:
        grouped[line_id].append(values[0] if len(values) == 1 else tuple(values))
    return grouped


def export_rows(cycle: BudgetCycle) -> tuple[list[str], list[list[Any]]]:
    """The header and one row per line, in the import's columns (goal columns for every active goal
    and every goal a line contributes to). Six queries, plain values: no model per row."""
    lines = BudgetLine.objects.filter(cycle=cycle).order_by("code").values_list("pk", *line_rows.EXPORTED)
    scores: dict[int, dict[int, int]] = defaultdict(dict)
    contributions = GoalContribution.objects.filter(budget_line__cycle=cycle, score__gt=0)
    for line_id, goal_id, score in contributions.values_list("budget_line_id", "goal_id", "score"):
        scores[line_id][goal_id] = score or 0
    options = _grouped(
        FundingOption.objects.filter(line__cycle=cycle)
        .order_by("line_id", "cost", "key")
        .values_list("line_id", "key", "cost", "scale", "contributions")
    )
    requires = _grouped(
        LineDependency.objects.filter(line__cycle=cycle)
        .order_by("requires__code")
        .values_list("line_id", "requires__code")
    )
    goals = line_rows.export_goals(cycle, {goal for line in scores.values() for goal in line})
    titles = dict(StrategicGoal.objects.filter(organization_id=cycle.organization_id).values_list("pk", "title"))
    header = [*COLUMNS, *(f"{GOAL_PREFIX}{title}" for _pk, title in goals), "options"]
    rows = []
    for pk, *values in lines:
        line_scores = scores.get(pk, {})
        rows.append(
            [
                *line_rows.export_cells(values, requires.get(pk, [])),
                *(line_scores.get(goal, "") for goal, _title in goals),
                _package_cell(values[3], options.get(pk, []), line_scores, titles),
            ]
        )
    return header, rows


def export_lines(cycle: BudgetCycle, format: str) -> bytes:
    """The cycle's lines as CSV (UTF-8 with a byte-order mark) or XLSX; formulas neutralised."""
    header, rows = export_rows(cycle)
    safe = [[neutralise(cell) for cell in row] for row in rows]
    if format == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Budget lines")
        sheet.append(header)
        for row in safe:
            sheet.append([float(cell) if isinstance(cell, Decimal) else cell for cell in row])
        stream = io.BytesIO()
        workbook.save(stream)
        return stream.getvalue()
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([neutralise(cell) for cell in header])
    writer.writerows(safe)
    return ("\ufeff" + text.getvalue()).encode("utf-8")
