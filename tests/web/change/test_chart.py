"""The readiness chart's geometry: one bar per factor on the 1–5 scale, weak bars marked."""

from __future__ import annotations

import datetime

from spaceforchange.analytics.change.readiness import FactorReading
from spaceforchange.change.charts import LABEL_W, PLOT_W, STRONG_COLOUR, WEAK_COLOUR, readiness_chart
from spaceforchange.change.terms import FACTORS, ChangeTerms, Factor

TERMS = ChangeTerms(tuple(Factor(key, number, f"Factor {number}", "") for number, key in enumerate(FACTORS, 1)))
DAY = datetime.date(2026, 11, 1)


def reading(factor: str, score: float | None) -> FactorReading:
    return FactorReading(factor, score, "workshop" if score is not None else None, DAY if score is not None else None)


def test_bars_scale_to_five_and_mark_those_below_the_gate():
    readings = {factor: reading(factor, None) for factor in FACTORS}
    readings[FACTORS[0]] = reading(FACTORS[0], 5.0)
    readings[FACTORS[3]] = reading(FACTORS[3], 2.4)
    chart = readiness_chart(readings, TERMS, threshold=3.0, unscored="not scored")
    assert [bar.label for bar in chart.bars] == [f"{number}. Factor {number}" for number in range(1, 9)]
    assert chart.bars[0].width == PLOT_W and chart.bars[0].colour == STRONG_COLOUR and chart.bars[0].value == "5.0"
    assert chart.bars[3].width == round(2.4 / 5 * PLOT_W, 1) and chart.bars[3].colour == WEAK_COLOUR
    assert (chart.bars[1].width, chart.bars[1].value) == (0.0, "not scored")
    assert chart.threshold_x == LABEL_W + 3 / 5 * PLOT_W
    assert [tick.value for tick in chart.ticks] == [0, 1, 2, 3, 4, 5]
    # Every bar has its own row, below the scale's figures.
    assert len({bar.y for bar in chart.bars}) == 8 and min(bar.y for bar in chart.bars) > 12


def test_without_a_gate_no_line_and_no_bar_is_weak():
    readings = {factor: reading(factor, 1.0) for factor in FACTORS}
    chart = readiness_chart(readings, TERMS, threshold=None, unscored="–")
    assert chart.threshold_x is None
    assert {bar.colour for bar in chart.bars} == {STRONG_COLOUR}
