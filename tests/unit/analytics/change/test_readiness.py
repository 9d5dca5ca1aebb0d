"""Current readiness: the latest entry of each factor wins, whatever its source."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spaceforchange.analytics.change.readiness import (
    FACTORS,
    FactorReading,
    ReadinessPoint,
    current_readiness,
    factor_number,
    overall,
    scores,
)

DAY = date(2026, 5, 1)


# Generation time depends on the machine's load, never on the code under test.
RELAXED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def point(factor: str, score: float, days: int = 0, source: str = "workshop", sequence: int = 0) -> ReadinessPoint:
    return ReadinessPoint(factor, score, source, DAY + timedelta(days=days), sequence)


def test_factors_are_numbered_in_the_source_order() -> None:
    assert len(FACTORS) == 8
    assert factor_number("ensure_need") == 1
    assert factor_number("ensure_top_management_support") == 4
    assert factor_number("pursue_comprehensive_change") == 8
    assert factor_number("unknown") is None


def test_no_entries_leaves_every_factor_unscored() -> None:
    readings = current_readiness([])
    assert list(readings) == list(FACTORS)
    assert all(reading.score is None and reading.source is None for reading in readings.values())
    assert overall(readings) is None


def test_a_later_workshop_replaces_an_earlier_survey_and_the_other_way_round() -> None:
    readings = current_readiness(
        [
            point("provide_plan", 2.0, days=0, source="campaign"),
            point("provide_plan", 3.5, days=3, source="workshop"),
            point("ensure_need", 4.0, days=0, source="workshop"),
            point("ensure_need", 2.25, days=5, source="campaign"),
        ]
    )
    assert readings["provide_plan"] == FactorReading("provide_plan", 3.5, "workshop", DAY + timedelta(days=3))
    assert readings["ensure_need"].score == 2.25
    assert readings["ensure_need"].source == "campaign"
    assert readings["build_internal_support"].score is None


def test_entries_of_the_same_day_are_read_in_recording_order() -> None:
    readings = current_readiness([point("provide_plan", 4.0, sequence=9), point("provide_plan", 2.0, sequence=3)])
    assert readings["provide_plan"].score == 4.0


def test_unknown_factor_keys_are_ignored() -> None:
    readings = current_readiness([point("made_up", 5.0)])
    assert set(readings) == set(FACTORS)
    assert all(reading.score is None for reading in readings.values())


def test_evidence_counts_are_carried_per_factor() -> None:
    readings = current_readiness([], evidence={"ensure_need": (2, 4)})
    assert (readings["ensure_need"].evidence_done, readings["ensure_need"].evidence_total) == (2, 4)
    assert (readings["provide_plan"].evidence_done, readings["provide_plan"].evidence_total) == (0, 0)


def test_scores_and_overall() -> None:
    readings = current_readiness([point("ensure_need", 4.0), point("provide_plan", 2.0)])
    assert scores(readings)["ensure_need"] == 4.0
    assert scores(readings)["provide_resources"] is None
    assert overall(readings) == 3.0


entries = st.lists(
    st.builds(
        point,
        st.sampled_from(FACTORS),
        st.floats(min_value=1, max_value=5),
        st.integers(min_value=0, max_value=30),
        st.sampled_from(["workshop", "campaign"]),
        st.integers(min_value=0, max_value=1000),
    ),
    max_size=30,
)


@RELAXED
@given(entries)
def test_the_current_score_is_that_of_the_latest_entry(points: list[ReadinessPoint]) -> None:
    readings = current_readiness(points)
    for factor in FACTORS:
        mine = [entry for entry in points if entry.factor == factor]
        if not mine:
            assert readings[factor].score is None
            continue
        latest = max(mine, key=lambda entry: (entry.assessed_on, entry.sequence))
        assert readings[factor].assessed_on == latest.assessed_on
        same = [
            entry.score
            for entry in mine
            if (entry.assessed_on, entry.sequence) == (latest.assessed_on, latest.sequence)
        ]
        assert readings[factor].score in same


@RELAXED
@given(entries)
def test_the_order_of_the_input_does_not_matter_for_distinct_entries(points: list[ReadinessPoint]) -> None:
    distinct = list({(entry.factor, entry.assessed_on, entry.sequence): entry for entry in points}.values())
    assert current_readiness(distinct) == current_readiness(list(reversed(distinct)))
