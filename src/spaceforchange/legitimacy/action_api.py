"""REST endpoints for legitimation actions: the plan and log of each subject."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from spaceforchange.api.pagination import LimitOffsetPagination
from spaceforchange.api.tenancy import organization_from
from spaceforchange.legitimacy import legitimation_services
from spaceforchange.legitimacy.models import LegitimationAction, Stakeholder
from spaceforchange.legitimacy.stakeholder_api import (
    ORG,
    SUBJECT_IDS,
    all_of,
    api_fields,
    caller,
    deny_unless,
    member,
    of_subject,
    subject_from,
)

router = Router(tags=["legitimacy"])


class ActionOut(Schema):
    """A legitimation action (FRAMEWORKS.md §3): planned, and once done, with its outcome."""

    id: int = Field(description="The action's id.")
    initiative_id: int | None = Field(description="The initiative it serves; null when it serves a policy.")
    policy_id: int | None = Field(description="The policy it serves; null when it serves an initiative.")
    strategy: str = Field(description="A `strategy` key of the `legitimation` pack, such as `engage_in_dialogue`.")
    goal: str = Field(description="A `goal` key of the `legitimation` pack: `acquire`, `maintain` or `repair`.")
    mode: str = Field(description="A `mode` key of the `legitimation` pack: `conform` or `shape`.")
    description: str = Field(description="What is done, up to 4000 characters.")
    stakeholder_ids: list[int] = Field(description="The ids of the target stakeholders.")
    planned_on: date | None = Field(description="When it is planned for; null when not set.")
    done_on: date | None = Field(description="When it was done; null while only planned.")
    owner_id: int | None = Field(description="The id of the member who owns it; null for none.")
    outcome: str = Field(description="What came of it; empty until done.")
    created_at: datetime = Field(description="When it was planned.")

    @staticmethod
    def resolve_stakeholder_ids(action: LegitimationAction) -> list[int]:
        return sorted(holder.pk for holder in action.stakeholders.all())


class ActionIn(Schema):
    """An action to plan, or (PATCH) the fields to change. To plan, the subject, `strategy`, `goal`, `mode`
    and `description` are needed. Sending `done_on` and `outcome` records the action as done."""

    initiative_id: int | None = Field(None, description="POST only: the initiative. " + SUBJECT_IDS)
    policy_id: int | None = Field(None, description="POST only: the policy. " + SUBJECT_IDS)
    strategy: str = Field("", max_length=63, description="A `strategy` key of the `legitimation` pack.")
    goal: str = Field("", max_length=63, description="A `goal` key of the `legitimation` pack.")
    mode: str = Field("", max_length=63, description="A `mode` key of the `legitimation` pack.")
    description: str = Field("", max_length=4000, description="What will be done.")
    stakeholder_ids: list[int] = Field([], max_length=500, description="Ids of the target stakeholders.")
    planned_on: date | None = Field(None, description="When it is planned for, or null.")
    owner_id: int | None = Field(None, description="The id of an active member who owns it, or null.")
    done_on: date | None = Field(None, description="PATCH only: when it was done, not in the future.")
    outcome: str | None = Field(None, max_length=4000, description="PATCH only: what came of it; needed when done.")


class ActionFilter(Schema):
    """Which legitimation actions to list."""

    initiative_id: int | None = Field(None, description="Only actions on this initiative.")
    policy_id: int | None = Field(None, description="Only actions on this policy.")


def _rows(organization: Any) -> QuerySet[LegitimationAction]:
    return LegitimationAction.objects.filter(organization=organization).prefetch_related("stakeholders")


def _plan_values(organization: Any, values: dict[str, Any]) -> dict[str, Any]:
    if "stakeholder_ids" in values:
        values["stakeholders"] = all_of(organization, Stakeholder, values.pop("stakeholder_ids"), _("stakeholder"))
    if "owner_id" in values:
        values["owner"] = member(organization, values.pop("owner_id"), "owner_id")
    return values


@router.get(
    ORG + "/actions",
    response=list[ActionOut],
    summary="List legitimation actions",
    description="Newest first. The whole organisation's for innovation leads, leaders, owners and oversight; "
    "filtered to one subject also for those who may see that subject.",
)
@paginate(LimitOffsetPagination)
def list_actions(request: HttpRequest, org_slug: str, filters: Query[ActionFilter]) -> QuerySet[LegitimationAction]:
    organization = organization_from(request, org_slug)
    rows = of_subject(
        request,
        organization,
        _rows(organization),
        initiative_id=filters.initiative_id,
        policy_id=filters.policy_id,
        register_permission="legitimacy.view_registers",
    )
    return rows.order_by("-created_at", "-pk")


def _action(request: HttpRequest, org_slug: str, action_id: int, permission: str) -> LegitimationAction:
    organization = organization_from(request, org_slug)
    action = _rows(organization).select_related("initiative", "policy").filter(pk=action_id).first()
    if action is None:
        raise HttpError(404, _("No action of this organisation has the id %(id)d.") % {"id": action_id})
    deny_unless(request, permission, action.initiative or action.policy)
    return action


ACTION_ID = Path(..., description="The action's id. Another organisation's action answers 404.")


@router.get(
    ORG + "/actions/{action_id}",
    response=ActionOut,
    summary="Read a legitimation action",
    description="Those who may see the action's subject.",
)
def read_action(request: HttpRequest, org_slug: str, action_id: int = ACTION_ID) -> LegitimationAction:
    return _action(request, org_slug, action_id, "legitimacy.view_subject")


@router.post(
    ORG + "/actions",
    response={201: ActionOut},
    summary="Plan a legitimation action",
    description="Innovation leads, leaders, and the subject's owner or manager. 422 lists every invalid value.",
)
@api_fields()
def create_action(request: HttpRequest, org_slug: str, payload: ActionIn) -> Status[LegitimationAction]:
    organization = organization_from(request, org_slug)
    subject = subject_from(organization, payload.initiative_id, payload.policy_id)
    deny_unless(request, "legitimacy.record_subject", next(iter(subject.values())))
    values = payload.model_dump(exclude={"initiative_id", "policy_id", "done_on", "outcome"})
    values = _plan_values(organization, values)
    action = legitimation_services.plan_action(actor=caller(request), **subject, **values)
    return Status(201, _rows(organization).get(pk=action.pk))


@router.patch(
    ORG + "/actions/{action_id}",
    response=ActionOut,
    summary="Change a legitimation action or record it done",
    description="Innovation leads, leaders, and the subject's owner or manager. Only the fields sent change; "
    "`outcome` (with `done_on`, default today) records the action as done. The subject cannot change.",
)
@api_fields()
def update_action(request: HttpRequest, org_slug: str, payload: ActionIn, action_id: int = ACTION_ID) -> Any:
    action = _action(request, org_slug, action_id, "legitimacy.record_subject")
    values = payload.model_dump(exclude_unset=True)
    if {"initiative_id", "policy_id"} & set(values):
        raise ValidationError({"initiative_id": [_("The subject of an action cannot change.")]})
    done = {key: values.pop(key) for key in ("done_on", "outcome") if key in values}
    values = _plan_values(action.organization, values)
    with transaction.atomic():  # both or neither
        if values:
            legitimation_services.update_action(action=action, actor=caller(request), **values)
        if done:
            legitimation_services.record_action_done(
                action=action, outcome=done.get("outcome") or "", done_on=done.get("done_on"), actor=caller(request)
            )
    return _rows(action.organization).get(pk=action.pk)
