"""Figures from group sums: weighted means, t intervals, shares by cut-off and Cronbach's alpha.

Every array here is groups × statements (or dimensions); NaN marks a figure that does not exist
(no answers, a single answer, zero weight, zero variance), and becomes ``None`` when published.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from spaceforchange.analytics.survey.sums import AlphaSums, Floats, Layout, Moments

# Sums of squares minus squared sums leave rounding noise where the true variance is zero, which
# a square root and a large t quantile would blow up; a variance below this fraction of the
# squared scale range counts as zero.
ZERO_VARIANCE = 1e-9


@dataclass(frozen=True)
class Estimates:
    count: Floats
    mean: Floats
    ci_low: Floats
    ci_high: Floats
    favourable: Floats
    neutral: Floats
    unfavourable: Floats


def estimate(moments: Moments, *, layout: Layout, scale: tuple[float, float], confidence: float) -> Estimates:
    """Weighted mean with a Student t interval on Kish's effective sample size.

    With weights w the population variance is Σw(y−ȳ)²/Σw and the effective sample size
    n_eff = (Σw)²/Σw²; the standard error is √(variance / (n_eff − 1)) on n_eff − 1 degrees of
    freedom, which for unit weights is the textbook s/√n on n − 1. Means are clipped to the scale
    (a weighted mean of equal answers can round past it); intervals are not, as t intervals go.
    """
    weight = moments.weight
    has_weight = weight > 0
    safe_weight = np.where(has_weight, weight, 1.0)
    centred_mean = np.where(has_weight, moments.total / safe_weight, np.nan)
    variance = moments.total_squared / safe_weight - centred_mean**2
    variance[~(variance > ZERO_VARIANCE * (scale[1] - scale[0]) ** 2)] = 0.0
    effective = np.where(has_weight, weight**2 / np.where(has_weight, moments.weight_squared, 1.0), 0.0)
    interval_exists = (moments.count >= 2) & (effective > 1)
    freedom = np.where(interval_exists, effective - 1, 1.0)
    quantile = special.stdtrit(freedom, (1 + confidence) / 2)
    half_width = np.where(interval_exists, quantile * np.sqrt(variance / freedom), np.nan)
    half_width[~np.isfinite(half_width)] = np.nan
    mean = np.clip(centred_mean + layout.midpoint, *scale)
    favourable = np.clip(np.where(has_weight, moments.favourable / safe_weight, np.nan), 0.0, 1.0)
    unfavourable = np.clip(np.where(has_weight, moments.unfavourable / safe_weight, np.nan), 0.0, 1.0)
    return Estimates(
        count=moments.count,
        mean=mean,
        ci_low=mean - half_width,
        ci_high=mean + half_width,
        favourable=favourable,
        neutral=np.clip(1.0 - favourable - unfavourable, 0.0, 1.0),
        unfavourable=unfavourable,
    )


def cronbach_alpha(sums: AlphaSums, *, layout: Layout, scale: tuple[float, float]) -> Floats:
    """Cronbach's alpha per group and alpha dimension, on complete cases, with the survey weights.

    alpha = k/(k−1) · (1 − Σ var(item) / var(total)). The variances' common n/(n−1) correction
    cancels in the ratio, so weighted population variances give the textbook value for unit weights.
    """
    has_weight = sums.weight > 0
    weight = np.where(has_weight, sums.weight, 1.0)
    item_weight = weight[:, layout.alpha_slot]
    item_variance = sums.item_total_squared / item_weight - (sums.item_total / item_weight) ** 2
    slot_membership = np.zeros((len(layout.alpha_statements), len(layout.alpha_dimensions)))
    slot_membership[np.arange(len(layout.alpha_statements)), layout.alpha_slot] = 1.0
    summed_item_variance = np.maximum(item_variance, 0.0) @ slot_membership
    total_variance = sums.score_total_squared / weight - (sums.score_total / weight) ** 2
    size = layout.sizes[layout.alpha_dimensions].astype(np.float64)
    negligible = ZERO_VARIANCE * (size * (scale[1] - scale[0])) ** 2
    exists = has_weight & (sums.count >= 2) & (total_variance > negligible)
    ratio = summed_item_variance / np.where(exists, total_variance, 1.0)
    return np.where(exists, size / (size - 1) * (1 - ratio), np.nan)
