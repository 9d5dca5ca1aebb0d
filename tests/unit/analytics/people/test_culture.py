"""The culture pulse trend: ordering, changes between consecutive campaigns, suppressed points."""

from __future__ import annotations

from datetime import date

import pytest

from spaceforchange.analytics.people.culture import DimensionFigure, PulsePoint, culture_trend

DIMENSIONS = ("experimentation", "trust")


def point(campaign_id, day, figures, *, suppressed=False, respondents=20):
    return PulsePoint(campaign_id, day, respondents, figures, suppressed=suppressed)


def test_points_are_ordered_and_carry_the_change_from_the_previous_one():
    later = point(
        2, date(2026, 6, 1), {"experimentation": DimensionFigure(3.6, 3.5, 3.7), "trust": DimensionFigure(4.0)}
    )
    earlier = point(1, date(2025, 6, 1), {"experimentation": DimensionFigure(3.0, 2.9, 3.1)})
    trend = culture_trend([later, earlier], DIMENSIONS)
    assert [entry.campaign_id for entry in trend] == [1, 2]
    assert trend[0].means == {"experimentation": 3.0, "trust": None}
    assert trend[0].changes == {"experimentation": None, "trust": None}
    change = trend[1].changes["experimentation"]
    assert change is not None
    assert change.change == pytest.approx(0.6)
    assert change.beyond_interval is True
    trust = trend[1].changes["trust"]
    assert trust is not None and (trust.previous, trust.current, trust.change) == (None, 4.0, None)


def test_a_suppressed_point_shows_no_means_and_no_change_to_or_from_it():
    first = point(1, date(2025, 1, 1), {"trust": DimensionFigure(3.0)})
    hidden = point(2, date(2025, 6, 1), {"trust": DimensionFigure(4.5)}, suppressed=True, respondents=0)
    last = point(3, date(2026, 1, 1), {"trust": DimensionFigure(3.5)})
    trend = culture_trend([first, hidden, last], ("trust",))
    assert trend[1].suppressed and trend[1].means == {"trust": None}
    assert trend[1].changes["trust"] is not None and trend[1].changes["trust"].change is None
    assert trend[2].changes["trust"] is not None and trend[2].changes["trust"].change is None


def test_no_points_no_trend():
    assert culture_trend([], DIMENSIONS) == []
