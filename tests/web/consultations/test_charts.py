"""The server-drawn charts of the results page: pure geometry, no database."""

from __future__ import annotations

import datetime
import random

from spaceforchange.consultations import charts
from spaceforchange.consultations.selectors import ParticipationDay


def test_the_map_pools_many_participants_into_a_bounded_number_of_dots() -> None:
    rng = random.Random(7)
    points = [(rng.gauss(-1 if n % 3 == 0 else 1, 0.4), rng.gauss(0, 0.4)) for n in range(100_000)]
    groups = [n % 3 for n in range(100_000)]
    drawn = charts.opinion_map(points, groups)
    assert sum(dot.count for dot in drawn.dots) == 100_000
    assert len(drawn.dots) <= charts.MAP_GRID**2 * 3
    assert all(drawn.low <= dot.x <= drawn.high and drawn.low <= dot.y <= drawn.high for dot in drawn.dots)
    assert max(dot.r for dot in drawn.dots) == charts.DOT_RADIUS_MAX
    assert [layer.colour for layer in drawn.layers] == list(charts.COLOURS[:3])
    assert sum(layer.path.count("M") for layer in drawn.layers) == len(drawn.dots)
    assert [(mark.name, mark.colour) for mark in drawn.groups] == [
        ("A", charts.COLOURS[0]), ("B", charts.COLOURS[1]), ("C", charts.COLOURS[2]),
    ]  # fmt: skip
    a = drawn.groups[0]
    assert a.x < drawn.centre and abs(a.y - drawn.centre) < 5  # group A sits left of the centre


def test_the_map_is_centred_on_the_origin_with_the_second_axis_up() -> None:
    drawn = charts.opinion_map([(0.0, 2.0), (0.0, -2.0), (-1.0, 0.0)], [0, 1, 1])
    up, down = drawn.groups
    assert up.x == drawn.centre and up.y < drawn.centre
    assert down.y > drawn.centre and down.x < drawn.centre  # the mean of (0, -2) and (-1, 0) is (-0.5, -1)
    assert {dot.r for dot in drawn.dots} == {charts.DOT_RADIUS}
    empty = charts.opinion_map([], [])
    assert empty.dots == () and empty.groups == ()
    assert charts.group_name(0) == "A" and charts.group_name(25) == "Z" and charts.group_name(26) == "27"


def test_participation_bars_and_line_share_the_days() -> None:
    days = [
        ParticipationDay(datetime.date(2030, 1, 1), 4, 40, 4, 40),
        ParticipationDay(datetime.date(2030, 1, 2), 0, 10, 4, 50),
        ParticipationDay(datetime.date(2030, 1, 3), 6, 20, 10, 70),
    ]
    chart = charts.participation_chart(days)
    assert [bar.votes for bar in chart.bars] == [40, 10, 20]
    assert [bar.height for bar in chart.bars] == [charts.PLOT_H, charts.PLOT_H / 4, charts.PLOT_H / 2]
    assert all(bar.y + bar.height == chart.bottom for bar in chart.bars)
    assert (chart.votes_max, chart.participants_max) == (40, 10)
    assert (chart.first, chart.last) == (datetime.date(2030, 1, 1), datetime.date(2030, 1, 3))
    last_y = float(chart.line.split()[-1].split(",")[1])
    assert last_y == chart.top  # the participants so far reach the top of their own scale on the last day
