"""Reading one row of a budget-line file into line fields, and writing a line back as a row.

``import_lines`` documents the columns. The reader reports every problem it finds as a
``Problem`` (line number and column) and never stops at the first.
"""

from __future__ import annotations

import math
import urllib.parse
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from spaceforchange.budgeting.budget_services import OPTIONS_MAX, as_money
from spaceforchange.budgeting.models import SCORE_MAX, BudgetCycle, BudgetLine, GoalContribution, StrategicGoal
from spaceforchange.core.models import Unit

COLUMNS = (
    "code",
    "title",
    "unit",
    "amount",
    "previous_amount",
    "purpose",
    "basis",
    "mandatory",
    "max_change",
    "locked",
    "requires",
)
REQUIRED = ("code", "title", "unit", "amount", "purpose")
# The line fields a row sets.
FIELDS = ("code", "title", "unit", "amount", "previous_amount", "purpose", "basis", "mandatory", "max_change", "locked")
GOAL_PREFIX = "goal:"
OPTIONS = "options"
# Characters of a goal title that an ``options`` cell writes as %XX (they separate its parts).
ESCAPED = "%;:=|"
TRUE, FALSE = {"yes", "true", "1", "ja", "y", "x"}, {"no", "false", "0", "nei", "n", ""}


@dataclass(frozen=True)
class Problem:
    line: int | None  # None: the file as a whole
    column: str
    message: str

    def message_text(self) -> str:
        if self.line is None:
            return self.message
        if not self.column:
            return _("Line %(line)d: %(message)s") % {"line": self.line, "message": self.message}
        return _("Line %(line)d, column %(column)s: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }

    def order(self) -> tuple[int, str]:
        return (self.line or 0, self.column)


# key, cost, score for the line's strongest goal, own scores by goal id (a package) or None (scaled)
Package = tuple[str, Decimal, float, dict[int, float] | None]


def escape_title(title: str) -> str:
    """A goal title as an ``options`` cell writes it: its separators as %XX, so any title reads back."""
    return "".join(f"%{ord(char):02X}" if char in ESCAPED else char for char in title)


@dataclass
class RowData:
    line: int
    fields: dict[str, Any]  # as ``budget_services.check_line`` reads them
    existing: BudgetLine | None
    scores: dict[int, int] = field(default_factory=dict)
    requires: list[str] = field(default_factory=list)
    packages: list[Package] = field(default_factory=list)
    reported: set[str] = field(default_factory=set)  # columns the reader found a problem in


def _flag(text: str) -> bool | None:
    value = text.strip().casefold()
    return True if value in TRUE else False if value in FALSE else None


class RowReader:
    """Reads the rows of one file for one cycle; ``problems`` holds the header's problems."""

    def __init__(self, cycle: BudgetCycle, header: Sequence[str]) -> None:
        self.cycle = cycle
        self.problems: list[Problem] = []
        self.columns = [name.strip() for name in header]
        goals = {
            goal.title.casefold(): goal.pk for goal in StrategicGoal.objects.filter(organization=cycle.organization)
        }
        self.goals = goals
        self.goal_columns: dict[int, int] = {}
        for index, name in enumerate(self.columns):
            lowered = name.casefold()
            if lowered.startswith(GOAL_PREFIX):
                title = name[len(GOAL_PREFIX) :].strip().casefold()
                if title in goals:
                    self.goal_columns[index] = goals[title]
                else:
                    self.problems.append(Problem(1, name, _("No goal of the organisation has this title.")))
            elif lowered not in (*COLUMNS, OPTIONS):
                self.problems.append(Problem(1, name, _("Unknown column.")))
        self.index = {name.casefold(): position for position, name in enumerate(self.columns)}
        for name in REQUIRED:
            if name not in self.index:
                self.problems.append(Problem(1, name, _("The column is missing.")))
        counts = Counter(name.casefold() for name in self.columns)
        self.problems += [Problem(1, name, _("The column appears twice.")) for name, n in counts.items() if n > 1]
        units: dict[str, list[Unit]] = defaultdict(list)
        for unit in Unit.objects.filter(organization=cycle.organization):
            units[unit.name.casefold()].append(unit)
        self.units = units
        self.lines = {line.code: line for line in BudgetLine.objects.filter(cycle=cycle)}
        # An updated line keeps its scores for the goals the file has no column for.
        self.kept: dict[int, dict[int, int]] = defaultdict(dict)
        kept = GoalContribution.objects.filter(budget_line__cycle=cycle, score__gt=0).exclude(
            goal_id__in=self.goal_columns.values()
        )
        for line_id, goal_id, score in kept.values_list("budget_line_id", "goal_id", "score"):
            self.kept[line_id][goal_id] = score or 0

    def _cell(self, cells: Sequence[str], name: str) -> str:
        position = self.index.get(name)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    def row(self, line: int, cells: Sequence[str]) -> RowData:
        cell = {name: self._cell(cells, name) for name in (*COLUMNS, OPTIONS)}
        row = RowData(line, {}, self.lines.get(cell["code"]))
        row.fields = {
            "code": cell["code"],
            "title": cell["title"],
            "unit": self._unit(row, cell["unit"]),
            "amount": cell["amount"],
            "previous_amount": cell["previous_amount"] or None,
            "purpose": cell["purpose"].casefold(),
            "basis": cell["basis"].casefold() or "re_decided",
            "mandatory": self._flag(row, "mandatory", cell["mandatory"]),
            "max_change": self._change(row, cell["max_change"]),
            "locked": self._flag(row, "locked", cell["locked"]),
        }
        row.requires = [code.strip() for code in cell["requires"].split(";") if code.strip()]
        row.scores = self._scores(row, cells)
        if row.existing is not None:
            row.scores = {**self.kept.get(row.existing.pk, {}), **row.scores}
        row.packages = self._packages(row, cell[OPTIONS])
        return row

    def _report(self, row: RowData, column: str, message: str) -> None:
        self.problems.append(Problem(row.line, column, message))
        row.reported.add(column)

    def _unit(self, row: RowData, name: str) -> Unit | None:
        found = self.units.get(name.casefold(), [])
        if len(found) == 1:
            return found[0]
        if name and len(found) > 1:
            self._report(row, "unit", _("Several units have this name; rename one."))
        else:
            self._report(row, "unit", _("No unit of the organisation is called “%(name)s”.") % {"name": name[:100]})
        return None

    def _flag(self, row: RowData, column: str, text: str) -> bool:
        value = _flag(text)
        if value is None:
            self._report(row, column, _("Write yes or no."))
        return bool(value)

    def _change(self, row: RowData, text: str) -> float | None:
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self._report(row, "max_change", _("A share such as 0.2, or nothing."))
            return None
        return value

    def _scores(self, row: RowData, cells: Sequence[str]) -> dict[int, int]:
        scores: dict[int, int] = {}
        for position, goal_id in self.goal_columns.items():
            text = cells[position].strip() if position < len(cells) else ""
            if not text:
                continue
            if not text.isdigit() or not 0 <= int(text) <= SCORE_MAX:
                self._report(row, self.columns[position], _("A whole number from 0 to 5."))
            elif int(text) > 0:
                scores[goal_id] = int(text)
        return scores

    def _packages(self, row: RowData, text: str) -> list[Package]:
        packages: list[Package] = []
        for part in (piece.strip() for piece in text.split(";")):
            if not part:
                continue
            key, _sep, rest = part.partition(":")
            cost_text, _sep, score_text = rest.partition(":")
            cost = as_money(cost_text)
            own = self._own_scores(row, score_text) if "=" in score_text else None
            score = _number(score_text or "0") if own is None else max(own.values(), default=0.0)
            scores = [score] if own is None else list(own.values())
            valid_key = key.strip() and key.replace("-", "").replace("_", "").isalnum() and len(key) <= 40
            if not valid_key or cost is None or not all(0 <= value <= SCORE_MAX for value in scores):
                message = _("Write each package as key:cost:score or key:cost:goal=score|goal=score (scores 0–5).")
                self._report(row, OPTIONS, message)
                return []
            packages.append((key.strip(), cost, score, own))
        self._check_packages(row, packages)
        return packages

    def _own_scores(self, row: RowData, text: str) -> dict[int, float]:
        """``goal title=score|goal title=score`` (titles with %XX escapes) as scores by goal id."""
        scores: dict[int, float] = {}
        for part in text.split("|"):
            title, _sep, score_text = part.partition("=")
            goal = self.goals.get(urllib.parse.unquote(title).strip().casefold())
            score = _number(score_text)
            if goal is None:
                message = _("No goal of the organisation has the title “%(title)s”.") % {"title": title[:100]}
                self._report(row, OPTIONS, message)
            elif score != 0:  # a score out of range (or not a number) stays, for the caller to refuse
                scores[goal] = score
        return scores

    def _check_packages(self, row: RowData, packages: list[Package]) -> None:
        if not packages:
            return
        keys = [key for key, *_rest in packages]
        if len(set(keys)) != len(keys) or len(keys) > OPTIONS_MAX:
            self._report(row, OPTIONS, _("Each package needs its own key (at most 20 packages)."))
        if not any(cost == 0 for _key, cost, *_rest in packages):
            self._report(row, OPTIONS, _("One package must cost 0 (not funding the line)."))
        if any(score > 0 and own is None for _key, _cost, score, own in packages) and not row.scores:
            self._report(row, OPTIONS, _("A package scores, but the line contributes to no goal."))

    def cross_check(self, rows: Iterable[RowData]) -> list[Problem]:
        """Problems between rows: a code twice, a dependency on an unknown line or on the line itself."""
        rows = list(rows)
        problems: list[Problem] = []
        seen: dict[str, int] = {}
        for row in rows:
            code = row.fields["code"]
            if code and code in seen:
                problems.append(
                    Problem(row.line, "code", _("The code is used on line %(line)d too.") % {"line": seen[code]})
                )
            seen.setdefault(code, row.line)
        codes = set(seen) | set(self.lines)
        for row in rows:
            for code in row.requires:
                if code == row.fields["code"]:
                    problems.append(Problem(row.line, "requires", _("A line cannot depend on itself.")))
                elif code not in codes:
                    problems.append(
                        Problem(row.line, "requires", _("No line has the code “%(code)s”.") % {"code": code[:40]})
                    )
        return problems


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


def converted(fields: dict[str, Any]) -> dict[str, Any]:
    """The checked fields as stored: amounts as decimals."""
    return {**fields, "amount": as_money(fields["amount"]), "previous_amount": as_money(fields["previous_amount"])}


# The values of a line an export reads, in the order of ``COLUMNS`` but for ``requires``.
EXPORTED = (
    "code",
    "title",
    "unit__name",
    "amount",
    "previous_amount",
    "purpose",
    "basis",
    "mandatory",
    "max_change",
    "locked",
)


def export_goals(cycle: BudgetCycle, used: set[int]) -> list[tuple[int, str]]:
    """(id, title) of the active goals and of every goal a line contributes to, by title."""
    goals = StrategicGoal.objects.filter(organization_id=cycle.organization_id).order_by("title")
    return [(pk, title) for pk, title, active in goals.values_list("pk", "title", "active") if active or pk in used]


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def export_cells(values: Sequence[Any], requires: Sequence[str]) -> list[Any]:
    """A line's cells in the order of ``COLUMNS``, from its ``EXPORTED`` values and required codes."""
    code, title, unit, amount, previous, purpose, basis, mandatory, change, locked = values
    return [
        code,
        title,
        unit,
        amount,
        "" if previous is None else previous,
        purpose,
        basis,
        _yes(mandatory),
        "" if change is None else change,
        _yes(locked),
        ";".join(requires),
    ]
