"""Two scenarios side by side: totals, value, purpose mix, per-unit money, money by goal, lines that differ.

Read from the scenarios' stored figures (``analytics.allocation.evaluate`` as JSON), so comparing
costs no solving; names of units, goals and lines are looked up in three queries. Re-exported by
``selectors``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from spaceforchange.budgeting.models import BudgetLine, Scenario, StrategicGoal
from spaceforchange.core.models import Unit


@dataclass(frozen=True)
class Row:
    """One compared figure: its key (an id or a purpose), what people read, the two values and b − a."""

    key: str
    label: str
    a: float
    b: float

    @property
    def difference(self) -> float:
        return round(self.b - self.a, 4)


@dataclass(frozen=True)
class LineChange:
    line_id: int
    label: str
    a: str  # option key in scenario a ("" when a has no allocation)
    b: str


@dataclass(frozen=True)
class Comparison:
    a: Scenario
    b: Scenario
    totals: list[Row]  # budget, total cost, previous total, value, funded lines
    purposes: list[Row]  # share of the total cost
    purpose_money: list[Row]
    units: list[Row]  # money per unit
    goals: list[Row]  # money per goal (and unattributed)
    lines: list[LineChange]  # lines whose chosen option differs


def _by(rows: list[Mapping[str, Any]], key: str, value: str) -> dict[str, float]:
    return {str(row[key]): float(row[value]) for row in rows}


def _rows(a: Mapping[str, float], b: Mapping[str, float], labels: Mapping[str, str]) -> list[Row]:
    keys = list(dict.fromkeys([*a, *b]))
    return [Row(key, labels.get(key, key), a.get(key, 0.0), b.get(key, 0.0)) for key in keys]


def _names(model: type, keys: set[str], field: str) -> dict[str, str]:
    ids = [int(key) for key in keys if key.isdigit()]
    return {str(pk): name for pk, name in model.objects.filter(pk__in=ids).values_list("pk", field)}  # type: ignore[attr-defined]


def _totals(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[Row]:
    labels = {
        "budget": _("Budget"),
        "total_cost": _("Total cost"),
        "previous_total": _("Previous total"),
        "value": _("Strategic value"),
        "funded_lines": _("Funded lines"),
    }
    return [Row(key, str(label), float(a.get(key) or 0), float(b.get(key) or 0)) for key, label in labels.items()]


def scenario_comparison(a: Scenario, b: Scenario) -> Comparison:
    """Compare two scenarios of the same organisation (usually of the same cycle)."""
    if a.organization_id != b.organization_id:
        raise ValidationError({"scenario": [_("Both scenarios must belong to the organisation.")]})
    fa, fb = a.figures or {}, b.figures or {}
    units_a, units_b = _by(fa.get("units", []), "unit", "cost"), _by(fb.get("units", []), "unit", "cost")
    goals_a, goals_b = _by(fa.get("goals", []), "goal", "money"), _by(fb.get("goals", []), "goal", "money")
    goals_a["unattributed"], goals_b["unattributed"] = (
        float(fa.get("unattributed", 0)),
        float(fb.get("unattributed", 0)),
    )
    goal_names = _names(StrategicGoal, set(goals_a) | set(goals_b), "title") | {"unattributed": _("No goal")}
    line_ids = {key for key in set(a.chosen) | set(b.chosen) if a.chosen.get(key) != b.chosen.get(key)}
    line_names = {
        str(pk): f"{code} {title}"
        for pk, code, title in BudgetLine.objects.filter(pk__in=[int(key) for key in line_ids]).values_list(
            "pk", "code", "title"
        )
    }
    purposes = (fa.get("purposes", []), fb.get("purposes", []))
    return Comparison(
        a=a,
        b=b,
        totals=_totals(fa, fb),
        purposes=_rows(_by(purposes[0], "purpose", "share"), _by(purposes[1], "purpose", "share"), {}),
        purpose_money=_rows(_by(purposes[0], "purpose", "cost"), _by(purposes[1], "purpose", "cost"), {}),
        units=_rows(units_a, units_b, _names(Unit, set(units_a) | set(units_b), "name")),
        goals=_rows(goals_a, goals_b, goal_names),
        lines=[
            LineChange(int(key), line_names.get(key, key), a.chosen.get(key, ""), b.chosen.get(key, ""))
            for key in sorted(line_ids, key=lambda key: line_names.get(key, key))
        ],
    )
