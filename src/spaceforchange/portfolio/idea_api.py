"""REST endpoints of the idea box, under ``/api/v1/organizations/{org_slug}/ideas``.

Mounted by the initiatives router (``api.py``). As there, bodies have no required fields: the
organisation and the idea are checked first (404 for a stranger), then the service explains a
missing value (422). The submitter of an anonymous idea is left out (null) for every caller but
the submitter; only the audit log keeps it.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from spaceforchange.api.pagination import LimitOffsetPagination
from spaceforchange.api.tenancy import organization_from
from spaceforchange.core.models import Unit
from spaceforchange.portfolio import idea_selectors, idea_services
from spaceforchange.portfolio.models import Idea, IdeaStatus
from spaceforchange.portfolio.record_api import caller

router = Router(tags=["ideas"])

IDEAS = "/organizations/{org_slug}/ideas"
IDEA = IDEAS + "/{idea_id}"
IDEA_ID = Path(..., description="The idea's id, as listed by `GET .../ideas`. Another organisation's idea answers 404.")
STATUSES = ", ".join(IdeaStatus.values)


class IdeaOut(Schema):
    """An idea from the organisation's idea box and the answer it got."""

    id: int = Field(description="The idea's id, used in `.../ideas/{idea_id}`.")
    title: str = Field(description="The idea's title, up to 200 characters.")
    problem: str = Field(description="The problem the idea addresses, up to 4000 characters.")
    proposal: str = Field(description="What the submitter proposes, up to 4000 characters.")
    beneficiaries: str = Field(description="Who benefits, up to 2000 characters; may be empty.")
    public_value: str = Field(description="The expected public value, up to 2000 characters; may be empty.")
    unit_id: int | None = Field(description="The id of the unit the idea concerns; null for none.")
    anonymous: bool = Field(description="Whether the submitter is hidden from colleagues.")
    submitted_by_id: int | None = Field(
        None,
        description="The id of the person who submitted it; null when the idea is anonymous (unless you submitted it) "
        "or the account is gone.",
    )
    submitted_at: datetime = Field(description="When the idea was submitted.")
    sponsor_id: int | None = Field(description="The id of the sponsor who answers it; null when none was set.")
    status: str = Field(
        description=f"Where the idea stands, one of: {STATUSES}. Every status but `submitted` is a decision."
    )
    reason: str = Field(description="Why it was decided so; always given for `declined` and `parked`.")
    initiative_id: int | None = Field(description="For `adopted`: the id of the initiative it became.")
    merged_into_id: int | None = Field(description="For `merged`: the id of the idea it was merged into.")
    decided_by_id: int | None = Field(description="The id of the person who decided; null while undecided.")
    decided_at: datetime | None = Field(description="When it was decided; null while undecided.")
    supporters: int = Field(0, description="How many members support the idea besides the submitter.")
    challenge_id: int | None = Field(description="The id of the challenge (call for ideas) it answers; null for none.")

    @staticmethod
    def resolve_submitted_by_id(idea: Idea, context: Any) -> int | None:
        request = context["request"]
        if idea.anonymous and idea.submitted_by_id != request.user.pk:
            return None
        return idea.submitted_by_id

    @staticmethod
    def resolve_supporters(idea: Idea) -> int:
        return int(getattr(idea, "supporter_count", 0))


class IdeaIn(Schema):
    """A new idea, submitted by the caller; `title`, `problem` and `proposal` are needed."""

    title: str = Field("", max_length=200, description="A short title.")
    problem: str = Field("", max_length=4000, description="What does not work today, and for whom.")
    proposal: str = Field("", max_length=4000, description="What the submitter proposes.")
    beneficiaries: str = Field("", max_length=2000, description="Who benefits; optional.")
    public_value: str = Field("", max_length=2000, description="The expected public value; optional.")
    unit_id: int | None = Field(None, description="The id of a unit of the organisation the idea concerns; optional.")
    anonymous: bool = Field(False, description="Hide the submitter from colleagues (never from the audit log).")
    challenge_id: int | None = Field(
        None, description="The id of an open challenge of the organisation the idea answers; optional."
    )


class DecisionIn(Schema):
    """An answer to an idea. `decision` is needed; `reason` for `declined` and `parked`; `merge_into_id` for
    `merged`."""

    decision: str = Field(
        "",
        max_length=20,
        description="One of: adopted (becomes an initiative at stage idea), merged, declined, parked.",
    )
    reason: str = Field("", max_length=4000, description="Why; read by the submitter. Needed to decline or park.")
    merge_into_id: int | None = Field(None, description="For `merged`: the id of another idea of the organisation.")
    initiative_title: str = Field(
        "", max_length=200, description="For `adopted`: the initiative's title; the idea's title when empty."
    )


class IdeaFilter(Schema):
    """Which ideas to list."""

    status: IdeaStatus | None = Field(None, description="Only ideas with this status.")


def _own(queryset: QuerySet[Any], pk: int | None, field: str) -> Any:
    """The organisation's row with id ``pk`` (None for none); an id it does not have is a 422, not a 404."""
    if pk is None:
        return None
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise ValidationError({field: [_("The organisation has no such id.")]})
    return row


@router.get(
    IDEAS,
    response=list[IdeaOut],
    summary="List ideas",
    description="The organisation's ideas, newest first, one page at a time (`limit`, `offset`), optionally by "
    "status. Any member.",
)
@paginate(LimitOffsetPagination)
def list_ideas(request: HttpRequest, org_slug: str, filters: Query[IdeaFilter]) -> QuerySet[Idea]:
    organization = organization_from(request, org_slug)
    return idea_selectors.ideas_for(organization, status=filters.status.value if filters.status else "")


@router.post(
    IDEAS,
    response={201: IdeaOut},
    summary="Submit an idea",
    description="Any member. Routes the idea to the sponsor of its unit (or the nearest parent's, or the default). "
    "422 lists every invalid value, including a unit id the organisation does not have.",
)
def submit_idea(request: HttpRequest, org_slug: str, payload: IdeaIn) -> Status[Idea]:
    organization = organization_from(request, org_slug)
    if not request.user.has_perm("portfolio.submit_idea", organization):
        raise PermissionDenied(_("Your role in this organisation does not allow this."))
    values = payload.model_dump()
    unit = _own(Unit.objects.filter(organization=organization), values.pop("unit_id"), "unit_id")
    challenge = _own(idea_selectors.challenges_for(organization), values.pop("challenge_id"), "challenge_id")
    idea = idea_services.submit_idea(
        organization=organization, submitted_by=caller(request), unit=unit, challenge=challenge, **values
    )
    return Status(201, idea_selectors.idea_detail(organization, idea.pk))


@router.get(
    IDEA,
    response=IdeaOut,
    summary="Get an idea",
    description="One idea of the organisation with its answer. Any member. 404 when the organisation has no idea "
    "with this id (also when another organisation has).",
)
def get_idea(request: HttpRequest, org_slug: str, idea_id: int = IDEA_ID) -> Idea:
    return idea_selectors.idea_detail(organization_from(request, org_slug), idea_id)


@router.post(
    IDEA + "/decision",
    response=IdeaOut,
    summary="Decide on an idea",
    description="The idea's sponsor, innovation leads and initiative owners (403 otherwise). Adopting creates an "
    "initiative at stage `idea`; declining and parking need a reason; merging needs `merge_into_id`. A decided "
    "idea (other than parked) cannot be decided again. 422 lists every invalid value and nothing changes.",
)
def decide_idea(request: HttpRequest, org_slug: str, payload: DecisionIn, idea_id: int = IDEA_ID) -> Idea:
    organization = organization_from(request, org_slug)
    idea = idea_selectors.idea_detail(organization, idea_id)
    if not request.user.has_perm("portfolio.decide_idea", idea):
        raise PermissionDenied(_("Your role in this organisation does not allow this."))
    values = payload.model_dump()
    target = _own(idea_selectors.ideas_for(organization), values.pop("merge_into_id"), "merge_into_id")
    idea_services.decide_idea(idea=idea, actor=caller(request), merge_into=target, **values)
    return idea_selectors.idea_detail(organization, idea.pk)
