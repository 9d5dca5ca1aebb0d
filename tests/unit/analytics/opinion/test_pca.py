"""The Lanczos path of the PCA with moderated-out and unvoted statements, against a dense solver."""

from __future__ import annotations

import numpy as np

from spaceforchange.analytics.opinion.matrix import Id, VoteMatrix
from spaceforchange.analytics.opinion.pca import DENSE_LIMIT, project


def test_lanczos_leaves_out_moderated_and_unvoted_statements_as_the_dense_solver_does() -> None:
    rng = np.random.default_rng(5)
    n, m = 400, DENSE_LIMIT + 60
    taste = rng.normal(size=(2, m))
    camp = rng.integers(0, 2, n)
    voted = rng.random((n, m)) < 0.4
    voted[:, :3] = False  # three statements nobody voted on
    values = np.where(rng.random((n, m)) < 1 / (1 + np.exp(-2 * taste[camp])), 1, -1)
    rows, columns = np.nonzero(voted)
    hidden = [3, 4, 10]
    matrix = VoteMatrix.from_arrays(
        participant_index=rows, statement_index=columns, values=values[rows, columns],
        participant_ids=list(range(n)), statement_ids=list(range(m)), moderated_out=hidden,
    )  # fmt: skip
    cold = project(matrix)
    kept = voted.copy()
    kept[:, hidden] = False
    raw = np.where(kept, values, 0).astype(float)
    mean = np.divide(raw.sum(axis=0), kept.sum(axis=0), out=np.zeros(m), where=kept.any(axis=0))
    centred = np.where(kept, raw - mean, 0.0)
    _, vectors = np.linalg.eigh(centred.T @ centred)
    for axis in range(2):
        assert abs(abs(cold.components[axis] @ vectors[:, -1 - axis]) - 1) < 1e-9
    assert not cold.components[:, [0, 1, 2, *hidden]].any()
    # A participant's scaling counts the moderated-out statements as votes, as Polis does.
    votes = kept.sum(axis=1) + len(hidden)
    expected = centred @ cold.components.T * np.sqrt((m - 3) / votes)[:, None]
    assert np.abs(cold.participants - expected).max() < 1e-9
    previous: dict[Id, tuple[float, float]] = {
        s: (float(x), float(y)) for s, (x, y) in enumerate(cold.components.T * 0.9 + 0.01)
    }
    warm = project(matrix, previous)
    assert np.abs(warm.components - cold.components).max() < 1e-9
    assert not warm.components[:, [0, 1, 2, *hidden]].any()
