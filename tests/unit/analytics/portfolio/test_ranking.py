from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spaceforchange.analytics.portfolio.ranking import (
    SCORE_MAX,
    SCORE_MIN,
    Criterion,
    Evaluation,
    evaluation_score,
    rank_ideas,
)

CRITERIA = (Criterion("public_value", 2.0), Criterion("feasibility", 1.0), Criterion("strategic_fit", 1.0))


def test_evaluation_score_is_the_weighted_mean():
    scores = {"public_value": 5, "feasibility": 1, "strategic_fit": 3}
    assert evaluation_score(scores, CRITERIA) == pytest.approx((2 * 5 + 1 + 3) / 4)


def test_evaluation_score_uses_only_the_known_criteria_it_holds():
    assert evaluation_score({"public_value": 4, "retired": 1}, CRITERIA) == 4
    assert evaluation_score({"retired": 1}, CRITERIA) is None
    assert evaluation_score({}, CRITERIA) is None


def test_ideas_are_ranked_by_the_mean_of_their_evaluations():
    evaluations = [
        Evaluation(1, 10, {"public_value": 2, "feasibility": 2, "strategic_fit": 2}),
        Evaluation(1, 11, {"public_value": 4, "feasibility": 4, "strategic_fit": 4}),
        Evaluation(2, 10, {"public_value": 5, "feasibility": 5, "strategic_fit": 5}),
        Evaluation(3, 10, {"public_value": 1, "feasibility": 1, "strategic_fit": 1}),
    ]
    ranked = rank_ideas([1, 2, 3, 4], evaluations, CRITERIA)
    assert [(row.idea_id, row.rank, row.score) for row in ranked] == [
        (2, 1, 5.0),
        (1, 2, 3.0),
        (3, 3, 1.0),
        (4, None, None),
    ]
    first = ranked[1]
    assert first.evaluations == 2
    assert first.spread == 2.0
    assert first.criterion_means == {"public_value": 3.0, "feasibility": 3.0, "strategic_fit": 3.0}
    assert ranked[3].criterion_means == {"public_value": None, "feasibility": None, "strategic_fit": None}


def test_equal_scores_share_a_rank_and_keep_the_given_order():
    same = {"public_value": 3, "feasibility": 3, "strategic_fit": 3}
    evaluations = [Evaluation(7, 1, same), Evaluation(5, 1, same), Evaluation(9, 1, {"public_value": 1})]
    ranked = rank_ideas([5, 7, 9], evaluations, CRITERIA)
    assert [(row.idea_id, row.rank) for row in ranked] == [(5, 1), (7, 1), (9, 3)]


def test_evaluations_of_ideas_outside_the_list_are_ignored():
    ranked = rank_ideas([1], [Evaluation(2, 1, {"public_value": 5})], CRITERIA)
    assert [(row.idea_id, row.score, row.evaluations) for row in ranked] == [(1, None, 0)]


score = st.integers(SCORE_MIN, SCORE_MAX)
evaluation = st.builds(
    Evaluation,
    idea_id=st.integers(1, 6),
    evaluator_id=st.integers(1, 4),
    scores=st.fixed_dictionaries({}, optional={criterion.key: score for criterion in CRITERIA}),
)


@given(st.lists(evaluation, max_size=30), st.randoms())
def test_ranking_properties(evaluations, random):
    ranked = rank_ideas(range(1, 7), evaluations, CRITERIA)
    assert sorted(row.idea_id for row in ranked) == list(range(1, 7))
    scored = [row for row in ranked if row.score is not None]
    assert ranked[: len(scored)] == scored, "unscored ideas come last"
    assert all(SCORE_MIN <= row.score <= SCORE_MAX for row in scored)
    assert [row.score for row in scored] == sorted((row.score for row in scored), reverse=True)
    assert all(row.rank is not None and row.rank <= index + 1 for index, row in enumerate(scored))
    shuffled = list(evaluations)
    random.shuffle(shuffled)
    again = rank_ideas(range(1, 7), shuffled, CRITERIA)
    assert [(row.idea_id, row.rank) for row in again] == [(row.idea_id, row.rank) for row in ranked]
    assert [row.score for row in again] == pytest.approx([row.score for row in ranked])
