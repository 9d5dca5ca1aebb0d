"""REST endpoints of the strategy under ``/api/v1/organizations/{org_slug}/strategy``, and the lookups
every budgeting endpoint shares.

The strategy (vision, cadence, overdue, goals with weights and owners), its revisions (list, read,
revise) and the goal contributions of initiatives, budget lines and units (list, set, remove).
Bodies have no required fields: the organisation and every id in the path and the body are
resolved first (404 for another organisation's id, exactly like a missing one), then the role
(403), then the service explains every invalid value (422) and nothing changes. People named in
a body must be active members: another id is an invalid value (422), as in the portfolio API.
"""

from datetime import date, datetime
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from spaceforchange.api.fields import caller
from spaceforchange.api.pagination import LimitOffsetPagination
from spaceforchange.api.tenancy import all_of, deny_unless, one_of, organization_from
from spaceforchange.api.tenancy import permitted_organization as permitted
from spaceforchange.budgeting import api_selectors, selectors, services
from spaceforchange.budgeting.models import GoalContribution, StrategicGoal, StrategyRevision
from spaceforchange.core.models import Organization
from spaceforchange.portfolio.services import today_in

router = Router(tags=["budgeting"])

ORG = "/organizations/{org_slug}"
STRATEGY = ORG + "/strategy"
REVISIONS = STRATEGY + "/revisions"
CONTRIBUTIONS = STRATEGY + "/goals/{goal_id}/contributions"
SUBJECT_PATTERN = "^(initiative|line|unit)$"
M = TypeVar("M", bound=Model)

GOAL_ID = Path(..., description="The goal's id, as listed by `GET .../strategy`. Another organisation's answers 404.")
REVISION_ID = Path(..., description="The revision's id, as listed by `GET .../strategy/revisions`.")
SUBJECT = Path(
    ...,
    pattern=SUBJECT_PATTERN,
    description="What contributes: `initiative`, `line` (a budget line of any cycle) or `unit`.",
)
SUBJECT_ID = Path(..., description="The initiative's, budget line's or unit's id. Another organisation's answers 404.")


# --- Shared by the budgeting endpoints --------------------------------------------------------


# --- Strategy ---------------------------------------------------------------------------------


class StrategyGoalOut(Schema):
    """A strategic goal: its weight in the strategy and its owner."""

    id: int = Field(description="The goal's id.")
    title: str = Field(description="The goal's title, unique in the organisation.")
    description: str = Field(description="What the goal means; may be empty.")
    weight: int = Field(description="Its weight, 0–100; the active goals' weights add up to 100 after a revision.")
    owner_id: int | None = Field(description="The id of the person who owns the goal; null when nobody does.")
    active: bool = Field(description="Whether the goal is part of the current strategy (a retired goal is not).")


class StrategyOut(Schema):
    """The organisation's strategy: the future vision, the revision cadence and the active goals."""

    vision: str = Field(description="The future vision; empty before the first revision.")
    cadence_months: int = Field(description="How often the strategy is to be revised, in months.")
    last_revised_at: datetime | None = Field(description="When it was last revised; null when never.")
    next_revision_due: date | None = Field(description="When the next revision is due; null when never revised.")
    overdue: bool = Field(description="Whether the next revision was due before today (the organisation's day).")
    revision_count: int = Field(description="How many revisions have been saved.")
    goals: list[StrategyGoalOut] = Field(description="The active goals, highest weight first.")


@router.get(
    STRATEGY,
    response=StrategyOut,
    summary="Get the strategy",
    description="The vision, the cadence, whether a revision is overdue, and the active goals with their weights "
    "and owners. Any member.",
)
def get_strategy(request: HttpRequest, org_slug: str) -> dict[str, Any]:
    organization = permitted(request, org_slug, "budgeting.view_strategy")
    return api_selectors.strategy_summary(organization, today_in(organization))


class RevisionGoalIn(Schema):
    """One goal of the revised strategy: an existing goal by `id`, or a new one by `title`."""

    id: int | None = Field(None, description="An existing goal's id; null for a new goal.")
    title: str = Field(
        "", max_length=400, description="The title (up to 200 characters); empty keeps an existing title."
    )
    weight: int | None = Field(None, description="The weight, a whole number 0–100; the weights add up to 100.")
    owner_id: int | None = Field(None, description="The id of the owner, an active member; null for nobody.")
    description: str = Field("", max_length=8000, description="What the goal means (up to 4000 characters).")


class RevisionIn(Schema):
    """A new version of the strategy. Every goal listed stays or becomes active; an active goal left out retires."""

    vision: str = Field("", max_length=16000, description="The future vision (up to 8000 characters).")
    cadence_months: int | None = Field(None, description="The revision cadence in months (1–120); null keeps it.")
    summary: str = Field("", max_length=8000, description="What changed (needed, up to 4000 characters).")
    reason: str = Field("", max_length=8000, description="Why it changed (needed, up to 4000 characters).")
    goals: list[RevisionGoalIn] = Field(
        default_factory=list, max_length=100, description="The full list of active goals, at least one."
    )


class RevisionOut(Schema):
    """One saved version of the strategy, with what changed and why."""

    id: int = Field(description="The revision's id.")
    number: int = Field(description="The revision's number, 1 for the first.")
    revised_at: datetime = Field(description="When it was saved.")
    revised_by_id: int | None = Field(description="Who saved it; null when not known.")
    summary: str = Field(description="What changed, in the reviser's words.")
    reason: str = Field(description="Why it changed.")
    snapshot: dict[str, Any] = Field(description="The vision, cadence and goals as revised (`vision`, `goals`, ...).")
    changes: dict[str, Any] = Field(description="What differs from the previous revision, computed.")


def _revision_goals(organization: Organization, goals: list[RevisionGoalIn]) -> list[dict[str, Any]]:
    """The body's goals for the service: goal ids must be the organisation's (404), owners become people."""
    all_of(organization, StrategicGoal, [goal.id for goal in goals if goal.id is not None], _("goal"))
    wanted = {goal.owner_id for goal in goals if goal.owner_id is not None}
    owners = {user.pk: user for user in api_selectors.members_of(organization).filter(pk__in=wanted)}
    if wanted - set(owners):
        raise ValidationError({"goals": [_("A goal's owner must be a member of the organisation.")]})
    return [
        goal.model_dump(exclude={"owner_id"}) | {"owner": owners.get(goal.owner_id) if goal.owner_id else None}
        for goal in goals
    ]


@router.post(
    REVISIONS,
    response={201: RevisionOut},
    summary="Revise the strategy",
    description="Leaders only (403 otherwise). Saves the vision, the cadence and the full goal list as a new "
    "revision with what changed and why; the weights must add up to 100. A goal id of another organisation "
    "answers 404; 422 lists every invalid value and nothing changes.",
)
def revise_strategy(request: HttpRequest, org_slug: str, payload: RevisionIn) -> Status[StrategyRevision]:
    organization = permitted(request, org_slug, "budgeting.revise_strategy")
    revision = services.revise_strategy(
        organization=organization,
        vision=payload.vision,
        goals=_revision_goals(organization, payload.goals),
        summary=payload.summary,
        reason=payload.reason,
        cadence_months=payload.cadence_months,
        actor=caller(request),
    )
    return Status(201, revision)


@router.get(
    REVISIONS,
    response=list[RevisionOut],
    summary="List strategy revisions",
    description="Every saved version, newest first, one page at a time. Any member.",
)
@paginate(LimitOffsetPagination)
def list_revisions(request: HttpRequest, org_slug: str) -> QuerySet[StrategyRevision]:
    return selectors.revisions(permitted(request, org_slug, "budgeting.view_strategy"))


@router.get(
    REVISIONS + "/{revision_id}",
    response=RevisionOut,
    summary="Get a strategy revision",
    description="One saved version with its snapshot and what changed. Any member. 404 for another organisation's.",
)
def get_revision(request: HttpRequest, org_slug: str, revision_id: int = REVISION_ID) -> StrategyRevision:
    return selectors.revision_of(permitted(request, org_slug, "budgeting.view_strategy"), revision_id)


# --- Goal contributions -----------------------------------------------------------------------


class ContributionOut(Schema):
    """How much an initiative, a budget line or a unit contributes to a goal, and the evidence."""

    id: int = Field(description="The contribution's id.")
    goal_id: int = Field(description="The goal's id.")
    subject: str = Field(description="What contributes: `initiative`, `line` or `unit`.")
    subject_id: int = Field(description="The initiative's, budget line's or unit's id.")
    subject_name: str = Field(description="The initiative's title, the line's code and title, or the unit's name.")
    score: int | None = Field(description="The contribution score 0–5; null for an initiative link not scored yet.")
    evidence: str = Field(description="The evidence for the score; may be empty.")
    updated_at: datetime = Field(description="When the score was last set.")

    @staticmethod
    def resolve_subject(row: GoalContribution) -> str:
        return api_selectors.subject_kind(row)

    @staticmethod
    def resolve_subject_id(row: GoalContribution) -> int:
        return row.initiative_id or row.budget_line_id or row.unit_id or 0

    @staticmethod
    def resolve_subject_name(row: GoalContribution) -> str:
        return api_selectors.subject_name(row)


class ContributionFilter(Schema):
    """Which contributions to list."""

    subject: str | None = Field(None, pattern=SUBJECT_PATTERN, description="Only `initiative`, `line` or `unit`.")


class ContributionIn(Schema):
    """A contribution score and its evidence; `score` is needed. Setting it again replaces it."""

    score: int | None = Field(None, description="The score, a whole number 1–5 (DELETE removes the link).")
    evidence: str = Field("", max_length=8000, description="The evidence for the score (up to 4000 characters).")


@router.get(
    CONTRIBUTIONS,
    response=list[ContributionOut],
    summary="List a goal's contributions",
    description="The initiatives, budget lines and units linked to the goal, strongest first, one page at a time. "
    "Any member.",
)
@paginate(LimitOffsetPagination)
def list_contributions(
    request: HttpRequest, org_slug: str, filters: Query[ContributionFilter], goal_id: int = GOAL_ID
) -> QuerySet[GoalContribution]:
    organization = permitted(request, org_slug, "budgeting.view_strategy")
    goal = one_of(organization, StrategicGoal, goal_id, _("goal"))
    return api_selectors.contributions_to(goal, filters.subject)


@router.put(
    CONTRIBUTIONS + "/{subject}/{subject_id}",
    response=ContributionOut,
    summary="Set a contribution",
    description="Innovation leads and leaders for any subject, an initiative's owner for their initiative (403 "
    "otherwise). 404 for a goal or subject of another organisation; 422 for a missing score, a score outside "
    "1–5 or evidence too long; nothing changes.",
)
def set_contribution(
    request: HttpRequest,
    org_slug: str,
    payload: ContributionIn,
    goal_id: int = GOAL_ID,
    subject: str = SUBJECT,
    subject_id: int = SUBJECT_ID,
) -> GoalContribution:
    organization = organization_from(request, org_slug)
    goal = one_of(organization, StrategicGoal, goal_id, _("goal"))
    target = api_selectors.subject_of(organization, subject, subject_id)
    deny_unless(request, "budgeting.set_goal_contribution", target)
    if not payload.score:
        raise ValidationError({"score": [_("A whole number from 1 to 5 (DELETE removes the link).")]})
    services.set_goal_contribution(
        goal=goal, subject=target, score=payload.score, evidence=payload.evidence, actor=caller(request)
    )
    return api_selectors.contribution_of(goal, target)


@router.delete(
    CONTRIBUTIONS + "/{subject}/{subject_id}",
    response={204: None},
    summary="Remove a contribution",
    description="Unlinks the subject from the goal; the same roles as setting it. Removing a link that does not "
    "exist changes nothing and answers 204.",
)
def remove_contribution(
    request: HttpRequest,
    org_slug: str,
    goal_id: int = GOAL_ID,
    subject: str = SUBJECT,
    subject_id: int = SUBJECT_ID,
) -> Status[None]:
    organization = organization_from(request, org_slug)
    goal = one_of(organization, StrategicGoal, goal_id, _("goal"))
    target = api_selectors.subject_of(organization, subject, subject_id)
    deny_unless(request, "budgeting.set_goal_contribution", target)
    services.set_goal_contribution(goal=goal, subject=target, score=0, actor=caller(request))
    return Status(204, None)
