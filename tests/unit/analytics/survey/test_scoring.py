"""Survey scoring on small campaigns worked out by hand, and the input it refuses."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from spaceforchange.analytics.survey import Figures, InstrumentShape, ScoringParameters, score

NAN = math.nan
OPEN = ScoringParameters(anonymity_threshold=1)  # nothing suppressed: the figures are under test

# Statements A and B (reverse-worded) form dimension x; C alone forms y.
SHAPE = InstrumentShape(statement_keys=("A", "B", "C"), dimension_keys=("x", "x", "y"), reverse=(False, True, False))
ANSWERS = np.array(
    [
        [5, 1, NAN],  # B flipped: 5
        [4, 2, 3],  # B flipped: 4
        [NAN, 5, 1],  # B flipped: 1
        [2, NAN, 4],
    ]
)


def only_group(**options: object):
    (group,) = score(SHAPE, ANSWERS, parameters=OPEN, **options)  # type: ignore[arg-type]
    return group


def test_item_means_flip_reverse_wording_and_leave_out_dont_know():
    group = only_group()
    assert (group.group, group.n, group.suppressed) == ("all", 4, False)
    assert group.items["A"].n == 3
    assert group.items["A"].mean == pytest.approx(11 / 3)
    assert group.items["B"].mean == pytest.approx(10 / 3)  # 5, 4, 1 after flipping
    assert group.items["C"].mean == pytest.approx(8 / 3)


def test_shares_classify_flipped_answers_by_the_cut_offs():
    items = only_group().items
    assert (items["A"].share_favourable, items["A"].share_neutral, items["A"].share_unfavourable) == pytest.approx(
        (2 / 3, 0, 1 / 3)
    )
    assert (items["B"].share_favourable, items["B"].share_unfavourable) == pytest.approx((2 / 3, 1 / 3))
    assert (items["C"].share_favourable, items["C"].share_neutral, items["C"].share_unfavourable) == pytest.approx(
        (1 / 3, 1 / 3, 1 / 3)
    )


def test_dimension_scores_average_each_respondents_valid_answers():
    dimensions = only_group().dimensions
    # Respondent scores in x: (5+5)/2, (4+4)/2, 1 (A unanswered), 2 (B unanswered).
    x = dimensions["x"]
    assert (x.n, x.mean) == (4, pytest.approx(3.0))
    assert (x.share_favourable, x.share_neutral, x.share_unfavourable) == pytest.approx((0.5, 0.0, 0.5))
    assert (dimensions["y"].n, dimensions["y"].mean) == (3, pytest.approx(8 / 3))


def test_dimension_score_between_the_cut_offs_is_neutral():
    shape = InstrumentShape(("A", "B"), ("x", "x"), (False, False))
    (group,) = score(shape, np.array([[4.0, 3.0], [5.0, 5.0]]), parameters=OPEN)
    x = group.dimensions["x"]
    assert (x.mean, x.share_favourable, x.share_neutral, x.share_unfavourable) == pytest.approx((4.25, 0.5, 0.5, 0))


def test_interval_is_the_student_t_interval_of_the_mean():
    a = only_group().items["A"]
    values = np.array([5.0, 4.0, 2.0])
    low, high = stats.t.interval(0.95, df=2, loc=values.mean(), scale=stats.sem(values))
    assert (a.ci_low, a.ci_high) == pytest.approx((low, high))
    narrower = score(SHAPE, ANSWERS, parameters=ScoringParameters(confidence=0.8, anonymity_threshold=1))[0]
    assert a.ci_low < narrower.items["A"].ci_low < narrower.items["A"].mean < narrower.items["A"].ci_high < a.ci_high


def test_weighted_mean_shares_and_interval_on_kish_effective_n():
    weights = np.array([1.0, 2.0, 9.0, 3.0])  # respondent 2 did not answer A
    a = only_group(weights=weights).items["A"]
    # A: answers 5, 4, 2 with weights 1, 2, 3.
    assert a.n == 3
    assert a.mean == pytest.approx(19 / 6)
    assert (a.share_favourable, a.share_neutral, a.share_unfavourable) == pytest.approx((0.5, 0.0, 0.5))
    effective_n = 6**2 / (1 + 4 + 9)
    variance = (121 + 2 * 25 + 3 * 49) / 36 / 6  # Σw(x − 19/6)² / Σw
    low, high = stats.t.interval(0.95, df=effective_n - 1, loc=19 / 6, scale=math.sqrt(variance / (effective_n - 1)))
    assert (a.ci_low, a.ci_high) == pytest.approx((low, high))


def test_no_interval_from_one_answer_or_one_weighted_answer():
    shape = InstrumentShape(("A",), ("x",), (False,))
    (single,) = score(shape, np.array([[4.0], [NAN]]), parameters=OPEN)
    assert single.items["A"] == Figures(
        n=1, mean=4.0, ci_low=None, ci_high=None, share_favourable=1.0, share_neutral=0.0, share_unfavourable=0.0
    )
    (weighted,) = score(shape, np.array([[4.0], [2.0]]), weights=np.array([0.0, 1.0]), parameters=OPEN)
    assert (weighted.items["A"].n, weighted.items["A"].mean) == (2, 2.0)
    assert weighted.items["A"].ci_low is None


def test_figures_are_none_where_nothing_was_answered_or_everything_weighs_zero():
    shape = InstrumentShape(("A", "B"), ("x", "y"), (False, False))
    (group,) = score(shape, np.array([[3.0, NAN], [4.0, NAN]]), parameters=OPEN)
    assert group.items["B"] == Figures(0, None, None, None, None, None, None)
    assert group.dimensions["y"].n == 0
    (zero,) = score(shape, np.array([[3.0, NAN], [4.0, NAN]]), weights=np.zeros(2), parameters=OPEN)
    assert (zero.items["A"].n, zero.items["A"].mean, zero.items["A"].share_favourable) == (2, None, None)


def test_cronbachs_alpha_matches_the_textbook_computation_on_complete_cases():
    shape = InstrumentShape(("X1", "X2", "X3", "P1", "P2"), ("x", "x", "x", "pair", "pair"), (False,) * 5)
    complete = [[4, 5, 4], [3, 4, 3], [5, 5, 4], [2, 3, 3], [4, 4, 5]]
    rows = [[*row, 3, 3] for row in complete] + [[1, NAN, 1, 3, 4]]  # the last is not a complete case
    (group,) = score(shape, np.array(rows, dtype=float), parameters=OPEN)
    # Sample variances: items 1.3, 0.7, 0.7; totals 13, 10, 14, 8, 13 → 6.3.
    assert group.dimensions["x"].alpha == pytest.approx(3 / 2 * (1 - (1.3 + 0.7 + 0.7) / 6.3))
    assert group.dimensions["x"].alpha == pytest.approx(6 / 7)
    assert group.dimensions["x"].n == 6  # the incomplete respondent still counts for the mean
    assert group.dimensions["pair"].alpha is None  # fewer than three statements
    assert all(figures.alpha is None for figures in group.items.values())


def test_alpha_is_none_without_two_complete_cases_or_without_variance():
    shape = InstrumentShape(("X1", "X2", "X3"), ("x",) * 3, (False,) * 3)
    (one,) = score(shape, np.array([[4.0, 5, 4], [NAN, 3, 3]]), parameters=OPEN)
    assert one.dimensions["x"].alpha is None
    (flat,) = score(shape, np.array([[4.0, 5, 4], [5, 4, 4], [3, 5, 5]]), parameters=OPEN)  # every total is 13
    assert flat.dimensions["x"].alpha is None


def test_weighted_alpha_equals_alpha_of_respondents_repeated_by_weight():
    shape = InstrumentShape(("X1", "X2", "X3"), ("x",) * 3, (False,) * 3)
    answers = np.array([[4, 5, 4], [3, 4, 3], [5, 5, 4], [2, 3, 3]], dtype=float)
    weights = np.array([1.0, 3.0, 2.0, 1.0])
    (weighted,) = score(shape, answers, weights=weights, parameters=OPEN)
    (repeated,) = score(shape, np.repeat(answers, [1, 3, 2, 1], axis=0), parameters=OPEN)
    assert weighted.dimensions["x"].alpha == pytest.approx(repeated.dimensions["x"].alpha)
    assert weighted.dimensions["x"].mean == pytest.approx(repeated.dimensions["x"].mean)


def test_integer_answers_and_other_scales():
    shape = InstrumentShape(("A", "B"), ("x", "x"), (False, True))
    seven = ScoringParameters(scale_min=1, scale_max=7, favourable_min=6, unfavourable_max=2, anonymity_threshold=1)
    (group,) = score(shape, np.array([[7, 1], [6, 7], [4, 4]]), parameters=seven)
    assert group.items["B"].mean == pytest.approx((7 + 1 + 4) / 3)  # 8 − answer
    assert group.items["A"].share_favourable == pytest.approx(2 / 3)
    assert group.items["B"].share_unfavourable == pytest.approx(1 / 3)


def test_groups_come_in_label_order_with_their_own_figures():
    codes = np.array([1, 0, 1, 0])
    results = score(SHAPE, ANSWERS, group_codes=codes, group_labels=["north", "south"], parameters=OPEN)
    assert [(group.group, group.n) for group in results] == [("north", 2), ("south", 2)]
    north, south = results
    assert north.items["A"].mean == pytest.approx(3.0)  # respondents 1 and 3: 4 and 2
    assert south.items["C"].mean == pytest.approx(1.0)
    assert north.items["C"].n == 2


def test_small_groups_are_suppressed_with_a_complement():
    codes = np.repeat([0, 1, 2, 3], [3, 10, 12, 0])
    answers = np.full((25, 3), 4.0)
    results = score(SHAPE, answers, group_codes=codes, group_labels=["a", "b", "c", "empty"])
    assert [(group.group, group.n, group.suppressed) for group in results] == [
        ("a", 3, True),
        ("b", 10, True),  # otherwise a = total − b − c
        ("c", 12, False),
        ("empty", 0, False),
    ]
    assert results[0].items == {} and results[0].dimensions == {}
    assert results[2].items["A"].mean == 4.0
    assert results[3].items["A"] == Figures(0, None, None, None, None, None, None)


def test_a_campaign_below_the_threshold_is_suppressed_and_silent_respondents_do_not_count():
    answers = np.vstack([ANSWERS, np.full((3, 3), NAN)])
    (group,) = score(SHAPE, answers)
    assert (group.n, group.suppressed, group.items) == (4, True, {})
    assert not score(SHAPE, answers, parameters=ScoringParameters(anonymity_threshold=4))[0].suppressed


def test_an_empty_campaign_has_no_figures():
    (group,) = score(SHAPE, np.empty((0, 3)), parameters=OPEN)
    assert (group.n, group.items["A"].n, group.items["A"].mean) == (0, 0, None)


def test_float32_and_column_major_answers_give_the_same_figures():
    expected = only_group()
    assert score(SHAPE, ANSWERS.astype(np.float32), parameters=OPEN)[0] == expected
    assert score(SHAPE, np.asfortranarray(ANSWERS), parameters=OPEN)[0] == expected


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (np.array([1.0, 2.0, 3.0]), "two-dimensional"),
        (np.ones((2, 2)), "2 columns for 3 statements"),
        (np.array([[1.0, 2.0, 6.0]]), "answer 6.0 of respondent 0 to statement 'C' is outside the scale 1–5"),
        (np.array([[1.0, 2.0, 3.0], [0.0, NAN, NAN]]), "respondent 1 to statement 'A'"),
        (np.array([[1.0, math.inf, 3.0]]), "answer inf"),
        (np.array([["1", "2", "3"]]), "must be numbers"),
    ],
)
def test_bad_answers_are_refused_with_a_clear_message(answers, message):
    with pytest.raises(ValueError, match=message):
        score(SHAPE, answers)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        (np.ones(3), "one-dimensional array of 4 values"),
        (np.ones((4, 1)), "one-dimensional array of 4 values"),
        (np.array([1.0, -0.5, 1.0, 1.0]), "must not be negative; respondent 1"),
        (np.array([1.0, 1.0, NAN, 1.0]), "must be finite; respondent 2"),
        (np.array([1.0, 1.0, 1.0, math.inf]), "must be finite; respondent 3"),
        ([1.0, 1.0, 1.0, 1.0], "one-dimensional array"),
    ],
)
def test_bad_weights_are_refused(weights, message):
    with pytest.raises(ValueError, match=message):
        score(SHAPE, ANSWERS, weights=weights)


@pytest.mark.parametrize(
    ("codes", "labels", "message"),
    [
        (np.array([0, 1, 0, 1]), None, "give both or neither"),
        (None, ["a"], "give both or neither"),
        (np.array([0, 1, 0, 2]), ["a", "b"], r"0\.\.1 \(one per label\); found 0\.\.2"),
        (np.array([0, -1, 0, 1]), ["a", "b"], "found -1..1"),
        (np.array([0, 1, 0]), ["a", "b"], "integer array of 4 values"),
        (np.array([0.0, 1.0, 0.0, 1.0]), ["a", "b"], "integer array"),
        (np.array([0, 1, 0, 1]), ["a", "a"], "unique"),
    ],
)
def test_bad_groups_are_refused(codes, labels, message):
    with pytest.raises(ValueError, match=message):
        score(SHAPE, ANSWERS, group_codes=codes, group_labels=labels)


def test_inconsistent_instruments_and_parameters_are_refused():
    with pytest.raises(ValueError, match="dimension_keys has 1 entries for 2 statements"):
        InstrumentShape(("A", "B"), ("x",), (False, False))
    with pytest.raises(ValueError, match="reverse has 3 entries"):
        InstrumentShape(("A", "B"), ("x", "x"), (False, False, True))
    with pytest.raises(ValueError, match="unique"):
        InstrumentShape(("A", "A"), ("x", "x"), (False, False))
    with pytest.raises(ValueError, match="at least one statement"):
        InstrumentShape((), (), ())
    with pytest.raises(ValueError, match="scale_min"):
        ScoringParameters(scale_min=5, scale_max=5)
    with pytest.raises(ValueError, match="unfavourable_max"):
        ScoringParameters(favourable_min=3, unfavourable_max=3)
    with pytest.raises(ValueError, match="confidence"):
        ScoringParameters(confidence=1.0)
    with pytest.raises(ValueError, match="anonymity_threshold"):
        ScoringParameters(anonymity_threshold=0)
