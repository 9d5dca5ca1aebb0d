"""REST endpoints of the policy register, under ``/api/v1/organizations/{org_slug}/policies``.

Policies (list, read, register, change), their scrutiny reports (list, read, file, answer),
their signals (list, record) and their tension index (now and over time). As in the portfolio's
API, bodies have no required fields: the organisation and the policy are checked first (404 for a
stranger, also for another organisation's policy or report), then the role (403), then the
service explains every invalid value (422), ids in the body the organisation does not have
included. The reporter of an anonymous report is null for every caller but the reporter; only
the audit log keeps it.
"""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from spaceforchange.api.pagination import LimitOffsetPagination
from spaceforchange.api.tenancy import organization_from
from spaceforchange.core.models import Organization, Unit, User
from spaceforchange.policies import domain, selectors, services
from spaceforchange.policies.models import Policy, PolicySignal, ReportFrequency, ScrutinyReport
from spaceforchange.policies.terms import RECORDABLE_SIGNALS, describe_component, describe_placement, policy_terms
from spaceforchange.portfolio.models import Initiative

router = Router(tags=["policies"])

POLICIES = "/organizations/{org_slug}/policies"
POLICY = POLICIES + "/{policy_id}"
REPORTS = POLICY + "/reports"
REPORT = REPORTS + "/{report_id}"
POLICY_ID = Path(
    ..., description="The policy's id, as listed by `GET .../policies`. Another organisation's answers 404."
)
REPORT_ID = Path(..., description="The report's id, as listed by `GET .../reports`. Another policy's answers 404.")
NOT_ALLOWED = "Your role in this organisation does not allow this."
LEVELS = ", ".join(f"{number} {key}" for number, key in enumerate(domain.LEVELS))


def _caller(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # organization_from let only members through
    return user


def _policy(request: HttpRequest, org_slug: str, policy_id: int, permission: str | None = None) -> Policy:
    organization = organization_from(request, org_slug)
    policy = selectors.policy_detail(organization, policy_id)
    if permission is not None and not request.user.has_perm(permission, policy):
        raise PermissionDenied(_(NOT_ALLOWED))
    return policy


# --- Policies -------------------------------------------------------------------------------------


class PolicyOut(Schema):
    """A policy of the organisation's register, with its latest stored tension index."""

    id: int = Field(description="The policy's id, used in `.../policies/{policy_id}`.")
    title: str = Field(description="The policy's title, unique in the organisation, up to 200 characters.")
    summary: str = Field(description="What the policy is about, up to 4000 characters; may be empty.")
    legal_basis: str = Field(description="The act, regulation or decision it rests on, up to 2000 characters.")
    manager_id: int | None = Field(description="The id of the policy manager; null when it has none (a warning).")
    unmanaged_since: date | None = Field(description="Since when it has had no manager; null while it has one.")
    enforcing_unit_ids: list[int] = Field(description="The ids of the units that enforce it.")
    initiative_ids: list[int] = Field(description="The ids of the initiatives linked to it.")
    last_reviewed_on: date | None = Field(description="When it was last reviewed; null when not recorded.")
    next_review_on: date | None = Field(description="When it is next to be reviewed; null when not planned.")
    registered_on: date = Field(description="When it was registered.")
    index: float | None = Field(None, description="The latest stored tension index, 0–100; null before the first.")
    level: int | None = Field(None, description=f"The latest stored escalation level: {LEVELS}; null before the first.")
    updated_at: datetime = Field(description="When the policy was last changed.")

    @staticmethod
    def resolve_enforcing_unit_ids(policy: Policy) -> list[int]:
        return sorted(unit.pk for unit in policy.enforcing_units.all())

    @staticmethod
    def resolve_initiative_ids(policy: Policy) -> list[int]:
        return sorted(initiative.pk for initiative in policy.initiatives.all())

    @staticmethod
    def resolve_index(policy: Policy) -> float | None:
        return getattr(policy, "current_index", None)

    @staticmethod
    def resolve_level(policy: Policy) -> int | None:
        return getattr(policy, "current_level", None)


class PolicyChanges(Schema):
    """Changes to a policy: only the fields sent change; lists replace the current ones."""

    title: str | None = Field(None, max_length=200, description="The title, unique in the organisation.")
    summary: str | None = Field(None, max_length=4000, description="What the policy is about.")
    legal_basis: str | None = Field(None, max_length=2000, description="The act, regulation or decision.")
    manager_id: int | None = Field(
        None, description="The id of the policy manager, a member of the organisation; null for none."
    )
    enforcing_unit_ids: list[int] | None = Field(
        None, max_length=200, description="The ids of the enforcing units, units of the organisation."
    )
    initiative_ids: list[int] | None = Field(
        None, max_length=200, description="The ids of linked initiatives of the organisation."
    )
    last_reviewed_on: date | None = Field(
        None, description="When it was last reviewed (YYYY-MM-DD), not in the future."
    )
    next_review_on: date | None = Field(None, description="When it is next to be reviewed (YYYY-MM-DD).")


class PolicyIn(PolicyChanges):
    """A new policy; `title` is needed. It is registered today, unmanaged from today if no manager is named."""


class PolicyFilter(Schema):
    """Which policies to list. Every filter given must match."""

    q: str = Field("", max_length=200, description="Search text, found (ignoring case) in the title or the summary.")
    level: int | None = Field(None, ge=0, le=4, description="Only policies whose latest stored level is this (0–4).")
    unmanaged: bool = Field(False, description="Only policies without a policy manager.")
    sort: str = Field(
        "title", pattern="^(title|tension|review)$", description="`title`, `tension` (highest first) or `review`."
    )


def _linked(organization: Organization, values: dict[str, Any]) -> dict[str, Any]:
    """The body's ids as the organisation's people, units and initiatives; an id it does not have is a 422."""
    lookups: dict[str, tuple[str, QuerySet[Any], bool]] = {
        "manager_id": ("manager", selectors.people_of(organization), False),
        "enforcing_unit_ids": ("enforcing_units", Unit.objects.filter(organization=organization), True),
        "initiative_ids": ("initiatives", Initiative.objects.filter(organization=organization), True),
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


def _annotated(organization: Organization, policy_id: int) -> Policy:
    policies = selectors.policies_for(organization).prefetch_related("enforcing_units", "initiatives")
    return policies.get(pk=policy_id)


@router.get(
    POLICIES,
    response=list[PolicyOut],
    summary="List policies",
    description="The organisation's policy register, one page at a time (`limit`, `offset`), searched, filtered by "
    "level or by the lack of a manager, and sorted. Any member.",
)
@paginate(LimitOffsetPagination)
def list_policies(request: HttpRequest, org_slug: str, filters: Query[PolicyFilter]) -> QuerySet[Policy]:
    organization = organization_from(request, org_slug)
    return selectors.policies_for(
        organization, search=filters.q, level=filters.level, unmanaged=filters.unmanaged, sort=filters.sort
    ).prefetch_related("enforcing_units", "initiatives")


@router.post(
    POLICIES,
    response={201: PolicyOut},
    summary="Register a policy",
    description="Innovation leads, leaders and administrators (403 otherwise). 422 lists every invalid value, "
    "including ids the organisation does not have; nothing changes.",
)
def register_policy(request: HttpRequest, org_slug: str, payload: PolicyIn) -> Status[Policy]:
    organization = organization_from(request, org_slug)
    if not request.user.has_perm("policies.add_policy", organization):
        raise PermissionDenied(_(NOT_ALLOWED))
    values = _linked(organization, {key: value for key, value in payload.model_dump().items() if value is not None})
    policy = services.register_policy(organization=organization, actor=_caller(request), **{"title": "", **values})
    return Status(201, _annotated(organization, policy.pk))


@router.get(
    POLICY,
    response=PolicyOut,
    summary="Get a policy",
    description="One policy of the organisation. Any member. 404 when the organisation has no policy with this id.",
)
def get_policy(request: HttpRequest, org_slug: str, policy_id: int = POLICY_ID) -> Policy:
    policy = _policy(request, org_slug, policy_id)
    return _annotated(policy.organization, policy.pk)


@router.patch(
    POLICY,
    response=PolicyOut,
    summary="Change a policy",
    description="The policy manager, innovation leads, leaders and administrators (403 otherwise). Only the fields "
    "sent change; `manager_id: null` removes the manager. 422 lists every invalid value and nothing changes.",
)
def update_policy(request: HttpRequest, org_slug: str, payload: PolicyChanges, policy_id: int = POLICY_ID) -> Policy:
    policy = _policy(request, org_slug, policy_id, "policies.change_policy")
    values = _linked(policy.organization, payload.model_dump(exclude_unset=True))
    services.update_policy(policy=policy, actor=_caller(request), **values)
    return _annotated(policy.organization, policy.pk)


# --- Scrutiny reports -----------------------------------------------------------------------------


class ReportOut(Schema):
    """A problem with the policy reported by someone who applies it, and the policy manager's answer."""

    id: int = Field(description="The report's id, used in `.../reports/{report_id}`.")
    policy_id: int = Field(description="The id of the policy reported on.")
    what_happened: str = Field(description="What happened, up to 4000 characters.")
    legitimacy_type: str = Field(description="The legitimacy type strained: a `type` key of the `legitimacy` pack.")
    frequency: str = Field(description="How often it happens: " + ", ".join(ReportFrequency.values) + ".")
    proposed_change: str = Field(description="The change the reporter proposes; may be empty.")
    anonymous: bool = Field(description="Whether the reporter is hidden from colleagues.")
    reported_by_id: int | None = Field(
        None, description="The reporter's id; null for an anonymous report (unless you filed it) or a gone account."
    )
    reported_at: datetime = Field(description="When it was filed.")
    answer: str = Field(description="The policy manager's answer; empty until answered.")
    answered_by_id: int | None = Field(description="The id of the person who answered; null until answered.")
    answered_at: datetime | None = Field(description="When it was (last) answered; null until answered.")

    @staticmethod
    def resolve_reported_by_id(report: ScrutinyReport, context: Any) -> int | None:
        if report.anonymous and report.reported_by_id != context["request"].user.pk:
            return None
        return report.reported_by_id


class ReportIn(Schema):
    """A problem with the policy, filed by the caller; `what_happened`, `legitimacy_type`, `frequency` are needed."""

    what_happened: str = Field("", max_length=4000, description="What happened, without naming the people involved.")
    legitimacy_type: str = Field("", max_length=63, description="A `type` key of the `legitimacy` pack.")
    frequency: str = Field("", max_length=20, description="One of: " + ", ".join(ReportFrequency.values) + ".")
    proposed_change: str = Field("", max_length=4000, description="The change proposed; optional.")
    anonymous: bool = Field(False, description="Hide the reporter from colleagues (never from the audit log).")


class AnswerIn(Schema):
    """The policy manager's answer to a report; `answer` is needed. Answering again replaces it."""

    answer: str = Field("", max_length=4000, description="The answer the reporter reads.")


@router.get(
    REPORTS,
    response=list[ReportOut],
    summary="List a policy's scrutiny reports",
    description="Newest first, one page at a time. The policy manager, innovation leads, leaders and oversight see "
    "every report; any other member sees only their own.",
)
@paginate(LimitOffsetPagination)
def list_reports(request: HttpRequest, org_slug: str, policy_id: int = POLICY_ID) -> QuerySet[ScrutinyReport]:
    policy = _policy(request, org_slug, policy_id)
    reports = selectors.reports_for(policy)
    if not request.user.has_perm("policies.view_reports", policy):
        reports = reports.filter(reported_by=_caller(request))
    return reports


@router.post(
    REPORTS,
    response={201: ReportOut},
    summary="File a scrutiny report",
    description="Any member. 422 lists every invalid value (an unknown legitimacy type or frequency included).",
)
def file_report(request: HttpRequest, org_slug: str, payload: ReportIn, policy_id: int = POLICY_ID) -> Status[Any]:
    policy = _policy(request, org_slug, policy_id, "policies.file_report")
    report = services.file_scrutiny_report(policy=policy, reported_by=_caller(request), **payload.model_dump())
    return Status(201, selectors.report_of(policy, report.pk))


@router.get(
    REPORT,
    response=ReportOut,
    summary="Get a scrutiny report",
    description="Its reporter, the policy manager, innovation leads, leaders and oversight (403 otherwise).",
)
def get_report(
    request: HttpRequest, org_slug: str, policy_id: int = POLICY_ID, report_id: int = REPORT_ID
) -> ScrutinyReport:
    policy = _policy(request, org_slug, policy_id)
    report = selectors.report_of(policy, report_id)
    if not request.user.has_perm("policies.view_report", report):
        raise PermissionDenied(_(NOT_ALLOWED))
    return report


@router.post(
    REPORT + "/answer",
    response=ReportOut,
    summary="Answer a scrutiny report",
    description="The policy manager only (403 otherwise). 422 when the answer is empty or too long.",
)
def answer_report(
    request: HttpRequest, org_slug: str, payload: AnswerIn, policy_id: int = POLICY_ID, report_id: int = REPORT_ID
) -> ScrutinyReport:
    policy = _policy(request, org_slug, policy_id)
    report = selectors.report_of(policy, report_id)
    if not request.user.has_perm("policies.answer_report", report):
        raise PermissionDenied(_(NOT_ALLOWED))
    services.answer_scrutiny_report(report=report, answered_by=_caller(request), answer=payload.answer)
    return selectors.report_of(policy, report.pk)


# --- Signals --------------------------------------------------------------------------------------


class SignalOut(Schema):
    """A month's count of one external signal about the policy."""

    id: int = Field(description="The signal record's id.")
    signal: str = Field(description="A `signal` key of the `policy_management` pack: " + ", ".join(RECORDABLE_SIGNALS))
    period_start: date = Field(description="The first day of the month counted.")
    count: int = Field(description="How many in that month, 0–1,000,000.")
    note: str = Field(description="A note on the count; may be empty.")
    recorded_by_id: int | None = Field(description="The id of the person who recorded it; null when not known.")
    recorded_at: datetime = Field(description="When it was (last) recorded.")


class SignalIn(Schema):
    """A month's count; `signal`, `period_start` and `count` are needed. A month recorded again is replaced."""

    signal: str = Field("", max_length=63, description="One of: " + ", ".join(RECORDABLE_SIGNALS) + ".")
    period_start: date | None = Field(
        None, description="Any day of the month counted (YYYY-MM-DD), not a future month."
    )
    count: int | None = Field(None, description="How many in that month, 0–1,000,000.")
    note: str = Field("", max_length=2000, description="A note on the count; optional.")


@router.get(
    POLICY + "/signals",
    response=list[SignalOut],
    summary="List a policy's signals",
    description="Newest month first, one page at a time. Any member.",
)
@paginate(LimitOffsetPagination)
def list_signals(request: HttpRequest, org_slug: str, policy_id: int = POLICY_ID) -> QuerySet[PolicySignal]:
    return selectors.signals_for(_policy(request, org_slug, policy_id))


@router.post(
    POLICY + "/signals",
    response={201: SignalOut},
    summary="Record a signal",
    description="The policy manager, innovation leads, leaders and administrators (403 otherwise). 422 lists every "
    "invalid value.",
)
def record_signal(request: HttpRequest, org_slug: str, payload: SignalIn, policy_id: int = POLICY_ID) -> Status[Any]:
    policy = _policy(request, org_slug, policy_id, "policies.record_signal")
    errors: dict[str, list[str]] = {}
    if payload.period_start is None:
        errors["period_start"] = [_("Give the month.")]
    if payload.count is None:
        errors["count"] = [_("Give the count.")]
    if errors:
        raise ValidationError(errors)
    assert payload.period_start is not None and payload.count is not None
    row = services.record_signal(
        policy=policy,
        signal=payload.signal,
        period_start=payload.period_start,
        count=payload.count,
        note=payload.note,
        recorded_by=_caller(request),
    )
    return Status(201, row)


# --- Tension --------------------------------------------------------------------------------------


class ReasonOut(Schema):
    """Why a component has its value, or why the policy stands at its level: a stable code and its numbers."""

    code: str = Field(description="The reason code (docs/reference/tension-index.md lists them).")
    params: dict[str, Any] = Field(description="The numbers and keys the reason cites.")
    text: str = Field(description="The reason as a sentence in the request's language.")


class ComponentOut(Schema):
    """One component of the index."""

    key: str = Field(description="The component: `judgment_gap`, a signal key, or `divided_consultation`.")
    value: float = Field(description="Its value, 0–1.")
    weight: float = Field(description="Its share of the index, 0–1; the weights add up to 1.")
    points: float = Field(description="What it adds to the index: 100 × weight × value.")
    reason: ReasonOut = Field(description="Why it has this value.")


class SnapshotOut(Schema):
    """The index as stored on one day."""

    computed_on: date = Field(description="The day it was computed.")
    index: float = Field(description="The tension index, 0–100.")
    level: int = Field(description=f"The escalation level: {LEVELS}.")


class TensionOut(Schema):
    """A policy's tension index now (computed from the current judgments, reports and signals) and over time."""

    policy: int = Field(description="The policy's id.")
    index: float = Field(description="The tension index now, 0–100.")
    level: int = Field(description=f"The escalation level now: {LEVELS}.")
    level_key: str = Field(description="The level's key in the `policy_management` pack.")
    components: list[ComponentOut] = Field(description="The components, in the order of the reference.")
    reasons: list[ReasonOut] = Field(description="The evidence placing the policy on the ladder, highest level first.")
    history: list[SnapshotOut] = Field(description="The stored index of each day it was computed, oldest first.")


def _reason(reason: domain.Reason, text: str) -> dict[str, Any]:
    return {"code": reason.code, "params": dict(reason.params), "text": text}


@router.get(
    POLICY + "/tension",
    response=TensionOut,
    summary="Get a policy's tension index",
    description="The index, its components and ladder placement with reasons, as of now, and its stored history. "
    "Any member.",
)
def get_tension(request: HttpRequest, org_slug: str, policy_id: int = POLICY_ID) -> dict[str, Any]:
    policy = _policy(request, org_slug, policy_id)
    organization = policy.organization
    terms = policy_terms(organization, get_language() or "en")
    today = services.today_in(organization)
    result = selectors.tension_indexes(organization, today, policy_ids=[policy.pk], parameters=terms.parameters)[
        policy.pk
    ]
    names, people = terms.names, selectors.stakeholder_names(organization, selectors.mentioned(result))
    return {
        "policy": policy.pk,
        **{key: value for key, value in result.as_dict().items() if key in ("index", "level", "level_key")},
        "components": [
            {
                **component.as_dict(),
                "reason": _reason(
                    component.reason,
                    describe_component(component.reason.code, component.reason.params, names, people),
                ),
            }
            for component in result.components
        ],
        "reasons": [
            _reason(reason, describe_placement(reason.code, reason.params, names, people)) for reason in result.reasons
        ],
        "history": selectors.tension_history(policy),
    }
