"""REST endpoints for initiatives: ``/api/v1/organizations/{org_slug}/initiatives``."""

from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from spaceforchange.api.pagination import LimitOffsetPagination
from spaceforchange.api.tenancy import organization_from
from spaceforchange.portfolio import selectors
from spaceforchange.portfolio.models import Initiative, Stage

router = Router(tags=["initiatives"])

INITIATIVE_ID = Path(
    ...,
    description="The initiative's id, as listed by `GET .../initiatives`. "
    "Another organisation's initiative answers 404.",
)


class InitiativeOut(Schema):
    """An initiative of the organisation: an idea or change effort followed through its stages."""

    id: int = Field(description="The initiative's id, used in `.../initiatives/{initiative_id}`.")
    title: str = Field(description="The initiative's title, up to 200 characters.")
    summary: str = Field(description="What the initiative is about, up to 4000 characters; may be empty.")
    stage: str = Field(
        description="Where the initiative is on its trajectory, one of: " + ", ".join(Stage.values) + "."
    )
    unit_id: int | None = Field(description="The id of the unit the initiative belongs to; null for none.")
    unit_name: str | None = Field(None, alias="unit.name", description="The name of that unit; null for none.")
    owner_email: str | None = Field(
        None, alias="owner.email", description="The email address of the person who owns the initiative; null for none."
    )
    created_at: datetime = Field(description="When the initiative was registered.")
    updated_at: datetime = Field(description="When the initiative was last changed.")


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
    return selectors.initiatives_for(organization, search=filters.q, stage=filters.stage.value if filters.stage else "")


@router.get(
    "/organizations/{org_slug}/initiatives/{initiative_id}",
    response=InitiativeOut,
    summary="Get an initiative",
    description="One initiative of the organisation. Any member. "
    "404 when the organisation has no initiative with this id (also when another organisation has).",
)
def get_initiative(request: HttpRequest, org_slug: str, initiative_id: int = INITIATIVE_ID) -> Initiative:
    organization = organization_from(request, org_slug)
    return get_object_or_404(selectors.initiatives_for(organization), pk=initiative_id)
