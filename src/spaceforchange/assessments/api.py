"""REST endpoints for survey campaigns: ``/api/v1/organizations/{org_slug}/campaigns``.

The issue sketches ``/api/v1/o/<org>/campaigns``; organisation resources of the API live under
``/organizations/{org_slug}/`` (as initiatives, units and members do), so campaigns do too, and
``/api/v1/o/...`` answers with a permanent redirect there (``spaceforchange.api.aliases``).
Listing and reading need ``assessments.view_campaigns``, creating ``assessments.add_campaign`` and
results ``assessments.view_results``. Ids are looked up inside the organisation in the path, so
another organisation's campaign answers 404.

No ``from __future__ import annotations`` here: ninja must see ``Query[...]`` as a real type
through the pagination wrapper.
"""

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import ConfigDict

from spaceforchange.api.pagination import LimitOffsetPagination
from spaceforchange.api.tenancy import organization_from, permitted_organization
from spaceforchange.assessments import domain, selectors, services
from spaceforchange.assessments.models import Campaign, CampaignStatus
from spaceforchange.assessments.snapshots import current_results
from spaceforchange.core.models import Organization, Unit
from spaceforchange.portfolio.models import Initiative

router = Router(tags=["survey campaigns"])

CAMPAIGNS = "/organizations/{org_slug}/campaigns"
DEFAULT_DURATION = timedelta(days=14)
CAMPAIGN_ID = Path(
    ...,
    description="The campaign's id, as listed by `GET .../campaigns`. Another organisation's campaign answers 404.",
)
STATUSES = ", ".join(CampaignStatus.values)


# --- Schemas --------------------------------------------------------------------------------


class CampaignOut(Schema):
    """A survey campaign: one round of a pack instrument for a unit, an initiative or the whole organisation."""

    id: int = Field(description="The campaign's id, used in `.../campaigns/{campaign_id}`.")
    title: str = Field(description="The campaign's title, up to 200 characters.")
    instrument: str = Field(alias="instrument_key", description="The key of the pack instrument it asks.")
    pack: str = Field(alias="pack_version.pack.key", description="The key of the framework pack the instrument is in.")
    pack_version: str = Field(
        alias="pack_version.version", description="The pack's declared version the campaign asks from (fixed)."
    )
    status: str = Field(description=f"One of: {STATUSES}. Only an open campaign takes answers.")
    unit_id: int | None = Field(description="The id of the unit it surveys; null for none.")
    include_subunits: bool = Field(description="Whether the unit's sub-units are surveyed too.")
    initiative_id: int | None = Field(description="The id of the initiative it surveys; null for none.")
    opens_at: datetime = Field(description="When answering opens (once the campaign is open).")
    closes_at: datetime = Field(description="When answering closes.")
    anonymous: bool = Field(description="True when answers are not tied to people.")
    anonymity_threshold: int = Field(description="Groups with fewer respondents than this are not shown.")
    languages: list[str] = Field(description="The language codes respondents may answer in.")
    created_at: datetime = Field(description="When the campaign was created.")


class CampaignIn(Schema):
    """A new campaign, created as a draft. `title` and `instrument` are required."""

    # No required fields: the organisation is checked first (404 for a stranger), then the
    # service explains a missing title or instrument (422) in the same words as the page does.
    title: str = Field("", max_length=200, description="The campaign's title, 1 to 200 characters.")
    instrument: str = Field(
        "", max_length=63, description="The key of a pack instrument, such as `space_for_change_scan`."
    )
    pack: str | None = Field(
        None,
        max_length=63,
        description="The pack's key; needed only when several packs have an instrument with this key.",
    )
    unit_id: int | None = Field(None, description="Survey this unit of the organisation; leave out for none.")
    include_subunits: bool = Field(False, description="Also survey the unit's sub-units (needs `unit_id`).")
    initiative_id: int | None = Field(None, description="Survey the people around this initiative instead of a unit.")
    opens_at: datetime | None = Field(None, description="When answering opens, with a time zone; default now.")
    closes_at: datetime | None = Field(
        None, description="When answering closes, with a time zone; default 14 days after `opens_at`."
    )
    anonymous: bool = Field(True, description="false for named answering; default true (anonymous).")
    anonymity_threshold: int = Field(
        domain.DEFAULT_ANONYMITY_THRESHOLD,
        description=f"Hide groups with fewer respondents than this, {domain.MIN_ANONYMITY_THRESHOLD} to "
        f"{domain.MAX_ANONYMITY_THRESHOLD}; default {domain.DEFAULT_ANONYMITY_THRESHOLD}.",
    )
    languages: list[str] | None = Field(
        None, max_length=10, description="Language codes to offer, such as `en` and `nb`; default all the pack has."
    )


class CampaignFilter(Schema):
    """Which campaigns to list."""

    status: str | None = Field(
        None,
        pattern="^(" + "|".join(CampaignStatus.values) + ")$",
        description=f"Only campaigns with this status, one of: {STATUSES}.",
    )


class ResultsQuery(Schema):
    """How to break the results down."""

    group_by: str = Field(
        "",
        max_length=100,
        description="Leave out for the whole campaign (one group `all`); `unit` for one group per unit of the "
        "respondents (and `(no unit)`); `attribute:NAME` for one group per value of the respondent attribute "
        "NAME (and `(missing)`), where some respondent has NAME. Anything else answers 400.",
    )


class Figures(Schema):
    """Figures of one statement or one dimension within a group; null where a figure does not exist."""

    mean: float | None = Field(description="Weighted mean on the instrument's scale, reverse-worded items flipped.")
    ci_low: float | None = Field(description="Lower end of the 95 % confidence interval of the mean.")
    ci_high: float | None = Field(description="Upper end of the 95 % confidence interval of the mean.")
    share_favourable: float | None = Field(description="Weighted share (0 to 1) of favourable answers (4–5 of 5).")
    share_neutral: float | None = Field(description="Weighted share (0 to 1) of neutral answers.")
    share_unfavourable: float | None = Field(description="Weighted share (0 to 1) of unfavourable answers (1–2 of 5).")
    n: int = Field(description='Respondents with an answer; "don\'t know" is not counted.')


class DimensionFigures(Figures):
    """Figures of one dimension: each respondent's mean of its statements, summarised over the group."""

    alpha: float | None = Field(description="Cronbach's alpha; null below three statements or two complete answers.")


class GroupOut(Schema):
    """One group of respondents. A suppressed group has only `group` and `suppressed`."""

    group: str = Field(description="The group's name: `all`, a unit's name, or an attribute value.")
    suppressed: bool = Field(
        description="True when the group is hidden to protect anonymity (too small, or it could be derived)."
    )
    n: int | None = Field(None, description="Respondents in the group with at least one answer; absent if suppressed.")
    items: dict[str, Figures] | None = Field(None, description="Statement key → figures; absent if suppressed.")
    dimensions: dict[str, DimensionFigures] | None = Field(
        None, description="Dimension key → figures; absent if suppressed."
    )


class CampaignSummary(Schema):
    """The campaign the results are of."""

    id: int = Field(description="The campaign's id.")
    title: str = Field(description="The campaign's title.")
    instrument: str = Field(description="The key of the instrument it asks.")
    pack: str = Field(description="The key of the framework pack.")
    pack_version: str = Field(description="The pack's declared version the campaign asks from.")
    status: str = Field(description=f"One of: {STATUSES}.")
    anonymous: bool = Field(description="True when answers are not tied to people.")
    anonymity_threshold: int = Field(description="Groups with fewer respondents than this are suppressed.")
    respondents: int = Field(description="Submitted responses in the whole campaign.")
    computed_at: datetime = Field(
        description="When these figures were computed (ISO 8601, UTC). Results are recomputed in the background "
        "when answers arrive; a large campaign's figures may be a little older than its latest answers."
    )


def _describe_campaign(schema: dict[str, Any]) -> None:
    # A property that is a reference to another schema loses its description on the way into OpenAPI.
    schema.get("properties", {}).get("campaign", {}).setdefault("description", "The campaign the results are of.")


class ResultsOut(Schema):
    """The campaign's results, whole or broken down into groups."""

    model_config = ConfigDict(json_schema_extra=_describe_campaign)

    campaign: CampaignSummary = Field(description="The campaign the results are of.")
    groups: list[GroupOut] = Field(description="The groups, sorted by name; respondents without a value last.")


# --- Helpers --------------------------------------------------------------------------------


def _campaign(organization: Organization, campaign_id: int) -> Campaign:
    try:
        return selectors.campaign(organization, campaign_id)
    except Campaign.DoesNotExist:
        raise Http404 from None


def _body_targets(organization: Organization, payload: CampaignIn) -> tuple[Unit | None, Initiative | None]:
    """The unit and initiative named in the body; ids the organisation does not have are invalid values."""
    unit = initiative = None
    errors: dict[str, str] = {}
    if payload.unit_id is not None:
        unit = Unit.objects.filter(organization=organization, pk=payload.unit_id).first()
        if unit is None:
            errors["unit_id"] = _("There is no unit with this id in the organisation.")
    if payload.initiative_id is not None:
        initiative = Initiative.objects.filter(organization=organization, pk=payload.initiative_id).first()
        if initiative is None:
            errors["initiative_id"] = _("There is no initiative with this id in the organisation.")
    if errors:
        raise ValidationError(errors)
    return unit, initiative


# --- Routes ---------------------------------------------------------------------------------


@router.get(
    CAMPAIGNS,
    response=list[CampaignOut],
    summary="List campaigns",
    description="The organisation's survey campaigns, newest opening first, one page at a time "
    "(`limit`, `offset`), optionally only those with one status. Any member.",
)
@paginate(LimitOffsetPagination)
def list_campaigns(request: HttpRequest, org_slug: str, filters: Query[CampaignFilter]) -> QuerySet[Campaign]:
    organization = permitted_organization(request, org_slug, "assessments.view_campaigns")
    return selectors.campaigns_for(organization, status=filters.status)


@router.post(
    CAMPAIGNS,
    response={201: CampaignOut},
    summary="Create a campaign",
    description="Innovation leads, owners and administrators. Creates a draft campaign of a pack instrument "
    "for the whole organisation, a unit or an initiative; every invalid value is reported (422) and nothing "
    "is created. A `unit_id` or `initiative_id` the organisation does not have is an invalid value.",
)
def create_campaign(request: HttpRequest, org_slug: str, payload: CampaignIn) -> Status[Campaign]:
    organization = permitted_organization(request, org_slug, "assessments.add_campaign")
    unit, initiative = _body_targets(organization, payload)
    opens_at = payload.opens_at or timezone.now()
    campaign = services.create_campaign(
        organization=organization,
        created_by=request.user,  # type: ignore[arg-type]
        title=payload.title,
        instrument_key=payload.instrument,
        pack_key=payload.pack or None,
        unit=unit,
        include_subunits=payload.include_subunits,
        initiative=initiative,
        opens_at=opens_at,
        closes_at=payload.closes_at or opens_at + DEFAULT_DURATION,
        anonymous=payload.anonymous,
        anonymity_threshold=payload.anonymity_threshold,
        languages=payload.languages,
    )
    return Status(201, _campaign(organization, campaign.pk))


@router.get(
    f"{CAMPAIGNS}/{{campaign_id}}",
    response=CampaignOut,
    summary="Get a campaign",
    description="One survey campaign of the organisation. Any member. "
    "404 when the organisation has no campaign with this id (also when another organisation has).",
)
def get_campaign(request: HttpRequest, org_slug: str, campaign_id: int = CAMPAIGN_ID) -> Campaign:
    organization = permitted_organization(request, org_slug, "assessments.view_campaigns")
    return _campaign(organization, campaign_id)


@router.get(
    f"{CAMPAIGNS}/{{campaign_id}}/results",
    response=ResultsOut,
    exclude_unset=True,  # a suppressed group has no n, items or dimensions at all, not nulls
    summary="Get a campaign's results",
    description="Means, 95 % intervals, shares favourable / neutral / unfavourable and counts per statement "
    "and dimension, for the whole campaign or per group (`group_by`). Groups below the anonymity threshold, "
    "and groups that would let one be derived from the total, are suppressed: listed with no figures. "
    "The figures are the stored ones, recomputed in the background when answers arrive; `campaign.computed_at` "
    "says when they were computed. "
    "Innovation leads, leaders, oversight, administrators and the campaign's creator. "
    "400 for an unknown `group_by`; 404 when the organisation has no campaign with this id.",
)
def get_results(
    request: HttpRequest, org_slug: str, query: Query[ResultsQuery], campaign_id: int = CAMPAIGN_ID
) -> dict[str, Any]:
    organization = organization_from(request, org_slug)
    campaign = _campaign(organization, campaign_id)
    if not request.user.has_perm("assessments.view_results", campaign):
        raise PermissionDenied(_("Your role in this organisation does not allow this."))
    try:
        stored = current_results(campaign, group_by=query.group_by or None)
    except ValueError as refused:
        raise HttpError(400, str(refused)) from refused
    # Closing a campaign changes no answer, so stored figures may predate it: the status is read live.
    summary = {**stored.data["campaign"], "status": campaign.status, "computed_at": stored.computed_at}
    return {**stored.data, "campaign": summary}
