"""The people charts' geometry: share bars on a fixed 0–100 % scale, trend lines with gaps."""

from __future__ import annotations

from spaceforchange.people import charts


def test_share_bars_scale_to_a_fixed_hundred_percent() -> None:
    chart = charts.share_bars([("Magistrate", [0.5, 0.25]), ("Bohemian", [None, 1.0])])
    first, second = chart.groups
    assert [bar.width for bar in first.bars] == [charts.PLOT_W / 2, charts.PLOT_W / 4]
    assert [bar.value for bar in first.bars] == ["50 %", "25 %"]
    assert (second.bars[0].width, second.bars[0].value) == (0.0, "—")
    assert second.bars[1].width == charts.PLOT_W
    assert [bar.colour for bar in first.bars] == list(charts.COLOURS[:2])
    assert second.bars[0].y > first.bars[1].y
    assert [label for _x, label in chart.ticks] == ["0 %", "25 %", "50 %", "75 %", "100 %"]


def test_share_bars_without_groups_still_draw() -> None:
    chart = charts.share_bars([])
    assert chart.groups == () and chart.height > 0


def test_trend_lines_break_at_hidden_points_and_map_the_scale() -> None:
    seasons = ["Spring", "Summer", "Autumn", "Winter"]
    chart = charts.trend_lines(seasons, [("Trust", [1.0, 5.0, None, 3.0])], low=1, high=5)
    (line,) = chart.lines
    assert len(line.segments) == 2 and len(line.points) == 3
    (x1, y1), (x2, y2), (_x3, y3) = line.points
    assert y1 == chart.bottom and y2 == chart.top and y3 == (chart.top + chart.bottom) / 2
    assert x1 < x2
    assert [label for _y, label in chart.y_ticks] == ["1", "2", "3", "4", "5"]
    assert [label for _x, label in chart.x_labels] == ["Spring", "Summer", "Autumn", "Winter"]
