"""Vote counts per group and statement, Polis's proportion tests, and the per-statement figures
built on them: representativeness, group-aware consensus, comment priority and divisiveness."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from spaceforchange.analytics.opinion.matrix import AGREE, DISAGREE, VoteMatrix
from spaceforchange.analytics.opinion.parameters import OpinionParameters

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]


def proportion_test(successes: ArrayLike, trials: ArrayLike) -> Floats:
    """Polis's one-proportion z statistic against ½ with a +1 continuity correction:
    2·√(n+1)·((s+1)/(n+1) − ½)."""
    s = np.asarray(successes, dtype=np.float64) + 1
    n = np.asarray(trials, dtype=np.float64) + 1
    return np.asarray(2 * np.sqrt(n) * (s / n - 0.5), dtype=np.float64)


def two_proportion_test(
    successes_in: ArrayLike, successes_out: ArrayLike, trials_in: ArrayLike, trials_out: ArrayLike
) -> Floats:
    """Polis's two-proportion z statistic, every count incremented by 1; 0 where the pooled
    proportion is 1 (the statistic is undefined there)."""
    s1, s2, n1, n2 = (np.asarray(a, dtype=np.float64) + 1 for a in (successes_in, successes_out, trials_in, trials_out))
    pooled = (s1 + s2) / (n1 + n2)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (s1 / n1 - s2 / n2) / spread
    return np.asarray(np.where(pooled == 1, 0.0, z), dtype=np.float64)


@dataclass(frozen=True, eq=False)
class Counts:
    """Agree, disagree and seen (agree + disagree + pass) counts, groups × statements."""

    agree: Floats
    disagree: Floats
    seen: Floats


def group_counts(matrix: VoteMatrix, row_group: Ints, n_groups: int) -> Counts:
    """Counts per group from the raw votes; ``row_group`` gives each matrix row's group index
    (−1: not counted).

    One pass over the votes: each vote gets the key (group, statement, value), and one bincount
    counts all keys; rows not counted go to an extra group that is dropped."""
    n_statements = matrix.shape[1]
    n_keys = (n_groups + 1) * n_statements * 3
    key_type = np.int32 if n_keys < np.iinfo(np.int32).max else np.int64
    group_base = (np.where(row_group >= 0, row_group, n_groups) * (n_statements * 3)).astype(key_type)
    # Value v ∈ {−1, 0, 1} goes to slot v + 1: disagree, pass, agree.
    key = np.repeat(group_base, np.diff(matrix.indptr)) + matrix.indices.astype(key_type) * 3
    key += matrix.values.astype(key_type) + 1
    counted = np.bincount(key, minlength=n_keys).reshape(n_groups + 1, n_statements, 3)[:n_groups]
    counts = counted.astype(np.float64)
    return Counts(
        agree=counts[:, :, 1 + AGREE].copy(),
        disagree=counts[:, :, 1 + DISAGREE].copy(),
        seen=counts.sum(axis=2),
    )


@dataclass(frozen=True, eq=False)
class GroupStatistics:
    """Polis's comment statistics for each group against the rest, groups × statements."""

    counts: Counts
    p_agree: Floats
    p_disagree: Floats
    p_agree_test: Floats
    p_disagree_test: Floats
    r_agree: Floats
    r_disagree: Floats
    r_agree_test: Floats
    r_disagree_test: Floats


def smoothed(successes: Floats, trials: Floats, pseudocount: float) -> Floats:
    return np.asarray((successes + pseudocount) / (trials + 2 * pseudocount), dtype=np.float64)


def group_statistics(counts: Counts, pseudocount: float) -> GroupStatistics:
    """pa = (na+1)/(ns+2), its test; ra = pa / p(rest), and the two-proportion test against the
    other groups pooled."""
    rest_agree = counts.agree.sum(axis=0) - counts.agree
    rest_disagree = counts.disagree.sum(axis=0) - counts.disagree
    rest_seen = counts.seen.sum(axis=0) - counts.seen
    p_agree = smoothed(counts.agree, counts.seen, pseudocount)
    p_disagree = smoothed(counts.disagree, counts.seen, pseudocount)
    return GroupStatistics(
        counts=counts,
        p_agree=p_agree,
        p_disagree=p_disagree,
        p_agree_test=proportion_test(counts.agree, counts.seen),
        p_disagree_test=proportion_test(counts.disagree, counts.seen),
        r_agree=p_agree / smoothed(rest_agree, rest_seen, pseudocount),
        r_disagree=p_disagree / smoothed(rest_disagree, rest_seen, pseudocount),
        r_agree_test=two_proportion_test(counts.agree, rest_agree, counts.seen, rest_seen),
        r_disagree_test=two_proportion_test(counts.disagree, rest_disagree, counts.seen, rest_seen),
    )


def group_aware_consensus(counts: Counts, pseudocount: float) -> Floats:
    """Product over groups of each group's smoothed agree probability (Polis)."""
    return np.asarray(np.prod(smoothed(counts.agree, counts.seen, pseudocount), axis=0), dtype=np.float64)


def comment_priority(
    counts: Counts, extremity: Floats, meta: NDArray[np.bool_], parameters: OpinionParameters
) -> Floats:
    """Polis's priority: (a · (1 − p) · (1 + extremity) · (1 + boost · 2^(−S/half-life)))², with
    a and p the smoothed agree and pass probabilities over everyone in the analysis; meta
    statements get meta_priority²."""
    agree = counts.agree.sum(axis=0)
    seen = counts.seen.sum(axis=0)
    passed = seen - agree - counts.disagree.sum(axis=0)
    c = parameters.pseudocount
    importance = (1 - smoothed(passed, seen, c)) * (extremity + 1) * smoothed(agree, seen, c)
    newness = 1 + parameters.newness_boost * np.power(2.0, -seen / parameters.newness_half_life)
    return np.asarray(np.where(meta, parameters.meta_priority, importance * newness) ** 2, dtype=np.float64)


def divisiveness(counts: Counts, group_sizes: Floats, pseudocount: float) -> Floats:
    """Size-weighted standard deviation, across groups, of each group's smoothed net agreement
    pa − pd ∈ (−1, 1). It is 0 when every group leans the same way and approaches 1 for two
    equal groups in unanimous opposition; with one group it is 0."""
    if len(group_sizes) < 2 or group_sizes.sum() <= 0:
        return np.zeros(counts.seen.shape[1])
    position = smoothed(counts.agree, counts.seen, pseudocount) - smoothed(counts.disagree, counts.seen, pseudocount)
    weights = (group_sizes / group_sizes.sum())[:, None]
    mean = (weights * position).sum(axis=0)
    return np.asarray(np.sqrt((weights * (position - mean) ** 2).sum(axis=0)), dtype=np.float64)
