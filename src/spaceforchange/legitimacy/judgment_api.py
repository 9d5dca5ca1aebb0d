"""REST endpoints for legitimacy judgments: list, read and record. Judgments are never edited, so there
is no PATCH: a changed view is a new judgment, which becomes the cell's current one."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from spaceforchange.api.pagination import LimitOffsetPagination
from spaceforchange.api.tenancy import organization_from
from spaceforchange.legitimacy import services
from spaceforchange.legitimacy.models import Judgment, Stakeholder, UnknownCause
from spaceforchange.legitimacy.stakeholder_api import (
    ORG,
    SUBJECT_IDS,
    api_fields,
    caller,
    deny_unless,
    of_subject,
    one_of,
    subject_from,
)

router = Router(tags=["legitimacy"])


class ConditionOut(Schema):
    """A condition under which the stakeholder grants conditional legitimacy."""

    id: int = Field(description="The condition's id.")
    text: str = Field(description="The condition in words.")
    review_on: date = Field(description="When the condition is to be reviewed.")
    at_risk: bool = Field(description="Whether someone marked that the condition may no longer hold.")


class JudgmentOut(Schema):
    """One stakeholder's judgment of one subject on one type of legitimacy, as recorded at one time."""

    id: int = Field(description="The judgment's id.")
    stakeholder_id: int = Field(description="The id of the stakeholder who judges.")
    initiative_id: int | None = Field(description="The judged initiative's id; null when a policy is judged.")
    policy_id: int | None = Field(description="The judged policy's id; null when an initiative is judged.")
    legitimacy_type: str = Field(description="A `type` key of the `legitimacy` pack, such as `regulatory`.")
    state: str = Field(description="A `state` key of the `legitimacy` pack, such as `conditional_legitimacy`.")
    conditions: list[ConditionOut] = Field(description="The conditions of conditional legitimacy; else empty.")
    mitigating_factors: str = Field(description="For conditional illegitimacy: what speaks for it; else empty.")
    unknown_cause: str = Field(
        description="For unknown legitimacy: " + " or ".join(UnknownCause.values) + "; else empty."
    )
    evidence: str = Field(description="What the judgment rests on; may be empty.")
    recorded_by_id: int | None = Field(description="The id of the person who recorded it; null when not known.")
    recorded_at: datetime = Field(description="When the judgment was made (recorded).")
    is_current: bool = Field(description="Whether this is the latest judgment of its stakeholder, subject and type.")

    @staticmethod
    def resolve_conditions(judgment: Judgment) -> list[Any]:
        return list(judgment.conditions.all())


class ConditionIn(Schema):
    """A condition of conditional legitimacy and its review date."""

    text: str = Field("", max_length=2000, description="The condition in words.")
    review_on: date | None = Field(None, description="When the condition is to be reviewed (YYYY-MM-DD).")


class JudgmentIn(Schema):
    """A judgment to record. `stakeholder_id`, the subject, `legitimacy_type` and `state` are needed, and
    what the state needs: conditions for conditional legitimacy, mitigating factors for conditional
    illegitimacy, the cause for unknown legitimacy."""

    stakeholder_id: int | None = Field(None, description="The id of an active stakeholder of the organisation.")
    initiative_id: int | None = Field(None, description="The judged initiative. " + SUBJECT_IDS)
    policy_id: int | None = Field(None, description="The judged policy. " + SUBJECT_IDS)
    legitimacy_type: str = Field("", max_length=63, description="A `type` key of the `legitimacy` pack.")
    state: str = Field("", max_length=63, description="A `state` key of the `legitimacy` pack.")
    conditions: list[ConditionIn] = Field([], max_length=20, description="For conditional legitimacy: 1–20.")
    mitigating_factors: str = Field("", max_length=4000, description="For conditional illegitimacy; else empty.")
    unknown_cause: str = Field(
        "", max_length=30, description="For unknown legitimacy: " + " or ".join(UnknownCause.values) + "."
    )
    evidence: str = Field("", max_length=4000, description="What the judgment rests on, or empty.")
    recorded_at: datetime | None = Field(
        None, description="When the judgment was made, with its time zone, not in the future; default now."
    )


class JudgmentFilter(Schema):
    """Which judgments to list."""

    stakeholder_id: int | None = Field(None, description="Only this stakeholder's judgments.")
    initiative_id: int | None = Field(None, description="Only judgments of this initiative.")
    policy_id: int | None = Field(None, description="Only judgments of this policy.")
    current: bool = Field(False, description="Only current judgments (the latest per stakeholder, subject, type).")


def _rows(organization: Any) -> QuerySet[Judgment]:
    return Judgment.objects.filter(organization=organization).prefetch_related("conditions")


@router.get(
    ORG + "/judgments",
    response=list[JudgmentOut],
    summary="List judgments",
    description="Oldest first. The whole organisation's for innovation leads, leaders, owners and oversight; "
    "filtered to one subject also for those who may see that subject (its owner or manager, its team).",
)
@paginate(LimitOffsetPagination)
def list_judgments(request: HttpRequest, org_slug: str, filters: Query[JudgmentFilter]) -> QuerySet[Judgment]:
    organization = organization_from(request, org_slug)
    rows = of_subject(
        request,
        organization,
        _rows(organization),
        initiative_id=filters.initiative_id,
        policy_id=filters.policy_id,
        register_permission="legitimacy.view_registers",
    )
    if filters.stakeholder_id is not None:
        rows = rows.filter(stakeholder=one_of(organization, Stakeholder, filters.stakeholder_id, _("stakeholder")))
    if filters.current:
        rows = rows.filter(is_current=True)
    return rows.order_by("recorded_at", "pk")


@router.get(
    ORG + "/judgments/{judgment_id}",
    response=JudgmentOut,
    summary="Read a judgment",
    description="Those who may see the judged subject.",
)
def read_judgment(
    request: HttpRequest,
    org_slug: str,
    judgment_id: int = Path(..., description="The judgment's id. Another organisation's answers 404."),
) -> Judgment:
    organization = organization_from(request, org_slug)
    judgment = _rows(organization).select_related("initiative", "policy").filter(pk=judgment_id).first()
    if judgment is None:
        raise HttpError(404, _("No judgment of this organisation has the id %(id)d.") % {"id": judgment_id})
    deny_unless(request, "legitimacy.view_subject", judgment.initiative or judgment.policy)
    return judgment


@router.post(
    ORG + "/judgments",
    response={201: JudgmentOut},
    summary="Record a judgment",
    description="Innovation leads, leaders, and the subject's owner (initiative) or manager (policy). The "
    "judgment is appended; it becomes current unless `recorded_at` lies before the current one. 422 lists "
    "every invalid value; nothing is saved then.",
)
@api_fields()
def create_judgment(request: HttpRequest, org_slug: str, payload: JudgmentIn) -> Status[Judgment]:
    organization = organization_from(request, org_slug)
    subject = subject_from(organization, payload.initiative_id, payload.policy_id)
    stakeholder = one_of(organization, Stakeholder, payload.stakeholder_id, _("stakeholder"))
    deny_unless(request, "legitimacy.record_subject", next(iter(subject.values())))
    if stakeholder is None:
        raise ValidationError({"stakeholder_id": [_("Name the stakeholder who judges.")]})
    judgment = services.record_judgment(
        stakeholder=stakeholder,
        legitimacy_type=payload.legitimacy_type,
        state=payload.state,
        conditions=[services.ConditionInput(c.text, c.review_on) for c in payload.conditions],
        mitigating_factors=payload.mitigating_factors,
        unknown_cause=payload.unknown_cause,
        evidence=payload.evidence,
        recorded_at=payload.recorded_at,
        actor=caller(request),
        **subject,
    )
    return Status(201, _rows(organization).get(pk=judgment.pk))
