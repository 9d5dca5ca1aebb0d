"""One pass over the answers: the per-group weighted sums every published figure derives from.

Answers are read in blocks of rows small enough to stay in the processor cache. Each block's
per-respondent features (answered, centred value, its square, favourable, unfavourable, the same for
dimension scores, and the complete-case terms of Cronbach's alpha) are added into their groups by
products with a sparse groups × respondents matrix that holds the weights: one addition per
feature and respondent, and no sorting by group.

Values are centred on the scale's midpoint, so flipping a reverse-worded statement is a change of
sign and sums of squares lose little precision to cancellation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

Floats = NDArray[np.float64]
Indices = NDArray[np.intp]

BLOCK_ROWS = 4096
BLAS_ROWS = 1024
MIN_ALPHA_STATEMENTS = 3


@dataclass(frozen=True)
class Layout:
    """The instrument and the cut-offs in array form, on the centred scale."""

    midpoint: float
    sign: Floats  # -1 for reverse-worded statements
    membership: Floats  # statements × dimensions, 1 where the statement belongs to the dimension
    sizes: Indices  # statements per dimension
    alpha_dimensions: Indices  # dimensions with enough statements for Cronbach's alpha
    alpha_statements: Indices  # the statements of those dimensions, in statement order
    alpha_slot: Indices  # for each alpha statement, its dimension's position in alpha_dimensions
    favourable_cut: float
    unfavourable_cut: float

    @property
    def every_statement_in_alpha(self) -> bool:
        return len(self.alpha_statements) == len(self.sign)

    @classmethod
    def build(
        cls,
        *,
        dimension_of: Sequence[int],
        reverse: Sequence[bool],
        scale: tuple[float, float],
        favourable_min: float,
        unfavourable_max: float,
    ) -> Layout:
        midpoint = (scale[0] + scale[1]) / 2
        dimension_index = np.asarray(dimension_of, dtype=np.intp)
        dimensions = int(dimension_index.max()) + 1
        membership = np.zeros((len(dimension_index), dimensions))
        membership[np.arange(len(dimension_index)), dimension_index] = 1.0
        sizes = np.bincount(dimension_index, minlength=dimensions).astype(np.intp)
        alpha_dimensions = np.flatnonzero(sizes >= MIN_ALPHA_STATEMENTS).astype(np.intp)
        slot_of_dimension = np.full(dimensions, -1, dtype=np.intp)
        slot_of_dimension[alpha_dimensions] = np.arange(len(alpha_dimensions))
        alpha_statements = np.flatnonzero(slot_of_dimension[dimension_index] >= 0).astype(np.intp)
        return cls(
            midpoint=midpoint,
            sign=np.where(np.asarray(reverse, dtype=bool), -1.0, 1.0),
            membership=membership,
            sizes=sizes,
            alpha_dimensions=alpha_dimensions,
            alpha_statements=alpha_statements,
            alpha_slot=slot_of_dimension[dimension_index[alpha_statements]],
            favourable_cut=favourable_min - midpoint,
            unfavourable_cut=unfavourable_max - midpoint,
        )


@dataclass(frozen=True)
class Moments:
    """Per group (rows) and statement or dimension (columns), over respondents with a valid value."""

    count: Floats  # respondents
    weight: Floats  # Σw
    weight_squared: Floats  # Σw², for Kish's effective sample size
    total: Floats  # Σw·y, y centred and flipped
    total_squared: Floats  # Σw·y²
    favourable: Floats  # Σw over favourable values
    unfavourable: Floats  # Σw over unfavourable values


@dataclass(frozen=True)
class AlphaSums:
    """Per group, over respondents who answered every statement of an alpha dimension."""

    count: Floats  # groups × alpha dimensions
    weight: Floats  # groups × alpha dimensions
    item_total: Floats  # groups × alpha statements: Σw·y
    item_total_squared: Floats  # groups × alpha statements: Σw·y²
    score_total: Floats  # groups × alpha dimensions: Σw·t, t the sum of the dimension's values
    score_total_squared: Floats  # groups × alpha dimensions: Σw·t²


@dataclass(frozen=True)
class GroupSums:
    respondents: Floats  # per group, respondents with at least one valid answer
    items: Moments
    dimensions: Moments
    alpha: AlphaSums


@dataclass(frozen=True)
class _Block:
    """One block's features, respondents × columns, each C-contiguous as the sparse product needs."""

    counted: dict[str, Floats]  # summed as count, Σw and Σw²
    weighted: dict[str, Floats]  # summed as Σw·feature


def accumulate(
    answers: NDArray[np.floating] | NDArray[np.integer],
    *,
    weights: Floats | None,
    codes: Indices,
    groups: int,
    layout: Layout,
) -> GroupSums:
    """Sum every feature per group; ``answers`` are already checked to lie on the scale or be NaN.

    Without weights the count, Σw and Σw² of an indicator are equal and computed once.
    """
    copies = 1 if weights is None else 3
    empty = _block_features(np.empty((0, len(layout.sign))), layout)
    counted = {name: np.zeros((copies * groups, f.shape[1])) for name, f in empty.counted.items()}
    weighted = {name: np.zeros((groups, f.shape[1])) for name, f in empty.weighted.items()}
    for start in range(0, answers.shape[0], BLOCK_ROWS):
        stop = min(start + BLOCK_ROWS, answers.shape[0])
        unit = np.ones(stop - start)
        block_weights = unit if weights is None else weights[start:stop]
        by_group = _assignment(codes[start:stop], [block_weights], groups)
        if weights is not None:
            weightings = [unit, block_weights, block_weights * block_weights]
            by_group_each_way = _assignment(codes[start:stop], weightings, groups)
        else:
            by_group_each_way = by_group
        block = _block_features(answers[start:stop], layout)
        for name, feature in block.counted.items():
            counted[name] += by_group_each_way @ feature
        for name, feature in block.weighted.items():
            weighted[name] += by_group @ feature
    three_ways = {name: np.split(total, 3) if copies == 3 else [total] * 3 for name, total in counted.items()}
    return _unpack(three_ways, weighted)


def _assignment(codes: Indices, weightings: list[Floats], groups: int) -> Any:
    """A sparse (k·groups) × respondents matrix holding respondent j's i-th weighting in row
    i·groups + codes[j], so one product sums a feature per group under all k weightings."""
    copies, respondents = len(weightings), len(codes)
    rows = (codes[:, np.newaxis] + groups * np.arange(copies)).ravel()
    values = np.stack(weightings, axis=1).ravel()
    starts = np.arange(0, copies * respondents + 1, copies)
    return sparse.csc_array((values, rows, starts), shape=(copies * groups, respondents))


def _block_features(block: NDArray[np.floating] | NDArray[np.integer], layout: Layout) -> _Block:
    values, valid_values, favourable, unfavourable = _centred(block, layout)
    squares = values * values
    answered_count = _dimension_sums(valid_values, layout.membership)
    totals = _dimension_sums(values, layout.membership)
    answered = answered_count > 0
    scores = totals / np.maximum(answered_count, 1.0)

    complete = answered_count[:, layout.alpha_dimensions] == layout.sizes[layout.alpha_dimensions]
    alpha_values = values if layout.every_statement_in_alpha else np.take(values, layout.alpha_statements, axis=1)
    alpha_totals = totals[:, layout.alpha_dimensions] * complete
    complete_items = np.multiply(alpha_values, np.take(complete, layout.alpha_slot, axis=1), order="C")
    return _Block(
        counted={
            "item": valid_values,
            "score": answered.astype(np.float64),
            "complete": complete.astype(np.float64),
            "respondent": (answered_count.sum(axis=1, keepdims=True) > 0).astype(np.float64),
        },
        weighted={
            "item_total": values,
            "item_total_squared": squares,
            "item_favourable": favourable,
            "item_unfavourable": unfavourable,
            "score_total": scores,
            "score_total_squared": scores * scores,
            "score_favourable": (answered & (scores >= layout.favourable_cut)).astype(np.float64),
            "score_unfavourable": (answered & (scores <= layout.unfavourable_cut)).astype(np.float64),
            "alpha_item_total": complete_items,
            "alpha_item_total_squared": complete_items * alpha_values,
            "alpha_score_total": alpha_totals,
            "alpha_score_total_squared": alpha_totals * alpha_totals,
        },
    )


def _centred(block: NDArray[np.floating] | NDArray[np.integer], layout: Layout) -> tuple[Floats, ...]:
    """Flipped values centred on the midpoint (0 where not answered), answered, favourable and
    unfavourable as 0/1, each respondents × statements."""
    # Row order whatever the caller's layout: the sparse products read respondents row by row.
    values = np.subtract(block, layout.midpoint, dtype=np.float64, order="C")
    values *= layout.sign
    valid = ~np.isnan(values)
    favourable = (values >= layout.favourable_cut).astype(np.float64)
    unfavourable = (values <= layout.unfavourable_cut).astype(np.float64)
    np.copyto(values, 0.0, where=~valid)
    return values, valid.astype(np.float64), favourable, unfavourable


def _dimension_sums(values: Floats, membership: Floats) -> Floats:
    """values @ membership, in slices small enough for OpenBLAS to stay on one thread: for such thin
    products its threads cost far more than they save, worst on a busy machine."""
    sums = np.empty((values.shape[0], membership.shape[1]))
    for start in range(0, values.shape[0], BLAS_ROWS):
        np.matmul(values[start : start + BLAS_ROWS], membership, out=sums[start : start + BLAS_ROWS])
    return sums


def _unpack(counted: dict[str, list[Floats]], weighted: dict[str, Floats]) -> GroupSums:
    def moments(kind: str) -> Moments:
        count, weight, weight_squared = counted[kind]
        return Moments(
            count=count,
            weight=weight,
            weight_squared=weight_squared,
            total=weighted[f"{kind}_total"],
            total_squared=weighted[f"{kind}_total_squared"],
            favourable=weighted[f"{kind}_favourable"],
            unfavourable=weighted[f"{kind}_unfavourable"],
        )

    return GroupSums(
        respondents=counted["respondent"][0][:, 0],
        items=moments("item"),
        dimensions=moments("score"),
        alpha=AlphaSums(
            count=counted["complete"][0],
            weight=counted["complete"][1],
            item_total=weighted["alpha_item_total"],
            item_total_squared=weighted["alpha_item_total_squared"],
            score_total=weighted["alpha_score_total"],
            score_total_squared=weighted["alpha_score_total_squared"],
        ),
    )
