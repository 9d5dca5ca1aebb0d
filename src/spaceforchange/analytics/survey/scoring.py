"""Survey scoring: per group, statement and dimension figures from a respondents × statements array.

``score`` is the pipeline: it checks its input, sums everything per group in one pass
(``sums.accumulate``), turns the sums into figures (``estimates``) and suppresses groups too small
to publish (``anonymity.suppress_partition``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from spaceforchange.analytics.survey.anonymity import suppress_partition
from spaceforchange.analytics.survey.estimates import Estimates, cronbach_alpha, estimate
from spaceforchange.analytics.survey.sums import Floats, Indices, Layout, accumulate

WHOLE_CAMPAIGN = "all"


@dataclass(frozen=True)
class ScoringParameters:
    scale_min: int = 1
    scale_max: int = 5
    favourable_min: float = 4  # answers >= this are favourable
    unfavourable_max: float = 2  # answers <= this are unfavourable; between is neutral
    confidence: float = 0.95
    anonymity_threshold: int = 5

    def __post_init__(self) -> None:
        if not self.scale_min < self.scale_max:
            raise ValueError(f"scale_min ({self.scale_min}) must be below scale_max ({self.scale_max})")
        if not self.unfavourable_max < self.favourable_min:
            raise ValueError(
                f"unfavourable_max ({self.unfavourable_max}) must be below favourable_min ({self.favourable_min})"
            )
        if not 0 < self.confidence < 1:
            raise ValueError(f"confidence must lie strictly between 0 and 1, not {self.confidence}")
        if self.anonymity_threshold < 1:
            raise ValueError(f"anonymity_threshold must be at least 1, not {self.anonymity_threshold}")


@dataclass(frozen=True)
class InstrumentShape:
    statement_keys: tuple[str, ...]
    dimension_keys: tuple[str, ...]  # dimension of each statement, same length as statement_keys
    reverse: tuple[bool, ...]  # reverse-worded statements are flipped: scale_min + scale_max - x

    def __post_init__(self) -> None:
        if not self.statement_keys:
            raise ValueError("an instrument needs at least one statement")
        if len(set(self.statement_keys)) != len(self.statement_keys):
            raise ValueError("statement keys must be unique")
        for name in ("dimension_keys", "reverse"):
            if len(getattr(self, name)) != len(self.statement_keys):
                raise ValueError(
                    f"{name} has {len(getattr(self, name))} entries for {len(self.statement_keys)} statements"
                )

    @property
    def dimensions(self) -> tuple[str, ...]:
        """Dimension keys in order of first appearance."""
        return tuple(dict.fromkeys(self.dimension_keys))


@dataclass(frozen=True, slots=True)
class Figures:
    """For one statement or one dimension within one group."""

    n: int  # respondents with a valid answer (don't know / missing = NaN excluded)
    mean: float | None  # weighted mean on the instrument's scale after flipping
    # Student t interval of the mean on Kish's effective sample size; None below two answers or
    # when the weight rests on a single respondent.
    ci_low: float | None
    ci_high: float | None
    share_favourable: float | None  # weighted fractions 0..1 summing to 1
    share_neutral: float | None
    share_unfavourable: float | None
    # Cronbach's alpha, dimensions with three or more statements, on respondents who answered them
    # all; None with fewer than two such respondents or no variance in their totals.
    alpha: float | None = None


@dataclass(frozen=True)
class GroupScores:
    group: str  # group label; "all" for the whole campaign
    n: int  # respondents in the group with at least one valid answer
    suppressed: bool  # True => items and dimensions are empty
    items: dict[str, Figures]
    dimensions: dict[str, Figures]


def score(
    shape: InstrumentShape,
    answers: NDArray[np.floating] | NDArray[np.integer],
    *,
    weights: NDArray[np.floating] | None = None,
    group_codes: NDArray[np.integer] | None = None,
    group_labels: Sequence[str] | None = None,
    parameters: ScoringParameters = ScoringParameters(),
) -> list[GroupScores]:
    """Score a campaign, as a whole (one group ``"all"``) or per group.

    ``answers`` is respondents × statements on the instrument's scale, NaN for missing or "don't
    know". ``group_codes`` gives each respondent's group as 0..G-1, naming ``group_labels[code]``.
    Groups with fewer respondents than the anonymity threshold are suppressed, and so are enough
    further groups that no suppressed group can be derived from the total and the visible ones.
    """
    scale = (float(parameters.scale_min), float(parameters.scale_max))
    _check_answers(shape, answers, scale)
    respondents = answers.shape[0]
    checked_weights = None if weights is None else _checked_weights(weights, respondents)
    codes, labels = _checked_groups(group_codes, group_labels, respondents)
    layout = _layout(shape, parameters)
    sums = accumulate(answers, weights=checked_weights, codes=codes, groups=len(labels), layout=layout)
    items = estimate(sums.items, layout=layout, scale=scale, confidence=parameters.confidence)
    scores = estimate(sums.dimensions, layout=layout, scale=scale, confidence=parameters.confidence)
    alpha = np.full(scores.mean.shape, np.nan)
    alpha[:, layout.alpha_dimensions] = cronbach_alpha(sums.alpha, layout=layout, scale=scale)

    counts = {label: round(count) for label, count in zip(labels, sums.respondents.tolist(), strict=True)}
    suppressed = suppress_partition(counts, parameters.anonymity_threshold, total_visible=group_codes is not None)
    item_figures = _figures(items, np.full(items.mean.shape, np.nan))
    dimension_figures = _figures(scores, alpha)
    return [
        GroupScores(group=label, n=counts[label], suppressed=True, items={}, dimensions={})
        if label in suppressed
        else GroupScores(
            group=label,
            n=counts[label],
            suppressed=False,
            items=dict(zip(shape.statement_keys, item_figures[row], strict=True)),
            dimensions=dict(zip(shape.dimensions, dimension_figures[row], strict=True)),
        )
        for row, label in enumerate(labels)
    ]


def _layout(shape: InstrumentShape, parameters: ScoringParameters) -> Layout:
    position = {key: index for index, key in enumerate(shape.dimensions)}
    return Layout.build(
        dimension_of=[position[key] for key in shape.dimension_keys],
        reverse=shape.reverse,
        scale=(parameters.scale_min, parameters.scale_max),
        favourable_min=parameters.favourable_min,
        unfavourable_max=parameters.unfavourable_max,
    )


def _figures(estimates: Estimates, alpha: Floats) -> list[list[Figures]]:
    """Figures per group and column."""
    counts = estimates.count.round().astype(np.int64).tolist()
    columns = (
        estimates.mean,
        estimates.ci_low,
        estimates.ci_high,
        estimates.favourable,
        estimates.neutral,
        estimates.unfavourable,
        alpha,
    )
    published = [_published(column) for column in columns]
    groups, width = estimates.mean.shape
    return [
        [Figures(counts[row][column], *(values[row][column] for values in published)) for column in range(width)]
        for row in range(groups)
    ]


def _published(figures: Floats) -> list[list[float | None]]:
    """Python floats, with None for a figure that does not exist (NaN)."""
    published = figures.astype(object)
    published[np.isnan(figures)] = None
    rows: list[list[float | None]] = published.tolist()
    return rows


def _check_answers(
    shape: InstrumentShape, answers: NDArray[np.floating] | NDArray[np.integer], scale: tuple[float, float]
) -> None:
    if not isinstance(answers, np.ndarray) or answers.ndim != 2:
        raise ValueError("answers must be a two-dimensional array: respondents × statements")
    if answers.dtype.kind not in "fiu":
        raise ValueError(f"answers must be numbers, not {answers.dtype}")
    if answers.shape[1] != len(shape.statement_keys):
        raise ValueError(f"answers have {answers.shape[1]} columns for {len(shape.statement_keys)} statements")
    if answers.size == 0:
        return
    lowest, highest = float(np.fmin.reduce(answers, axis=None)), float(np.fmax.reduce(answers, axis=None))
    if lowest < scale[0] or highest > scale[1]:
        outside = np.argwhere(~np.isnan(answers) & ((answers < scale[0]) | (answers > scale[1])))[0]
        row, column = int(outside[0]), int(outside[1])
        raise ValueError(
            f"answer {answers[row, column]} of respondent {row} to statement {shape.statement_keys[column]!r} "
            f"is outside the scale {scale[0]:g}–{scale[1]:g} (use NaN for missing or don't know)"
        )


def _checked_weights(weights: NDArray[np.floating], respondents: int) -> Floats:
    if not isinstance(weights, np.ndarray) or weights.shape != (respondents,):
        found = getattr(weights, "shape", type(weights).__name__)
        raise ValueError(f"weights must be a one-dimensional array of {respondents} values, not {found}")
    if weights.dtype.kind not in "fiu":
        raise ValueError(f"weights must be numbers, not {weights.dtype}")
    checked = weights.astype(np.float64)
    if not np.isfinite(checked).all():
        respondent = int(np.argmin(np.isfinite(checked)))
        raise ValueError(f"weights must be finite; respondent {respondent} has {checked[respondent]}")
    if (checked < 0).any():
        respondent = int(np.argmax(checked < 0))
        raise ValueError(f"weights must not be negative; respondent {respondent} has {checked[respondent]}")
    return checked


def _checked_groups(
    codes: NDArray[np.integer] | None, labels: Sequence[str] | None, respondents: int
) -> tuple[Indices, tuple[str, ...]]:
    if codes is None and labels is None:
        return np.zeros(respondents, dtype=np.intp), (WHOLE_CAMPAIGN,)
    if codes is None or labels is None:
        raise ValueError("group_codes and group_labels go together: give both or neither")
    label_tuple = tuple(labels)
    if len(set(label_tuple)) != len(label_tuple):
        raise ValueError("group labels must be unique")
    if not isinstance(codes, np.ndarray) or codes.shape != (respondents,) or codes.dtype.kind not in "iu":
        found = getattr(codes, "shape", type(codes).__name__)
        raise ValueError(f"group_codes must be a one-dimensional integer array of {respondents} values, not {found}")
    if respondents and (int(codes.min()) < 0 or int(codes.max()) >= len(label_tuple)):
        raise ValueError(
            f"group codes must lie in 0..{len(label_tuple) - 1} (one per label); found {int(codes.min())}"
            f"..{int(codes.max())}"
        )
    return codes.astype(np.intp, copy=False), label_tuple
