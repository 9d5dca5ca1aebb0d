"""The five legitimacy warning rules of the warnings pack (FRAMEWORKS.md, "Warnings the product raises").

See the package docstring for the decisions these rules take."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from spaceforchange.alerts.domain import Firing
from spaceforchange.legitimacy.domain.vocabulary import (
    DEFAULT_VOCABULARY,
    CellKey,
    GrayZoneEntry,
    Judgment,
    LegitimationAction,
    Stakeholder,
    SubjectRef,
    Vocabulary,
    cell_histories,
    trailing_run,
)

# --- Warning rules -------------------------------------------------------------------------------
#
# The five legitimacy rules of the warnings pack, keyed as its ``warning_rule`` items, with their
# thresholds by key. A judgment rule fires on the first judgment of the cell's trailing run of
# equal states (``trailing_run``), so re-recording the same state neither restarts its clock nor
# changes the alert's identity; ``condition_at_risk_or_overdue`` fires on the current judgment,
# whose conditions it reads. Only current judgments fire: a later judgment supersedes.
#
# - challenged_without_action: the run's state is on the rejecting side, or weaker than the state
#   before the run; fires when more than ``days`` whole days have passed since, and no action on
#   the subject aimed at that stakeholder was recorded or done from that day to today (a late
#   action still answers the challenge, so the warning then resolves).
# - condition_at_risk_or_overdue: a current condition marked at risk, past its review date, or
#   due within ``days_before_review`` days (today counts).
# - unknown_legitimacy_unresolved: the current state is unknown and has stood for more than
#   ``days`` whole days.
# - resource_holder_judges_illegitimate: a stakeholder controlling resources judges at position
#   ``min_state`` (1–5) or weaker.
# - gray_zone_tactic_unaccounted: a live entry with no risk note or no accountable person fires at
#   once; one not approved by a second person fires after ``approval_grace_days`` whole days.

JUDGMENT, GRAY_ZONE_ENTRY = "judgment", "gray_zone_entry"
FactValue = str | int | float | bool | None | list[int] | list[str]
Thresholds = Mapping[str, float]
Cells = Mapping[CellKey, Sequence[Judgment]]
# Threshold values are floats from the pack; 30.0 days must stay 30 whole days.
EPSILON = 1e-9


@dataclass(frozen=True)
class LegitimacySnapshot:
    """Everything the legitimacy warning rules read, for one organisation.

    ``judgments`` needs, per cell, its history (a selector may leave out cells whose current
    state is the best one: no rule fires on them)."""

    judgments: tuple[Judgment, ...] = ()
    stakeholders: tuple[Stakeholder, ...] = ()
    actions: tuple[LegitimationAction, ...] = ()
    tactics: tuple[GrayZoneEntry, ...] = ()


def _whole(thresholds: Thresholds, key: str) -> int:
    return int(thresholds[key] + EPSILON)


def _about(judgment: Judgment) -> dict[str, FactValue]:
    return {
        "stakeholder_id": judgment.stakeholder_id,
        f"{judgment.subject.kind}_id": judgment.subject.id,
        "type": judgment.type,
        "state": judgment.state,
    }


def _answered_on(actions: Iterable[LegitimationAction]) -> dict[tuple[int, SubjectRef], list[date]]:
    dates: dict[tuple[int, SubjectRef], list[date]] = defaultdict(list)
    for action in actions:
        when = [action.recorded_on, *([action.done_on] if action.done_on else [])]
        for stakeholder_id in action.stakeholder_ids:
            dates[(stakeholder_id, action.subject)] += when
    return dates


def challenged_without_action(
    cells: Cells, snapshot: LegitimacySnapshot, thresholds: Thresholds, today: date, vocabulary: Vocabulary
) -> list[Firing]:
    days = _whole(thresholds, "days")
    answered = _answered_on(snapshot.actions)
    firings = []
    for history in cells.values():
        start, before = trailing_run(history)
        dropped = before is not None and vocabulary.position(start.state) > vocabulary.position(before)
        judged_on = start.recorded_at.date()
        if not (dropped or vocabulary.rejecting(start.state)) or (today - judged_on).days <= days:
            continue
        if any(judged_on <= on <= today for on in answered.get((start.stakeholder_id, start.subject), ())):
            continue
        facts = {
            **_about(start),
            "previous_state": before,
            "judged_on": judged_on.isoformat(),
            "due_on": (judged_on + timedelta(days=days)).isoformat(),
            "days_waiting": (today - judged_on).days,
        }
        firings.append(Firing("challenged_without_action", JUDGMENT, start.id, facts))
    return firings


def condition_at_risk_or_overdue(
    cells: Cells, snapshot: LegitimacySnapshot, thresholds: Thresholds, today: date, vocabulary: Vocabulary
) -> list[Firing]:
    horizon = today + timedelta(days=_whole(thresholds, "days_before_review"))
    firings = []
    for history in cells.values():
        current = history[-1]
        reviews = {c.id: c.review_on for c in current.conditions if c.review_on is not None}
        at_risk = sorted(c.id for c in current.conditions if c.at_risk)
        overdue = sorted(key for key, on in reviews.items() if on < today)
        due = sorted(key for key, on in reviews.items() if today <= on <= horizon)
        if not (at_risk or overdue or due):
            continue
        flagged = [on for key, on in reviews.items() if key in {*at_risk, *overdue, *due}]
        facts = {
            **_about(current),
            "at_risk_condition_ids": at_risk,
            "overdue_condition_ids": overdue,
            "due_condition_ids": due,
            "next_review_on": min(flagged).isoformat() if flagged else None,
        }
        firings.append(Firing("condition_at_risk_or_overdue", JUDGMENT, current.id, facts))
    return firings


def unknown_legitimacy_unresolved(
    cells: Cells, snapshot: LegitimacySnapshot, thresholds: Thresholds, today: date, vocabulary: Vocabulary
) -> list[Firing]:
    days = _whole(thresholds, "days")
    firings = []
    for history in cells.values():
        if history[-1].state != vocabulary.unknown_state:
            continue
        start, _before = trailing_run(history)
        since = start.recorded_at.date()
        if (today - since).days <= days:
            continue
        facts = {
            **_about(start),
            "since": since.isoformat(),
            "days_unresolved": (today - since).days,
            "cause": history[-1].unknown_cause,
        }
        firings.append(Firing("unknown_legitimacy_unresolved", JUDGMENT, start.id, facts))
    return firings


def resource_holder_judges_illegitimate(
    cells: Cells, snapshot: LegitimacySnapshot, thresholds: Thresholds, today: date, vocabulary: Vocabulary
) -> list[Firing]:
    min_state = _whole(thresholds, "min_state")
    holders = {stakeholder.id for stakeholder in snapshot.stakeholders if stakeholder.controls_resources}
    firings = []
    for history in cells.values():
        start, _before = trailing_run(history)
        position = vocabulary.position(start.state)
        if start.stakeholder_id in holders and position >= min_state:
            facts = {**_about(start), "position": position, "judged_on": start.recorded_at.date().isoformat()}
            firings.append(Firing("resource_holder_judges_illegitimate", JUDGMENT, start.id, facts))
    return firings


def gray_zone_tactic_unaccounted(
    cells: Cells, snapshot: LegitimacySnapshot, thresholds: Thresholds, today: date, vocabulary: Vocabulary
) -> list[Firing]:
    grace = _whole(thresholds, "approval_grace_days")
    firings = []
    for entry in snapshot.tactics:
        if not entry.live:
            continue
        approval_due = entry.registered_on + timedelta(days=grace)
        missing = [
            key
            for key, lacking in (
                ("risks", not entry.risks.strip()),
                ("accountable_person", entry.accountable_id is None),
                ("approval", not entry.approved and today > approval_due),
            )
            if lacking
        ]
        if missing:
            facts: dict[str, FactValue] = {
                f"{entry.subject.kind}_id": entry.subject.id,
                "tactic": entry.tactic,
                "status": entry.status,
                "missing": missing,
                "registered_on": entry.registered_on.isoformat(),
                "approval_due_on": approval_due.isoformat(),
            }
            firings.append(Firing("gray_zone_tactic_unaccounted", GRAY_ZONE_ENTRY, entry.id, facts))
    return firings


Rule = Callable[[Cells, LegitimacySnapshot, Thresholds, date, Vocabulary], list[Firing]]
RULES: dict[str, Rule] = {
    "challenged_without_action": challenged_without_action,
    "condition_at_risk_or_overdue": condition_at_risk_or_overdue,
    "unknown_legitimacy_unresolved": unknown_legitimacy_unresolved,
    "resource_holder_judges_illegitimate": resource_holder_judges_illegitimate,
    "gray_zone_tactic_unaccounted": gray_zone_tactic_unaccounted,
}
RULE_KEYS: tuple[str, ...] = tuple(RULES)
# The shipped warnings pack's values; a threshold the caller leaves out falls back to these.
DEFAULT_THRESHOLDS: dict[str, dict[str, float]] = {
    "challenged_without_action": {"days": 30},
    "condition_at_risk_or_overdue": {"days_before_review": 14},
    "unknown_legitimacy_unresolved": {"days": 60},
    "resource_holder_judges_illegitimate": {"min_state": 5},
    "gray_zone_tactic_unaccounted": {"approval_grace_days": 7},
}


def thresholds_for(rule_key: str, thresholds_by_rule: Mapping[str, Thresholds]) -> dict[str, float]:
    """A rule's thresholds: the defaults, overridden by the caller's (other keys are ignored)."""
    given = thresholds_by_rule.get(rule_key, {})
    return {key: float(given.get(key, default)) for key, default in DEFAULT_THRESHOLDS[rule_key].items()}


def evaluate(
    snapshot: LegitimacySnapshot,
    thresholds_by_rule: Mapping[str, Thresholds],
    today: date,
    *,
    rules: Collection[str] | None = None,
    vocabulary: Vocabulary = DEFAULT_VOCABULARY,
) -> list[Firing]:
    """Every firing of the chosen rules (all of ``RULE_KEYS`` by default), in rule, subject order."""
    chosen = [key for key in RULE_KEYS if rules is None or key in rules]
    cells = cell_histories(snapshot.judgments)
    firings = [
        firing
        for key in chosen
        for firing in RULES[key](cells, snapshot, thresholds_for(key, thresholds_by_rule), today, vocabulary)
    ]
    order = {key: position for position, key in enumerate(RULE_KEYS)}
    return sorted(firings, key=lambda f: (order[f.rule_key], f.subject_id or 0))
