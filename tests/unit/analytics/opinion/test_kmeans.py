from __future__ import annotations

import numpy as np
import pytest

from spaceforchange.analytics.opinion import kmeans
from spaceforchange.analytics.opinion.matrix import VoteMatrix
from spaceforchange.analytics.opinion.pca import DENSE_LIMIT, project


def _naive_lloyd(points: np.ndarray, centres: np.ndarray, iterations: int, tolerance: float) -> np.ndarray:
    for _ in range(iterations):
        labels = np.argmin(((points[:, None, :] - centres[None]) ** 2).sum(axis=2), axis=1)
        updated = np.vstack([points[labels == c].mean(axis=0) for c in range(len(centres)) if (labels == c).any()])
        if len(updated) == len(centres) and np.hypot(*(updated - centres).T).max() < tolerance:
            return labels
        centres = updated
    return labels


def test_bounded_lloyd_assigns_exactly_as_plain_lloyd() -> None:
    rng = np.random.default_rng(4)
    points = np.vstack([rng.normal(loc, 0.7, (400, 2)) for loc in ((0, 0), (3, 1), (-2, 4))])
    start = points[:12].copy()
    ours = kmeans.lloyd(points, np.ones(len(points)), np.arange(12), start, iterations=100, tolerance=1e-6)
    expected = _naive_lloyd(points, start, 100, 1e-6)
    assert kmeans.silhouette(points[:300], ours.labels[:300]) == pytest.approx(
        kmeans.silhouette(points[:300], expected[:300])
    )
    assert (ours.labels == expected).all()


def test_weighted_centres_and_dropped_empty_clusters() -> None:
    points = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 0.0]])
    weights = np.array([3.0, 1.0, 1.0])
    result = kmeans.lloyd(points, weights, np.array([7, 8, 9]), np.array([[1.0, 0.0], [10.0, 0.0], [50.0, 0.0]]),
                          iterations=10, tolerance=0.01)  # fmt: skip
    assert result.ids.tolist() == [7, 8]
    assert result.centres[0] == pytest.approx([0.5, 0.0])
    assert result.labels.tolist() == [0, 0, 1]


def test_clean_start_splits_off_the_most_distant_point() -> None:
    points = np.array([[0.0, 0.0], [0.2, 0.0], [5.0, 0.0], [9.0, 0.0]])
    ids, centres = kmeans.clean_start(points, np.ones(4), np.array([4]), np.array([0, 0, 0, -1]), k=2)
    assert ids.tolist() == [4, 5]
    assert centres[1] == pytest.approx([9.0, 0.0])
    assert centres[0] == pytest.approx([5.2 / 3, 0.0])


def test_clean_start_merges_identical_clusters_and_survives_empty_ones() -> None:
    points = np.array([[1.0, 1.0], [1.0, 1.0], [3.0, 3.0]])
    ids, centres = kmeans.clean_start(points, np.array([1.0, 2.0, 1.0]), np.array([0, 1, 2]), np.array([0, 1, -1]), k=2)
    # 0 and 1 coincide (1 is heavier and keeps its id), 2 is empty; the far point becomes id 2.
    assert ids.tolist() == [1, 2]
    assert centres.tolist() == [[1.0, 1.0], [3.0, 3.0]]
    ids, _ = kmeans.clean_start(points, np.ones(3), np.array([5]), np.array([-1, -1, -1]), k=1)
    assert ids.tolist() == [6]


def test_silhouette_by_hand() -> None:
    centres = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 0.0]])
    labels = np.array([0, 0, 1])
    # a = 1 for both members of cluster 0; b = 5 and 4; the singleton scores 0.
    expected = ((5 - 1) / 5 + (4 - 1) / 4 + 0) / 3
    assert kmeans.silhouette(centres, labels) == pytest.approx(expected)
    assert kmeans.silhouette(centres, labels, np.array([2.0, 1.0, 1.0])) == pytest.approx((2 * 0.8 + 0.75) / 4)


def test_first_distinct_keeps_order() -> None:
    points = np.array([[2.0, 2.0], [2.0, 2.0], [1.0, 1.0], [3.0, 3.0]])
    assert kmeans.first_distinct(points, 2).tolist() == [[2.0, 2.0], [1.0, 1.0]]


def test_lanczos_path_matches_a_dense_eigendecomposition_cold_and_warm() -> None:
    rng = np.random.default_rng(2)
    n, m = 500, DENSE_LIMIT + 40
    taste = rng.normal(size=(2, m))
    camp = rng.integers(0, 2, n)
    voted = rng.random((n, m)) < 0.3
    values = np.where(rng.random((n, m)) < 1 / (1 + np.exp(-2 * taste[camp])), 1, -1)
    rows, columns = np.nonzero(voted)
    matrix = VoteMatrix.from_arrays(
        participant_index=rows, statement_index=columns, values=values[rows, columns],
        participant_ids=list(range(n)), statement_ids=list(range(m)),
    )  # fmt: skip
    cold = project(matrix)
    warm = project(matrix, {s: (float(x), float(y)) for s, (x, y) in enumerate(cold.components.T + 0.01)})
    raw = np.where(voted, values, 0).astype(float)
    centred = np.where(voted, raw - raw.sum(axis=0) / voted.sum(axis=0), 0.0)
    _, vectors = np.linalg.eigh(centred.T @ centred)
    for axis in range(2):
        assert abs(abs(cold.components[axis] @ vectors[:, -1 - axis]) - 1) < 1e-9
        assert np.abs(warm.components[axis] - cold.components[axis]).max() < 1e-9
