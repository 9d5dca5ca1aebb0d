"""Small builders for portfolio records, dated relative to a fixed ``TODAY``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from spaceforchange.analytics.portfolio import (
    BackingEntry,
    ConstraintRecord,
    Initiative,
    Scan,
    Setback,
    Stage,
    StageEntry,
)

TODAY = date(2025, 6, 30)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def walked(initiative_id: int, *steps: tuple[Stage, int], **fields: Any) -> Initiative:
    """An initiative that entered each stage ``days`` ago, in the order given; the last is current."""
    history = tuple(StageEntry(stage, ago(days)) for stage, days in steps)
    return Initiative(id=initiative_id, stage=history[-1].stage, history=history, **fields)


def backer(backer_id: int, level: str, commitment: str | None, days_ago: int = 10) -> BackingEntry:
    return BackingEntry(backer_id, level, commitment, ago(days_ago))


def constraint(
    constraint_id: int, family: str = "cognitive", status: str = "active", days_ago: int = 10
) -> ConstraintRecord:
    return ConstraintRecord(constraint_id, family, status, ago(days_ago))


def scan(days_ago: int, **scores: float) -> Scan:
    return Scan(ago(days_ago), scores)


def setback(days_ago: int, support_held: bool | None = None) -> Setback:
    return Setback(ago(days_ago), support_held)
