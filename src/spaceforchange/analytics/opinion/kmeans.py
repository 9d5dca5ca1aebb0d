"""Weighted k-means in two dimensions, with Polis's warm start and the silhouette coefficient.

Polis re-runs k-means on every update starting from the previous clusters ("clean start"):
recentre them on their members' new positions, drop the empty ones, merge identical ones, and
split off the most distant point into a new cluster until there are as many clusters as asked
(or as distinct points). A cold start here picks centres by seeded k-means++ over the distinct
points in lexicographic order, so the result depends on the seed and not on input order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class Clustering:
    ids: Ints
    """Stable cluster ids, one per cluster."""
    centres: Floats
    """(clusters, 2) weighted means of the members."""
    labels: Ints
    """Index into ``ids`` for every point."""


def _two_nearest(points: Floats, centres: Floats) -> tuple[Ints, Floats, Floats]:
    """Nearest centre of every point, its distance, and the distance to the second nearest
    (infinite with a single centre)."""
    distance, index = cKDTree(centres).query(points, k=2)
    return np.asarray(index[:, 0], dtype=np.int64), distance[:, 0], distance[:, 1]


def _weighted_centres(points: Floats, weights: Floats, labels: Ints, k: int) -> tuple[Floats, Floats]:
    mass = np.bincount(labels, weights=weights, minlength=k).astype(np.float64)
    x = np.bincount(labels, weights=weights * points[:, 0], minlength=k)
    y = np.bincount(labels, weights=weights * points[:, 1], minlength=k)
    safe = np.where(mass > 0, mass, 1.0)
    return np.column_stack((x / safe, y / safe)), mass


def lloyd(
    points: Floats, weights: Floats, ids: Ints, centres: Floats, *, iterations: int, tolerance: float
) -> Clustering:
    """Lloyd iterations as Polis runs them: clusters left empty are dropped, and the loop stops
    once every centre moved less than ``tolerance`` or after ``iterations`` steps.

    Assignments are exactly Lloyd's, but with Hamerly's bounds: a point whose distance to its own
    centre (plus that centre's movement) stays below its distance to the second nearest (minus
    the largest movement) cannot change cluster, so only the others are searched again."""
    labels, upper, lower = _two_nearest(points, centres)
    for _ in range(iterations):
        updated, mass = _weighted_centres(points, weights, labels, len(centres))
        occupied = mass > 0
        moved = np.hypot(*(updated - centres).T)
        remap = np.cumsum(occupied) - 1
        ids, centres, labels = ids[occupied], updated[occupied], remap[labels]
        if occupied.all() and bool((moved < tolerance).all()):
            break
        upper = upper + moved[occupied][labels]
        lower = lower - moved.max()
        stale = upper >= lower
        if stale.any():
            labels[stale], upper[stale], lower[stale] = _two_nearest(points[stale], centres)
    return Clustering(ids=ids, centres=centres, labels=labels)


def plus_plus(points: Floats, weights: Floats, k: int, rng: np.random.Generator) -> Floats:
    """k-means++ seeding over distinct points (weights are multiplicities)."""
    chosen = [int(rng.choice(len(points), p=weights / weights.sum()))]
    distance = np.sum((points - points[chosen[0]]) ** 2, axis=1)
    while len(chosen) < k:
        mass = distance * weights
        total = mass.sum()
        if total <= 0:
            break
        pick = int(rng.choice(len(points), p=mass / total))
        chosen.append(pick)
        distance = np.minimum(distance, np.sum((points - points[pick]) ** 2, axis=1))
    return points[chosen]


def first_distinct(points: Floats, k: int) -> Floats:
    """Polis's ``init-clusters``: the first k distinct points, in the order given."""
    _, first = np.unique(points, axis=0, return_index=True)
    return points[np.sort(first)[:k]]


def cold_start(points: Floats, k: int, rng: np.random.Generator) -> Floats:
    """Initial centres: every distinct point when there are at most k of them, otherwise k
    distinct points by k-means++ (in the order picked, which spreads the lowest ids apart)."""
    distinct, counts = np.unique(points, axis=0, return_counts=True)
    return plus_plus(distinct, counts.astype(np.float64), min(k, len(distinct)), rng)


def clean_start(points: Floats, weights: Floats, ids: Ints, labels: Ints, k: int) -> tuple[Ints, Floats]:
    """Polis's warm start. ``labels`` gives each point's previous cluster index into ``ids``
    (−1 for points that are new); returns the ids and centres to start Lloyd from."""
    next_id = int(np.max(ids, initial=-1)) + 1
    centres, mass = _recentre(points, weights, labels, len(ids))
    keep = mass > 0
    remap = np.where(keep, np.cumsum(keep) - 1, -1)
    labels = np.where(labels >= 0, remap[np.maximum(labels, 0)], -1)
    ids, centres, mass = ids[keep], centres[keep], mass[keep]
    if len(ids) == 0:
        # Polis's safe-recenter: with no surviving cluster, everyone forms one.
        labels = np.zeros(len(points), dtype=np.int64)
        ids = np.array([next_id], dtype=np.int64)
        centres, mass = _recentre(points, weights, labels, 1)
    ids, centres, labels = _merge_identical(ids, centres, labels, mass)
    possible = min(k, len(np.unique(points, axis=0)))
    while len(ids) < possible:
        gaps, _ = cKDTree(centres).query(points)
        outlier = int(np.argmax(gaps))
        if gaps[outlier] <= 0:
            break
        labels[outlier] = len(ids)
        ids = np.append(ids, ids.max() + 1)
        centres, _ = _recentre(points, weights, labels, len(ids))
    return ids, centres


def _recentre(points: Floats, weights: Floats, labels: Ints, k: int) -> tuple[Floats, Floats]:
    """Weighted centres of the points with a label (−1 means unassigned)."""
    assigned = labels >= 0
    return _weighted_centres(points[assigned], weights[assigned], labels[assigned], k)


def _merge_identical(ids: Ints, centres: Floats, labels: Ints, mass: Floats) -> tuple[Ints, Floats, Ints]:
    """Clusters whose centres coincide become one, keeping the id of the heavier."""
    _, first, inverse = np.unique(centres, axis=0, return_index=True, return_inverse=True)
    if len(first) == len(ids):
        return ids, centres, labels
    inverse = inverse.ravel()
    heaviest = np.zeros(len(first), dtype=np.int64)
    for group in range(len(first)):
        members = np.flatnonzero(inverse == group)
        heaviest[group] = members[np.argmax(mass[members])]
    new_labels = np.where(labels >= 0, inverse[np.maximum(labels, 0)], -1)
    return ids[heaviest], centres[heaviest], new_labels


def silhouette(centres: Floats, labels: Ints, weights: Floats | None = None) -> float:
    """Mean silhouette of the points (Polis: base-cluster centres) under ``labels``; a point
    alone in its cluster scores 0. With ``weights`` the mean is weighted."""
    k = int(labels.max()) + 1 if len(labels) else 0
    if k < 2:
        return 0.0
    distance = np.hypot(*(centres[:, None, :] - centres[None, :, :]).transpose(2, 0, 1))
    onehot = np.zeros((len(labels), k))
    onehot[np.arange(len(labels)), labels] = 1.0
    sizes = onehot.sum(axis=0)
    sums = distance @ onehot
    own = sizes[labels] - 1
    within = np.divide(sums[np.arange(len(labels)), labels], own, out=np.zeros(len(labels)), where=own > 0)
    means = sums / np.where(sizes > 0, sizes, 1.0)
    means[np.arange(len(labels)), labels] = np.inf
    means[:, sizes == 0] = np.inf
    between = means.min(axis=1)
    denominator = np.maximum(within, between)
    scores = np.divide(between - within, denominator, out=np.zeros(len(labels)), where=denominator > 0)
    scores[own == 0] = 0.0
    return float(np.average(scores, weights=weights))
