"""Reads of challenge evaluation: the criteria from the pack, an evaluator's own scores, the ranking.

The criteria and their weights come from the organisation's effective ``idea_evaluation`` pack
(ARCHITECTURE.md rule 5); without that pack a challenge's ideas cannot be scored and the pages
say so. The ranking itself is the pure ``analytics.portfolio.ranking``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from spaceforchange.analytics.portfolio.ranking import Criterion, Evaluation, rank_ideas
from spaceforchange.core.models import Organization, User
from spaceforchange.frameworks.models import PackVersion
from spaceforchange.frameworks.selectors import effective_pack, parsed_pack
from spaceforchange.portfolio import idea_selectors
from spaceforchange.portfolio.models import Challenge, Idea, IdeaEvaluation, IdeaStatus

CRITERIA_PACK, CRITERION_KIND = "idea_evaluation", "criterion"


@dataclass(frozen=True)
class CriterionTerm:
    """A criterion in one language, with its weight (a positive number)."""

    key: str
    name: str
    description: str
    weight: float


@dataclass(frozen=True)
class RankingRow:
    idea: Idea
    rank: int | None
    score: float | None
    criterion_means: tuple[float | None, ...]  # in the order of ``Ranking.criteria``
    evaluations: int
    spread: float | None


@dataclass(frozen=True)
class Ranking:
    challenge: Challenge
    criteria: tuple[CriterionTerm, ...]
    rows: tuple[RankingRow, ...]
    evaluators: int

    @property
    def scored(self) -> int:
        return sum(1 for row in self.rows if row.score is not None)


def _weight(value: object) -> float:
    # The pack format allows any number; a missing, zero or negative weight counts as 1.
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) and value > 0 else 1.0


def evaluation_criteria(organization: Organization, language: str) -> tuple[CriterionTerm, ...]:
    """The organisation's evaluation criteria in pack order; empty when it has no such pack."""
    try:
        pack = parsed_pack(effective_pack(organization, CRITERIA_PACK))
    except PackVersion.DoesNotExist:
        return ()
    return tuple(
        CriterionTerm(
            item.key,
            item.name.get(language),
            item.description.get(language) if item.description else "",
            _weight(item.attributes.get("weight")),
        )
        for item in pack.items_of(CRITERION_KIND)
    )


def evaluates(challenge: Challenge, person: User) -> bool:
    return challenge.evaluators.filter(pk=person.pk).exists()


def evaluation_of(idea: Idea, evaluator: User) -> IdeaEvaluation | None:
    return IdeaEvaluation.objects.filter(idea=idea, evaluator=evaluator).first()


def ranked_ideas(challenge: Challenge) -> QuerySet[Idea]:
    """The challenge's ideas that take part in the ranking: every idea but those merged away."""
    return (
        idea_selectors.ideas_for(challenge.organization)
        .filter(challenge=challenge)
        .exclude(status=IdeaStatus.MERGED)
        .order_by("submitted_at", "pk")
    )


def my_scores(challenge: Challenge, evaluator: User) -> dict[int, IdeaEvaluation]:
    """Idea id → the evaluator's own evaluation, for the challenge's ideas they have scored."""
    evaluations = IdeaEvaluation.objects.filter(idea__challenge=challenge, evaluator=evaluator)
    return {evaluation.idea_id: evaluation for evaluation in evaluations}


def challenge_ranking(challenge: Challenge, language: str) -> Ranking:
    """The challenge's ideas ranked by their evaluators' weighted scores (three queries)."""
    criteria = evaluation_criteria(challenge.organization, language)
    ideas = {idea.pk: idea for idea in ranked_ideas(challenge)}
    rows = IdeaEvaluation.objects.filter(idea_id__in=list(ideas)).values_list("idea_id", "evaluator_id", "scores")
    evaluations = [
        Evaluation(idea_id, evaluator_id or 0, scores if isinstance(scores, dict) else {})
        for idea_id, evaluator_id, scores in rows
    ]
    ranked = rank_ideas(ideas, evaluations, [Criterion(term.key, term.weight) for term in criteria])
    return Ranking(
        challenge=challenge,
        criteria=criteria,
        rows=tuple(
            RankingRow(
                ideas[row.idea_id],
                row.rank,
                row.score,
                tuple(row.criterion_means[term.key] for term in criteria),
                row.evaluations,
                row.spread,
            )
            for row in ranked
        ),
        evaluators=len({evaluation.evaluator_id for evaluation in evaluations}),
    )
