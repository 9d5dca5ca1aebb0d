"""The readiness chart of a programme as inline SVG, drawn on the server like the other apps'
charts (no script, allowed by the CSP); the page puts a table with the same figures beside it.

One bar per factor on the 1–5 scale, in the source's order; a factor without a score has no bar
and says so. A dashed line marks the lowest score the organisation's gates ask for, when one does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from spaceforchange.analytics.change.readiness import SCORE_MAX, FactorReading
from spaceforchange.change.terms import ChangeTerms

WIDTH = 520
LABEL_W = 230
PLOT_W = 250
ROW_H = 24
BAR_H = 12
TOP = 18  # room for the scale's figures above the first bar
STRONG_COLOUR = "#005ea2"
WEAK_COLOUR = "#b50909"


@dataclass(frozen=True)
class FactorBar:
    label: str
    y: float
    label_y: float
    width: float
    colour: str
    value: str
    text_x: float


@dataclass(frozen=True)
class Tick:
    value: int
    x: float


@dataclass(frozen=True)
class ReadinessChart:
    bars: tuple[FactorBar, ...]
    ticks: tuple[Tick, ...]
    height: int
    threshold_x: float | None
    width: int = WIDTH
    left: int = LABEL_W
    bar_height: int = BAR_H


def _x(score: float) -> float:
    return round(LABEL_W + score / SCORE_MAX * PLOT_W, 1)


def readiness_chart(
    readings: Mapping[str, FactorReading], terms: ChangeTerms, *, threshold: float | None, unscored: str
) -> ReadinessChart:
    """The bars of ``readings``; bars below ``threshold`` are drawn in the warning colour."""
    bars = []
    factors: Sequence[str] = [factor.key for factor in terms.factors]
    for index, key in enumerate(factors):
        reading = readings.get(key)
        score = reading.score if reading is not None else None
        top = TOP + index * ROW_H
        width = round(_x(score) - LABEL_W, 1) if score is not None else 0.0
        weak = score is not None and threshold is not None and score < threshold
        bars.append(
            FactorBar(
                label=terms.label(key),
                y=top,
                label_y=top + BAR_H - 2,
                width=width,
                colour=WEAK_COLOUR if weak else STRONG_COLOUR,
                value=f"{score:.1f}" if score is not None else unscored,
                text_x=LABEL_W + width + 4,
            )
        )
    ticks = tuple(Tick(value, _x(value)) for value in range(0, int(SCORE_MAX) + 1))
    return ReadinessChart(
        bars=tuple(bars),
        ticks=ticks,
        height=TOP + max(len(bars), 1) * ROW_H + 4,
        threshold_x=_x(threshold) if threshold is not None else None,
    )
