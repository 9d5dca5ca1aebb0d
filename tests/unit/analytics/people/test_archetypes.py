"""Archetype placement and group mixes (FRAMEWORKS.md §9), with the privacy properties."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spaceforchange.analytics.people.archetypes import (
    BELOW_THRESHOLD,
    COMPLEMENTARY,
    NO_ANSWERS,
    ArchetypeModel,
    Axis,
    GroupMix,
    classify,
    compare_mix,
    count_placements,
    group_mix,
    whole_mix,
)

ARCHETYPES = ("magistrate", "bohemian", "crusader", "revolutionist")
MODEL = ArchetypeModel(
    axes=(
        Axis("stance_towards_rules", 3.0, "within", "challenge"),
        Axis("innovation_drive", 3.0, "low", "high"),
    ),
    archetypes={
        "magistrate": {"stance_towards_rules": "within", "innovation_drive": "low"},
        "bohemian": {"stance_towards_rules": "challenge", "innovation_drive": "low"},
        "crusader": {"stance_towards_rules": "within", "innovation_drive": "high"},
        "revolutionist": {"stance_towards_rules": "challenge", "innovation_drive": "high"},
    },
    statements={
        **{f"sr{n}": ("stance_towards_rules", n > 4) for n in range(1, 7)},
        **{f"id{n}": ("innovation_drive", n > 4) for n in range(1, 7)},
    },
    scale_min=1,
    scale_max=5,
)
KEYS = sorted(MODEL.statements)


def answers(stance: list[int | None], drive: list[int | None]) -> dict[str, int | None]:
    return {
        **{f"sr{n}": value for n, value in enumerate(stance, 1)},
        **{f"id{n}": value for n, value in enumerate(drive, 1)},
    }


def test_reverse_items_are_reversed_and_the_mean_decides_the_pole():
    # Stance: 5,5,5,5 and reversed 1,1 → 5,5 → mean 5; drive: 1,1,1,1 and reversed 5,5 → 1,1 → mean 1.
    placement = classify(MODEL, answers([5, 5, 5, 5, 1, 1], [1, 1, 1, 1, 5, 5]))
    assert placement is not None
    assert placement.archetype == "bohemian"
    assert placement.axis_means == {"stance_towards_rules": 5.0, "innovation_drive": 1.0}
    assert placement.poles == {"stance_towards_rules": "challenge", "innovation_drive": "low"}


@pytest.mark.parametrize(
    ("stance", "drive", "expected"),
    [
        ([2] * 4 + [4] * 2, [2] * 4 + [4] * 2, "magistrate"),
        ([4] * 4 + [2] * 2, [4] * 4 + [2] * 2, "revolutionist"),
        ([2] * 4 + [4] * 2, [4] * 4 + [2] * 2, "crusader"),
        ([4] * 4 + [2] * 2, [2] * 4 + [4] * 2, "bohemian"),
    ],
)
def test_each_quadrant_names_its_archetype(stance, drive, expected):
    placement = classify(MODEL, answers(stance, drive))
    assert placement is not None and placement.archetype == expected


def test_a_mean_exactly_at_the_cut_point_stays_on_the_low_side():
    placement = classify(MODEL, answers([3] * 6, [3] * 6))
    assert placement is not None
    assert placement.archetype == "magistrate"
    assert placement.axis_means == {"stance_towards_rules": 3.0, "innovation_drive": 3.0}


def test_an_axis_needs_half_its_statements_answered():
    half = classify(MODEL, answers([5, 5, 5, None, None, None], [5] * 4 + [1] * 2))
    assert half is not None and half.archetype == "revolutionist"
    assert half.axis_means["stance_towards_rules"] == 5.0
    assert classify(MODEL, answers([5, 5, None, None, None, None], [5] * 6)) is None
    assert classify(MODEL, {}) is None


def test_answers_outside_the_scale_and_unknown_statements():
    with pytest.raises(ValueError, match="outside the scale"):
        classify(MODEL, answers([6] * 6, [3] * 6))
    placement = classify(MODEL, {**answers([3] * 6, [3] * 6), "stray": 99})
    assert placement is not None and placement.archetype == "magistrate"


def test_the_model_refuses_statements_on_unknown_axes_and_incomplete_archetypes():
    with pytest.raises(ValueError, match="unknown axes"):
        ArchetypeModel(
            axes=MODEL.axes, archetypes=MODEL.archetypes, statements={"x": ("nope", False)}, scale_min=1, scale_max=5
        )
    with pytest.raises(ValueError, match="every axis"):
        ArchetypeModel(
            axes=MODEL.axes, archetypes={"odd": {"innovation_drive": "low"}}, statements={}, scale_min=1, scale_max=5
        )
    with pytest.raises(ValueError, match="upwards"):
        ArchetypeModel(axes=MODEL.axes, archetypes={}, statements={}, scale_min=5, scale_max=1)


answer_value = st.one_of(st.none(), st.integers(1, 5))
answer_sets = st.fixed_dictionaries({key: answer_value for key in KEYS})


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_sets)
def test_classify_is_deterministic(given_answers):
    assert classify(MODEL, given_answers) == classify(MODEL, dict(reversed(list(given_answers.items()))))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_sets, st.sampled_from(KEYS), st.data())
def test_classify_is_monotone_per_axis(given_answers, key, data):
    """More agreement with a statement moves its own axis towards the statement's pole and leaves the other alone."""
    before = classify(MODEL, given_answers)
    value = given_answers[key]
    if value is None or value == 5:
        return
    raised = {**given_answers, key: data.draw(st.integers(value + 1, 5))}
    after = classify(MODEL, raised)
    if before is None:  # an axis has too few answers, and changing an answer adds none
        assert after is None
        return
    assert after is not None
    axis, reverse = MODEL.statements[key]
    other = next(entry.key for entry in MODEL.axes if entry.key != axis)
    if reverse:
        assert after.axis_means[axis] < before.axis_means[axis]
    else:
        assert after.axis_means[axis] > before.axis_means[axis]
    assert after.axis_means[other] == before.axis_means[other]
    assert after.poles[other] == before.poles[other]
    high = next(entry.high_pole for entry in MODEL.axes if entry.key == axis)
    if not reverse and before.poles[axis] == high:
        assert after.poles[axis] == high
    if reverse and before.poles[axis] != high:
        assert after.poles[axis] != high


# --- Group mixes ----------------------------------------------------------------------------------


def test_group_mix_shows_counts_and_shares_of_groups_at_the_threshold():
    mixes = group_mix(
        {"a": {"crusader": 3, "magistrate": 2}, "b": {"bohemian": 1}},
        5,
        partition=False,
        archetypes=ARCHETYPES,
    )
    assert mixes["a"] == GroupMix(
        5,
        {"magistrate": 2, "bohemian": 0, "crusader": 3, "revolutionist": 0},
        {"magistrate": 0.4, "bohemian": 0.0, "crusader": 0.6, "revolutionist": 0.0},
        suppressed=False,
    )
    assert mixes["b"] == GroupMix(None, None, None, suppressed=True, reason=BELOW_THRESHOLD)


def test_partitions_hide_a_complementary_group_and_empty_groups_show_nothing():
    mixes = group_mix(
        {"small": {"crusader": 2}, "medium": {"magistrate": 6}, "large": {"bohemian": 9}, "empty": {}},
        5,
        partition=True,
    )
    assert (mixes["small"].suppressed, mixes["small"].reason) == (True, BELOW_THRESHOLD)
    assert (mixes["medium"].suppressed, mixes["medium"].reason, mixes["medium"].counts) == (True, COMPLEMENTARY, None)
    assert mixes["large"].counts == {"bohemian": 9}
    assert (mixes["empty"].suppressed, mixes["empty"].reason, mixes["empty"].respondents) == (True, NO_ANSWERS, None)
    # Overlapping groups (teams): primary suppression only.
    overlapping = group_mix({"small": {"crusader": 2}, "medium": {"magistrate": 6}}, 5, partition=False)
    assert overlapping["medium"].counts == {"magistrate": 6}


def test_whole_mix_and_comparison_in_percentage_points():
    total = whole_mix({"crusader": 5, "magistrate": 5}, 5, archetypes=ARCHETYPES)
    team = group_mix({"t": {"crusader": 4, "magistrate": 1}}, 5, partition=False, archetypes=ARCHETYPES)["t"]
    assert compare_mix(team, total) == pytest.approx(
        {"magistrate": -30.0, "bohemian": 0.0, "crusader": 30.0, "revolutionist": 0.0}
    )
    hidden = whole_mix({"crusader": 2}, 5)
    assert hidden.suppressed and hidden.counts is None
    assert compare_mix(team, hidden) == {} and compare_mix(hidden, total) == {}


def test_counting_placements_leaves_out_unplaceable_responses():
    placed = [
        classify(MODEL, answers([5] * 4 + [1] * 2, [1] * 4 + [5] * 2)),
        None,
        classify(MODEL, answers([1] * 6, [1] * 6)),
    ]
    assert count_placements(placed) == {"bohemian": 1, "magistrate": 1}


def test_negative_counts_and_bad_thresholds_are_refused():
    with pytest.raises(ValueError, match="negative"):
        group_mix({"a": {"crusader": -1}}, 5, partition=False)
    with pytest.raises(ValueError, match="threshold"):
        group_mix({"a": {"crusader": 1}}, 0, partition=False)


group_counts = st.dictionaries(
    st.text(min_size=1, max_size=4),
    st.dictionaries(st.sampled_from(ARCHETYPES), st.integers(0, 12), max_size=4),
    max_size=8,
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(group_counts, st.integers(1, 15), st.booleans())
def test_group_mix_never_exposes_a_group_below_the_threshold(counts, threshold, partition):
    mixes = group_mix(counts, threshold, partition=partition)
    assert set(mixes) == set(counts)
    for group, mix in mixes.items():
        size = sum(counts[group].values())
        if size < threshold:
            assert mix.suppressed and mix.counts is None and mix.shares is None and mix.respondents is None
        if not mix.suppressed:
            assert mix.respondents == size >= threshold
            assert mix.counts is not None and sum(mix.counts.values()) == size


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(group_counts, st.integers(1, 15))
def test_suppressed_parts_of_a_partition_hold_none_or_at_least_the_threshold(counts, threshold):
    """With a published total, what is hidden can never be worked out to fewer than ``threshold`` people."""
    mixes = group_mix(counts, threshold, partition=True)
    total = sum(sum(group.values()) for group in counts.values())
    hidden = sum(sum(counts[group].values()) for group, mix in mixes.items() if mix.suppressed)
    if total >= threshold:
        assert hidden == 0 or hidden >= threshold
    else:
        # The total itself is below the threshold, so it is hidden too and every group with it.
        assert whole_mix({"any": total}, threshold).suppressed or total == 0
        assert all(mix.suppressed for mix in mixes.values())
