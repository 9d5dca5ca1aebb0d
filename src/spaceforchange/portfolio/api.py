"""REST endpoints for initiatives and their records, under ``/api/v1/organizations/{org_slug}/initiatives``.

Request bodies have no required fields on purpose: the organisation and the initiative are
checked first (404 for a stranger), then the service explains a missing value (422) in the same
words as the pages do.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from spaceforchange.api.pagination import LimitOffsetPagination
from spaceforchange.api.tenancy import organization_from
from spaceforchange.core.models import Organization, Unit
from spaceforchange.portfolio import selectors, services
from spaceforchange.portfolio.challenge_api import router as challenge_router
from spaceforchange.portfolio.idea_api import router as idea_router
from spaceforchange.portfolio.models import Initiative, Stage
from spaceforchange.portfolio.record_api import INITIATIVE, INITIATIVE_ID, caller, initiative_for
from spaceforchange.portfolio.record_api import router as record_router

router = Router(tags=["initiatives"])
# The records of one initiative (transitions, constraints, backing, setbacks) live in record_api.
router.add_router("/", record_router)
# The idea box (idea_api) sits beside the initiatives under the same organisation prefix.
router.add_router("/", idea_router)
router.add_router("/", challenge_router)


class InitiativeOut(Schema):
    """An initiative of the organisation: an idea or change effort followed through its stages."""

    id: int = Field(description="The initiative's id, used in `.../initiatives/{initiative_id}`.")
    title: str = Field(description="The initiative's title, up to 200 characters.")
    summary: str = Field(description="What the initiative is about, up to 4000 characters; may be empty.")
    stage: str = Field(
        description="Where the initiative is on its trajectory, one of: " + ", ".join(Stage.values) + ". "
        "Changed only through `POST .../transitions`."
    )
    change_form: str = Field(
        description="The form of change: a `form` key of the `forms_of_change` pack "
        "(such as `incremental_change`); empty when not recorded."
    )
    initiator_level: str = Field(
        description="Who started it: an `initiator` key of the `who_innovates` pack (such as `front_line_staff`); "
        "empty when not recorded."
    )
    trigger: str = Field(
        description="What set it in motion: a `trigger` key of the `who_innovates` pack (such as `crisis`); "
        "empty when not recorded."
    )
    uses_ai: bool = Field(description="Whether the initiative uses artificial intelligence.")
    unit_id: int | None = Field(description="The id of the lead unit; null for none.")
    unit_name: str | None = Field(None, alias="unit.name", description="The name of the lead unit; null for none.")
    owner_email: str | None = Field(
        None, alias="owner.email", description="The email address of the person who owns the initiative; null for none."
    )
    unit_ids: list[int] = Field(description="The ids of the other units taking part (the lead unit is `unit_id`).")
    team_ids: list[int] = Field(description="The ids of the team's members.")
    goal_ids: list[int] = Field(description="The ids of the strategic goals the initiative serves.")
    created_at: datetime = Field(description="When the initiative was registered.")
    updated_at: datetime = Field(description="When the initiative was last changed.")

    @staticmethod
    def resolve_unit_ids(initiative: Initiative) -> list[int]:
        return sorted(unit.pk for unit in initiative.units.all())

    @staticmethod
    def resolve_team_ids(initiative: Initiative) -> list[int]:
        return sorted(person.pk for person in initiative.team.all())

    @staticmethod
    def resolve_goal_ids(initiative: Initiative) -> list[int]:
        return sorted(goal.pk for goal in initiative.goals.all())


class InitiativeChanges(Schema):
    """Changes to an initiative: only the fields sent change. The stage changes only through transitions."""

    title: str | None = Field(None, max_length=200, description="The title, unique in the organisation.")
    summary: str | None = Field(None, max_length=4000, description="What the initiative is about.")
    change_form: str | None = Field(
        None, max_length=63, description="A `form` key of the `forms_of_change` pack, or empty for none."
    )
    initiator_level: str | None = Field(
        None, max_length=63, description="An `initiator` key of the `who_innovates` pack, or empty for none."
    )
    trigger: str | None = Field(
        None, max_length=63, description="A `trigger` key of the `who_innovates` pack, or empty for none."
    )
    uses_ai: bool | None = Field(None, description="Whether the initiative uses artificial intelligence.")
    unit_id: int | None = Field(None, description="The id of the lead unit, a unit of the organisation.")
    unit_ids: list[int] | None = Field(None, max_length=200, description="The ids of the other units taking part.")
    owner_id: int | None = Field(None, description="The id of the owner, a member of the organisation.")
    team_ids: list[int] | None = Field(None, max_length=200, description="The ids of the team's members.")
    goal_ids: list[int] | None = Field(None, max_length=200, description="The ids of the organisation's goals.")


class InitiativeIn(InitiativeChanges):
    """A new initiative; `title` is needed. It is registered at `stage` today."""

    stage: str = Field("idea", max_length=20, description="The stage it starts at; default `idea`.")


class InitiativeFilter(Schema):
    """Which initiatives to list. Every filter given must match."""

    q: str = Field(
        "", max_length=200, description="Search text, found (ignoring case) anywhere in the title or the summary."
    )
    stage: Stage | None = Field(None, description="Only initiatives in this stage.")


@router.get(
    "/organizations/{org_slug}/initiatives",
    response=list[InitiativeOut],
    summary="List initiatives",
    description="The organisation's initiatives sorted by title, one page at a time (`limit`, `offset`), "
    "optionally searched and filtered by stage. Any member.",
)
@paginate(LimitOffsetPagination)
def list_initiatives(request: HttpRequest, org_slug: str, filters: Query[InitiativeFilter]) -> QuerySet[Initiative]:
    organization = organization_from(request, org_slug)
    stage = filters.stage.value if filters.stage else ""
    return selectors.initiatives_for(organization, search=filters.q, stage=stage).prefetch_related(
        "units", "team", "goals"
    )


def _linked(organization: Organization, values: dict[str, Any]) -> dict[str, Any]:
    """The body's ids as the organisation's units, people and goals; an id it does not have is a 422."""
    lookups: dict[str, tuple[str, QuerySet[Any], bool]] = {
        "unit_id": ("unit", Unit.objects.filter(organization=organization), False),
        "owner_id": ("owner", selectors.people_of(organization), False),
        "unit_ids": ("units", Unit.objects.filter(organization=organization), True),
        "team_ids": ("team", selectors.people_of(organization), True),
        "goal_ids": ("goals", selectors.goals_for(organization), True),
    }
    errors: dict[str, list[str]] = {}
    for key, (name, queryset, many) in lookups.items():
        if key not in values:
            continue
        wanted = values.pop(key)
        ids = set(wanted or []) if many else ({wanted} if wanted is not None else set())
        found = {row.pk: row for row in queryset.filter(pk__in=ids)}
        if set(found) != ids:
            errors[key] = [_("The organisation has no such id.")]
        values[name] = list(found.values()) if many else found.get(wanted)
    if errors:
        raise ValidationError(errors)
    return values


@router.post(
    "/organizations/{org_slug}/initiatives",
    response={201: InitiativeOut},
    summary="Register an initiative",
    description="Innovation leads and administrators. Registers the initiative at `stage` (default `idea`) with "
    "today as its start; 422 lists every invalid value, including ids the organisation does not have.",
)
def create_initiative(request: HttpRequest, org_slug: str, payload: InitiativeIn) -> Status[Initiative]:
    organization = organization_from(request, org_slug)
    if not request.user.has_perm("portfolio.add_initiative", organization):
        raise PermissionDenied(_("Your role in this organisation does not allow this."))
    values = _linked(organization, {key: value for key, value in payload.model_dump().items() if value is not None})
    initiative = services.create_initiative(organization=organization, actor=caller(request), **{"title": "", **values})
    return Status(201, selectors.initiative_detail(organization, initiative.pk))


@router.patch(
    INITIATIVE,
    response=InitiativeOut,
    summary="Change an initiative",
    description="The owner, innovation leads and administrators. Only the fields sent change; lists replace the "
    "current ones. 422 lists every invalid value and nothing changes. The stage changes through `.../transitions`.",
)
def update_initiative(
    request: HttpRequest, org_slug: str, payload: InitiativeChanges, initiative_id: int = INITIATIVE_ID
) -> Initiative:
    initiative = initiative_for(request, org_slug, initiative_id, "portfolio.change_initiative")
    values = _linked(initiative.organization, payload.model_dump(exclude_unset=True))
    services.update_initiative(initiative=initiative, actor=caller(request), **values)
    return selectors.initiative_detail(initiative.organization, initiative.pk)


@router.get(
    INITIATIVE,
    response=InitiativeOut,
    summary="Get an initiative",
    description="One initiative of the organisation. Any member. "
    "404 when the organisation has no initiative with this id (also when another organisation has).",
)
def get_initiative(request: HttpRequest, org_slug: str, initiative_id: int = INITIATIVE_ID) -> Initiative:
    return initiative_for(request, org_slug, initiative_id)
