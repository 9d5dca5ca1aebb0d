"""Ranking a challenge's ideas by their evaluators' scores (issue #4, pack ``idea_evaluation``).

Each evaluator scores an idea on the pack's criteria, from ``SCORE_MIN`` to ``SCORE_MAX``. One
evaluation's score is the weighted mean of its criterion scores, over the criteria it scored (a
criterion added to the pack later leaves older evaluations comparable instead of voiding them).
An idea's score is the plain mean of its evaluations' scores, so every evaluator weighs the same
however many criteria they scored. Ideas nobody scored yet have no score and rank last, unranked.

Equal scores share a rank (1, 2, 2, 4): a tie the figures cannot break should not be broken by
submission order. ``spread`` (highest minus lowest evaluation) shows where evaluators disagree,
which is where a discussion is worth more than the mean.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean

SCORE_MIN, SCORE_MAX = 1, 5


@dataclass(frozen=True)
class Criterion:
    """A criterion from the pack and its weight (a positive number; weights need not sum to 1)."""

    key: str
    weight: float = 1.0


@dataclass(frozen=True)
class Evaluation:
    """One evaluator's scores for one idea: criterion key → score."""

    idea_id: int
    evaluator_id: int
    scores: Mapping[str, int]


@dataclass(frozen=True)
class RankedIdea:
    """An idea's place in the ranking. ``rank``, ``score`` and ``spread`` are ``None`` until scored."""

    idea_id: int
    rank: int | None
    score: float | None
    criterion_means: Mapping[str, float | None]
    evaluations: int
    spread: float | None


def evaluation_score(scores: Mapping[str, int], criteria: Sequence[Criterion]) -> float | None:
    """The weighted mean of ``scores`` over the known criteria it holds; ``None`` when it holds none."""
    weighted = [(criterion.weight, scores[criterion.key]) for criterion in criteria if criterion.key in scores]
    total_weight = sum(weight for weight, _score in weighted)
    if not weighted or total_weight <= 0:
        return None
    return sum(weight * score for weight, score in weighted) / total_weight


def _criterion_means(evaluations: Sequence[Evaluation], criteria: Sequence[Criterion]) -> dict[str, float | None]:
    means: dict[str, float | None] = {}
    for criterion in criteria:
        given = [evaluation.scores[criterion.key] for evaluation in evaluations if criterion.key in evaluation.scores]
        means[criterion.key] = fmean(given) if given else None
    return means


def rank_ideas(
    idea_ids: Iterable[int], evaluations: Iterable[Evaluation], criteria: Sequence[Criterion]
) -> list[RankedIdea]:
    """The ideas ranked by score, best first; unscored ideas follow in ``idea_ids`` order.

    Evaluations of ideas not in ``idea_ids`` are ignored (an idea merged away leaves the ranking).
    """
    order = list(dict.fromkeys(idea_ids))
    by_idea: dict[int, list[Evaluation]] = {idea_id: [] for idea_id in order}
    for evaluation in evaluations:
        if evaluation.idea_id in by_idea:
            by_idea[evaluation.idea_id].append(evaluation)
    rows: list[RankedIdea] = []
    for idea_id in order:
        given = by_idea[idea_id]
        scores = [score for score in (evaluation_score(e.scores, criteria) for e in given) if score is not None]
        rows.append(
            RankedIdea(
                idea_id=idea_id,
                rank=None,
                score=fmean(scores) if scores else None,
                criterion_means=_criterion_means(given, criteria),
                evaluations=len(scores),
                spread=max(scores) - min(scores) if scores else None,
            )
        )
    position = {idea_id: index for index, idea_id in enumerate(order)}
    rows.sort(key=lambda row: (row.score is None, -_comparable(row.score), position[row.idea_id]))
    return _with_ranks(rows)


def _comparable(score: float | None) -> float:
    # Means of the same scores taken in another order may differ in the last bits; they tie.
    return round(score or 0.0, 9)


def _with_ranks(rows: list[RankedIdea]) -> list[RankedIdea]:
    ranked: list[RankedIdea] = []
    previous: RankedIdea | None = None
    for index, row in enumerate(rows):
        if row.score is None:
            ranked.append(row)
            continue
        shared = previous is not None and _comparable(previous.score) == _comparable(row.score)
        rank = previous.rank if shared and previous is not None else index + 1
        previous = RankedIdea(row.idea_id, rank, row.score, row.criterion_means, row.evaluations, row.spread)
        ranked.append(previous)
    return ranked
