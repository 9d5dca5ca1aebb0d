"""Principal components of the mean-imputed vote matrix, computed sparsely.

With column-mean imputation the centred matrix is exactly zero at every missing cell, so it has
the sparsity of the votes: the m × m scatter matrix XᵀX comes from one sparse product and its
eigendecomposition replaces Polis's power iteration (same components, to convergence).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse import linalg

from spaceforchange.analytics.opinion.matrix import Id, VoteMatrix, id_sort_key

Floats = NDArray[np.float64]
COMPONENTS = 2
# Above this many statements the eigenvectors come from Lanczos iterations instead of a dense
# eigendecomposition of the statements × statements scatter matrix.
DENSE_LIMIT = 300
# Krylov subspace size for a warm-started Lanczos run: the start vector already lies close to the
# wanted axes, so a small subspace converges in one or two restarts.
WARM_KRYLOV = 8
# ARPACK's relative residual tolerance; the axes then agree with a dense solver's to ~1e-13.
LANCZOS_TOLERANCE = 1e-12


@dataclass(frozen=True, eq=False)
class Projection:
    center: Floats
    """Column means (0 for moderated-out and unvoted statements), one per statement."""
    components: Floats
    """(2, statements) unit principal axes; zero rows where the data has fewer dimensions."""
    participants: Floats
    """(participants, 2) sparsity-scaled projections of every participant in the matrix."""
    statements: Floats
    """(statements, 2) projection of a virtual participant who agrees with that statement only."""
    extremity: Floats
    """Euclidean length of each statement projection."""


def project(matrix: VoteMatrix, previous_components: Mapping[Id, tuple[float, float]] | None = None) -> Projection:
    """PCA of the vote matrix as Polis computes it on its ``rating-mat``.

    Moderated-out statements are zeroed for every participant (so they count as a vote in the
    scaling, as in Polis); statements nobody voted on are left out. ``previous_components``
    (statement id → loadings) only fixes the sign of each axis so the map does not flip.
    """
    n_rows, n_columns = matrix.shape
    counts = matrix.statement_vote_counts
    voted = counts > 0
    moderated = matrix.statement_mask(matrix.moderated_out) & voted
    values = matrix.values.astype(np.float64)
    votes_per_row = np.diff(matrix.indptr)
    if moderated.any():
        zeroed = moderated[matrix.indices]
        values[zeroed] = 0.0
        # Votes on moderated-out statements, per row, from a running count over the stored votes.
        running = np.concatenate([[0], np.cumsum(zeroed)])
        votes_per_row = votes_per_row - (running[matrix.indptr[1:]] - running[matrix.indptr[:-1]])
    sums = np.bincount(matrix.indices, weights=values, minlength=n_columns)
    center = np.divide(sums, counts, out=np.zeros(n_columns), where=voted)
    # Zeroed votes sit in columns whose centre is 0, so they stay 0 once centred.
    values -= center[matrix.indices]
    centred = sparse.csr_matrix((values, matrix.indices, matrix.indptr), shape=matrix.shape)
    earlier = _earlier(matrix, previous_components)
    components = _components(centred, voted & ~moderated, min(n_rows, int(voted.sum())), earlier)
    components = _orient(components, matrix, earlier)
    n_voted = int(voted.sum())
    scale = np.sqrt(n_voted / np.maximum(votes_per_row + int(moderated.sum()), 1))
    # One product per axis: scipy's sparse × dense-block product is slower than two matrix-vector ones.
    participants = np.column_stack([centred @ axis for axis in components]) * scale[:, None]
    statements = (np.sqrt(n_voted) * (1.0 - center))[:, None] * components.T
    statements[~voted] = 0.0
    return Projection(
        center=center,
        components=components,
        participants=participants,
        statements=statements,
        extremity=np.hypot(statements[:, 0], statements[:, 1]),
    )


def _earlier(matrix: VoteMatrix, previous: Mapping[Id, tuple[float, float]] | None) -> Floats:
    """Last run's loadings aligned to this matrix's statements (0 where unknown)."""
    earlier = np.zeros((COMPONENTS, matrix.shape[1]))
    if previous:
        for position, statement in enumerate(matrix.statement_ids):
            if statement in previous:
                earlier[:, position] = previous[statement]
    return earlier


def _components(centred: sparse.csr_matrix, columns: NDArray[np.bool_], rank_cap: int, earlier: Floats) -> Floats:
    """Top two eigenvectors of XᵀX, restricted to the statements that carry variance (the other
    columns of X are all zero)."""
    n_columns = centred.shape[1]
    components = np.zeros((COMPONENTS, n_columns))
    positions = np.flatnonzero(columns)
    if len(positions) == 0 or rank_cap == 0:
        return components
    wanted = min(COMPONENTS, rank_cap, len(positions))
    if len(positions) <= DENSE_LIMIT:
        restricted = centred[:, positions].tocsr()
        gram = np.asarray((restricted.T @ restricted).toarray(), dtype=np.float64)
        eigenvalues, eigenvectors = _dense_top(gram, wanted)
    else:
        eigenvalues, eigenvectors = _lanczos_top(centred, wanted, columns, earlier.sum(axis=0))
        eigenvectors = eigenvectors[positions]
    largest = max(float(eigenvalues.max(initial=0.0)), 1.0)
    for rank in range(wanted):
        if eigenvalues[rank] > 1e-12 * largest:
            components[rank, positions] = eigenvectors[:, rank]
    return components


def _dense_top(gram: Floats, wanted: int) -> tuple[Floats, Floats]:
    values, vectors = np.linalg.eigh(gram)
    return values[::-1][:wanted], vectors[:, ::-1][:, :wanted]


def _lanczos_top(
    data: sparse.csr_matrix, wanted: int, columns: NDArray[np.bool_], warm: Floats
) -> tuple[Floats, Floats]:
    """Largest eigenpairs of XᵀX, largest first, by Lanczos on the operator v ↦ Xᵀ(Xv), which
    never forms XᵀX (Xᵀ is used as the column-compressed view of X, so nothing is transposed).
    Lanczos starts from last run's axes when there are any (``warm``: their sum), which needs
    about two thirds of the products of a cold start, else from a fixed vector, so the result is
    deterministic either way. Both start vectors are zero outside ``columns``, so the Krylov
    space, and the eigenvectors, stay on the statements that carry variance. ARPACK stops once
    each Ritz pair's residual ‖XᵀXv − θv‖ is at most 10⁻¹² θ (``LANCZOS_TOLERANCE``)."""
    n = data.shape[1]
    transposed = data.T
    operator = linalg.LinearOperator((n, n), matvec=lambda v: transposed @ (data @ v), dtype=np.float64)
    start = np.where(columns, warm, 0.0)
    if np.any(start):
        values, vectors = linalg.eigsh(operator, k=wanted, which="LA", v0=start, tol=LANCZOS_TOLERANCE, ncv=WARM_KRYLOV)
    else:
        start = np.where(columns, np.linspace(1.0, 2.0, n), 0.0)
        values, vectors = linalg.eigsh(operator, k=wanted, which="LA", v0=start, tol=LANCZOS_TOLERANCE)
    order = np.argsort(values)[::-1]
    return values[order], vectors[:, order]


def _orient(components: Floats, matrix: VoteMatrix, earlier: Floats) -> Floats:
    """Keep each axis pointing the way it did last run; on a first run make its loadings sum
    positive, or if they sum to zero its largest loading (Polis's own sign depends on a random
    start vector, so has no convention)."""
    oriented = components.copy()
    for axis in range(COMPONENTS):
        agreement = float(oriented[axis] @ earlier[axis])
        reference = agreement if abs(agreement) > 1e-9 else float(oriented[axis].sum())
        if abs(reference) <= 1e-9:
            reference = _leading_loading(oriented[axis], matrix)
        if reference < 0:
            oriented[axis] = -oriented[axis]
    return oriented


def _leading_loading(axis: Floats, matrix: VoteMatrix) -> float:
    """The largest loading, ties going to the smallest statement id (not to input order)."""
    magnitude = np.abs(axis)
    tied = np.flatnonzero(magnitude >= magnitude.max() - 1e-9)
    chosen = min(tied, key=lambda i: id_sort_key(matrix.statement_ids[i]))
    return float(axis[chosen])
