"""Hypothesis properties: groups partition the participants in the analysis, and results do not
depend on participant or statement order, only on the seed."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from spaceforchange.analytics.opinion.agreement import adjusted_rand_index
from spaceforchange.analytics.opinion.matrix import Vote, VoteMatrix
from spaceforchange.analytics.opinion.parameters import OpinionParameters
from spaceforchange.analytics.opinion.pipeline import analyze
from spaceforchange.analytics.opinion.result import OpinionResult


@st.composite
def conversations(draw: st.DrawFn) -> VoteMatrix:
    n_people = draw(st.integers(5, 160))
    n_statements = draw(st.integers(2, 12))
    density = draw(st.floats(0.3, 1.0))
    seed = draw(st.integers(0, 10_000))
    rng = np.random.default_rng(seed)
    lean = rng.choice([-1, 1], size=(3, n_statements))
    camp = rng.integers(0, 3, n_people)
    voted = rng.random((n_people, n_statements)) < density
    noise = rng.random((n_people, n_statements)) < 0.15
    values = np.where(noise, rng.integers(-1, 2, (n_people, n_statements)), lean[camp])
    rows, columns = np.nonzero(voted)
    return VoteMatrix.from_arrays(
        participant_index=rows, statement_index=columns, values=values[rows, columns],
        participant_ids=[f"p{i}" for i in range(n_people)], statement_ids=list(range(n_statements)),
    )  # fmt: skip


def _permuted(matrix: VoteMatrix, rng: np.random.Generator) -> VoteMatrix:
    people = rng.permutation(matrix.shape[0])
    statements = rng.permutation(matrix.shape[1])
    rows = matrix.row_positions()
    return VoteMatrix.from_arrays(
        participant_index=np.argsort(people)[rows],
        statement_index=np.argsort(statements)[matrix.indices],
        values=matrix.values,
        participant_ids=[matrix.participant_ids[i] for i in people],
        statement_ids=[matrix.statement_ids[i] for i in statements],
    )


def _principal_plane_is_unique(matrix: VoteMatrix) -> bool:
    """Whether the second and third eigenvalues of the imputed, centred votes differ. When they tie,
    the second principal axis is any direction of a plane: no answer is free of input order (Polis's
    power iteration also picks one by its start vector), so order invariance cannot be asked there."""
    dense = np.full(matrix.shape, np.nan)
    for row in range(matrix.shape[0]):
        cells = slice(matrix.indptr[row], matrix.indptr[row + 1])
        dense[row, matrix.indices[cells]] = matrix.values[cells]
    hidden = [column for column, pk in enumerate(matrix.statement_ids) if pk in matrix.moderated_out]
    dense[:, hidden] = 0.0
    means = np.nan_to_num(np.nanmean(np.where(np.isnan(dense).all(axis=0), 0.0, dense), axis=0))
    centred = np.where(np.isnan(dense), 0.0, dense - means)
    eigenvalues = np.sort(np.linalg.eigvalsh(centred.T @ centred))[::-1]
    return len(eigenvalues) < 3 or eigenvalues[1] - eigenvalues[2] > 1e-9 * max(1.0, eigenvalues[0])


def _consensus_sets(result: OpinionResult) -> tuple[set[object], set[object]]:
    return {c.statement for c in result.consensus.agree}, {c.statement for c in result.consensus.disagree}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conversations())
def test_groups_partition_the_participants_in_the_analysis(matrix: VoteMatrix) -> None:
    result = analyze(matrix)
    assert set(result.groups) == set(result.participants_in)
    assert sum(result.group_sizes.values()) == len(result.participants_in)
    assert sorted(set(result.groups.values())) == sorted(result.group_sizes)
    assert result.coordinates.shape == (len(result.participants_in), 2)
    assert 0.0 <= result.division <= 1.0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conversations(), st.integers(0, 1000))
def test_invariant_to_participant_and_statement_order(matrix: VoteMatrix, shuffle: int) -> None:
    assume(_principal_plane_is_unique(matrix))
    original = analyze(matrix)
    shuffled = analyze(_permuted(matrix, np.random.default_rng(shuffle)))
    assert set(shuffled.participants_in) == set(original.participants_in)
    people = sorted(original.participants_in, key=str)
    assert adjusted_rand_index([original.groups[p] for p in people], [shuffled.groups[p] for p in people]) == 1.0
    assert _consensus_sets(shuffled) == _consensus_sets(original)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conversations(), st.integers(0, 2**31 - 1))
def test_deterministic_per_seed(matrix: VoteMatrix, seed: int) -> None:
    parameters = OpinionParameters(seed=seed)
    assert analyze(matrix, parameters).to_dict() == analyze(matrix, parameters).to_dict()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 4), st.sampled_from([-1, 0, 1]), st.integers(0, 3)), max_size=60
    )
)
def test_last_vote_wins(raw: list[tuple[int, int, int, int]]) -> None:
    expected: dict[tuple[int, int], tuple[int, int, int]] = {}
    for position, (person, statement, value, at) in enumerate(raw):
        if (person, statement) not in expected or (at, position) >= expected[(person, statement)][1:]:
            expected[(person, statement)] = (value, at, position)
    matrix = VoteMatrix.from_votes([Vote(p, s, v, at=float(t)) for p, s, v, t in raw])
    rows = matrix.row_positions()
    found = {
        (matrix.participant_ids[r], matrix.statement_ids[c]): int(v)
        for r, c, v in zip(rows, matrix.indices, matrix.values, strict=True)
    }
    assert found == {cell: value for cell, (value, _, _) in expected.items()}
