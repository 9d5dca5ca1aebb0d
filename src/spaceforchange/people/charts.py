"""The people pages' charts as inline SVG, drawn on the server like the other apps' charts (no
script, allowed by the CSP); every page puts a table with the same figures beside each chart.

Two shapes: grouped bars of shares (the archetype mix of a group, or a team's mix beside the
organisation's), on a fixed 0–100 % scale so that two charts read alike; and lines of a
dimension's mean on the answer scale over successive campaigns (the culture pulse), with a gap
where a campaign's figure is hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 480
LABEL_W = 120
PLOT_W = 300
ROW_H = 12
GROUP_GAP = 10
# Colour-blind-safe, each at least 3:1 against white (WCAG 1.4.11), as in the other charts.
COLOURS = ("#005ea2", "#71767a", "#2e8540", "#8168b3", "#c05600", "#b50909")
TREND_W, TREND_H, TREND_LEFT, TREND_TOP, TREND_PLOT_W, TREND_PLOT_H = 480, 220, 40, 10, 420, 170


@dataclass(frozen=True)
class Bar:
    y: float
    width: float
    colour: str
    value: str  # the figure printed at the end of the bar
    text_x: float


@dataclass(frozen=True)
class BarGroup:
    label: str
    label_y: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class BarChart:
    groups: tuple[BarGroup, ...]
    height: int
    ticks: tuple[tuple[float, str], ...]  # (x, "50 %") of the grid lines
    width: int = WIDTH
    label_width: int = LABEL_W
    bar_height: int = ROW_H - 2


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f} %"


def share_bars(groups: Sequence[tuple[str, Sequence[float | None]]]) -> BarChart:
    """One group of bars per ``(label, shares)``, a share (0–1) per series in the series' colour.
    A share of ``None`` (a hidden group) draws no bar and prints a dash."""
    drawn = []
    top = 4.0
    for label, shares in groups:
        bars = []
        for index, share in enumerate(shares):
            width = round(max(share or 0.0, 0.0) * PLOT_W, 1)
            bars.append(
                Bar(
                    y=top + index * ROW_H,
                    width=width,
                    colour=COLOURS[index % len(COLOURS)],
                    value=_percent(share),
                    text_x=LABEL_W + width + 3,
                )
            )
        drawn.append(BarGroup(label=label, label_y=top + len(shares) * ROW_H / 2 + 3, bars=tuple(bars)))
        top += len(shares) * ROW_H + GROUP_GAP
    ticks = tuple((LABEL_W + PLOT_W * step / 4, f"{25 * step} %") for step in range(5))
    return BarChart(groups=tuple(drawn), height=int(top) + 14, ticks=ticks)


@dataclass(frozen=True)
class Line:
    label: str
    colour: str
    segments: tuple[str, ...]  # polyline points; a hidden point breaks the line
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class TrendChart:
    lines: tuple[Line, ...]
    x_labels: tuple[tuple[float, str], ...]
    y_ticks: tuple[tuple[float, str], ...]
    width: int = TREND_W
    height: int = TREND_H
    left: int = TREND_LEFT
    right: int = TREND_LEFT + TREND_PLOT_W
    top: int = TREND_TOP
    bottom: int = TREND_TOP + TREND_PLOT_H


def trend_lines(
    x_labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], *, low: float, high: float
) -> TrendChart:
    """A line per ``(label, values)``, one value per x label on the ``low``–``high`` scale."""
    count = len(x_labels)
    slot = TREND_PLOT_W / max(count, 1)
    span = (high - low) or 1.0

    def x_of(index: int) -> float:
        return round(TREND_LEFT + slot * index + slot / 2, 1)

    def y_of(value: float) -> float:
        clamped = min(max(value, low), high)
        return round(TREND_TOP + TREND_PLOT_H - (clamped - low) / span * TREND_PLOT_H, 1)

    lines = []
    for index, (label, values) in enumerate(series):
        segments: list[str] = []
        current: list[str] = []
        points = []
        for position, value in enumerate(values):
            if value is None:
                if current:
                    segments.append(" ".join(current))
                current = []
                continue
            point = (x_of(position), y_of(value))
            points.append(point)
            current.append(f"{point[0]},{point[1]}")
        if current:
            segments.append(" ".join(current))
        lines.append(Line(label, COLOURS[index % len(COLOURS)], tuple(segments), tuple(points)))
    steps = int(high - low)
    y_ticks = tuple((y_of(low + step), f"{low + step:g}") for step in range(steps + 1))
    return TrendChart(
        lines=tuple(lines),
        x_labels=tuple((x_of(index), label) for index, label in enumerate(x_labels)),
        y_ticks=y_ticks,
    )
