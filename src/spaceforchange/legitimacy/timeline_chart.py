"""The legitimacy timeline as an inline SVG line chart: one line per type, the mean score of the
type's current judgments after each judgment (+2 legitimate … −2 illegitimate).

Drawn on the server like the portfolio page's charts (no script, allowed by the CSP); the page's
table holds the same figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spaceforchange.legitimacy import domain
from spaceforchange.legitimacy.terms import Terms

WIDTH, HEIGHT, LEFT, TOP, PLOT_W, PLOT_H = 400, 180, 40, 10, 340, 140
COLOURS = ("#005ea2", "#b50909", "#2e8540", "#8168b3", "#e66f0e", "#1a4480")


@dataclass(frozen=True)
class Line:
    type_name: str
    colour: str
    points: str  # "x,y x,y …" for the polyline


@dataclass(frozen=True)
class Chart:
    lines: tuple[Line, ...]
    gridlines: tuple[tuple[int, float], ...]  # (score, y)
    width: int = WIDTH
    height: int = HEIGHT


def _y(score: float) -> float:
    return round(TOP + (2 - score) / 4 * PLOT_H, 1)


def timeline_chart(events: Sequence[domain.TimelineEvent], terms: Terms) -> Chart:
    """One line per type over the sequence of judgments (x is the judgment's place, not its time)."""
    count = max(len(events) - 1, 1)
    lines = []
    kinds = list(dict.fromkeys([*(term.key for term in terms.types), *(event.type for event in events)]))
    for number, kind in enumerate(kinds):
        points = [
            f"{round(LEFT + index / count * PLOT_W, 1)},{_y(event.mean_score)}"
            for index, event in enumerate(events)
            if event.type == kind
        ]
        if points:
            lines.append(Line(terms.name(kind), COLOURS[number % len(COLOURS)], " ".join(points)))
    return Chart(tuple(lines), tuple((score, _y(score)) for score in (2, 1, 0, -1, -2)))
