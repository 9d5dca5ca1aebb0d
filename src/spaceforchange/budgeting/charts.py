"""The scenario charts as inline SVG, drawn on the server like the other apps' charts (no script,
allowed by the CSP); the page puts a table with the same figures beside each chart.

Two shapes: paired bars (money per goal or per purpose, the current allocation against a scenario)
and diverging bars (the change per unit, decreases to the left of the zero line, increases to the
right). Bars are scaled to the largest value so the longest one fills the plot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 480
LABEL_W = 150
PLOT_W = 260
ROW_H = 26
BAR_H = 9
CURRENT_COLOUR = "#71767a"
SCENARIO_COLOUR = "#005ea2"
INCREASE_COLOUR = "#2e8540"
DECREASE_COLOUR = "#b50909"

Number = int | float | Decimal


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    colour: str
    value: str  # the figure printed at the end of the bar
    text_x: float


@dataclass(frozen=True)
class Row:
    label: str
    label_y: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Chart:
    rows: tuple[Row, ...]
    height: int
    zero_x: float  # where the zero line is drawn
    width: int = WIDTH
    label_width: int = LABEL_W
    bar_height: int = BAR_H


def _scale(values: Sequence[float]) -> float:
    largest = max((abs(value) for value in values), default=0.0)
    return largest if largest > 0 else 1.0


def _money(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


def paired_bars(rows: Sequence[tuple[str, Number, Number]]) -> Chart:
    """Two bars per ``(label, current, scenario)``: the current amount above, the scenario's below."""
    largest = _scale([float(value) for _label, *values in rows for value in values])
    drawn = []
    for index, (label, current, scenario) in enumerate(rows):
        top = index * ROW_H + 4
        bars = tuple(
            Bar(
                x=LABEL_W,
                y=top + offset,
                width=round(max(float(value), 0.0) / largest * PLOT_W, 1),
                colour=colour,
                value=_money(float(value)),
                text_x=LABEL_W + round(max(float(value), 0.0) / largest * PLOT_W, 1) + 3,
            )
            for offset, value, colour in ((0, current, CURRENT_COLOUR), (BAR_H + 1, scenario, SCENARIO_COLOUR))
        )
        drawn.append(Row(label=label, label_y=top + BAR_H + 3, bars=bars))
    return Chart(rows=tuple(drawn), height=max(len(rows), 1) * ROW_H + 8, zero_x=LABEL_W)


def diverging_bars(rows: Sequence[tuple[str, Number]]) -> Chart:
    """One bar per ``(label, change)`` from a zero line in the middle of the plot."""
    half = PLOT_W / 2
    zero = LABEL_W + half
    largest = _scale([float(change) for _label, change in rows])
    drawn = []
    for index, (label, change) in enumerate(rows):
        value = float(change)
        length = round(abs(value) / largest * half, 1)
        top = index * ROW_H + 8
        bar = Bar(
            x=zero if value >= 0 else round(zero - length, 1),
            y=top,
            width=length,
            colour=INCREASE_COLOUR if value >= 0 else DECREASE_COLOUR,
            value=("+" if value > 0 else "") + _money(value),
            # A cut's figure sits right of the zero line, so it never runs into the labels.
            text_x=zero + (length if value >= 0 else 0) + 3,
        )
        drawn.append(Row(label=label, label_y=top + BAR_H - 1, bars=(bar,)))
    return Chart(rows=tuple(drawn), height=max(len(rows), 1) * ROW_H + 8, zero_x=zero)
