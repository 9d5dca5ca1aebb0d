"""Radar geometry: where each dimension's mean lands on its axis."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spaceforchange.assessments.radar import axis_ends, radar_points, svg_points

CENTRE = (100.0, 100.0)
SCALE = {"scale_min": 1, "scale_max": 5, "centre": CENTRE, "radius": 80.0}


def test_four_axes_point_up_right_down_left():
    corners = radar_points([5, 5, 5, 5], **SCALE)
    expected = [(100.0, 20.0), (180.0, 100.0), (100.0, 180.0), (20.0, 100.0)]
    assert corners == [pytest.approx(point) for point in expected]


def test_a_value_sits_at_its_share_of_the_radius():
    corners = radar_points([3, 1, 4], **SCALE)
    assert corners[0] == pytest.approx((100.0, 60.0))  # halfway up the scale, halfway out
    assert corners[1] == pytest.approx(CENTRE)  # the minimum is the centre
    assert math.dist(corners[2], CENTRE) == pytest.approx(60.0)


def test_missing_and_out_of_scale_values_are_held_to_the_chart():
    corners = radar_points([None, 9, -3], **SCALE)
    assert corners[0] == pytest.approx(CENTRE)
    assert math.dist(corners[1], CENTRE) == pytest.approx(80.0)
    assert corners[2] == pytest.approx(CENTRE)


def test_an_empty_scale_is_refused():
    with pytest.raises(ValueError, match="maximum"):
        radar_points([1], scale_min=3, scale_max=3, centre=CENTRE, radius=10)


def test_svg_points_are_comma_pairs_separated_by_spaces():
    assert svg_points([(1, 2.5), (3.333, 4)]) == "1.00,2.50 3.33,4.00"


@given(st.lists(st.one_of(st.none(), st.floats(-10, 10, allow_nan=False)), min_size=1, max_size=12))
def test_one_corner_per_value_inside_the_outer_ring_on_its_own_axis(values):
    corners = radar_points(values, **SCALE)
    ends = axis_ends(len(values), centre=CENTRE, radius=80.0)
    assert len(corners) == len(values)
    for corner, end in zip(corners, ends, strict=True):
        distance = math.dist(corner, CENTRE)
        assert distance <= 80.0 + 1e-9
        # The corner lies on the segment from the centre to its axis end.
        along = (end[0] - CENTRE[0], end[1] - CENTRE[1])
        offset = (corner[0] - CENTRE[0], corner[1] - CENTRE[1])
        assert along[0] * offset[1] - along[1] * offset[0] == pytest.approx(0.0, abs=1e-6)
        assert along[0] * offset[0] + along[1] * offset[1] >= -1e-9
