"""Survey scoring benchmark: ``analytics.survey.score`` against a pandas groupby on the same answers.

A deterministic synthetic campaign (numpy ``default_rng``): respondents answer 32 five-point
statements in eight dimensions of four, one statement in five reverse-worded, about 4 % "don't
know" (NaN), survey weights from a gamma distribution, and group sizes from steep to a handful
of tiny groups, so suppression has work to do. Both sides compute the same statistics for every
group, statement and dimension: respondents, weighted mean after flipping reverse-worded
statements, Student t interval on Kish's effective sample size, weighted favourable / neutral /
unfavourable shares, and Cronbach's alpha per dimension on complete cases. The pandas peer is
written as an analyst would: a DataFrame with a (categorical) group column,
``(x * w).groupby(group).sum() / w.groupby(group).sum()`` and friends. Before reporting, the two
must agree on every visible group (maximum absolute difference of means, shares, interval ends
and alpha below 1e-9).

Rounds time the product and the peer in turn, so a slow spell of a shared machine falls on both;
the best round of each counts. One JSON line on stdout::

    {"benchmark": "survey_scoring", "case": "1000000x32 by 200 groups", "product_s": ..., "peer": "pandas groupby",
     "peer_s": ..., "ratio": ..., "respondents": ..., "statements": ..., "groups": ..., "agree": true, ...}

    bench-venv/bin/python benchmarks/survey_scoring.py [--respondents 1000000] [--statements 32]
        [--groups 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from spaceforchange.analytics.survey import GroupScores, InstrumentShape, ScoringParameters, score

SEED = 20181
STATEMENTS_PER_DIMENSION = 4
DONT_KNOW = 0.04
TINY_GROUPS = 3  # groups of 1-4 respondents, below the default anonymity threshold
TOLERANCE = 1e-9
PARAMETERS = ScoringParameters()
FIGURES = ("mean", "ci_low", "ci_high", "share_favourable", "share_neutral", "share_unfavourable")


@dataclass(frozen=True)
class Campaign:
    shape: InstrumentShape
    answers: np.ndarray
    weights: np.ndarray
    codes: np.ndarray
    labels: list[str]


def synthetic_campaign(respondents: int, statements: int, groups: int) -> Campaign:
    """Answers driven by one latent attitude per respondent and dimension, so dimensions hang together."""
    rng = np.random.default_rng(SEED)
    dimension_of = np.arange(statements) // STATEMENTS_PER_DIMENSION
    reverse = np.arange(statements) % 5 == 4
    group_sizes = rng.pareto(1.2, groups - TINY_GROUPS) + 1
    codes = rng.choice(groups - TINY_GROUPS, size=respondents, p=group_sizes / group_sizes.sum())
    tiny = rng.integers(1, PARAMETERS.anonymity_threshold, size=TINY_GROUPS)
    codes[: tiny.sum()] = np.repeat(np.arange(groups - TINY_GROUPS, groups), tiny)
    attitude = (
        rng.normal(0, 1, size=(respondents, dimension_of.max() + 1)) + rng.normal(0, 0.5, size=(groups, 1))[codes]
    )
    noise = rng.normal(0, 0.8, size=(respondents, statements))
    answers = np.ascontiguousarray(np.clip(np.rint(3.2 + attitude[:, dimension_of] + noise), 1, 5))
    answers[:, reverse] = 6 - answers[:, reverse]
    answers[rng.random(answers.shape) < DONT_KNOW] = np.nan
    shape = InstrumentShape(
        statement_keys=tuple(f"Q{index + 1}" for index in range(statements)),
        dimension_keys=tuple(f"D{index + 1}" for index in dimension_of),
        reverse=tuple(bool(flag) for flag in reverse),
    )
    weights = rng.gamma(4.0, 0.25, size=respondents)
    return Campaign(shape, answers, weights, codes, [f"unit-{index:03d}" for index in range(groups)])


def product(campaign: Campaign) -> list[GroupScores]:
    return score(
        campaign.shape,
        campaign.answers,
        weights=campaign.weights,
        group_codes=campaign.codes,
        group_labels=campaign.labels,
        parameters=PARAMETERS,
    )


def peer_frame(campaign: Campaign) -> pd.DataFrame:
    """The answers as an analyst would load them: one row per respondent, stored column by column as
    ``read_csv`` would, a weight column and a categorical group column (pandas' form of the
    product's codes and labels)."""
    frame = pd.DataFrame({key: campaign.answers[:, index] for index, key in enumerate(campaign.shape.statement_keys)})
    frame["group"] = pd.Categorical.from_codes(campaign.codes, categories=campaign.labels)
    frame["weight"] = campaign.weights
    return frame


def pandas_peer(frame: pd.DataFrame, shape: InstrumentShape) -> dict[str, dict[str, pd.DataFrame]]:
    """Per group: respondents, and for statements and dimensions the same figures as the product."""
    statements = list(shape.statement_keys)
    reverse = [key for key, flag in zip(statements, shape.reverse, strict=True) if flag]
    answers = frame[statements].copy()
    answers[reverse] = PARAMETERS.scale_min + PARAMETERS.scale_max - answers[reverse]
    group, weight = frame["group"], frame["weight"]
    columns_of = {
        key: [s for s, d in zip(statements, shape.dimension_keys, strict=True) if d == key] for key in shape.dimensions
    }
    scores = pd.DataFrame({key: answers[columns].mean(axis=1) for key, columns in columns_of.items()})
    results = {"items": describe(answers, group, weight), "dimensions": describe(scores, group, weight)}
    results["dimensions"]["alpha"] = pd.DataFrame(
        {
            key: cronbach_alpha(answers[columns], group, weight)
            for key, columns in columns_of.items()
            if len(columns) >= 3
        }
    )
    results["respondents"] = {"n": answers.notna().any(axis=1).groupby(group).sum()}
    return results


def describe(values: pd.DataFrame, group: pd.Series, weight: pd.Series) -> dict[str, pd.DataFrame]:
    answered = values.notna()
    n = answered.groupby(group).sum()
    total_weight = answered.mul(weight, axis=0).groupby(group).sum()
    squared_weight = answered.mul(weight**2, axis=0).groupby(group).sum()
    mean = values.mul(weight, axis=0).groupby(group).sum() / total_weight
    mean_of_squares = (values**2).mul(weight, axis=0).groupby(group).sum() / total_weight
    variance = (mean_of_squares - mean**2).clip(lower=0)
    effective_n = total_weight**2 / squared_weight
    half_width = stats.t.ppf((1 + PARAMETERS.confidence) / 2, effective_n - 1) * np.sqrt(variance / (effective_n - 1))
    half_width = half_width.where((n >= 2) & (effective_n > 1))
    favourable = (values >= PARAMETERS.favourable_min).mul(weight, axis=0).groupby(group).sum() / total_weight
    unfavourable = (values <= PARAMETERS.unfavourable_max).mul(weight, axis=0).groupby(group).sum() / total_weight
    return {
        "n": n,
        "mean": mean,
        "ci_low": mean - half_width,
        "ci_high": mean + half_width,
        "share_favourable": favourable,
        "share_neutral": 1 - favourable - unfavourable,
        "share_unfavourable": unfavourable,
    }


def cronbach_alpha(items: pd.DataFrame, group: pd.Series, weight: pd.Series) -> pd.Series:
    """Weighted alpha per group on respondents who answered every statement of the dimension."""
    complete = items.notna().all(axis=1)
    items, group, weight = items[complete], group[complete], weight[complete]
    total = items.sum(axis=1)
    total_weight = weight.groupby(group).sum()

    def weighted_variance(values: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
        mean = values.mul(weight, axis=0).groupby(group).sum().div(total_weight, axis=0)
        return (values**2).mul(weight, axis=0).groupby(group).sum().div(total_weight, axis=0) - mean**2

    k = items.shape[1]
    item_variance = weighted_variance(items).sum(axis=1)
    total_variance = weighted_variance(total)
    alpha = k / (k - 1) * (1 - item_variance / total_variance)
    scale_range = PARAMETERS.scale_max - PARAMETERS.scale_min
    return alpha.where((complete.groupby(group).sum() >= 2) & (total_variance > 1e-9 * (k * scale_range) ** 2))


def largest_difference(results: list[GroupScores], peer: dict[str, dict[str, pd.DataFrame]]) -> float:
    """The largest absolute difference over visible groups; inf when the two disagree on what exists."""
    largest = 0.0
    for group in results:
        if group.n != int(peer["respondents"]["n"].get(group.group, 0)):
            return float("inf")
        if group.n == 0:
            continue
        for kind in ("items", "dimensions"):
            for key, figures in getattr(group, kind).items():
                names = FIGURES + (("alpha",) if kind == "dimensions" and key in peer[kind]["alpha"] else ())
                for name in names:
                    expected = peer[kind][name].at[group.group, key]
                    found = getattr(figures, name)
                    if (found is None) != bool(pd.isna(expected)):
                        return float("inf")
                    if found is not None:
                        largest = max(largest, abs(found - float(expected)))
    return largest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=1_000_000, help="respondents (default 1000000)")
    parser.add_argument("--statements", type=int, default=32, help="statements, four per dimension (default 32)")
    parser.add_argument("--groups", type=int, default=200, help="groups, e.g. units (default 200)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best of each side counts (default 3)")
    options = parser.parse_args()
    campaign = synthetic_campaign(options.respondents, options.statements, options.groups)
    frame = peer_frame(campaign)
    product_times, peer_times = [], []
    for _round in range(options.repeat):
        started = time.perf_counter()
        results = product(campaign)
        product_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        peer = pandas_peer(frame, campaign.shape)
        peer_times.append(time.perf_counter() - started)
    difference = largest_difference(results, peer)
    best_product, best_peer = min(product_times), min(peer_times)
    line = {
        "benchmark": "survey_scoring",
        "case": f"{options.respondents}x{options.statements} by {options.groups} groups",
        "product_s": round(best_product, 4),
        "peer": "pandas groupby",
        "peer_s": round(best_peer, 4),
        "ratio": round(best_peer / best_product, 2),
        "respondents": options.respondents,
        "statements": options.statements,
        "groups": options.groups,
        "dimensions": len(campaign.shape.dimensions),
        "weighted": True,
        "statistics": "n, mean, t interval (Kish), favourable/neutral/unfavourable shares per statement and "
        "dimension; Cronbach's alpha per dimension (both sides)",
        "agree": difference < TOLERANCE,
        "max_abs_difference": difference,
        "suppressed_groups": sum(group.suppressed for group in results),
        "product_s_rounds": [round(seconds, 4) for seconds in product_times],
        "peer_s_rounds": [round(seconds, 4) for seconds in peer_times],
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "load_1m": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(line), flush=True)
    if not line["agree"]:
        print(f"product and pandas disagree: largest difference {difference}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
