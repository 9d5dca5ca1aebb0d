"""Readiness on Fernandez and Rainey's eight factors (FRAMEWORKS.md §6): the current score of each.

A programme's readiness is a history of entries, each a score (1–5) for one factor on a day,
from a workshop or from a readiness survey. The **current** reading of a factor is its latest
entry, whatever its source: a workshop held after a survey replaces the survey's score, and a
later survey replaces the workshop's. "Latest" is the later assessment day; entries of the same
day are read in the order recorded (``sequence``), the last one winning. A factor without entries
has no score (``None``), which is not the same as a low score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

# Factor 1..8 in the source's order; the keys of the ``change_management`` pack's factors.
FACTORS: tuple[str, ...] = (
    "ensure_need",
    "provide_plan",
    "build_internal_support",
    "ensure_top_management_support",
    "build_external_support",
    "provide_resources",
    "institutionalize_change",
    "pursue_comprehensive_change",
)
SCORE_MIN, SCORE_MAX = 1.0, 5.0


def factor_number(factor: str) -> int | None:
    """The factor's number (1–8) in the source's order; ``None`` for a key that is not a factor."""
    return FACTORS.index(factor) + 1 if factor in FACTORS else None


@dataclass(frozen=True)
class ReadinessPoint:
    """One recorded score: ``sequence`` orders entries of the same day (the recording order)."""

    factor: str
    score: float
    source: str
    assessed_on: date
    sequence: int = 0


@dataclass(frozen=True)
class FactorReading:
    """A factor's current score (``None`` when never assessed) and how much of its evidence is in place."""

    factor: str
    score: float | None
    source: str | None
    assessed_on: date | None
    evidence_done: int = 0
    evidence_total: int = 0

    @property
    def number(self) -> int | None:
        return factor_number(self.factor)


def current_readiness(
    entries: Iterable[ReadinessPoint],
    *,
    evidence: Mapping[str, tuple[int, int]] | None = None,
) -> dict[str, FactorReading]:
    """Every factor's current reading, in factor order; ``evidence`` maps a factor to (done, total).

    Entries for keys that are not factors are ignored.
    """
    latest: dict[str, ReadinessPoint] = {}
    for entry in sorted(entries, key=lambda entry: (entry.assessed_on, entry.sequence)):
        if entry.factor in FACTORS:
            latest[entry.factor] = entry
    counts = evidence or {}
    readings: dict[str, FactorReading] = {}
    for factor in FACTORS:
        done, total = counts.get(factor, (0, 0))
        point = latest.get(factor)
        if point is None:
            readings[factor] = FactorReading(factor, None, None, None, done, total)
        else:
            readings[factor] = FactorReading(factor, point.score, point.source, point.assessed_on, done, total)
    return readings


def scores(readings: Mapping[str, FactorReading]) -> dict[str, float | None]:
    """Factor → current score, for every factor (``None`` where none is recorded)."""
    return {factor: (readings[factor].score if factor in readings else None) for factor in FACTORS}


def overall(readings: Mapping[str, FactorReading]) -> float | None:
    """The mean of the scored factors, or ``None`` when none is scored; a summary, never a gate."""
    scored = [reading.score for reading in readings.values() if reading.score is not None]
    return sum(scored) / len(scored) if scored else None
