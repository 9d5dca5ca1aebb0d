from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spaceforchange.analytics.opinion.matrix import Vote, VoteMatrix


def _cell(matrix: VoteMatrix, participant: object, statement: object) -> int | None:
    row = matrix.participant_ids.index(participant)
    column = matrix.statement_ids.index(statement)
    span = slice(matrix.indptr[row], matrix.indptr[row + 1])
    hits = np.flatnonzero(matrix.indices[span] == column)
    return int(matrix.values[span][hits[0]]) if len(hits) else None


def test_the_latest_vote_wins_whatever_the_input_order() -> None:
    matrix = VoteMatrix.from_votes([Vote("a", 1, -1, at=5.0), Vote("a", 1, 1, at=2.0), Vote("a", 2, 0, at=1.0)])
    assert _cell(matrix, "a", 1) == -1
    assert _cell(matrix, "a", 2) == 0
    assert matrix.vote_count == 2


def test_equal_times_fall_back_to_input_order() -> None:
    matrix = VoteMatrix.from_votes([Vote("a", 1, 1), Vote("a", 1, -1), Vote("b", 1, 0)])
    assert _cell(matrix, "a", 1) == -1
    assert _cell(matrix, "b", 1) == 0


def test_from_arrays_keeps_the_last_duplicate_and_the_given_ids() -> None:
    matrix = VoteMatrix.from_arrays(
        participant_index=np.array([0, 1, 0]),
        statement_index=np.array([2, 0, 2]),
        values=np.array([1, -1, 0]),
        participant_ids=[10, 11],
        statement_ids=["x", "y", "z"],
        moderated_out=["y", "unknown"],
    )
    assert matrix.shape == (2, 3)
    assert _cell(matrix, 10, "z") == 0
    assert _cell(matrix, 11, "x") == -1
    assert matrix.moderated_out == frozenset({"y"})


def test_listed_statements_keep_their_order_and_unlisted_ones_follow() -> None:
    matrix = VoteMatrix.from_votes([Vote("a", "late", 1), Vote("a", "b", 1)], statement_ids=["b", "c"])
    assert matrix.statement_ids == ("b", "c", "late")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": np.array([2])}, "vote values"),
        ({"participant_index": np.array([3])}, "outside"),
        ({"statement_index": np.array([0, 0])}, "same length"),
    ],
)
def test_bad_arrays_are_rejected(kwargs: dict[str, np.ndarray], message: str) -> None:
    arguments = {
        "participant_index": np.array([0]),
        "statement_index": np.array([0]),
        "values": np.array([1]),
        "participant_ids": [1],
        "statement_ids": [1],
        **kwargs,
    }
    with pytest.raises(ValueError, match=message):
        VoteMatrix.from_arrays(**arguments)  # type: ignore[arg-type]


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(ValueError, match="unique"):
        VoteMatrix.from_arrays(
            participant_index=np.array([0]), statement_index=np.array([0]), values=np.array([1]),
            participant_ids=[1, 1], statement_ids=[1],
        )  # fmt: skip


def test_numpy_ids_become_plain_python_values() -> None:
    matrix = VoteMatrix.from_arrays(
        participant_index=np.array([0]), statement_index=np.array([0]), values=np.array([1]),
        participant_ids=np.array([42]), statement_ids=np.array([7]), moderated_out=np.array([7]),
    )  # fmt: skip
    assert type(matrix.participant_ids[0]) is int and type(matrix.statement_ids[0]) is int
    assert matrix.moderated_out == frozenset({7})


def _same(first: VoteMatrix, second: VoteMatrix) -> bool:
    return (
        first.participant_ids == second.participant_ids
        and first.statement_ids == second.statement_ids
        and all(np.array_equal(getattr(first, a), getattr(second, a)) for a in ("indptr", "indices", "values"))
        and first.indices.dtype == second.indices.dtype
        and first.values.dtype == second.values.dtype
    )


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_with_votes_equals_a_rebuild_from_all_the_votes(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_rows, n_columns, new_rows, new_columns = (int(x) for x in rng.integers(0, 7, 4))
    n_rows, n_columns = n_rows + 1, n_columns + 1
    old = [rng.integers(0, n_rows, 25), rng.integers(0, n_columns, 25), rng.integers(-1, 2, 25)]
    new = [
        rng.integers(0, n_rows + new_rows, 12),
        rng.integers(0, n_columns + new_columns, 12),
        rng.integers(-1, 2, 12),
    ]
    people = list(range(n_rows)) + [f"new{i}" for i in range(new_rows)]
    statements = list(range(n_columns)) + [f"s{i}" for i in range(new_columns)]
    base = VoteMatrix.from_arrays(
        participant_index=old[0], statement_index=old[1], values=old[2],
        participant_ids=people[:n_rows], statement_ids=statements[:n_columns], moderated_out=[0],
    )  # fmt: skip
    merged = base.with_votes(
        participant_index=new[0], statement_index=new[1], values=new[2],
        new_participant_ids=people[n_rows:], new_statement_ids=statements[n_columns:],
    )  # fmt: skip
    rebuilt = VoteMatrix.from_arrays(
        participant_index=np.concatenate([old[0], new[0]]), statement_index=np.concatenate([old[1], new[1]]),
        values=np.concatenate([old[2], new[2]]), participant_ids=people, statement_ids=statements,
    )  # fmt: skip
    assert _same(merged, rebuilt)
    assert merged.moderated_out == frozenset({0})
    assert merged.statement_vote_counts.tolist() == np.bincount(rebuilt.indices, minlength=len(statements)).tolist()


def test_with_votes_overwrites_a_cell_and_can_replace_the_moderation() -> None:
    base = VoteMatrix.from_votes([Vote("a", 1, 1), Vote("a", 3, 1), Vote("b", 2, -1)], statement_ids=[1, 2, 3])
    merged = base.with_votes(
        participant_index=np.array([0, 0, 0, 2]), statement_index=np.array([0, 1, 1, 3]),
        values=np.array([-1, 1, 0, 1]), new_participant_ids=["c"], new_statement_ids=[4], moderated_out=[2],
    )  # fmt: skip
    assert _cell(merged, "a", 1) == -1 and _cell(merged, "a", 2) == 0 and _cell(merged, "a", 3) == 1
    assert _cell(merged, "c", 4) == 1 and _cell(merged, "b", 2) == -1
    assert merged.vote_count == 5 and merged.moderated_out == frozenset({2})
    assert _cell(base, "a", 1) == 1 and base.vote_count == 3  # the original is left as it was
    empty = VoteMatrix.from_votes([], statement_ids=[1])
    first = empty.with_votes(
        participant_index=np.array([0]), statement_index=np.array([0]), values=np.array([1]), new_participant_ids=["x"]
    )
    assert _cell(first, "x", 1) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"new_participant_ids": ["a"]}, "unique"),
        ({"new_statement_ids": [1]}, "unique"),
        ({"participant_index": np.array([5])}, "outside"),
        ({"values": np.array([3])}, "vote values"),
    ],
)
def test_with_votes_rejects_bad_input(kwargs: dict[str, object], message: str) -> None:
    base = VoteMatrix.from_votes([Vote("a", 1, 1)])
    arguments: dict[str, object] = {
        "participant_index": np.array([0]),
        "statement_index": np.array([0]),
        "values": np.array([1]),
        **kwargs,
    }
    with pytest.raises(ValueError, match=message):
        base.with_votes(**arguments)  # type: ignore[arg-type]
