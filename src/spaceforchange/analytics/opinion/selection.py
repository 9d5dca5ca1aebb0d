"""Polis's selection of representative statements per group and of consensus statements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from spaceforchange.analytics.opinion.matrix import Id
from spaceforchange.analytics.opinion.stats import Counts, GroupStatistics, proportion_test, smoothed


@dataclass(frozen=True)
class RepresentativeStatement:
    statement: Id
    direction: str
    """"agree" when the agree repness test beats the disagree one, else "disagree"."""
    n_agree: int
    n_disagree: int
    n_seen: int
    probability: float
    """Smoothed probability of the group voting ``direction``."""
    probability_test: float
    ratio: float
    """That probability divided by the same probability among the other groups."""
    ratio_test: float
    repness: float
    """Polis's sort metric: ratio · ratio_test · probability · probability_test."""
    best_agree: bool = False
    """Polis's "best agree" statement, put first for the group."""

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__}


@dataclass(frozen=True)
class ConsensusStatement:
    statement: Id
    probability: float
    test: float
    n_success: int = 0
    n_seen: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__}


@dataclass(frozen=True)
class Consensus:
    agree: list[ConsensusStatement]
    disagree: list[ConsensusStatement]

    def to_dict(self) -> dict[str, Any]:
        return {"agree": [s.to_dict() for s in self.agree], "disagree": [s.to_dict() for s in self.disagree]}


class _Row:
    """One group's figures for one statement, named as in Polis's repness.clj."""

    def __init__(self, stats: GroupStatistics, group: int, column: int) -> None:
        self.column = column
        self.na = float(stats.counts.agree[group, column])
        self.nd = float(stats.counts.disagree[group, column])
        self.ns = float(stats.counts.seen[group, column])
        self.pa, self.pd = float(stats.p_agree[group, column]), float(stats.p_disagree[group, column])
        self.pat, self.pdt = float(stats.p_agree_test[group, column]), float(stats.p_disagree_test[group, column])
        self.ra, self.rd = float(stats.r_agree[group, column]), float(stats.r_disagree[group, column])
        self.rat, self.rdt = float(stats.r_agree_test[group, column]), float(stats.r_disagree_test[group, column])

    def finalise(self, statement: Id, *, best_agree: bool = False) -> RepresentativeStatement:
        agree = self.rat > self.rdt
        p, pt, r, rt = (self.pa, self.pat, self.ra, self.rat) if agree else (self.pd, self.pdt, self.rd, self.rdt)
        return RepresentativeStatement(
            statement=statement,
            direction="agree" if agree else "disagree",
            n_agree=int(self.na),
            n_disagree=int(self.nd),
            n_seen=int(self.ns),
            probability=p,
            probability_test=pt,
            ratio=r,
            ratio_test=rt,
            repness=r * rt * p * pt,
            best_agree=best_agree,
        )


def _beats_best_agree(row: _Row, best: _Row | None, z: float) -> bool:
    if row.na == 0 and row.nd == 0:
        return False
    if best is not None and best.ra > 1.0:
        return row.ra * row.rat * row.pa * row.pat > best.ra * best.rat * best.pa * best.pat
    if best is not None:
        return row.pa * row.pat > best.pa * best.pat
    return row.pat > z or (row.ra > 1.0 and row.pa > 0.5)


def representative(
    stats: GroupStatistics,
    statement_ids: tuple[Id, ...],
    eligible: NDArray[np.bool_],
    *,
    z: float,
    count: int,
    rank: NDArray[np.int64],
) -> list[list[RepresentativeStatement]]:
    """Polis's ``select-rep-comments`` for every group. Polis scans statements in its matrix's
    column order; here they are scanned by ``rank`` (id order), which decides exact ties."""
    passes = ((stats.r_agree_test > z) & (stats.p_agree_test > z)) | (
        (stats.r_disagree_test > z) & (stats.p_disagree_test > z)
    )
    passes &= eligible[None, :]
    best_test = np.where(eligible[None, :], np.maximum(stats.r_agree_test, stats.r_disagree_test), -np.inf)
    scan = np.flatnonzero(eligible)
    scan = scan[np.argsort(rank[scan])]
    chosen: list[list[RepresentativeStatement]] = []
    for group in range(stats.p_agree.shape[0]):
        best_agree: _Row | None = None
        for column in scan:
            row = _Row(stats, group, int(column))
            if _beats_best_agree(row, best_agree, z):
                best_agree = row
        head = [best_agree.finalise(statement_ids[best_agree.column], best_agree=True)] if best_agree else []
        sufficient = [
            _Row(stats, group, int(c)).finalise(statement_ids[c])
            for c in scan[passes[group][scan]]
            if best_agree is None or c != best_agree.column
        ]
        if not passes[group].any():
            if not head and np.isfinite(best_test[group]).any():
                best = int(scan[np.argmax(best_test[group][scan])])
                head = [_Row(stats, group, best).finalise(statement_ids[best])]
            chosen.append(head)
            continue
        ranked = (head + sorted(sufficient, key=lambda s: -s.repness))[:count]
        chosen.append([s for s in ranked if s.direction == "agree"] + [s for s in ranked if s.direction != "agree"])
    return chosen


def consensus(
    counts: Counts,
    statement_ids: tuple[Id, ...],
    eligible: NDArray[np.bool_],
    *,
    z: float,
    count: int,
    floor: float,
    pseudocount: float,
    rank: NDArray[np.int64],
) -> Consensus:
    """Polis's ``select-consensus-comments`` over everyone who voted: statements whose smoothed
    agree (disagree) probability exceeds ``floor`` with a significant one-proportion test, ranked
    by probability × test."""
    agree, disagree, seen = (a.sum(axis=0) for a in (counts.agree, counts.disagree, counts.seen))

    def top(successes: NDArray[np.float64]) -> list[ConsensusStatement]:
        probability = smoothed(successes, seen, pseudocount)
        test = proportion_test(successes, seen)
        candidates = np.flatnonzero(eligible & (probability > floor) & (test > z))
        order = candidates[np.lexsort((rank[candidates], -(probability * test)[candidates]))][:count]
        return [
            ConsensusStatement(
                statement=statement_ids[c],
                probability=float(probability[c]),
                test=float(test[c]),
                n_success=int(successes[c]),
                n_seen=int(seen[c]),
            )
            for c in order
        ]

    return Consensus(agree=top(agree), disagree=top(disagree))
