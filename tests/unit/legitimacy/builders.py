"""Small builders for legitimacy records, dated relative to a fixed ``TODAY``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from spaceforchange.legitimacy.domain import (
    GrayZoneEntry,
    Judgment,
    LegitimationAction,
    Stakeholder,
    SubjectRef,
)

TODAY = date(2026, 6, 30)
INITIATIVE = SubjectRef("initiative", 1)
OTHER = SubjectRef("initiative", 2)
POLICY = SubjectRef("policy", 7)

L, C, U, CI, IL = (
    "legitimate",
    "conditional_legitimacy",
    "unknown_legitimacy",
    "conditional_illegitimacy",
    "illegitimate",
)
REG, NOR, COG, PRA = "regulatory", "normative", "cognitive", "pragmatic"


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def at(days_ago: int, hour: int = 12) -> datetime:
    day = ago(days_ago)
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def judge(
    judgment_id: int,
    stakeholder_id: int,
    state: str,
    days_ago: int,
    *,
    type: str = REG,
    subject: SubjectRef = INITIATIVE,
    hour: int = 12,
    **fields: Any,
) -> Judgment:
    return Judgment(judgment_id, stakeholder_id, subject, type, state, at(days_ago, hour), **fields)


def walk(stakeholder_id: int, *steps: tuple[str, int], first_id: int = 1, **fields: Any) -> list[Judgment]:
    """One cell's history: each (state, days ago) in order, with consecutive ids."""
    return [judge(first_id + n, stakeholder_id, state, days, **fields) for n, (state, days) in enumerate(steps)]


def person(stakeholder_id: int, name: str = "", influence: int = 3, **fields: Any) -> Stakeholder:
    return Stakeholder(stakeholder_id, name or f"Stakeholder {stakeholder_id}", influence, **fields)


def action(
    action_id: int,
    stakeholder_ids: set[int],
    recorded_days_ago: int,
    done_days_ago: int | None = None,
    subject: SubjectRef = INITIATIVE,
) -> LegitimationAction:
    done_on = None if done_days_ago is None else ago(done_days_ago)
    return LegitimationAction(action_id, subject, frozenset(stakeholder_ids), ago(recorded_days_ago), done_on)


def entry(entry_id: int, status: str = "approved", days_ago: int = 10, **fields: Any) -> GrayZoneEntry:
    values: dict[str, Any] = {
        "subject": INITIATIVE,
        "tactic": "distancing",
        "proposer_id": 100,
        "accountable_id": 101,
        "approver_id": 102 if status == "approved" else None,
        "risks": "A supervisory authority may read the trial as inside the rule.",
    }
    values.update(fields)
    return GrayZoneEntry(entry_id, status=status, registered_on=ago(days_ago), **values)
