"""Geometry of a radar chart, drawn on the server as SVG.

Axis ``i`` of ``n`` points up for the first value and turns clockwise, so the chart reads like a
clock face. A value is placed by where it falls between the scale's ends: the minimum sits at the
centre and the maximum on the outer ring. Values outside the scale are held to its ends, and a
missing value sits at the centre, so the polygon keeps one corner per axis.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

Point = tuple[float, float]
SIZE = 320
RADIUS = 110
LABEL_GAP = 14


def chart(
    axes: Sequence[tuple[str, float | None]],
    scale: tuple[int, int],
    previous: Sequence[float | None] | None = None,
) -> dict[str, Any]:
    """What the template draws: rings, axes, labels and the outline of ``(name, mean)`` per axis, and
    the outline of an earlier campaign's means (same axes, same order) when ``previous`` is given."""
    scale_min, scale_max = scale
    centre = (SIZE / 2, SIZE / 2)

    def outline(values: Sequence[float | None]) -> str:
        corners = radar_points(values, scale_min=scale_min, scale_max=scale_max, centre=centre, radius=RADIUS)
        return svg_points(corners)

    ends = axis_ends(len(axes), centre=centre, radius=RADIUS)
    labels = axis_ends(len(axes), centre=centre, radius=RADIUS + LABEL_GAP)
    return {
        "size": SIZE,
        "centre": centre,
        "points": outline([mean for _name, mean in axes]),
        "previous_points": None if previous is None else outline(previous),
        # One ring per scale point above the minimum, which is the centre.
        "rings": [outline([level] * len(axes)) for level in range(scale_min + 1, scale_max + 1)],
        "axes": [(end, name) for end, (name, _mean) in zip(ends, axes, strict=True)],
        "labels": [
            (x, y, "middle" if abs(x - centre[0]) < 1 else "start" if x > centre[0] else "end", name)
            for (x, y), (name, _mean) in zip(labels, axes, strict=True)
        ],
    }


def radar_points(
    values: Sequence[float | None],
    *,
    scale_min: float,
    scale_max: float,
    centre: Point,
    radius: float,
) -> list[Point]:
    """One corner per value, on that value's axis, at its distance along the scale."""
    if scale_max <= scale_min:
        raise ValueError("the scale's maximum must be above its minimum")
    count = len(values)
    corners = []
    for index, value in enumerate(values):
        share = 0.0 if value is None else min(max((value - scale_min) / (scale_max - scale_min), 0.0), 1.0)
        corners.append(_on_axis(index, count, share * radius, centre))
    return corners


def axis_ends(count: int, *, centre: Point, radius: float) -> list[Point]:
    """Where each of ``count`` axes meets the outer ring."""
    return [_on_axis(index, count, radius, centre) for index in range(count)]


def svg_points(points: Sequence[Point]) -> str:
    """The ``points`` attribute of an SVG polygon or polyline."""
    return " ".join(f"{x:.2f},{y:.2f}" for x, y in points)


def _on_axis(index: int, count: int, distance: float, centre: Point) -> Point:
    angle = 2 * math.pi * index / count - math.pi / 2
    return (centre[0] + distance * math.cos(angle), centre[1] + distance * math.sin(angle))
