"""Invariants of survey scoring on generated campaigns, and agreement with a plain reference."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from spaceforchange.analytics.survey import GroupScores, InstrumentShape, ScoringParameters, score

OPEN = ScoringParameters(anonymity_threshold=1)
FIGURES = ("n", "mean", "ci_low", "ci_high", "share_favourable", "share_neutral", "share_unfavourable", "alpha")


@dataclass(frozen=True)
class Campaign:
    shape: InstrumentShape
    answers: np.ndarray
    weights: np.ndarray
    codes: np.ndarray
    labels: tuple[str, ...]


@st.composite
def campaigns(draw: st.DrawFn, *, max_respondents: int = 25) -> Campaign:
    statements = draw(st.integers(1, 6))
    dimensions = draw(st.lists(st.sampled_from("xyz"), min_size=statements, max_size=statements))
    reverse = draw(st.lists(st.booleans(), min_size=statements, max_size=statements))
    respondents = draw(st.integers(0, max_respondents))
    # Quarter points keep flipping and averaging exact, so no answer sits within rounding of a cut-off.
    answer = st.one_of(st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0, math.nan]), st.integers(4, 20).map(lambda q: q / 4))
    cells = draw(st.lists(answer, min_size=respondents * statements, max_size=respondents * statements))
    weight = st.one_of(st.just(0.0), st.floats(0.01, 100))
    weights = draw(st.lists(weight, min_size=respondents, max_size=respondents))
    groups = draw(st.integers(1, 4))
    codes = draw(st.lists(st.integers(0, groups - 1), min_size=respondents, max_size=respondents))
    return Campaign(
        shape=InstrumentShape(tuple(f"Q{index}" for index in range(statements)), tuple(dimensions), tuple(reverse)),
        answers=np.array(cells, dtype=float).reshape(respondents, statements),
        weights=np.array(weights, dtype=float),
        codes=np.array(codes, dtype=np.int64),
        labels=tuple(f"g{index}" for index in range(groups)),
    )


def grouped(campaign: Campaign, **overrides: object) -> list[GroupScores]:
    options: dict[str, object] = {
        "weights": campaign.weights,
        "group_codes": campaign.codes,
        "group_labels": campaign.labels,
        "parameters": OPEN,
    }
    return score(campaign.shape, campaign.answers, **(options | overrides))  # type: ignore[arg-type]


def assert_same_figures(found: list[GroupScores], expected: list[GroupScores]) -> None:
    assert [(group.group, group.n, group.suppressed) for group in found] == [
        (group.group, group.n, group.suppressed) for group in expected
    ]
    for mine, theirs in zip(found, expected, strict=True):
        for kind in ("items", "dimensions"):
            assert getattr(mine, kind).keys() == getattr(theirs, kind).keys()
            for key, figures in getattr(mine, kind).items():
                other = getattr(theirs, kind)[key]
                for name in FIGURES:
                    value, reference = getattr(figures, name), getattr(other, name)
                    assert (value is None) == (reference is None), (kind, key, name, value, reference)
                    if value is not None:
                        # Alpha divides two variances, each a difference of sums: less precise than a mean.
                        tolerance = 1e-6 if name == "alpha" else 1e-9
                        assert value == pytest.approx(reference, rel=tolerance, abs=tolerance), (kind, key, name)


@given(campaigns())
def test_means_lie_on_the_scale_inside_their_interval_and_shares_sum_to_one(campaign):
    for group in grouped(campaign):
        for figures in [*group.items.values(), *group.dimensions.values()]:
            if figures.mean is None:
                continue
            assert 1 <= figures.mean <= 5
            if figures.ci_low is not None:
                assert figures.ci_low <= figures.mean <= figures.ci_high
            shares = (figures.share_favourable, figures.share_neutral, figures.share_unfavourable)
            assert all(0 <= share <= 1 for share in shares)
            assert math.fsum(shares) == pytest.approx(1.0, abs=1e-12)


@given(campaigns(), st.data())
def test_flipping_a_reverse_worded_statement_twice_changes_nothing(campaign, data):
    flipped = data.draw(
        st.lists(st.booleans(), min_size=len(campaign.shape.reverse), max_size=len(campaign.shape.reverse))
    )
    shape = InstrumentShape(
        campaign.shape.statement_keys,
        campaign.shape.dimension_keys,
        tuple(reverse != flip for reverse, flip in zip(campaign.shape.reverse, flipped, strict=True)),
    )
    answers = np.where(flipped, 6 - campaign.answers, campaign.answers)
    assert_same_figures(
        score(shape, answers, weights=campaign.weights, parameters=OPEN),
        score(campaign.shape, campaign.answers, weights=campaign.weights, parameters=OPEN),
    )


@given(campaigns())
def test_unit_weights_are_no_weights(campaign):
    assert_same_figures(grouped(campaign, weights=np.ones(len(campaign.codes))), grouped(campaign, weights=None))


@given(campaigns(), st.randoms(use_true_random=False))
def test_the_order_of_respondents_does_not_matter(campaign, random):
    order = list(range(len(campaign.codes)))
    random.shuffle(order)
    shuffled = Campaign(
        campaign.shape, campaign.answers[order], campaign.weights[order], campaign.codes[order], campaign.labels
    )
    assert_same_figures(grouped(shuffled), grouped(campaign))


@given(campaigns(), st.floats(1e-3, 1e3))
def test_scaling_every_weight_changes_no_figure(campaign, factor):
    assert_same_figures(grouped(campaign, weights=campaign.weights * factor), grouped(campaign))


@given(campaigns())
def test_each_groups_figures_are_those_of_its_respondents_alone(campaign):
    for index, group in enumerate(grouped(campaign)):
        members = campaign.codes == index
        (alone,) = score(campaign.shape, campaign.answers[members], weights=campaign.weights[members], parameters=OPEN)
        assert_same_figures([alone], [GroupScores("all", group.n, False, group.items, group.dimensions)])


@given(campaigns(max_respondents=40), st.integers(1, 8))
def test_suppression_never_leaves_a_small_group_derivable_from_the_total(campaign, threshold):
    results = grouped(campaign, parameters=ScoringParameters(anonymity_threshold=threshold))
    total = sum(group.n for group in results)
    hidden = total - sum(group.n for group in results if not group.suppressed)
    everything_hidden = all(group.suppressed for group in results if group.n)
    assert hidden == 0 or hidden >= threshold or everything_hidden
    for group in results:
        if 0 < group.n < threshold:
            assert group.suppressed
        if group.suppressed:
            assert group.items == {} and group.dimensions == {}


@settings(max_examples=50)
@given(campaigns())
def test_figures_agree_with_a_plain_reference(campaign):
    results = grouped(campaign)
    for index, group in enumerate(results):
        members = campaign.codes == index
        answers = np.where(campaign.shape.reverse, 6 - campaign.answers[members], campaign.answers[members])
        weights = campaign.weights[members]
        for column, key in enumerate(campaign.shape.statement_keys):
            assert_figures_match(group.items[key], reference(answers[:, column], weights))
        for key in campaign.shape.dimensions:
            columns = [d == key for d in campaign.shape.dimension_keys]
            block = answers[:, columns]
            with np.errstate(invalid="ignore"):
                scores = np.array([np.nan if np.isnan(row).all() else np.nanmean(row) for row in block])
            expected = reference(scores, weights)
            expected["alpha"] = reference_alpha(block, weights) if block.shape[1] >= 3 else None
            assert_figures_match(group.dimensions[key], expected)


def reference(values: np.ndarray, weights: np.ndarray) -> dict[str, float | int | None]:
    """Weighted figures written out with math.fsum over plain lists."""
    pairs = [(float(value), float(weight)) for value, weight in zip(values, weights, strict=True) if value == value]
    total_weight = math.fsum(weight for _, weight in pairs)
    figures: dict[str, float | int | None] = dict.fromkeys(FIGURES)
    figures["n"] = len(pairs)
    if total_weight == 0:
        return figures
    mean = math.fsum(value * weight for value, weight in pairs) / total_weight
    favourable = math.fsum(weight for value, weight in pairs if value >= 4) / total_weight
    unfavourable = math.fsum(weight for value, weight in pairs if value <= 2) / total_weight
    figures |= {"mean": mean, "share_favourable": favourable, "share_unfavourable": unfavourable}
    figures["share_neutral"] = 1 - favourable - unfavourable
    effective_n = total_weight**2 / math.fsum(weight**2 for _, weight in pairs)
    if len(pairs) >= 2 and effective_n > 1 + 1e-9:
        variance = math.fsum(weight * (value - mean) ** 2 for value, weight in pairs) / total_weight
        if variance <= 1e-9 * 4**2:  # rounding noise, as the product treats it: no spread at all
            variance = 0.0
        half_width = stats.t.ppf(0.975, effective_n - 1) * math.sqrt(variance / (effective_n - 1))
        figures["ci_low"], figures["ci_high"] = mean - half_width, mean + half_width
    return figures


def reference_alpha(block: np.ndarray, weights: np.ndarray) -> float | None:
    complete = ~np.isnan(block).any(axis=1)
    items, weights = block[complete], weights[complete]
    if len(items) < 2 or weights.sum() == 0:
        return None

    def variance(values: np.ndarray) -> float:
        mean = np.average(values, weights=weights)
        return float(np.average((values - mean) ** 2, weights=weights))

    total_variance = variance(items.sum(axis=1))
    if total_variance <= 1e-9 * (items.shape[1] * 4) ** 2:
        return None
    k = items.shape[1]
    return k / (k - 1) * (1 - sum(variance(items[:, column]) for column in range(k)) / total_variance)


def assert_figures_match(figures, expected: dict[str, float | int | None]) -> None:
    for name in FIGURES:
        value, reference_value = getattr(figures, name), expected[name]
        if name.startswith("ci") and reference_value is not None and value is not None:
            # Near one effective respondent the t quantile explodes; compare the interval's relative size.
            assert value == pytest.approx(reference_value, rel=1e-6, abs=1e-7), name
            continue
        assert (value is None) == (reference_value is None), (name, value, reference_value)
        if value is not None:
            tolerance = 1e-6 if name == "alpha" else 1e-9
            assert value == pytest.approx(reference_value, rel=tolerance, abs=tolerance), name
