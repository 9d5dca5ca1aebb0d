"""REST endpoints of challenges: list, read and open them, score their ideas, read the ranking.

Mounted by the initiatives router (``api.py``) under ``/api/v1/organizations/{org_slug}``. The
organisation and the challenge or idea are looked up first (404 for a stranger), then the
permission (403), then the service explains an invalid value (422). Evaluators see only their
own scores; the ranking shows means, never one evaluator's scores.
"""

from datetime import date, datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Strict

from spaceforchange.api.pagination import LimitOffsetPagination
from spaceforchange.api.tenancy import organization_from
from spaceforchange.portfolio import challenge_selectors, idea_selectors, idea_services, selectors
from spaceforchange.portfolio.models import Challenge, IdeaEvaluation
from spaceforchange.portfolio.record_api import caller

router = Router(tags=["challenges"])

CHALLENGES = "/organizations/{org_slug}/challenges"
CHALLENGE = CHALLENGES + "/{challenge_id}"
CHALLENGE_ID = Path(
    ..., description="The challenge's id, as listed by `GET .../challenges`. Another organisation's answers 404."
)
IDEA_ID = Path(..., description="The idea's id, as listed by `GET .../ideas`. Another organisation's idea answers 404.")
MAX_CRITERIA = 50


class ChallengeOut(Schema):
    """A challenge: a time-boxed call for ideas on a theme."""

    id: int = Field(description="The challenge's id.")
    title: str = Field(description="The challenge's title, unique in the organisation.")
    theme: str = Field(description="What the call asks ideas about.")
    closes_on: date = Field(description="The last day ideas may be submitted, in the organisation's time zone.")
    open: bool = Field(description="Whether ideas may still be submitted today.")
    evaluator_ids: list[int] = Field(description="The ids of the people who score the challenge's ideas.")
    created_at: datetime = Field(description="When the challenge was opened.")

    @staticmethod
    def resolve_open(challenge: Challenge) -> bool:
        return idea_selectors.challenge_open(challenge)

    @staticmethod
    def resolve_evaluator_ids(challenge: Challenge) -> list[int]:
        return sorted(person.pk for person in challenge.evaluators.all())


class ChallengeIn(Schema):
    """A new challenge. Every field is checked together; 422 lists each invalid one."""

    title: str = Field("", max_length=200, description="The challenge's title; required, unique in the organisation.")
    theme: str = Field("", max_length=4000, description="What the call asks ideas about; required.")
    closes_on: date | None = Field(None, description="The last day ideas may be submitted; required, today or later.")
    evaluator_ids: list[int] = Field(
        default_factory=list, max_length=200, description="Ids of members who will score the ideas."
    )


class CriterionOut(Schema):
    """An evaluation criterion of the `idea_evaluation` pack."""

    key: str = Field(description="The criterion's key in the `idea_evaluation` pack.")
    name: str = Field(description="The criterion's name in the request's language.")
    weight: float = Field(description="The criterion's weight in the score.")


class RankedIdeaOut(Schema):
    """One idea's place in a challenge's ranking."""

    rank: int | None = Field(description="The idea's rank (equal scores share one); null until scored.")
    idea_id: int = Field(description="The idea's id.")
    title: str = Field(description="The idea's title.")
    status: str = Field(description="The idea's status.")
    score: float | None = Field(description="The mean over evaluators of their weighted criterion scores (1–5).")
    evaluations: int = Field(description="How many evaluators scored the idea.")
    spread: float | None = Field(description="The highest minus the lowest evaluator's score; null until scored.")
    criteria: dict[str, float | None] = Field(description="Criterion key → mean score over evaluators.")


class RankingOut(Schema):
    """A challenge's ideas ranked by their evaluators' scores."""

    challenge_id: int = Field(description="The challenge's id.")
    criteria: list[CriterionOut] = Field(description="The criteria ideas are scored on, in pack order.")
    evaluators: int = Field(description="How many evaluators have scored at least one idea.")
    ideas: list[RankedIdeaOut] = Field(description="Every idea of the challenge but merged ones, best first.")


class EvaluationIn(Schema):
    """The caller's scores for one idea: every criterion, each from 1 to 5."""

    scores: dict[str, Annotated[int, Strict()]] = Field(
        default_factory=dict,
        max_length=MAX_CRITERIA,
        description="Criterion key → whole-number score from 1 (weak) to 5 (strong); every criterion is required.",
    )
    comment: str = Field("", max_length=2000, description="What the scores rest on; optional.")


class EvaluationOut(Schema):
    """The caller's own scores for one idea."""

    idea_id: int = Field(description="The idea's id.")
    scores: dict[str, int] = Field(description="Criterion key → the caller's score.")
    comment: str = Field(description="The caller's comment.")
    evaluated_at: datetime = Field(description="When the scores were last saved.")


def _challenge(request: HttpRequest, org_slug: str, challenge_id: int) -> Challenge:
    return idea_selectors.challenge_detail(organization_from(request, org_slug), challenge_id)


@router.get(
    CHALLENGES,
    response=list[ChallengeOut],
    summary="List challenges",
    description="The organisation's challenges (calls for ideas), latest closing date first, one page at a time "
    "(`limit`, `offset`). Any member.",
)
@paginate(LimitOffsetPagination)
def list_challenges(request: HttpRequest, org_slug: str) -> QuerySet[Challenge]:
    return idea_selectors.challenges_for(organization_from(request, org_slug)).prefetch_related("evaluators")


@router.post(
    CHALLENGES,
    response={201: ChallengeOut},
    summary="Open a challenge",
    description="Innovation leads (403 otherwise). 422 lists every invalid value (an empty or taken title, a "
    "closing date in the past, an evaluator who is not a member) and nothing is created.",
)
def open_challenge(request: HttpRequest, org_slug: str, payload: ChallengeIn) -> Status[Challenge]:
    organization = organization_from(request, org_slug)
    if not request.user.has_perm("portfolio.open_challenge", organization):
        raise PermissionDenied(_("Your role in this organisation does not allow this."))
    values = payload.model_dump()
    if values["closes_on"] is None:
        raise ValidationError({"closes_on": [_("Give the closing date.")]})
    wanted = set(values.pop("evaluator_ids"))
    evaluators = list(selectors.people_of(organization).filter(pk__in=wanted))
    if len(evaluators) != len(wanted):
        raise ValidationError({"evaluator_ids": [_("Every evaluator must be a member of the organisation.")]})
    challenge = idea_services.open_challenge(
        organization=organization, evaluators=evaluators, actor=caller(request), **values
    )
    return Status(201, challenge)


@router.get(
    CHALLENGE,
    response=ChallengeOut,
    summary="Get a challenge",
    description="One challenge of the organisation. Any member. 404 when the organisation has no challenge with "
    "this id (also when another organisation has).",
)
def get_challenge(request: HttpRequest, org_slug: str, challenge_id: int = CHALLENGE_ID) -> Challenge:
    return _challenge(request, org_slug, challenge_id)


@router.get(
    CHALLENGE + "/ranking",
    response=RankingOut,
    summary="Get a challenge's ranking",
    description="The challenge's ideas ranked by score: per evaluator the weighted mean of the criterion scores, "
    "averaged over evaluators. Innovation leads, leaders, oversight and the challenge's evaluators (403 otherwise).",
)
def get_ranking(request: HttpRequest, org_slug: str, challenge_id: int = CHALLENGE_ID) -> dict[str, Any]:
    challenge = _challenge(request, org_slug, challenge_id)
    if not request.user.has_perm("portfolio.view_challenge_ranking", challenge):
        raise PermissionDenied(_("Your role in this organisation does not allow this."))
    ranking = challenge_selectors.challenge_ranking(challenge, get_language())
    keys = [criterion.key for criterion in ranking.criteria]
    return {
        "challenge_id": challenge.pk,
        "criteria": [{"key": c.key, "name": c.name, "weight": c.weight} for c in ranking.criteria],
        "evaluators": ranking.evaluators,
        "ideas": [
            {
                "rank": row.rank,
                "idea_id": row.idea.pk,
                "title": row.idea.title,
                "status": row.idea.status,
                "score": row.score,
                "evaluations": row.evaluations,
                "spread": row.spread,
                "criteria": dict(zip(keys, row.criterion_means, strict=True)),
            }
            for row in ranking.rows
        ],
    }


def _evaluated_idea(request: HttpRequest, org_slug: str, idea_id: int) -> Any:
    idea = idea_selectors.idea_detail(organization_from(request, org_slug), idea_id)
    if idea.challenge is None:
        raise Http404
    if not request.user.has_perm("portfolio.evaluate_challenge", idea.challenge):
        raise PermissionDenied(_("Only the challenge's evaluators score its ideas."))
    return idea


@router.get(
    "/organizations/{org_slug}/ideas/{idea_id}/evaluation",
    response=EvaluationOut,
    summary="Get your scores for an idea",
    description="The caller's own scores for an idea of a challenge they evaluate (403 otherwise); 404 when the "
    "idea answers no challenge or the caller has not scored it yet.",
)
def get_evaluation(request: HttpRequest, org_slug: str, idea_id: int = IDEA_ID) -> IdeaEvaluation:
    idea = _evaluated_idea(request, org_slug, idea_id)
    evaluation = challenge_selectors.evaluation_of(idea, caller(request))
    if evaluation is None:
        raise Http404
    return evaluation


@router.put(
    "/organizations/{org_slug}/ideas/{idea_id}/evaluation",
    response=EvaluationOut,
    summary="Score an idea",
    description="Save, or replace, the caller's scores for an idea of a challenge they evaluate (403 otherwise): "
    "every criterion of the `idea_evaluation` pack, each a whole number from 1 to 5. 422 names every missing, "
    "unknown or out-of-range score and nothing changes; a merged idea is not scored.",
)
def put_evaluation(
    request: HttpRequest, org_slug: str, payload: EvaluationIn, idea_id: int = IDEA_ID
) -> IdeaEvaluation:
    idea = _evaluated_idea(request, org_slug, idea_id)
    return idea_services.evaluate_idea(
        idea=idea, evaluator=caller(request), scores=payload.scores, comment=payload.comment
    )
