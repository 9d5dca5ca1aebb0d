"""Base clusters over participants, then opinion groups over the base clusters (Polis's two-level
clustering), with the choice of k by silhouette and labels kept stable between runs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from spaceforchange.analytics.opinion import kmeans
from spaceforchange.analytics.opinion.matrix import Id, id_sort_key
from spaceforchange.analytics.opinion.parameters import OpinionParameters
from spaceforchange.analytics.opinion.result import Clusters, KSmoother, OpinionState

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class Grouping:
    base: kmeans.Clustering
    """Base clusters of the participants in the analysis."""
    clusterings: dict[int, kmeans.Clustering]
    """k → clustering of the base clusters."""
    smoother: KSmoother
    group_of_base: Ints
    """Index of the chosen clustering's group for every base cluster."""


def previous_base_index(ids: tuple[Id, ...], previous: OpinionState | None) -> Ints:
    """For each participant, the index of their base cluster in ``previous.base_ids`` (−1 if
    they were in none)."""
    found = np.full(len(ids), -1, dtype=np.int64)
    if previous is None or not previous.base_ids:
        return found
    where = {identifier: position for position, identifier in enumerate(ids)}
    for cluster, members in enumerate(previous.base_members):
        found[[where[m] for m in members if m in where]] = cluster
    return found


def base_clusters(
    points: Floats, ids: tuple[Id, ...], earlier: Ints, previous: OpinionState | None, p: OpinionParameters
) -> kmeans.Clustering:
    """k-means with k = base_clusters over the participants' projections, warm-started from the
    previous run's base clusters (``earlier``: see previous_base_index) when there are any."""
    weights = np.ones(len(points))
    if previous is not None and previous.base_ids:
        start_ids, centres = kmeans.clean_start(
            points, weights, np.asarray(previous.base_ids, np.int64), earlier, p.base_clusters
        )
    else:
        centres = _cold_start(points, ids, p)
        start_ids = np.arange(len(centres), dtype=np.int64)
    return kmeans.lloyd(
        points, weights, start_ids, centres, iterations=p.base_iterations, tolerance=p.convergence_distance
    )


def _cold_start(points: Floats, ids: tuple[Id, ...], p: OpinionParameters) -> Floats:
    if p.base_init == "kmeans++":
        return kmeans.cold_start(points, p.base_clusters, np.random.default_rng(p.seed))
    # Polis takes the first distinct points in its row order, which is the order participants
    # arrived in; participant id order is the nearest order that does not depend on input order.
    order = sorted(range(len(ids)), key=lambda i: id_sort_key(ids[i]))
    return kmeans.first_distinct(points[order], p.base_clusters)


def _group_start(base: kmeans.Clustering, sizes: Floats, k: int, earlier: Clusters | None) -> tuple[Ints, Floats]:
    if earlier:
        position = {int(b): i for i, b in enumerate(base.ids)}
        labels = np.full(len(base.ids), -1, dtype=np.int64)
        for cluster, (_, members) in enumerate(earlier):
            labels[[position[m] for m in members if m in position]] = cluster
        ids = np.asarray([cluster_id for cluster_id, _ in earlier], dtype=np.int64)
        return kmeans.clean_start(base.centres, sizes, ids, labels, k)
    # Polis's init-clusters: the first k distinct base-cluster centres in id order.
    order = np.argsort(base.ids, kind="stable")
    _, first = np.unique(base.centres[order], axis=0, return_index=True)
    chosen = order[np.sort(first)][:k]
    return np.arange(len(chosen), dtype=np.int64), base.centres[chosen]


def group(base: kmeans.Clustering, previous: OpinionState | None, p: OpinionParameters) -> Grouping:
    """Weighted k-means of the base-cluster centres for k = min_groups … min(max_groups,
    2 + ⌊bases/12⌋); the k with the best silhouette on the base clusters wins, through the
    smoother."""
    sizes = np.bincount(base.labels, minlength=len(base.ids)).astype(np.float64)
    smoother = previous.k_smoother if previous is not None else KSmoother()
    if len(np.unique(base.centres, axis=0)) < 2:
        single = kmeans.Clustering(
            ids=np.array([0]), centres=base.centres[:1], labels=np.zeros(len(base.ids), np.int64)
        )
        return Grouping(base, {1: single}, smoother, single.labels)
    top = max(p.min_groups, min(p.max_groups, 2 + len(base.ids) // 12))
    clusterings: dict[int, kmeans.Clustering] = {}
    scores: dict[int, float] = {}
    for k in range(p.min_groups, top + 1):
        earlier = previous.group_clusterings.get(k) if previous is not None else None
        ids, centres = _group_start(base, sizes, k, earlier)
        clusterings[k] = kmeans.lloyd(
            base.centres, sizes, ids, centres, iterations=p.group_iterations, tolerance=p.convergence_distance
        )
        weights = sizes if p.silhouette_weighted else None
        scores[k] = kmeans.silhouette(base.centres, clusterings[k].labels, weights)
    # Polis's max-key returns the last of equal maxima, so ties go to the larger k.
    best = max(scores, key=lambda k: (scores[k], k))
    smoother = smoother.update(best, p.group_k_buffer)
    chosen = smoother.smoothed_k if smoother.smoothed_k in clusterings else best
    return Grouping(base, clusterings, smoother, clusterings[chosen].labels)


def stable_labels(
    group_of_participant: Ints, n_groups: int, previous_label: Ints, centres: Floats, sizes: Floats
) -> Ints:
    """Published label for each group index. Groups are matched to last run's labels by the
    largest member overlap (``previous_label``: each participant's last label, −1 if none);
    unmatched groups take the smallest free labels, larger groups first. On a first run labels
    follow group size (largest 0), ties broken by centre."""
    labels = np.full(n_groups, -1, dtype=np.int64)
    known = previous_label >= 0
    if known.any():
        old = int(previous_label[known].max()) + 1
        overlap = np.zeros((n_groups, old))
        np.add.at(overlap, (group_of_participant[known], previous_label[known]), 1.0)
        rows, columns = linear_sum_assignment(-overlap)
        for row, column in zip(rows, columns, strict=True):
            if overlap[row, column] > 0:
                labels[row] = column
    order = np.lexsort((centres[:, 1], centres[:, 0], -sizes))
    free = (label for label in range(n_groups + int(labels.max(initial=-1)) + 1) if label not in set(labels))
    for index in order:
        if labels[index] < 0:
            labels[index] = next(free)
    return labels


def build_state(
    found: Grouping, ids_in: tuple[Id, ...], published: Ints, components: dict[Id, tuple[float, float]]
) -> OpinionState:
    """The warm-start state: base clusters with their members, each k's clustering of them, the
    k smoother, and which base clusters make up each published group."""
    base = found.base
    members: list[list[Id]] = [[] for _ in base.ids]
    for position, cluster in enumerate(base.labels.tolist()):
        members[cluster].append(ids_in[position])
    label_of_base = np.zeros(len(base.ids), dtype=np.int64)
    label_of_base[base.labels] = published
    groups: dict[int, list[int]] = {}
    for position, label in enumerate(label_of_base.tolist()):
        groups.setdefault(label, []).append(int(base.ids[position]))
    return OpinionState(
        participants_in=ids_in,
        components=components,
        base_ids=tuple(int(i) for i in base.ids),
        base_centres=tuple((float(x), float(y)) for x, y in base.centres),
        base_members=tuple(tuple(m) for m in members),
        group_clusterings={
            k: tuple(
                (int(c.ids[g]), tuple(int(base.ids[b]) for b in np.flatnonzero(c.labels == g)))
                for g in range(len(c.ids))
            )
            for k, c in found.clusterings.items()
        },
        k_smoother=found.smoother,
        groups={label: tuple(bases) for label, bases in sorted(groups.items())},
    )
