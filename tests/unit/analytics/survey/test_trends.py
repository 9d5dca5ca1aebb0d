"""Change between two campaigns, and whether it is beyond the confidence interval."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spaceforchange.analytics.survey import Change, Figures, TrendParameters, change_between, compare


def figures(mean, low=None, high=None, n=10):  # type: ignore[no-untyped-def]
    return Figures(
        n=n, mean=mean, ci_low=low, ci_high=high, share_favourable=None, share_neutral=None, share_unfavourable=None
    )


def test_a_change_beyond_the_combined_interval():
    # se = 0.392 / 3.92 = 0.1 on each side; the margin is 1.96 * sqrt(0.02) = 0.2772
    before, after = figures(3.0, 2.804, 3.196), figures(3.3, 3.104, 3.496)
    change = change_between(before, after)
    assert change.previous == 3.0
    assert change.current == 3.3
    assert change.change == pytest.approx(0.3)
    assert change.beyond_interval is True


def test_a_change_within_the_combined_interval_although_the_intervals_barely_overlap():
    # Overlapping intervals (2.804–3.196 and 3.054–3.446), and a change of 0.25 < 0.2772.
    change = change_between(figures(3.0, 2.804, 3.196), figures(3.25, 3.054, 3.446))
    assert change.change == pytest.approx(0.25)
    assert change.beyond_interval is False


def test_the_combined_interval_is_not_the_overlap_rule():
    # The intervals overlap (2.804–3.196 and 3.084–3.476), yet 0.28 is beyond 0.2772.
    change = change_between(figures(3.0, 2.804, 3.196), figures(3.28, 3.084, 3.476))
    assert change.beyond_interval is True


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (None, figures(3.0, 2.0, 4.0), Change(None, 3.0, None, None)),
        (figures(3.0, 2.0, 4.0), None, Change(3.0, None, None, None)),
        (figures(None), figures(3.0, 2.0, 4.0), Change(None, 3.0, None, None)),
        (figures(2.0), figures(3.0, 2.0, 4.0), Change(2.0, 3.0, 1.0, None)),  # one answer: no interval
        (figures(2.0, 1.5, 2.5), figures(3.0, 2.0, None), Change(2.0, 3.0, 1.0, None)),
        (figures(2.0, 1.5, 2.5), figures(3.0, 3.5, 2.5), Change(2.0, 3.0, 1.0, None)),  # an inverted interval
    ],
)
def test_anything_missing_gives_none_rather_than_a_guess(before, after, expected):
    assert change_between(before, after) == expected


def test_identical_answers_without_spread_are_no_change_but_any_difference_is_beyond():
    assert change_between(figures(4.0, 4.0, 4.0), figures(4.0, 4.0, 4.0)).beyond_interval is False
    assert change_between(figures(4.0, 4.0, 4.0), figures(4.5, 4.5, 4.5)).beyond_interval is True


def test_compare_keeps_the_current_keys_first_then_those_gone():
    changes = compare(
        {"room": figures(3.0, 2.9, 3.1), "gone": figures(2.0, 1.9, 2.1)},
        {"trust": figures(4.0, 3.9, 4.1), "room": figures(3.5, 3.4, 3.6)},
    )
    assert list(changes) == ["trust", "room", "gone"]
    assert changes["trust"] == Change(None, 4.0, None, None)
    assert changes["gone"] == Change(2.0, None, None, None)
    assert changes["room"].change == pytest.approx(0.5)
    assert changes["room"].beyond_interval is True


def test_the_quantiles_are_parameters():
    before, after = figures(3.0, 2.804, 3.196), figures(3.25, 3.054, 3.446)
    assert change_between(before, after).beyond_interval is False
    # At 90 % the margin is 1.645 * 0.1414 = 0.2326, so the same 0.25 is beyond.
    assert change_between(before, after, TrendParameters(test_z=1.645)).beyond_interval is True
    # Intervals drawn at 99 % (z 2.576) mean smaller standard errors: margin 0.2109.
    assert change_between(before, after, TrendParameters(interval_z=2.576)).beyond_interval is True
    for name in ("interval_z", "test_z"):
        with pytest.raises(ValueError, match=f"{name} must be positive"):
            TrendParameters(**{name: 0})


means = st.floats(min_value=1, max_value=5, allow_nan=False)
widths = st.floats(min_value=0, max_value=2, allow_nan=False)


@given(means, widths, means, widths)
def test_swapping_the_campaigns_negates_the_change_and_keeps_the_verdict(mean_a, width_a, mean_b, width_b):
    a = figures(mean_a, mean_a - width_a / 2, mean_a + width_a / 2)
    b = figures(mean_b, mean_b - width_b / 2, mean_b + width_b / 2)
    forward, backward = change_between(a, b), change_between(b, a)
    assert forward.change == pytest.approx(-backward.change)
    assert forward.beyond_interval == backward.beyond_interval
    margin = 1.96 * math.hypot(width_a / 3.92, width_b / 3.92)
    assert forward.beyond_interval == (abs(mean_b - mean_a) > margin)


@given(means, widths, widths)
def test_no_change_is_never_beyond_and_wider_intervals_never_make_a_change_beyond(mean, width, extra):
    a = figures(mean, mean - width / 2, mean + width / 2)
    assert change_between(a, a).beyond_interval is False
    b = figures(mean + 0.3, mean + 0.3 - width / 2, mean + 0.3 + width / 2)
    wider = figures(mean + 0.3, mean + 0.3 - (width + extra) / 2, mean + 0.3 + (width + extra) / 2)
    if change_between(a, wider).beyond_interval:
        assert change_between(a, b).beyond_interval
