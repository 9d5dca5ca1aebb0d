"""Pure rules of strategy and money: revision diffs, the indicators of FRAMEWORKS.md §11, the warnings.

No Django here. Money arrives as floats; shares are between 0 and 1.

**Indicators.** Over a cycle's lines (the cycle's budget is the sum of its lines' amounts):
share linked to goals (amount in lines with a goal contribution above 0), share carried over
(amount in lines whose basis is ``carried_over``), the purpose mix and its distance from the
target mix, money by goal (each line's amount split across its goals in proportion to its scores;
lines with no goal go to the ``UNLINKED`` bucket).

**Structure change after a revision** compares the last cycle before a strategy revision with a
cycle after it. For each of three views — money by goal, by line (lines matched by code), by
purpose — it takes half the L1 distance between the two vectors of shares (each vector adds up
to 1): the share of the budget that would have to move to turn one structure into the other. The
headline figure is the largest of the three, since the pack's signal counts money moved "between
lines, goals or purposes". 0 means an unchanged structure, 1 a complete change.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

UNLINKED = "unlinked"
ORGANISATION, UNIT, STRATEGY = "organisation", "unit", "strategy"
DISCONNECT, NO_CONTRIBUTION, NOT_REVISED = (
    "strategy_budget_disconnect",
    "unit_without_contribution",
    "ai_strategy_not_revised",
)
RULE_KEYS: tuple[str, ...] = (DISCONNECT, NO_CONTRIBUTION, NOT_REVISED)
# The warnings pack's defaults; the organisation's pack overrides them.
DEFAULT_THRESHOLDS: dict[str, dict[str, float]] = {
    DISCONNECT: {"min_linked_share": 0.5, "min_structure_change": 0.05},
    NO_CONTRIBUTION: {"max_cycles": 1},
    NOT_REVISED: {"default_cadence_months": 12, "grace_days": 30},
}
ROUND = 4


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- Revisions --------------------------------------------------------------------------------


def _goals_by_id(snapshot: Mapping[str, Any]) -> dict[int, Mapping[str, Any]]:
    return {int(goal["id"]): goal for goal in snapshot.get("goals", ())}


def diff_snapshots(previous: Mapping[str, Any] | None, current: Mapping[str, Any]) -> dict[str, Any]:
    """What a revision changed against the previous one: vision, cadence, goals added, retired,
    re-weighted, renamed or handed to another owner. The first revision lists every goal as added."""
    before = previous or {}
    old, new = _goals_by_id(before), _goals_by_id(current)
    active_old = {pk for pk, goal in old.items() if goal.get("active", True)}
    active_new = {pk for pk, goal in new.items() if goal.get("active", True)}
    changed: list[dict[str, Any]] = []
    for pk in sorted(active_old & active_new):
        fields = {
            name: [old[pk].get(name), new[pk].get(name)]
            for name in ("title", "weight", "owner_id", "description")
            if old[pk].get(name) != new[pk].get(name)
        }
        if fields:
            changed.append({"id": pk, "title": new[pk].get("title"), "changes": fields})
    return {
        "vision_changed": before.get("vision", "") != current.get("vision", ""),
        "cadence": None
        if before.get("cadence_months") == current.get("cadence_months")
        else [before.get("cadence_months"), current.get("cadence_months")],
        "goals_added": [_brief(new[pk]) for pk in sorted(active_new - active_old)],
        "goals_retired": [_brief(old[pk]) for pk in sorted(active_old - active_new)],
        "goals_changed": changed,
    }


def _brief(goal: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": goal.get("id"), "title": goal.get("title"), "weight": goal.get("weight")}


# --- Indicators -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineFacts:
    """A budget line as the indicators read it; ``scores`` maps goal ids to contribution scores."""

    code: str
    unit_id: int
    amount: float
    purpose: str
    basis: str
    scores: Mapping[int, int] = field(default_factory=dict)


def _total(lines: Sequence[LineFacts]) -> float:
    return sum(line.amount for line in lines)


def _share(part: float, whole: float) -> float:
    return round(part / whole, ROUND) if whole > 0 else 0.0


def share_linked(lines: Sequence[LineFacts]) -> float:
    linked = sum(line.amount for line in lines if any(score > 0 for score in line.scores.values()))
    return _share(linked, _total(lines))


def share_carried_over(lines: Sequence[LineFacts], carried_over: str = "carried_over") -> float:
    return _share(sum(line.amount for line in lines if line.basis == carried_over), _total(lines))


def shares(amounts: Mapping[str, float]) -> dict[str, float]:
    """Amounts as shares of their sum (all 0 when the sum is 0)."""
    whole = sum(amounts.values())
    return {key: _share(value, whole) for key, value in amounts.items()}


def purpose_mix(lines: Sequence[LineFacts], purposes: Iterable[str]) -> dict[str, float]:
    amounts = dict.fromkeys(purposes, 0.0)
    for line in lines:
        amounts[line.purpose] = amounts.get(line.purpose, 0.0) + line.amount
    return shares(amounts)


def money_by_goal(lines: Sequence[LineFacts]) -> dict[str, float]:
    """Each line's amount split over its goals in proportion to its scores; goal ids as text."""
    money: dict[str, float] = defaultdict(float)
    for line in lines:
        positive = {goal: score for goal, score in line.scores.items() if score > 0}
        weight = sum(positive.values())
        if not weight:
            money[UNLINKED] += line.amount
            continue
        for goal, score in positive.items():
            money[str(goal)] += line.amount * score / weight
    return {key: round(value, 2) for key, value in sorted(money.items())}


def distance(first: Mapping[str, float], second: Mapping[str, float]) -> float:
    """Half the L1 distance between two share vectors (0 identical … 1 disjoint)."""
    keys = sorted(set(first) | set(second))
    # Shares rounded to four places may add up to a hair over 1.
    return min(1.0, round(sum(abs(first.get(key, 0.0) - second.get(key, 0.0)) for key in keys) / 2, ROUND))


def _by(lines: Sequence[LineFacts], key: str) -> dict[str, float]:
    amounts: dict[str, float] = defaultdict(float)
    for line in lines:
        amounts[str(getattr(line, key))] += line.amount
    return shares(amounts)


def structure_change(before: Sequence[LineFacts], after: Sequence[LineFacts]) -> dict[str, float]:
    """How much of the budget moved between two cycles, by goal, by line and by purpose, and the largest."""
    views = {
        "by_goal": distance(shares(money_by_goal(before)), shares(money_by_goal(after))),
        "by_line": distance(_by(before, "code"), _by(after, "code")),
        "by_purpose": distance(_by(before, "purpose"), _by(after, "purpose")),
    }
    return {**views, "change": max(views.values())}


# --- Warnings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Firing:
    rule_key: str
    subject_kind: str
    subject_id: int | None
    facts: Mapping[str, Any] = field(default_factory=dict)
    subject_label: str = ""


@dataclass(frozen=True)
class MoneySnapshot:
    """What the money warnings read about one organisation.

    ``linked_share`` is the latest cycle's share linked to goals (None without a cycle with lines);
    ``structure`` the structure change when that cycle is the first after a strategy revision;
    ``unit_streaks`` each unit with money in the latest cycle → how many cycles in a row, counting
    back from it, the unit has had money and no demonstrated contribution; ``revision_due`` the day
    the next strategy revision falls due (None: never revised).
    """

    cycle_name: str = ""
    linked_share: float | None = None
    structure: float | None = None
    unit_streaks: Mapping[int, int] = field(default_factory=dict)
    unit_names: Mapping[int, str] = field(default_factory=dict)
    strategy_id: int | None = None
    revision_due: date | None = None
    cadence_months: int | None = None


def thresholds_for(rule_key: str, thresholds_by_rule: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    given = thresholds_by_rule.get(rule_key, {})
    return {key: float(given.get(key, default)) for key, default in DEFAULT_THRESHOLDS[rule_key].items()}


def _disconnect(snapshot: MoneySnapshot, limits: Mapping[str, float], today: date) -> list[Firing]:
    if snapshot.linked_share is None:
        return []
    low_link = snapshot.linked_share < limits["min_linked_share"]
    unchanged = snapshot.structure is not None and snapshot.structure < limits["min_structure_change"]
    if not (low_link or unchanged):
        return []
    facts = {
        "cycle": snapshot.cycle_name,
        "linked_share": snapshot.linked_share,
        "min_linked_share": limits["min_linked_share"],
        "structure_change": snapshot.structure,
        "min_structure_change": limits["min_structure_change"],
    }
    return [Firing(DISCONNECT, ORGANISATION, None, facts)]


def _no_contribution(snapshot: MoneySnapshot, limits: Mapping[str, float], today: date) -> list[Firing]:
    needed = max(1, int(limits["max_cycles"]))
    return [
        Firing(
            NO_CONTRIBUTION,
            UNIT,
            unit_id,
            {"cycle": snapshot.cycle_name, "cycles_without": streak, "max_cycles": needed},
            snapshot.unit_names.get(unit_id, ""),
        )
        for unit_id, streak in sorted(snapshot.unit_streaks.items())
        if streak >= needed
    ]


def _not_revised(snapshot: MoneySnapshot, limits: Mapping[str, float], today: date) -> list[Firing]:
    if snapshot.revision_due is None or snapshot.strategy_id is None:
        return []
    late = (today - snapshot.revision_due).days
    if late <= limits["grace_days"]:
        return []
    facts = {"due": snapshot.revision_due.isoformat(), "days_late": late, "cadence_months": snapshot.cadence_months}
    return [Firing(NOT_REVISED, STRATEGY, snapshot.strategy_id, facts)]


RULES = {DISCONNECT: _disconnect, NO_CONTRIBUTION: _no_contribution, NOT_REVISED: _not_revised}


def evaluate(
    snapshot: MoneySnapshot,
    thresholds_by_rule: Mapping[str, Mapping[str, float]],
    today: date,
    *,
    rules: Collection[str] | None = None,
) -> list[Firing]:
    """Every firing of the chosen rules (all by default), in rule order."""
    return [
        firing
        for key, rule in RULES.items()
        if rules is None or key in rules
        for firing in rule(snapshot, thresholds_for(key, thresholds_by_rule), today)
    ]
