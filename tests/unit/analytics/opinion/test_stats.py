from __future__ import annotations

import math

import numpy as np
import pytest

from spaceforchange.analytics.opinion import stats
from spaceforchange.analytics.opinion.agreement import adjusted_rand_index
from spaceforchange.analytics.opinion.groups import stable_labels
from spaceforchange.analytics.opinion.matrix import Vote, VoteMatrix
from spaceforchange.analytics.opinion.parameters import OpinionParameters
from spaceforchange.analytics.opinion.selection import representative
from spaceforchange.analytics.opinion.stats import (
    Counts,
    comment_priority,
    divisiveness,
    group_aware_consensus,
    group_statistics,
    proportion_test,
    two_proportion_test,
)


def test_proportion_test_by_hand() -> None:
    # 8 agrees of 10: 2·√11·(9/11 − ½)
    assert proportion_test(8, 10)[()] == pytest.approx(2 * math.sqrt(11) * (9 / 11 - 0.5))
    assert proportion_test(0, 0)[()] == pytest.approx(1.0)  # 2·1·(1 − ½)


def test_two_proportion_test_by_hand() -> None:
    # 6 of 8 in the group against 2 of 10 outside, all counts +1: 7/9 vs 3/11, pooled 10/20.
    expected = (7 / 9 - 3 / 11) / math.sqrt(0.5 * 0.5 * (1 / 9 + 1 / 11))
    assert two_proportion_test(6, 2, 8, 10)[()] == pytest.approx(expected)


def test_two_proportion_test_is_zero_when_everyone_succeeds() -> None:
    assert two_proportion_test(np.array([3]), np.array([5]), np.array([3]), np.array([5]))[0] == 0.0


def test_divisiveness_is_near_one_for_two_equal_opposed_groups_and_zero_for_one() -> None:
    counts = Counts(
        agree=np.array([[100.0], [0.0]]), disagree=np.array([[0.0], [100.0]]), seen=np.array([[100.0], [100.0]])
    )
    assert divisiveness(counts, np.array([50.0, 50.0]), 1.0)[0] == pytest.approx(100 / 102)
    assert divisiveness(counts, np.array([90.0, 10.0]), 1.0)[0] < divisiveness(counts, np.array([50.0, 50.0]), 1.0)[0]
    single = Counts(agree=counts.agree[:1], disagree=counts.disagree[:1], seen=counts.seen[:1])
    assert divisiveness(single, np.array([100.0]), 1.0)[0] == 0.0


def test_adjusted_rand_index() -> None:
    assert adjusted_rand_index([0, 0, 1, 1], ["b", "b", "a", "a"]) == 1.0
    # Contingency [[2, 1, 0], [0, 1, 2]]: index 2, rows 6, columns 3, 15 pairs → expected 1.2, max 4.5.
    assert adjusted_rand_index([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]) == pytest.approx(0.8 / 3.3)
    # Independent-looking labels score 0 here: index equals its expectation.
    assert adjusted_rand_index([0, 0, 1, 1], [0, 1, 1, 1]) == 0.0
    assert adjusted_rand_index([0, 0, 0], [1, 1, 1]) == 1.0
    with pytest.raises(ValueError, match="same items"):
        adjusted_rand_index([0], [0, 1])


def test_group_aware_consensus_and_priority_by_hand() -> None:
    counts = Counts(agree=np.array([[3.0], [1.0]]), disagree=np.array([[0.0], [2.0]]), seen=np.array([[4.0], [4.0]]))
    assert group_aware_consensus(counts, 1.0)[0] == pytest.approx((4 / 6) * (2 / 6))
    # Over everyone: A = 4, D = 2, S = 8, P = 2; extremity 0.5.
    importance = (1 - 3 / 10) * 1.5 * (5 / 10)
    expected = (importance * (1 + 8 * 2 ** (-8 / 5))) ** 2
    priority = comment_priority(counts, np.array([0.5]), np.array([False]), OpinionParameters())
    assert priority[0] == pytest.approx(expected)
    assert comment_priority(counts, np.array([0.5]), np.array([True]), OpinionParameters())[0] == 49.0


def test_stable_labels_follow_overlap_and_fill_the_smallest_free_label() -> None:
    groups = np.array([0, 0, 1, 1, 2, 2, 2])
    previous = np.array([2, 2, 0, 0, -1, -1, -1])
    centres = np.zeros((3, 2))
    labels = stable_labels(groups, 3, previous, centres, np.array([2.0, 2.0, 3.0]))
    assert labels.tolist() == [2, 0, 1]
    first_run = stable_labels(
        groups, 3, np.full(7, -1), np.array([[0.0, 0], [1, 0], [2, 0]]), np.array([2.0, 2.0, 3.0])
    )
    assert first_run.tolist() == [1, 2, 0]


def test_representative_selection_puts_best_agree_first_and_agrees_before_disagrees() -> None:
    # Two groups of 20; statement 0: strong agree in group 0, 1: strong disagree in group 0,
    # 2: no difference, 3: weaker agree in group 0.
    agree = np.array([[18.0, 1, 10, 14], [2, 18, 10, 4]])
    disagree = np.array([[1.0, 19, 10, 2], [17, 1, 10, 14]])
    counts = Counts(agree=agree, disagree=disagree, seen=np.full((2, 4), 20.0))
    group_stats = group_statistics(counts, 1.0)
    chosen = representative(group_stats, (0, 1, 2, 3), np.ones(4, bool), z=1.2815515655446004, count=5,
                            rank=np.arange(4))  # fmt: skip
    first = chosen[0]
    assert [s.statement for s in first] == [0, 3, 1]
    assert [s.direction for s in first] == ["agree", "agree", "disagree"]
    assert first[0].best_agree and not first[1].best_agree
    # The disagree statement ranks above statement 3 by repness yet comes after it.
    assert first[2].repness > first[1].repness
    assert first[0].ratio == pytest.approx((19 / 22) / (3 / 22))


def test_group_counts_by_hand_leave_out_rows_without_a_group() -> None:
    matrix = VoteMatrix.from_votes(
        [Vote("a", 1, 1), Vote("a", 2, -1), Vote("b", 1, 1), Vote("b", 2, 0), Vote("c", 1, -1), Vote("d", 2, 1)],
        statement_ids=[1, 2, 3],
    )
    counts = stats.group_counts(matrix, np.array([0, 0, 1, -1]), 2)
    assert counts.agree.tolist() == [[2, 0, 0], [0, 0, 0]]
    assert counts.disagree.tolist() == [[0, 1, 0], [1, 0, 0]]
    assert counts.seen.tolist() == [[2, 2, 0], [1, 0, 0]]
