"""The geometry of the scenario charts (pure: no database)."""

from __future__ import annotations

from decimal import Decimal

from spaceforchange.budgeting import charts


def test_paired_bars_scale_to_the_largest_value() -> None:
    chart = charts.paired_bars([("Climate", 100, 200), ("Digital", Decimal(50), 0.0)])
    first, second = chart.rows
    assert [bar.width for bar in first.bars] == [charts.PLOT_W / 2, charts.PLOT_W]
    assert [bar.width for bar in second.bars] == [charts.PLOT_W / 4, 0]
    assert [bar.colour for bar in first.bars] == [charts.CURRENT_COLOUR, charts.SCENARIO_COLOUR]
    assert [bar.value for bar in first.bars] == ["100", "200"]
    assert first.bars[0].x == charts.LABEL_W and first.bars[1].y > first.bars[0].y
    assert chart.height == 2 * charts.ROW_H + 8


def test_diverging_bars_go_left_for_cuts_and_right_for_increases() -> None:
    chart = charts.diverging_bars([("Roads", -150), ("Schools", 50), ("Health", 0)])
    roads, schools, health = (row.bars[0] for row in chart.rows)
    half = charts.PLOT_W / 2
    assert chart.zero_x == charts.LABEL_W + half
    assert (roads.x, roads.width, roads.colour, roads.value) == (
        chart.zero_x - half,
        half,
        charts.DECREASE_COLOUR,
        "-150",
    )
    assert (schools.x, round(schools.width, 1), schools.colour, schools.value) == (
        chart.zero_x,
        round(half / 3, 1),
        charts.INCREASE_COLOUR,
        "+50",
    )
    assert roads.text_x > chart.zero_x  # a cut's figure never runs into the labels
    assert health.width == 0


def test_empty_charts_keep_a_height() -> None:
    assert charts.paired_bars([]).height == charts.ROW_H + 8
    assert charts.diverging_bars([("Only", 0)]).rows[0].bars[0].value == "0"
