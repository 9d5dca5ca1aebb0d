"""REST endpoints for the gray-zone register: tactics proposed, approved, rejected and ended.

Nothing is deleted. Approval and rejection need a second person (an innovation lead or a leader
who is neither the proposer nor the accountable person); ending needs a reason. A refusal is a
422 naming the reason under `status` (or `reason`), and changes nothing.
"""

from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from spaceforchange.api.pagination import LimitOffsetPagination
from spaceforchange.api.tenancy import organization_from
from spaceforchange.legitimacy import gray_zone_services
from spaceforchange.legitimacy.models import GrayZoneEntry, GrayZoneEvent, GrayZoneStatus
from spaceforchange.legitimacy.stakeholder_api import (
    ORG,
    SUBJECT_IDS,
    api_fields,
    caller,
    deny_unless,
    member,
    of_subject,
    subject_from,
)

router = Router(tags=["legitimacy"])


class EventOut(Schema):
    """One change of the entry's status."""

    status: str = Field(description="The status entered: " + ", ".join(GrayZoneStatus.values) + ".")
    actor_id: int | None = Field(description="The id of the person who made the change; null when not known.")
    at: datetime = Field(description="When.")
    note: str = Field(description="The note or, for `ended`, the reason; may be empty.")


class TacticOut(Schema):
    """A gray-zone register entry (FRAMEWORKS.md §4). `approved` is false until a second person approves."""

    id: int = Field(description="The entry's id.")
    initiative_id: int | None = Field(description="The initiative it concerns; null for a policy.")
    policy_id: int | None = Field(description="The policy it concerns; null for an initiative.")
    tactic: str = Field(description="A `tactic` key of the `gray_zone` pack: distancing, circumventing, mystifying.")
    rule_concerned: str = Field(description="The rule that is bent.")
    rationale: str = Field(description="Why it is bent here.")
    risks: str = Field(description="The risks run.")
    accountable_id: int | None = Field(description="The id of the accountable person; null if they left.")
    proposed_by_id: int | None = Field(description="The id of the proposer; null when not known.")
    proposed_at: datetime = Field(description="When it was registered.")
    review_on: date = Field(description="When it is to be reviewed.")
    status: str = Field(description="`proposed` (not approved), `approved`, `rejected` or `ended`; only moves forward.")
    approved: bool = Field(description="True only when a second person approved it and it is not ended.")
    decided_by_id: int | None = Field(description="The id of who approved or rejected it; null before that.")
    decided_at: datetime | None = Field(description="When it was approved or rejected; null before that.")
    ended_reason: str = Field(description="Why it ended; empty unless ended.")
    ended_at: datetime | None = Field(description="When it ended; null unless ended.")
    events: list[EventOut] = Field(description="Every change of status, oldest first.")

    @staticmethod
    def resolve_approved(entry: GrayZoneEntry) -> bool:
        return entry.status == GrayZoneStatus.APPROVED

    @staticmethod
    def resolve_events(entry: GrayZoneEntry) -> list[Any]:
        return list(entry.events.all())


class TacticIn(Schema):
    """A tactic to register, or (PATCH) the fields to change. To register, the subject and every field
    are needed. While proposed every field may change; once approved only `risks`, `accountable_id` and
    `review_on`."""

    initiative_id: int | None = Field(None, description="POST only: the initiative. " + SUBJECT_IDS)
    policy_id: int | None = Field(None, description="POST only: the policy. " + SUBJECT_IDS)
    tactic: str = Field("", max_length=63, description="A `tactic` key of the `gray_zone` pack.")
    rule_concerned: str = Field("", max_length=2000, description="The rule that is bent.")
    rationale: str = Field("", max_length=4000, description="Why it is bent here.")
    risks: str = Field("", max_length=4000, description="The risks run.")
    accountable_id: int | None = Field(None, description="The id of the active member accountable for it.")
    review_on: date | None = Field(None, description="When it is to be reviewed; not in the past when registered.")


class TacticDecisionIn(Schema):
    """An approval or rejection of a gray-zone entry, with an optional note."""

    note: str = Field("", max_length=4000, description="Why, or empty.")


class EndIn(Schema):
    """The end of a gray-zone entry: the reason is required."""

    reason: str = Field("", max_length=4000, description="Why the tactic ends (required).")


class TacticFilter(Schema):
    """Which gray-zone entries to list."""

    initiative_id: int | None = Field(None, description="Only entries on this initiative.")
    policy_id: int | None = Field(None, description="Only entries on this policy.")
    status: str = Field("", max_length=20, description="Only entries in this status.")


def _rows(organization: Any) -> QuerySet[GrayZoneEntry]:
    events = Prefetch("events", queryset=GrayZoneEvent.objects.order_by("at", "pk"))
    return GrayZoneEntry.objects.filter(organization=organization).prefetch_related(events)


@router.get(
    ORG + "/tactics",
    response=list[TacticOut],
    summary="List the gray-zone register",
    description="Newest first. The whole register for innovation leads, leaders and oversight; filtered to "
    "one subject also for those who may see that subject.",
)
@paginate(LimitOffsetPagination)
def list_tactics(request: HttpRequest, org_slug: str, filters: Query[TacticFilter]) -> QuerySet[GrayZoneEntry]:
    organization = organization_from(request, org_slug)
    rows = of_subject(
        request,
        organization,
        _rows(organization),
        initiative_id=filters.initiative_id,
        policy_id=filters.policy_id,
        register_permission="legitimacy.view_gray_zone_register",
    )
    if filters.status:
        rows = rows.filter(status=filters.status)
    return rows.order_by("-proposed_at", "-pk")


def _entry(request: HttpRequest, org_slug: str, entry_id: int) -> GrayZoneEntry:
    organization = organization_from(request, org_slug)
    entry = _rows(organization).select_related("organization").filter(pk=entry_id).first()
    if entry is None:
        raise HttpError(404, _("No gray-zone entry of this organisation has the id %(id)d.") % {"id": entry_id})
    deny_unless(request, "legitimacy.view_gray_zone_entry", entry)
    return entry


ENTRY_ID = Path(..., description="The entry's id. Another organisation's entry answers 404.")


@router.get(
    ORG + "/tactics/{entry_id}",
    response=TacticOut,
    summary="Read a gray-zone entry",
    description="Register readers, those who may see its subject, its proposer and its accountable person.",
)
def read_tactic(request: HttpRequest, org_slug: str, entry_id: int = ENTRY_ID) -> GrayZoneEntry:
    return _entry(request, org_slug, entry_id)


@router.post(
    ORG + "/tactics",
    response={201: TacticOut},
    summary="Register a gray-zone tactic",
    description="Innovation leads, leaders, and the subject's owner or manager. The entry starts as `proposed` "
    "(not approved). 422 lists every invalid value.",
)
@api_fields()
def create_tactic(request: HttpRequest, org_slug: str, payload: TacticIn) -> Status[GrayZoneEntry]:
    organization = organization_from(request, org_slug)
    subject = subject_from(organization, payload.initiative_id, payload.policy_id)
    deny_unless(request, "legitimacy.propose_tactic", next(iter(subject.values())))
    values = payload.model_dump(exclude={"initiative_id", "policy_id", "accountable_id"})
    accountable = member(organization, payload.accountable_id, "accountable_id")
    entry = gray_zone_services.propose_tactic(actor=caller(request), accountable=accountable, **subject, **values)
    return Status(201, _rows(organization).get(pk=entry.pk))


@router.patch(
    ORG + "/tactics/{entry_id}",
    response=TacticOut,
    summary="Change a gray-zone entry",
    description="Innovation leads, leaders, and the subject's owner or manager. Only the fields sent change "
    "(see the body's description for which may); the subject and the status cannot change here.",
)
@api_fields()
def update_tactic(request: HttpRequest, org_slug: str, payload: TacticIn, entry_id: int = ENTRY_ID) -> Any:
    entry = _entry(request, org_slug, entry_id)
    deny_unless(request, "legitimacy.propose_tactic", entry.initiative or entry.policy)
    values = payload.model_dump(exclude_unset=True)
    for key in ("initiative_id", "policy_id"):
        if key in values:
            values.pop(key)
            values["subject"] = None  # refused by the service with the other fields
    if "accountable_id" in values:
        values["accountable"] = member(entry.organization, values.pop("accountable_id"), "accountable_id")
    gray_zone_services.update_tactic(entry=entry, actor=caller(request), **values)
    return _rows(entry.organization).get(pk=entry.pk)


@api_fields()
def _decide(request: HttpRequest, org_slug: str, entry_id: int, write: Any, **values: Any) -> GrayZoneEntry:
    entry = _entry(request, org_slug, entry_id)
    write(entry=entry, actor=caller(request), **values)
    return _rows(entry.organization).get(pk=entry.pk)


@router.post(
    ORG + "/tactics/{entry_id}/approve",
    response=TacticOut,
    summary="Approve a gray-zone tactic",
    description="An innovation lead or a leader who is neither the proposer nor the accountable person; "
    "otherwise 422 with the reason under `status`.",
)
def approve_tactic(request: HttpRequest, org_slug: str, payload: TacticDecisionIn, entry_id: int = ENTRY_ID) -> Any:
    return _decide(request, org_slug, entry_id, gray_zone_services.approve_tactic, note=payload.note)


@router.post(
    ORG + "/tactics/{entry_id}/reject",
    response=TacticOut,
    summary="Reject a gray-zone tactic",
    description="The same people as approve; the entry stays in the register as `rejected`.",
)
def reject_tactic(request: HttpRequest, org_slug: str, payload: TacticDecisionIn, entry_id: int = ENTRY_ID) -> Any:
    return _decide(request, org_slug, entry_id, gray_zone_services.reject_tactic, note=payload.note)


@router.post(
    ORG + "/tactics/{entry_id}/end",
    response=TacticOut,
    summary="End a gray-zone tactic",
    description="The proposer, the accountable person, an innovation lead or a leader, with a reason. "
    "The entry stays in the register as `ended`.",
)
def end_tactic(request: HttpRequest, org_slug: str, payload: EndIn, entry_id: int = ENTRY_ID) -> Any:
    return _decide(request, org_slug, entry_id, gray_zone_services.end_tactic, reason=payload.reason)
