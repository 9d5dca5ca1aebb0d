"""Suppression of small groups: primary, complementary, and down a tree of units."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spaceforchange.analytics.survey import suppress_hierarchy, suppress_partition


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"a": 7, "b": 9, "c": 12}, set()),
        ({"a": 3, "b": 10, "c": 12}, {"a", "b"}),  # a alone could be derived from the total
        ({"a": 3, "b": 4, "c": 20}, {"a", "b"}),  # together 7: enough on their own
        ({"a": 1, "b": 1, "c": 2, "d": 30}, {"a", "b", "c", "d"}),  # 4 hidden, so the smallest visible goes too
        ({"a": 2, "b": 8, "c": 8}, {"a", "b"}),  # ties: the caller's order decides
        ({"a": 3, "none": 0, "b": 6, "c": 7}, {"a", "b"}),  # an empty group hides nobody
        ({"a": 0, "b": 7}, set()),
        ({"a": 2}, {"a"}),
        ({"a": 1, "b": 2}, {"a", "b"}),  # the whole parent is below the threshold
        ({}, set()),
    ],
)
def test_partition_suppresses_small_groups_and_enough_others(counts, expected):
    assert suppress_partition(counts, 5) == expected


def test_without_a_visible_total_only_small_groups_are_suppressed():
    assert suppress_partition({"a": 3, "b": 10}, 5, total_visible=False) == {"a"}


def test_threshold_one_suppresses_nothing():
    assert suppress_partition({"a": 1, "b": 0}, 1) == frozenset()


def test_bad_thresholds_and_counts_are_refused():
    with pytest.raises(ValueError, match="at least 1"):
        suppress_partition({"a": 3}, 0)
    with pytest.raises(ValueError, match="cannot be negative: 'b'"):
        suppress_partition({"a": 3, "b": -1}, 5)


counts_strategy = st.dictionaries(st.text("abcdefgh", min_size=1, max_size=2), st.integers(0, 20), max_size=8)


@given(counts_strategy, st.integers(1, 12), st.booleans())
def test_nothing_below_the_threshold_can_be_derived_from_a_partition(counts, threshold, total_visible):
    suppressed = suppress_partition(counts, threshold, total_visible=total_visible)
    assert suppressed <= counts.keys()
    assert all(label in suppressed for label, count in counts.items() if 0 < count < threshold)
    assert all(counts[label] > 0 for label in suppressed)
    if total_visible:
        hidden = sum(counts.values()) - sum(count for label, count in counts.items() if label not in suppressed)
        everything = all(label in suppressed for label, count in counts.items() if count)
        assert hidden == 0 or hidden >= threshold or everything


@given(counts_strategy, st.integers(1, 12))
def test_complementary_suppression_stops_as_soon_as_it_is_enough(counts, threshold):
    suppressed = suppress_partition(counts, threshold)
    complementary = [label for label in suppressed if counts[label] >= threshold]
    if complementary:
        largest = max(complementary, key=lambda label: counts[label])
        without_it = sum(counts[label] for label in suppressed) - counts[largest]
        assert without_it < threshold


# North has its own respondents, listed as a child entry; Harbour is tiny.
TREE = {
    "City": {"North": 30, "South": 14, "Harbour": 3},
    "North": {"North (direct)": 6, "Schools": 20, "Library": 4},
    "South": {"Parks": 8, "Roads": 6},
    "Schools": {"School A": 12, "School B": 8},
}


def test_hierarchy_applies_the_partition_rule_at_every_visible_level():
    assert suppress_hierarchy(TREE, 5) == {
        "Harbour",  # below the threshold
        "South",  # complement for Harbour under City
        "Parks",  # inside a suppressed unit: would add up to South again
        "Roads",
        "Library",  # below the threshold
        "North (direct)",  # complement for Library under North
    }


def test_a_root_below_the_threshold_takes_its_subtree_with_it():
    assert suppress_hierarchy({"Tiny": {"x": 1, "y": 2}, "Big": {"z": 9}}, 5) == {"Tiny", "x", "y"}


def test_inconsistent_trees_are_refused():
    with pytest.raises(ValueError, match="'South' is counted 15 under 'City' but its children add up to 14"):
        suppress_hierarchy({"City": {"South": 15}, "South": {"Parks": 8, "Roads": 6}}, 5)
    with pytest.raises(ValueError, match="'Parks' has two parents"):
        suppress_hierarchy({"City": {"Parks": 8}, "South": {"Parks": 8}}, 5)
    with pytest.raises(ValueError, match="cycle"):
        suppress_hierarchy({"A": {"B": 6}, "B": {"A": 6}}, 5)


@st.composite
def trees(draw: st.DrawFn) -> dict[str, dict[str, int]]:
    """A random tree of units given as parent -> children with counts that add up."""
    units = draw(st.integers(2, 14))
    parent_of = {child: draw(st.integers(0, child - 1)) for child in range(1, units)}
    own = {unit: draw(st.integers(0, 12)) for unit in range(units)}
    children_of: dict[int, list[int]] = {}
    for child, parent in parent_of.items():
        children_of.setdefault(parent, []).append(child)

    def total(unit: int) -> int:
        if unit not in children_of:
            return own[unit]
        return sum(total(child) for child in children_of[unit])

    return {f"u{parent}": {f"u{child}": total(child) for child in children} for parent, children in children_of.items()}


@given(trees(), st.integers(1, 10))
def test_no_unit_below_the_threshold_can_be_derived_anywhere_in_a_tree(tree, threshold):
    suppressed = suppress_hierarchy(tree, threshold)
    children_of_anyone = {child for counts in tree.values() for child in counts}
    for parent, counts in tree.items():
        for child, count in counts.items():
            if 0 < count < threshold:
                assert child in suppressed
            if parent in suppressed and count > 0:
                assert child in suppressed  # a suppressed unit's subtree stays hidden
        if parent in suppressed:
            continue
        hidden = sum(count for child, count in counts.items() if child in suppressed)
        everything = all(child in suppressed for child, count in counts.items() if count)
        assert hidden == 0 or hidden >= threshold or everything
    for root in tree.keys() - children_of_anyone:
        if 0 < sum(tree[root].values()) < threshold:
            assert root in suppressed
