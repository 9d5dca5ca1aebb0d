"""REST endpoints of change programmes under ``/api/v1/organizations/{org_slug}/change-programmes``.

Programmes (list with filters, add, read, change, archive and restore), their milestones,
subsystems, supporters and linked initiatives; readiness on Fernandez and Rainey's eight factors
(the current score per factor and the history; a workshop entry; the scores of a readiness
survey); each factor's evidence checklist; and the downloads.

Every member reads; innovation leads, leaders and administrators change any programme, and a
programme's owner changes their own; oversight changes nothing. The order of checks is the other
APIs': the organisation and every id in the path and the body (404 for another organisation's),
the role (403), then the values (422, every invalid field at once), and nothing changes on a refusal.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from spaceforchange.api.fields import active_member, api_fields, caller
from spaceforchange.api.pagination import LimitOffsetPagination
from spaceforchange.api.tenancy import all_of, deny_unless, one_of, organization_from
from spaceforchange.api.tenancy import permitted_organization as permitted
from spaceforchange.assessments.models import Campaign
from spaceforchange.budgeting.models import BudgetLine
from spaceforchange.change import api_selectors, export, selectors, services
from spaceforchange.change.models import (
    ChangeProgramme,
    Milestone,
    ProgrammeStatus,
    Subsystem,
    Supporter,
    SupporterKind,
)
from spaceforchange.change.terms import FACTORS, change_terms
from spaceforchange.core.models import Organization
from spaceforchange.portfolio.models import Initiative

router = Router(tags=["change"])

ORG = "/organizations/{org_slug}"
PROGRAMMES = ORG + "/change-programmes"
PROGRAMME = PROGRAMMES + "/{int:programme_id}"
VIEW, MANAGE = "change.view_programmes", "change.manage_programmes"
STATUSES = ", ".join(f"`{value}`" for value in ProgrammeStatus.values)
KINDS = ", ".join(f"`{value}`" for value in SupporterKind.values)
FACTOR_KEYS = ", ".join(f"`{key}`" for key in FACTORS)
FILE_RESPONSE = {
    "responses": {
        "200": {
            "description": "The file, as an attachment named after the organisation and the day.",
            "content": {content_type: {} for content_type in export.CONTENT_TYPES.values()},
        }
    }
}
FORMAT = Query("csv", max_length=20, description="The file's format: `csv` (UTF-8) or `xlsx`; any other is a 400.")
PROGRAMME_ID = Path(
    ..., description="The programme's id, as listed by `GET .../change-programmes`. Another organisation's: 404."
)
MILESTONE_ID = Path(..., description="The milestone's id. Another programme's answers 404.")
SUBSYSTEM_ID = Path(..., description="The subsystem's id. Another programme's answers 404.")
SUPPORTER_ID = Path(..., description="The supporter's id. Another programme's answers 404.")
INITIATIVE_ID = Path(..., description="The initiative's id. Another organisation's answers 404.")
ITEM_KEY = Path(..., max_length=63, description="The evidence item's key, as listed by `GET .../evidence`.")
API_FIELDS = {
    "owner": "owner_id",
    "sponsor": "sponsor_id",
    "initiatives": "initiative_ids",
    "budget_lines": "budget_line_ids",
    "user": "user_id",
    "campaign": "campaign_id",
    "initiative": "initiative_id",
}


def programme_for(request: HttpRequest, org_slug: str, programme_id: int, permission: str = VIEW) -> ChangeProgramme:
    """The organisation's programme (404 otherwise), once the caller holds ``permission`` on it (403)."""
    organization = organization_from(request, org_slug)
    programme = api_selectors.programme_of(organization, programme_id)
    deny_unless(request, permission, programme)
    return programme


def file_format(value: str) -> str:
    problem = export.format_error(value)
    if problem is not None:
        raise HttpError(400, problem)
    return value


# --- Schemas ----------------------------------------------------------------------------------


class ProgrammeOut(Schema):
    """A change programme: its plan, people, resources, links and current readiness."""

    id: int = Field(description="The programme's id.")
    name: str = Field(description="The name, unique in the organisation (ignoring case).")
    status: str = Field(description=f"One of {STATUSES}.")
    owner_id: int | None = Field(description="The user id of the member who runs it; null for none.")
    sponsor_id: int | None = Field(description="The user id of its named sponsor in top management; null for none.")
    vision: str = Field(description="Where the change leads; may be empty.")
    causal_theory: str = Field(description="Why the planned steps lead there; may be empty.")
    institutionalisation_plan: str = Field(description="How the change becomes routine; may be empty.")
    resource_budget: float | None = Field(description="Money set aside, in the organisation's currency; or null.")
    resource_fte: float | None = Field(description="Staff set aside, in full-time equivalents; or null.")
    resource_training: str = Field(description="The training planned; may be empty.")
    resource_time: str = Field(description="The working time set aside; may be empty.")
    initiative_ids: list[int] = Field(description="The ids of the initiatives it carries.")
    budget_line_ids: list[int] = Field(description="The ids of the budget lines that fund it.")
    readiness: dict[str, float | None] = Field(
        description="Each factor's current score (1–5), by factor key; null when never assessed."
    )
    factors_scored: int = Field(description="How many of the eight factors have a score.")
    overall_readiness: float | None = Field(description="The mean of the scored factors; a summary, never a gate.")
    warning_count: int = Field(description="How many change-programme warnings fire for it now.")
    archived: bool = Field(description="Whether it is archived (out of the lists, the warnings and the gate).")
    created_at: datetime = Field(description="When it was added.")
    updated_at: datetime = Field(description="When it was last changed.")


class ProgrammeMilestoneOut(Schema):
    """A step of the programme's plan."""

    id: int = Field(description="The milestone's id.")
    title: str = Field(description="What is to be done.")
    due_on: date = Field(description="When it is due.")
    done_on: date | None = Field(description="When it was done; null while open.")
    institutionalisation: bool = Field(description="Whether the step embeds the change in routines.")
    order: int = Field(description="Its place in the plan, 0 first.")


class ProgrammeSubsystemOut(Schema):
    """A part of the organisation the change must align (structure, processes, technology, culture …)."""

    id: int = Field(description="The subsystem's id.")
    name: str = Field(description="Its name, unique in the programme (ignoring case).")
    aligned: bool = Field(description="Whether it is aligned with the change.")
    note: str = Field(description="A note; may be empty.")


class ProgrammeSupporterOut(Schema):
    """Someone who supports the programme."""

    id: int = Field(description="The supporter's id.")
    name: str = Field(description="The supporter's name.")
    kind: str = Field(description=f"The kind of support: {KINDS}.")
    user_id: int | None = Field(description="The user id when the supporter is a member; null otherwise.")
    note: str = Field(description="A note; may be empty.")


class ProgrammeWarningOut(Schema):
    """A change-programme warning that fires now, with what triggered it."""

    rule_key: str = Field(description="The rule's key in the warnings pack, such as `plan_too_vague`.")
    name: str = Field(description="The rule's name in the organisation's warnings pack.")
    description: str = Field(description="What triggered it, in a sentence.")
    severity: str = Field(description="`critical`, `warning` or `info`.")
    facts: dict[str, Any] = Field(description="The data behind it, and the thresholds it was held against.")


class ProgrammeDetailOut(ProgrammeOut):
    """A programme with its milestones, subsystems, supporters and warnings."""

    milestones: list[ProgrammeMilestoneOut] = Field(description="The plan's steps in order.")
    subsystems: list[ProgrammeSubsystemOut] = Field(description="The subsystems to align, by name.")
    supporters: list[ProgrammeSupporterOut] = Field(description="The supporters, by kind and name.")
    warnings: list[ProgrammeWarningOut] = Field(description="The warnings that fire now, most serious first.")


class ProgrammeFilter(Schema):
    """Which programmes to list, and in which order."""

    q: str = Field("", max_length=200, description="Only programmes whose name or vision contains this text.")
    status: str = Field("", max_length=20, description=f"Only programmes with this status: {STATUSES}.")
    sort: str = Field(
        "name",
        pattern="^-?(name|updated|created)$|^status$",
        description="`name` (default), `-name`, `updated`, `-updated`, `created`, `-created` or `status`.",
    )
    archived: bool = Field(False, description="List the archived programmes instead of the others.")


class ProgrammeIn(Schema):
    """A programme to add; `name` is needed."""

    name: str = Field("", max_length=400, description="The name (up to 200 characters), unique in the organisation.")
    owner_id: int | None = Field(None, description="The user id of the member who runs it; default: you.")
    sponsor_id: int | None = Field(None, description="The user id of its named sponsor, an active member; or null.")
    vision: str = Field("", max_length=8000, description="Where the change leads (up to 4000 characters).")
    causal_theory: str = Field("", max_length=8000, description="Why the steps lead there (up to 4000 characters).")
    institutionalisation_plan: str = Field(
        "", max_length=8000, description="How the change becomes routine (up to 4000 characters)."
    )
    resource_budget: Decimal | None = Field(None, description="Money set aside: 0 or more, two decimals; or null.")
    resource_fte: Decimal | None = Field(None, description="Staff set aside in full-time equivalents, 0 or more.")
    resource_training: str = Field("", max_length=4000, description="The training planned (up to 2000 characters).")
    resource_time: str = Field("", max_length=4000, description="The working time set aside (up to 2000 characters).")
    status: str = Field(ProgrammeStatus.PLANNED, max_length=20, description=f"One of {STATUSES}; default `planned`.")
    initiative_ids: list[int] = Field([], max_length=1000, description="The ids of the initiatives it carries.")
    budget_line_ids: list[int] = Field([], max_length=1000, description="The ids of the budget lines that fund it.")


class ProgrammeChanges(Schema):
    """Changes to a programme: only the fields sent change; the id lists replace the links."""

    name: str | None = Field(None, max_length=400, description="The name (up to 200 characters).")
    owner_id: int | None = Field(None, description="The user id of the member who runs it; null for none.")
    sponsor_id: int | None = Field(None, description="The user id of its named sponsor; null for none.")
    vision: str | None = Field(None, max_length=8000, description="Where the change leads (up to 4000 characters).")
    causal_theory: str | None = Field(None, max_length=8000, description="Why the steps lead there.")
    institutionalisation_plan: str | None = Field(None, max_length=8000, description="How it becomes routine.")
    resource_budget: Decimal | None = Field(None, description="Money set aside: 0 or more; null for none.")
    resource_fte: Decimal | None = Field(None, description="Staff set aside in full-time equivalents; null for none.")
    resource_training: str | None = Field(None, max_length=4000, description="The training planned.")
    resource_time: str | None = Field(None, max_length=4000, description="The working time set aside.")
    status: str | None = Field(None, max_length=20, description=f"One of {STATUSES}.")
    initiative_ids: list[int] | None = Field(None, max_length=1000, description="The ids of all linked initiatives.")
    budget_line_ids: list[int] | None = Field(None, max_length=1000, description="The ids of all funding lines.")


class MilestoneIn(Schema):
    """A step of the plan; `title` and `due_on` are needed to add one. To change one, send only what changes."""

    title: str | None = Field(None, max_length=400, description="What is to be done (up to 200 characters).")
    due_on: date | None = Field(None, description="When it is due (YYYY-MM-DD).")
    done_on: date | None = Field(None, description="When it was done (YYYY-MM-DD), not in the future; null: open.")
    institutionalisation: bool | None = Field(None, description="Whether the step embeds the change in routines.")
    order: int | None = Field(None, description="Its place in the plan, 0 first; default: at the end.")


class SubsystemIn(Schema):
    """A subsystem to align; `name` is needed to add one (a change sets `aligned` and `note` only)."""

    name: str = Field("", max_length=400, description="Its name (up to 200 characters), unique in the programme.")
    aligned: bool = Field(False, description="Whether it is aligned with the change.")
    note: str | None = Field(None, max_length=4000, description="A note (up to 2000 characters).")


class SupporterIn(Schema):
    """A supporter; `kind` is needed, and a `name` unless `user_id` names a member."""

    name: str = Field("", max_length=400, description="The name (up to 200 characters); default: the member's.")
    kind: str = Field("", max_length=30, description=f"The kind of support: {KINDS}.")
    user_id: int | None = Field(None, description="The user id of the supporter when a member; or null.")
    note: str = Field("", max_length=4000, description="A note (up to 2000 characters).")


class FactorReadingOut(Schema):
    """A factor's current score (its latest entry, whatever the source) and its evidence in place."""

    factor: str = Field(description=f"The factor's key: one of {FACTOR_KEYS}.")
    number: int | None = Field(description="The factor's number, 1–8, in Fernandez and Rainey's order.")
    name: str = Field(description="The factor's name in the organisation's pack.")
    score: float | None = Field(description="The current score, 1–5; null when never assessed.")
    source: str | None = Field(description="`workshop` or `campaign`; null when never assessed.")
    assessed_on: date | None = Field(description="The day of the current score; null when never assessed.")
    evidence_done: int = Field(description="How many items of the factor's evidence checklist are in place.")
    evidence_total: int = Field(description="How many items the checklist has.")


class ReadinessEntryOut(Schema):
    """One recorded score for one factor (entries are appended, never edited)."""

    id: int = Field(description="The entry's id.")
    factor: str = Field(description="The factor's key.")
    factor_number: int | None = Field(description="The factor's number, 1–8.")
    factor_name: str = Field(description="The factor's name in the organisation's pack.")
    score: float = Field(description="The score, 1–5.")
    source: str = Field(description="`workshop` or `campaign`.")
    campaign_id: int | None = Field(description="The readiness survey it came from; null for a workshop.")
    assessed_on: date = Field(description="The day the score stands for.")
    note: str = Field(description="A note; for a survey, its title.")
    recorded_at: datetime = Field(description="When it was recorded.")


class ReadinessOut(Schema):
    """A programme's readiness: the current score per factor and every entry, newest first."""

    programme_id: int = Field(description="The programme's id.")
    overall: float | None = Field(description="The mean of the scored factors; null when none is scored.")
    factors: list[FactorReadingOut] = Field(description="The eight factors in order.")
    history: list[ReadinessEntryOut] = Field(description="Every entry, newest first.")


class WorkshopReadinessIn(Schema):
    """A workshop's score for one factor; `factor` and `score` are needed."""

    factor: str = Field("", max_length=63, description=f"The factor's key: one of {FACTOR_KEYS}.")
    score: Decimal | None = Field(None, description="The score, 1–5, two decimals at most.")
    assessed_on: date | None = Field(None, description="The workshop's day (YYYY-MM-DD); default today.")
    note: str = Field("", max_length=4000, description="A note (up to 2000 characters).")


class CampaignReadinessIn(Schema):
    """The readiness survey whose scores to record; `campaign_id` is needed."""

    campaign_id: int | None = Field(
        None, description="A `change_readiness` campaign of the organisation with enough answers."
    )


class EvidenceItemOut(Schema):
    """An item of a factor's evidence checklist, and whether it is in place for the programme."""

    item_key: str = Field(description="The item's key in the `change_management` pack.")
    factor: str = Field(description="The factor's key.")
    factor_number: int | None = Field(description="The factor's number, 1–8.")
    text: str = Field(description="What the item asks for.")
    done: bool = Field(description="Whether it is in place.")
    note: str = Field(description="A note; may be empty.")
    checked_at: datetime | None = Field(description="When it was last ticked or unticked; null when never.")


class EvidenceCheckIn(Schema):
    """Whether the item is in place; `done` is needed."""

    done: bool | None = Field(None, description="True when in place, false when not.")
    note: str = Field("", max_length=4000, description="A note (up to 2000 characters).")


# --- Programmes -------------------------------------------------------------------------------


def _relations(organization: Organization, values: dict[str, Any]) -> dict[str, Any]:
    """The body's ids as the service's objects: members (422 otherwise), initiatives and lines (404)."""
    for field in ("owner", "sponsor"):
        if f"{field}_id" in values:
            values[field] = active_member(organization, values.pop(f"{field}_id"), f"{field}_id")
    if "initiative_ids" in values:
        ids = values.pop("initiative_ids")
        values["initiatives"] = all_of(organization, Initiative, ids or [], _("initiative"))
    if "budget_line_ids" in values:
        ids = values.pop("budget_line_ids")
        values["budget_lines"] = all_of(organization, BudgetLine, ids or [], _("budget line"))
    return values


@router.get(
    PROGRAMMES,
    response=list[ProgrammeOut],
    summary="List change programmes",
    description="The organisation's programmes with their current readiness per factor, by name unless sorted "
    "otherwise, one page at a time. Any member.",
)
@paginate(LimitOffsetPagination)
def list_programmes(request: HttpRequest, org_slug: str, filters: Query[ProgrammeFilter]) -> list[dict[str, Any]]:
    organization = permitted(request, org_slug, VIEW)
    if filters.status and filters.status not in ProgrammeStatus.values:
        raise ValidationError({"status": [_("Choose one of: %(choices)s.") % {"choices": STATUSES}]})
    rows = selectors.programmes(
        organization, search=filters.q, status=filters.status, sort=filters.sort, archived=filters.archived
    )
    return api_selectors.programme_rows(list(rows))


@router.get(
    PROGRAMMES + "/export",
    summary="Export the change programmes",
    description="The programmes with their status, people, resources and current score per factor, as CSV or "
    "XLSX. Any member.",
    openapi_extra=FILE_RESPONSE,
)
def export_programmes(
    request: HttpRequest, org_slug: str, filters: Query[ProgrammeFilter], format: str = FORMAT
) -> HttpResponse:
    organization = permitted(request, org_slug, VIEW)
    chosen = file_format(format)
    return export.programmes_download(
        organization, chosen, search=filters.q, status=filters.status, archived=filters.archived
    )


@router.post(
    PROGRAMMES,
    response={201: ProgrammeDetailOut},
    summary="Add a change programme",
    description="Innovation leads, leaders and administrators (403 otherwise). An initiative or budget line of "
    "another organisation answers 404; 422 lists every invalid value and nothing is saved.",
)
@api_fields(API_FIELDS)
def create_programme(request: HttpRequest, org_slug: str, payload: ProgrammeIn) -> Status[dict[str, Any]]:
    organization = permitted(request, org_slug, MANAGE)
    values = _relations(organization, payload.model_dump())
    if payload.owner_id is None:
        values["owner"] = caller(request)
    programme = services.create_programme(organization=organization, actor=caller(request), **values)
    return Status(201, api_selectors.programme_detail(programme))


@router.get(
    PROGRAMME,
    response=ProgrammeDetailOut,
    summary="Read a change programme",
    description="The programme with its plan, resources, milestones, subsystems, supporters, current readiness "
    "and warnings. Any member.",
)
def read_programme(request: HttpRequest, org_slug: str, programme_id: int = PROGRAMME_ID) -> dict[str, Any]:
    return api_selectors.programme_detail(programme_for(request, org_slug, programme_id))


@router.patch(
    PROGRAMME,
    response=ProgrammeDetailOut,
    summary="Change a change programme",
    description="Innovation leads, leaders, administrators and the programme's owner (403 otherwise). Only the "
    "fields sent change; the id lists replace the links. 422 lists every invalid value and nothing changes.",
)
@api_fields(API_FIELDS)
def update_programme(
    request: HttpRequest, org_slug: str, payload: ProgrammeChanges, programme_id: int = PROGRAMME_ID
) -> dict[str, Any]:
    programme = programme_for(request, org_slug, programme_id, MANAGE)
    values = _relations(programme.organization, payload.model_dump(exclude_unset=True))
    nulls = [key for key in ("name", "status", *services.TEXTS) if key in values and values[key] is None]
    if nulls:
        raise ValidationError({key: [_("Leave the field out to keep it; it cannot be null.")] for key in nulls})
    if values:
        services.update_programme(programme=programme, actor=caller(request), **values)
    return api_selectors.programme_detail(programme)


def _archive(request: HttpRequest, org_slug: str, programme_id: int, *, archived: bool) -> dict[str, Any]:
    programme = programme_for(request, org_slug, programme_id, MANAGE)
    services.archive_programme(programme=programme, archived=archived, actor=caller(request))
    return api_selectors.programme_detail(programme)


@router.post(
    PROGRAMME + "/archive",
    response=ProgrammeDetailOut,
    summary="Archive a change programme",
    description="Those who may change the programme (403 otherwise). It leaves the lists, the warnings and the "
    "readiness gate; its record stays.",
)
def archive_programme(request: HttpRequest, org_slug: str, programme_id: int = PROGRAMME_ID) -> dict[str, Any]:
    return _archive(request, org_slug, programme_id, archived=True)


@router.post(
    PROGRAMME + "/restore",
    response=ProgrammeDetailOut,
    summary="Restore a change programme",
    description="Those who may change the programme (403 otherwise). Brings an archived programme back.",
)
def restore_programme(request: HttpRequest, org_slug: str, programme_id: int = PROGRAMME_ID) -> dict[str, Any]:
    return _archive(request, org_slug, programme_id, archived=False)


# --- Milestones, subsystems, supporters, initiatives -----------------------------------------


@router.post(
    PROGRAMME + "/milestones",
    response={201: ProgrammeMilestoneOut},
    summary="Add a milestone",
    description="Those who may change the programme (403 otherwise). 422 for a missing title or due day, a done "
    "day in the future or an order outside 0–32767.",
)
def add_milestone(
    request: HttpRequest, org_slug: str, payload: MilestoneIn, programme_id: int = PROGRAMME_ID
) -> Status[dict[str, Any]]:
    programme = programme_for(request, org_slug, programme_id, MANAGE)
    values = payload.model_dump(exclude_none=True)
    row = services.add_milestone(
        programme=programme,
        title=values.get("title", ""),
        due_on=values.get("due_on"),  # type: ignore[arg-type]  # the service explains a missing day
        done_on=values.get("done_on"),
        institutionalisation=values.get("institutionalisation", False),
        order=values.get("order"),
        actor=caller(request),
    )
    return Status(201, api_selectors.milestone_as_dict(row))


@router.patch(
    PROGRAMME + "/milestones/{milestone_id}",
    response=ProgrammeMilestoneOut,
    summary="Change a milestone",
    description="Those who may change the programme (403 otherwise). Only the fields sent change; `done_on` marks "
    "it done (null reopens it).",
)
def update_milestone(
    request: HttpRequest,
    org_slug: str,
    payload: MilestoneIn,
    programme_id: int = PROGRAMME_ID,
    milestone_id: int = MILESTONE_ID,
) -> dict[str, Any]:
    programme = programme_for(request, org_slug, programme_id, MANAGE)
    row = api_selectors.part_of(programme, Milestone, milestone_id, _("milestone"))
    changes = payload.model_dump(exclude_unset=True)
    nulls = [key for key in ("title", "due_on", "institutionalisation", "order") if changes.get(key, 0) is None]
    if nulls:
        raise ValidationError({key: [_("Leave the field out to keep it; it cannot be null.")] for key in nulls})
    services.update_milestone(milestone=row, actor=caller(request), **changes)
    return api_selectors.milestone_as_dict(row)


@router.delete(
    PROGRAMME + "/milestones/{milestone_id}",
    response={204: None},
    summary="Remove a milestone",
    description="Those who may change the programme (403 otherwise).",
)
def remove_milestone(
    request: HttpRequest, org_slug: str, programme_id: int = PROGRAMME_ID, milestone_id: int = MILESTONE_ID
) -> Status[None]:
    programme = programme_for(request, org_slug, programme_id, MANAGE)
    row = api_selectors.part_of(programme, Milestone, milestone_id, _("milestone"))
    services.remove_milestone(milestone=row, actor=caller(request))
    return Status(204, None)


@router.post(
    PROGRAMME + "/subsystems",
    response={201: ProgrammeSubsystemOut},
    summary="Add a subsystem",
    description="Those who may change the programme (403 otherwise). 422 for a missing or repeated name.",
)
def add_subsystem(
    request: HttpRequest, org_slug: str, payload: SubsystemIn, programme_id: int = PROGRAMME_ID
) -> Status[dict[str, Any]]:
    programme = programme_for(request, org_slug, programme_id, MANAGE)
    row = services.add_subsystem(
        programme=programme,
        name=payload.name,
        aligned=payload.aligned,
        note=payload.note or "",
        actor=caller(request),
    )
    return Status(201, api_selectors.subsystem_as_dict(row))


@router.patch(
    PROGRAMME + "/subsystems/{subsystem_id}",
    response=ProgrammeSubsystemOut,
    summary="Mark a subsystem aligned or not",
    description="Those who may change the programme (403 otherwise). Sets `aligned` (and `note` when sent); the "
    "name does not change.",
)
def update_subsystem(
    request: HttpRequest,
    org_slug: str,
    payload: SubsystemIn,
    programme_id: int = PROGRAMME_ID,
    subsystem_id: int = SUBSYSTEM_ID,
) -> dict[str, Any]:
    programme = programme_for(request, org_slug, programme_id, MANAGE)
    row = api_selectors.part_of(programme, Subsystem, subsystem_id, _("subsystem"))
    services.update_subsystem(subsystem=row, aligned=payload.aligned, note=payload.note, actor=caller(request))
    return api_selectors.subsystem_as_dict(row)


@router.delete(
    PROGRAMME + "/subsystems/{subsystem_id}",
    response={204: None},
    summary="Remove a subsystem",
    description="Those who may change the programme (403 otherwise).",
)
def remove_subsystem(
    request: HttpRequest, org_slug: str, programme_id: int = PROGRAMME_ID, subsystem_id: int = SUBSYSTEM_ID
) -> Status[None]:
    programme = programme_for(request, org_slug, programme_id, MANAGE)
    row = api_selectors.part_of(programme, Subsystem, subsystem_id, _("subsystem"))
    services.remove_subsystem(subsystem=row, actor=caller(request))
    return Status(204, None)


@router.post(
    PROGRAMME + "/supporters",
    response={201: ProgrammeSupporterOut},
    summary="Add a supporter",
    description="Those who may change the programme (403 otherwise). 422 for an unknown kind, a missing name, or a "
    "`user_id` that is not an active member.",
)
@api_fields(API_FIELDS)
def add_supporter(
    request: HttpRequest, org_slug: str, payload: SupporterIn, programme_id: int = PROGRAMME_ID
) -> Status[dict[str, Any]]:
    programme = programme_for(request, org_slug, programme_id, MANAGE)
    person = active_member(programme.organization, payload.user_id, "user_id")
    row = services.add_supporter(
        programme=programme,
        name=payload.name,
        kind=payload.kind,
        user=person,
        note=payload.note,
        actor=caller(request),
    )
    return Status(201, api_selectors.supporter_as_dict(row))


@router.delete(
    PROGRAMME + "/supporters/{supporter_id}",
    response={204: None},
    summary="Remove a supporter",
    description="Those who may change the programme (403 otherwise).",
)
def remove_supporter(
    request: HttpRequest, org_slug: str, programme_id: int = PROGRAMME_ID, supporter_id: int = SUPPORTER_ID
) -> Status[None]:
    programme = programme_for(request, org_slug, programme_id, MANAGE)
    row = api_selectors.part_of(programme, Supporter, supporter_id, _("supporter"))
    services.remove_supporter(supporter=row, actor=caller(request))
    return Status(204, None)


@router.put(
    PROGRAMME + "/initiatives/{initiative_id}",
    response=ProgrammeDetailOut,
    summary="Link an initiative",
    description="Those who may change the programme (403 otherwise). The programme carries the initiative: its "
    "readiness then counts for the initiative's stage gates. Linking it again changes nothing.",
)
@api_fields(API_FIELDS)
def link_initiative(
    request: HttpRequest, org_slug: str, programme_id: int = PROGRAMME_ID, initiative_id: int = INITIATIVE_ID
) -> dict[str, Any]:
    programme = programme_for(request, org_slug, programme_id, MANAGE)
    initiative = one_of(programme.organization, Initiative, initiative_id, _("initiative"))
    services.link_initiative(programme=programme, initiative=initiative, actor=caller(request))
    return api_selectors.programme_detail(programme)


@router.delete(
    PROGRAMME + "/initiatives/{initiative_id}",
    response={204: None},
    summary="Unlink an initiative",
    description="Those who may change the programme (403 otherwise). Unlinking one not linked changes nothing.",
)
@api_fields(API_FIELDS)
def unlink_initiative(
    request: HttpRequest, org_slug: str, programme_id: int = PROGRAMME_ID, initiative_id: int = INITIATIVE_ID
) -> Status[None]:
    programme = programme_for(request, org_slug, programme_id, MANAGE)
    initiative = one_of(programme.organization, Initiative, initiative_id, _("initiative"))
    services.unlink_initiative(programme=programme, initiative=initiative, actor=caller(request))
    return Status(204, None)


# --- Readiness and evidence -------------------------------------------------------------------


@router.get(
    PROGRAMME + "/readiness",
    response=ReadinessOut,
    summary="Read a programme's readiness",
    description="The current score of each of the eight factors (its latest entry, from a workshop or a survey), "
    "the evidence in place per factor, and every entry, newest first. Any member.",
)
def read_readiness(request: HttpRequest, org_slug: str, programme_id: int = PROGRAMME_ID) -> dict[str, Any]:
    return api_selectors.readiness_as_dict(programme_for(request, org_slug, programme_id))


@router.get(
    PROGRAMME + "/readiness/export",
    summary="Export a programme's readiness",
    description="The current score per factor, the history of entries and the evidence checklist, as CSV or XLSX. "
    "Any member.",
    openapi_extra=FILE_RESPONSE,
)
def export_readiness(
    request: HttpRequest, org_slug: str, programme_id: int = PROGRAMME_ID, format: str = FORMAT
) -> HttpResponse:
    programme = programme_for(request, org_slug, programme_id)
    return export.readiness_download(programme, file_format(format))


@router.post(
    PROGRAMME + "/readiness",
    response={201: ReadinessEntryOut},
    summary="Record a workshop's readiness score",
    description="Those who may change the programme (403 otherwise). Appends a score (1–5) for one factor; it "
    "becomes the factor's current score. 422 for an unknown factor, a score outside 1–5 or a future day.",
)
@api_fields(API_FIELDS)
def record_readiness(
    request: HttpRequest, org_slug: str, payload: WorkshopReadinessIn, programme_id: int = PROGRAMME_ID
) -> Status[dict[str, Any]]:
    programme = programme_for(request, org_slug, programme_id, MANAGE)
    if payload.score is None:
        raise ValidationError({"score": [_("Give a score from 1 to 5.")]})
    entry = services.record_readiness(
        programme=programme,
        factor_key=payload.factor,
        score=payload.score,
        assessed_on=payload.assessed_on,
        note=payload.note,
        actor=caller(request),
    )
    terms = change_terms(programme.organization, api_selectors.language())
    return Status(201, api_selectors.entry_as_dict(entry, terms))


@router.post(
    PROGRAMME + "/readiness/from-campaign",
    response={201: list[ReadinessEntryOut]},
    summary="Record a readiness survey's scores",
    description="Those who may change the programme (403 otherwise). Appends each factor's mean in a "
    "`change_readiness` campaign's submitted answers. A campaign of another organisation answers 404; 422 for "
    "another instrument or fewer answers than the campaign's anonymity threshold.",
)
@api_fields(API_FIELDS)
def record_readiness_from_campaign(
    request: HttpRequest, org_slug: str, payload: CampaignReadinessIn, programme_id: int = PROGRAMME_ID
) -> Status[list[dict[str, Any]]]:
    programme = programme_for(request, org_slug, programme_id, MANAGE)
    if payload.campaign_id is None:
        raise ValidationError({"campaign_id": [_("Choose a readiness survey campaign.")]})
    campaign = one_of(programme.organization, Campaign, payload.campaign_id, _("campaign"))
    entries = services.record_readiness_from_campaign(programme=programme, campaign=campaign, actor=caller(request))
    terms = change_terms(programme.organization, api_selectors.language())
    return Status(201, [api_selectors.entry_as_dict(entry, terms) for entry in entries])


@router.get(
    PROGRAMME + "/evidence",
    response=list[EvidenceItemOut],
    summary="Read a programme's evidence checklist",
    description="Every item of the eight factors' evidence checklists, in factor order, with whether it is in "
    "place. Any member.",
)
def read_evidence(request: HttpRequest, org_slug: str, programme_id: int = PROGRAMME_ID) -> list[dict[str, Any]]:
    return api_selectors.evidence_as_dicts(programme_for(request, org_slug, programme_id))


@router.put(
    PROGRAMME + "/evidence/{item_key}",
    response=EvidenceItemOut,
    summary="Tick an evidence item",
    description="Those who may change the programme (403 otherwise). Marks the item in place or not; ticking it "
    "again updates it. 422 for an item that is not on the checklist.",
)
def check_evidence(
    request: HttpRequest,
    org_slug: str,
    payload: EvidenceCheckIn,
    programme_id: int = PROGRAMME_ID,
    item_key: str = ITEM_KEY,
) -> dict[str, Any]:
    programme = programme_for(request, org_slug, programme_id, MANAGE)
    if payload.done is None:
        raise ValidationError({"done": [_("Say whether the item is in place.")]})
    services.check_evidence(
        programme=programme, item_key=item_key, done=payload.done, note=payload.note, actor=caller(request)
    )
    found = next(item for item in api_selectors.evidence_as_dicts(programme) if item["item_key"] == item_key)
    return found  # type: ignore[no-any-return]
