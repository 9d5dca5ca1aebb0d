"""The charts of a consultation's results, drawn on the server as inline SVG (no script, allowed by
the CSP), like the legitimacy timeline and the assessment radar. Each page shows a table with the
same figures beside its chart.

The opinion map puts every participant in the analysis at their two coordinates. Participants who
land in the same small cell of the plot and the same group are drawn as one dot whose area grows
with their number, so the map of a consultation with a hundred thousand participants stays a few
thousand shapes, and a browser draws it at once.
"""

from __future__ import annotations

import datetime
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

MAP_SIZE, MAP_MARGIN = 360, 20
MAP_PLOT = MAP_SIZE - 2 * MAP_MARGIN
# Cells per side of the grid participants are pooled into; a 3 px dot per participant fills one.
MAP_GRID = 90
DOT_RADIUS, DOT_RADIUS_MAX = 2.5, 9.0
WIDTH, HEIGHT, LEFT, TOP, PLOT_W, PLOT_H = 480, 200, 48, 10, 384, 150
# Colour-blind-safe, each at least 3:1 against white (WCAG 1.4.11); groups also carry a letter.
COLOURS = ("#005ea2", "#b50909", "#2e8540", "#8168b3", "#c05600", "#1a4480")
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def group_name(label: int) -> str:
    """Groups are named by letter, as Polis names them: 0 is A, 1 is B …"""
    return LETTERS[label] if 0 <= label < len(LETTERS) else str(label + 1)


def group_colour(label: int) -> str:
    return COLOURS[label % len(COLOURS)]


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    r: float
    colour: str
    count: int


@dataclass(frozen=True)
class GroupMark:
    name: str
    colour: str
    x: float
    y: float


@dataclass(frozen=True)
class Layer:
    """One group's dots as a single SVG path: a page draws a few elements, not one per dot."""

    colour: str
    path: str


@dataclass(frozen=True)
class OpinionMap:
    dots: tuple[Dot, ...]
    groups: tuple[GroupMark, ...]
    layers: tuple[Layer, ...]
    size: int = MAP_SIZE
    centre: float = MAP_SIZE / 2
    low: float = MAP_MARGIN
    high: float = MAP_SIZE - MAP_MARGIN
    plot: int = MAP_PLOT


def _scale(points: Sequence[tuple[float, float]]) -> float:
    """Half the width of the square the points are drawn in: symmetric, so the origin is the centre."""
    extent = max((max(abs(x), abs(y)) for x, y in points), default=0.0)
    return extent * 1.05 if extent > 0 else 1.0


def _cell(position: float) -> int:
    return int((position - MAP_MARGIN) / MAP_PLOT * (MAP_GRID - 1))


def opinion_map(points: Sequence[tuple[float, float]], groups: Sequence[int]) -> OpinionMap:
    """Participants' ``points`` (x, y) and their group labels, in the same order, as pooled dots and
    a letter at each group's centre. The second axis points up, as on paper."""
    half = _scale(points)

    def place(x: float, y: float) -> tuple[float, float]:
        return MAP_SIZE / 2 + x / half * MAP_PLOT / 2, MAP_SIZE / 2 - y / half * MAP_PLOT / 2

    cells: Counter[tuple[int, int, int]] = Counter()
    sums: dict[int, list[float]] = {}
    for (x, y), label in zip(points, groups, strict=True):
        px, py = place(x, y)
        cells[
            (
                int((px - MAP_MARGIN) / MAP_PLOT * (MAP_GRID - 1)),
                int((py - MAP_MARGIN) / MAP_PLOT * (MAP_GRID - 1)),
                label,
            )
        ] += 1
        total = sums.setdefault(label, [0.0, 0.0, 0.0])
        total[0], total[1], total[2] = total[0] + px, total[1] + py, total[2] + 1
    step = MAP_PLOT / (MAP_GRID - 1)
    dots = tuple(
        Dot(
            x=round(MAP_MARGIN + (gx + 0.5) * step, 1),
            y=round(MAP_MARGIN + (gy + 0.5) * step, 1),
            r=round(min(DOT_RADIUS * math.sqrt(count), DOT_RADIUS_MAX), 1),
            colour=group_colour(label),
            count=count,
        )
        for (gx, gy, label), count in sorted(cells.items())
    )
    marks = tuple(
        GroupMark(group_name(label), group_colour(label), round(sx / n, 1), round(sy / n, 1))
        for label, (sx, sy, n) in sorted(sums.items())
    )
    return OpinionMap(dots=dots, groups=marks, layers=_layers(dots))


def _layers(dots: Sequence[Dot]) -> tuple[Layer, ...]:
    """Each colour's dots as one path of circles (two arcs each), in the order of the groups."""
    paths: dict[str, list[str]] = {}
    for dot in dots:
        arc = f"a{dot.r} {dot.r} 0 1 0"
        paths.setdefault(dot.colour, []).append(
            f"M{dot.x - dot.r:.1f} {dot.y:.1f}{arc} {2 * dot.r:.1f} 0{arc} {-2 * dot.r:.1f} 0"
        )
    ordered = sorted(paths.items(), key=lambda item: COLOURS.index(item[0]))
    return tuple(Layer(colour, "".join(parts)) for colour, parts in ordered)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: datetime.date
    votes: int


@dataclass(frozen=True)
class ParticipationChart:
    bars: tuple[Bar, ...]
    line: str  # polyline points of the participants so far, on the right-hand scale
    votes_max: int
    participants_max: int
    first: datetime.date | None
    last: datetime.date | None
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    right: int = LEFT + PLOT_W
    bottom: int = TOP + PLOT_H


class DayFigures(Protocol):
    day: datetime.date
    votes: int
    participants_total: int


def participation_chart(days: Sequence[DayFigures]) -> ParticipationChart:
    """Bars of the votes cast each day, and a line of the participants so far on their own scale."""
    votes_max = max((day.votes for day in days), default=0)
    people_max = max((day.participants_total for day in days), default=0)
    slot = PLOT_W / max(len(days), 1)
    bars, line = [], []
    for index, day in enumerate(days):
        height = round(day.votes / votes_max * PLOT_H, 1) if votes_max else 0.0
        x = round(LEFT + index * slot, 1)
        bars.append(Bar(x + 1, round(TOP + PLOT_H - height, 1), round(max(slot - 2, 1), 1), height, day.day, day.votes))
        share = day.participants_total / people_max if people_max else 0.0
        line.append(f"{round(x + slot / 2, 1)},{round(TOP + PLOT_H - share * PLOT_H, 1)}")
    return ParticipationChart(
        bars=tuple(bars),
        line=" ".join(line),
        votes_max=votes_max,
        participants_max=people_max,
        first=bars[0].day if bars else None,
        last=bars[-1].day if bars else None,
    )
