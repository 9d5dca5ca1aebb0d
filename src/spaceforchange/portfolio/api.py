"""REST endpoints for initiatives: ``/api/v1/organizations/{org_slug}/initiatives``."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from spaceforchange.api.tenancy import organization_from
from spaceforchange.portfolio import selectors
from spaceforchange.portfolio.models import Initiative, Stage

router = Router(tags=["initiatives"])


class InitiativeOut(Schema):
    id: int
    title: str
    summary: str
    stage: str = Field(description="One of: " + ", ".join(Stage.values))
    unit_id: int | None
    unit_name: str | None = Field(None, alias="unit.name")
    owner_email: str | None = Field(None, alias="owner.email")
    created_at: datetime
    updated_at: datetime


class InitiativeFilter(Schema):
    q: str = Field("", max_length=200, description="Search in title and summary")
    stage: Stage | None = Field(None, description="Only initiatives in this stage")


@router.get(
    "/organizations/{org_slug}/initiatives",
    response=list[InitiativeOut],
    summary="List initiatives",
    description="The organisation's initiatives, sorted by title, optionally searched and filtered by stage.",
)
@paginate(LimitOffsetPagination)
def list_initiatives(request: HttpRequest, org_slug: str, filters: Query[InitiativeFilter]) -> QuerySet[Initiative]:
    organization = organization_from(request, org_slug)
    return selectors.initiatives_for(organization, search=filters.q, stage=filters.stage.value if filters.stage else "")


@router.get(
    "/organizations/{org_slug}/initiatives/{initiative_id}",
    response=InitiativeOut,
    summary="Get an initiative",
    description="One initiative of the organisation; 404 when it belongs to another organisation.",
)
def get_initiative(request: HttpRequest, org_slug: str, initiative_id: int) -> Initiative:
    organization = organization_from(request, org_slug)
    return get_object_or_404(selectors.initiatives_for(organization), pk=initiative_id)
