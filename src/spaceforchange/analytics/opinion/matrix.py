"""The participant × statement vote matrix, stored sparsely (compressed rows).

Only the last vote per participant and statement is kept. Moderated-out statements stay in the
matrix with their raw votes (group-aware consensus and priorities count them, as Polis does); the
analysis zeroes them where Polis does.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

AGREE = 1
DISAGREE = -1

Id = Hashable


class Vote(NamedTuple):
    participant: int | str
    statement: int | str
    value: int
    """1 agree, −1 disagree, 0 pass."""
    at: float = 0.0
    """When the vote was cast; of two votes on the same cell the later one wins."""


def id_sort_key(identifier: Id) -> tuple[str, str]:
    """A total order on mixed int/str ids, used wherever a tie must not depend on input order."""
    return type(identifier).__name__, f"{identifier!s:>40}"


def _plain(identifier: Id) -> Id:
    """numpy scalars become Python ints/strs, so ids stay hashable-equal and JSON-able."""
    return identifier.item() if isinstance(identifier, np.generic) else identifier


def _index(ids: Sequence[Id], what: str) -> dict[Id, int]:
    positions = {identifier: position for position, identifier in enumerate(ids)}
    if len(positions) != len(ids):
        raise ValueError(f"{what} ids must be unique")
    return positions


@dataclass(frozen=True, eq=False)
class VoteMatrix:
    """Votes as compressed sparse rows: row i holds ``indices[indptr[i]:indptr[i+1]]`` (statement
    positions, ascending) and the matching ``values`` (int8: 1, −1, 0)."""

    participant_ids: tuple[Id, ...]
    statement_ids: tuple[Id, ...]
    indptr: NDArray[np.int64]
    indices: NDArray[np.int32]
    values: NDArray[np.int8]
    moderated_out: frozenset[Id] = frozenset()
    meta: frozenset[Id] = field(default=frozenset())

    @classmethod
    def from_votes(
        cls,
        votes: Iterable[Vote],
        *,
        statement_ids: Sequence[Id] | None = None,
        moderated_out: Collection[Id] = (),
        meta: Collection[Id] = (),
    ) -> VoteMatrix:
        """Build from votes in any order; the last vote by ``at`` (then by input order) wins.

        Statements listed in ``statement_ids`` keep that order; statements voted on but not listed
        are appended in order of first appearance. Participants keep order of first appearance.
        """
        vote_list = list(votes)
        participants: dict[Id, int] = {}
        statements: dict[Id, int] = dict(_index(list(statement_ids or ()), "statement"))
        participant_index = np.empty(len(vote_list), dtype=np.int64)
        statement_index = np.empty(len(vote_list), dtype=np.int64)
        values = np.empty(len(vote_list), dtype=np.int64)
        at = np.empty(len(vote_list), dtype=np.float64)
        for position, vote in enumerate(vote_list):
            participant_index[position] = participants.setdefault(vote.participant, len(participants))
            statement_index[position] = statements.setdefault(vote.statement, len(statements))
            values[position] = vote.value
            at[position] = vote.at
        order = np.argsort(at, kind="stable")
        return cls.from_arrays(
            participant_index=participant_index[order],
            statement_index=statement_index[order],
            values=values[order],
            participant_ids=list(participants),
            statement_ids=list(statements),
            moderated_out=moderated_out,
            meta=meta,
        )

    @classmethod
    def from_arrays(
        cls,
        *,
        participant_index: NDArray[np.integer],
        statement_index: NDArray[np.integer],
        values: NDArray[np.integer],
        participant_ids: Sequence[Id],
        statement_ids: Sequence[Id],
        moderated_out: Collection[Id] = (),
        meta: Collection[Id] = (),
    ) -> VoteMatrix:
        """Build from parallel arrays of positions into the id sequences; where a cell repeats,
        the later entry in array order wins."""
        rows = np.asarray(participant_index, dtype=np.int64)
        columns = np.asarray(statement_index, dtype=np.int64)
        vote_values = np.asarray(values)
        n_rows, n_columns = len(participant_ids), len(statement_ids)
        _check_arrays(rows, columns, vote_values, n_rows, n_columns)
        _index(participant_ids, "participant")
        _index(statement_ids, "statement")
        kept = _last_per_cell(rows * max(n_columns, 1) + columns)
        counts = np.bincount(rows[kept], minlength=n_rows)
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return cls(
            participant_ids=tuple(_plain(i) for i in participant_ids),
            statement_ids=tuple(_plain(i) for i in statement_ids),
            indptr=indptr,
            indices=columns[kept].astype(np.int32),
            values=vote_values[kept].astype(np.int8),
            moderated_out=_known(moderated_out, statement_ids),
            meta=_known(meta, statement_ids),
        )

    def with_votes(
        self,
        *,
        participant_index: NDArray[np.integer],
        statement_index: NDArray[np.integer],
        values: NDArray[np.integer],
        new_participant_ids: Sequence[Id] = (),
        new_statement_ids: Sequence[Id] = (),
        moderated_out: Collection[Id] | None = None,
        meta: Collection[Id] | None = None,
    ) -> VoteMatrix:
        """This matrix with more votes merged in, for an update after a few votes.

        Positions index this matrix's ids followed by ``new_participant_ids`` / ``new_statement_ids``
        (appended in that order). A vote replaces the stored vote on its cell; among the new votes
        the later in array order wins, as in :meth:`from_arrays`. ``moderated_out`` and ``meta``
        replace this matrix's when given. The result equals :meth:`from_arrays` on all the votes
        with the new ones last, at the cost of a copy of the stored arrays (no sort of them): each
        new vote finds its place by bisection within its participant's row.
        """
        participant_ids = self.participant_ids + tuple(_plain(i) for i in new_participant_ids)
        statement_ids = self.statement_ids + tuple(_plain(i) for i in new_statement_ids)
        rows = np.asarray(participant_index, dtype=np.int64)
        columns = np.asarray(statement_index, dtype=np.int64)
        vote_values = np.asarray(values)
        _check_arrays(rows, columns, vote_values, len(participant_ids), len(statement_ids))
        if new_participant_ids:
            _index(participant_ids, "participant")
        if new_statement_ids:
            _index(statement_ids, "statement")
        kept = _last_per_cell(rows * max(len(statement_ids), 1) + columns)
        indptr, indices, stored = _merge(self, rows[kept], columns[kept], vote_values[kept], len(participant_ids))
        return VoteMatrix(
            participant_ids=participant_ids,
            statement_ids=statement_ids,
            indptr=indptr,
            indices=indices,
            values=stored,
            moderated_out=self.moderated_out if moderated_out is None else _known(moderated_out, statement_ids),
            meta=self.meta if meta is None else _known(meta, statement_ids),
        )

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.participant_ids), len(self.statement_ids)

    @property
    def vote_count(self) -> int:
        return int(self.indptr[-1])

    @cached_property
    def statement_vote_counts(self) -> NDArray[np.int64]:
        """Votes stored per statement (read-only; computed once, as several steps need it)."""
        counts = np.bincount(self.indices, minlength=self.shape[1]).astype(np.int64)
        counts.flags.writeable = False
        return counts

    def row_positions(self) -> NDArray[np.int64]:
        """The participant position of every stored vote."""
        return np.repeat(np.arange(self.shape[0], dtype=np.int64), np.diff(self.indptr))

    def statement_rank(self) -> NDArray[np.int64]:
        """Each statement's rank in id order; ties between statements are broken by it so that
        results do not depend on the order statements were supplied in."""
        order = sorted(range(len(self.statement_ids)), key=lambda i: id_sort_key(self.statement_ids[i]))
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        return rank

    def statement_mask(self, ids: Collection[Id]) -> NDArray[np.bool_]:
        wanted = set(ids)
        return np.fromiter((identifier in wanted for identifier in self.statement_ids), bool, len(self.statement_ids))

    def participant_positions(self, ids: Iterable[Id]) -> NDArray[np.int64]:
        """Positions of the given participant ids, ignoring ids not in the matrix."""
        index = {identifier: position for position, identifier in enumerate(self.participant_ids)}
        return np.fromiter((index[i] for i in ids if i in index), np.int64)


def _known(ids: Collection[Id], statement_ids: Sequence[Id]) -> frozenset[Id]:
    return frozenset(_plain(i) for i in ids) & frozenset(_plain(i) for i in statement_ids)


def _merge(
    matrix: VoteMatrix, rows: NDArray[np.int64], columns: NDArray[np.int64], values: NDArray[np.generic], n_rows: int
) -> tuple[NDArray[np.int64], NDArray[np.int32], NDArray[np.int8]]:
    """Stored arrays with de-duplicated new votes (sorted by row, then column) merged in: votes on
    a stored cell overwrite it, the others are inserted at their place in the row."""
    old_rows = matrix.shape[0]
    ends = np.concatenate([matrix.indptr, np.full(n_rows - old_rows, matrix.indptr[-1], dtype=np.int64)])
    low, high = ends[rows], ends[rows + 1]
    # Bisection in every new vote's row at once: ⌈log2(longest row)⌉ + 1 vectorised steps.
    steps = int(np.diff(matrix.indptr).max(initial=0)).bit_length() + 1 if matrix.vote_count else 0
    for _ in range(steps):
        middle = (low + high) // 2
        before = (middle < high) & (matrix.indices[np.minimum(middle, matrix.vote_count - 1)] < columns)
        low, high = np.where(before, middle + 1, low), np.where(before, high, middle)
    stored = low < ends[rows + 1]
    stored[stored] = matrix.indices[low[stored]] == columns[stored]
    merged_values = matrix.values.copy()
    merged_values[low[stored]] = values[stored]
    added = ~stored
    indices = np.insert(matrix.indices, low[added], columns[added].astype(np.int32))
    merged_values = np.insert(merged_values, low[added], values[added].astype(np.int8))
    indptr = ends + np.concatenate([[0], np.cumsum(np.bincount(rows[added], minlength=n_rows))])
    return indptr, indices, merged_values


def _last_per_cell(key: NDArray[np.int64]) -> NDArray[np.int64]:
    """Positions of the last entry for each cell key, in key order. Votes read in (participant,
    statement) order without repeats, the common case, skip the sort."""
    if len(key) < 2 or bool((key[1:] > key[:-1]).all()):
        return np.arange(len(key), dtype=np.int64)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    last = np.ones(len(sorted_key), dtype=bool)
    last[:-1] = sorted_key[1:] != sorted_key[:-1]
    return np.asarray(order[last], dtype=np.int64)


def _check_arrays(
    rows: NDArray[np.int64], columns: NDArray[np.int64], values: NDArray[np.generic], n_rows: int, n_columns: int
) -> None:
    if not len(rows) == len(columns) == len(values):
        raise ValueError("participant_index, statement_index and values must have the same length")
    if len(rows) and (rows.min() < 0 or rows.max() >= n_rows or columns.min() < 0 or columns.max() >= n_columns):
        raise ValueError("an index points outside participant_ids or statement_ids")
    whole = values.dtype.kind in "iub" or bool((values == np.trunc(values)).all())
    if len(values) and not (whole and values.min() >= DISAGREE and values.max() <= AGREE):
        raise ValueError("vote values must be 1 (agree), -1 (disagree) or 0 (pass)")
