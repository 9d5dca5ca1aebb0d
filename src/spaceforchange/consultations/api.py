"""REST endpoints of consultations, under ``/api/v1/organizations/{org_slug}/consultations``.

Staff only: consultations (list, read, create, change), their statements (list, add, moderate),
invitation links (create), the latest opinion map, a recomputation queued in the background,
and participation over time. Participants vote on the participant page, not here. As in the
policies' API, bodies have no required fields: the organisation and the consultation are looked up
first (404 for a stranger, also for another organisation's consultation or statement), then the
role (403, ``permissions``), then the service explains every invalid value (422) and changes nothing.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from spaceforchange.api.pagination import LimitOffsetPagination
from spaceforchange.api.tenancy import deny_unless, organization_from
from spaceforchange.consultations import api_selectors, models, results_selectors, selectors, services
from spaceforchange.consultations.models import (
    DESCRIPTION_MAX,
    LABEL_MAX,
    STATEMENT_MAX,
    TITLE_MAX,
    Access,
    Consultation,
    Invitation,
    Moderation,
    Statement,
)
from spaceforchange.consultations.services import INVITATIONS_MAX, LANGUAGES_MAX
from spaceforchange.core.models import Organization, User
from spaceforchange.policies.models import Policy

router = Router(tags=["consultations"])

CONSULTATIONS = "/organizations/{org_slug}/consultations"
CONSULTATION = CONSULTATIONS + "/{consultation_id}"
STATEMENTS = CONSULTATION + "/statements"
CONSULTATION_ID = Path(
    ..., description="The consultation's id, as listed by `GET .../consultations`. Another organisation's answers 404."
)
STATEMENT_ID = Path(
    ..., description="The statement's id, as listed by `GET .../statements`. Another consultation's answers 404."
)
STATUSES = ", ".join(models.Status.values)
MODERATIONS = ", ".join(Moderation.values)


def _caller(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # organization_from let only members through
    return user


def authorised_consultation(request: HttpRequest, org_slug: str, consultation_id: int, permission: str) -> Consultation:
    """The organisation's consultation (404 otherwise), once the caller holds ``permission`` on it (403)."""
    organization = organization_from(request, org_slug)
    consultation = selectors.consultation_detail(organization, consultation_id)
    deny_unless(request, permission, consultation)
    return consultation


def _participate_url(request: HttpRequest, consultation: Consultation) -> str:
    path = reverse("consultations_public:participate", kwargs={"token": consultation.public_token})
    return request.build_absolute_uri(path)


# --- Consultations --------------------------------------------------------------------------------


class ConsultationOut(Schema):
    """A consultation: a question put to participants as statements they agree with, disagree with or pass."""

    id: int = Field(description="The consultation's id, used in `.../consultations/{consultation_id}`.")
    title: str = Field(description=f"The question asked, up to {TITLE_MAX} characters.")
    description: str = Field(description=f"What participants read first, up to {DESCRIPTION_MAX} characters.")
    policy_id: int | None = Field(
        description="The linked policy; its tension index reads this consultation's division."
    )
    initiative_id: int | None = Field(description="The linked initiative; null when none.")
    opens_at: datetime = Field(description="When participants may start to take part.")
    closes_at: datetime | None = Field(description="When it closes; null when open-ended.")
    status: str = Field(description=f"Where it stands now, from its dates: {STATUSES}.")
    access: str = Field(description="Who may take part: `public` (anyone with the link) or `invite` (invitations).")
    public_url: str = Field(description="The participant page; an invite-only one also needs `?invitation=`.")
    allow_participant_statements: bool = Field(description="Whether participants may add statements.")
    strict_moderation: bool = Field(description="Whether participants' statements are shown only once accepted.")
    languages: list[str] = Field(description="The language codes it is run in, such as `en` and `nb`.")
    created_by_id: int | None = Field(description="The id of the person who created it; null when not known.")
    participant_count: int = Field(description="How many participants have joined.")
    statement_count: int = Field(description="How many statements it has, in every moderation state.")
    pending_count: int = Field(description="How many statements wait for moderation.")
    created_at: datetime = Field(description="When it was created.")
    updated_at: datetime = Field(description="When it was last changed.")

    @staticmethod
    def resolve_status(consultation: Consultation) -> str:
        return str(consultation.status.value)

    @staticmethod
    def resolve_public_url(consultation: Consultation, context: Any) -> str:
        return _participate_url(context["request"], consultation)


class ConsultationChanges(Schema):
    """Changes to a consultation: only the fields sent change; `languages` replaces the current list."""

    title: str | None = Field(None, max_length=TITLE_MAX, description="The question asked.")
    description: str | None = Field(None, max_length=DESCRIPTION_MAX, description="What participants read first.")
    policy_id: int | None = Field(
        None, description="A policy of the organisation (for a policy manager: one they manage); null for none."
    )
    initiative_id: int | None = Field(None, description="An initiative of the organisation; null for none.")
    opens_at: datetime | None = Field(None, description="When it opens, with a time zone (ISO 8601).")
    closes_at: datetime | None = Field(None, description="When it closes, after it opens; null for open-ended.")
    access: str | None = Field(None, max_length=10, description="`public` or `invite`.")
    allow_participant_statements: bool | None = Field(None, description="Whether participants may add statements.")
    strict_moderation: bool | None = Field(None, description="Show participants' statements only once accepted.")
    languages: list[str] | None = Field(
        None, max_length=LANGUAGES_MAX, description=f"Up to {LANGUAGES_MAX} language codes such as `en` or `nb`."
    )


class ConsultationIn(ConsultationChanges):
    """A new consultation; `title` is needed. It opens now unless `opens_at` says otherwise."""

    seed_statements: list[str] = Field(
        default_factory=list,
        max_length=200,
        description=f"Statements to start with, each up to {STATEMENT_MAX} characters; accepted at once.",
    )


class ConsultationFilter(Schema):
    """Which consultations to list. Every filter given must match."""

    q: str = Field("", max_length=200, description="Search text, found (ignoring case) in the question or description.")
    status: str = Field("", pattern="^(|draft|open|closed)$", description=f"Only those now: {STATUSES}.")


def _may_link(request: HttpRequest, organization: Organization, policy: Policy | None) -> None:
    """An innovation lead links any policy or none; a policy manager only a policy they manage."""
    if not request.user.has_perm("consultations.add_consultation_for", policy or organization):
        raise PermissionDenied(_("You may run consultations only on policies you manage."))


@router.get(
    CONSULTATIONS,
    response=list[ConsultationOut],
    summary="List consultations",
    description="Newest first, one page at a time, searched and filtered by status. Innovation leads, leaders and "
    "oversight see every one; other members those they created or that are linked to a policy they manage "
    "or an initiative they own.",
)
@paginate(LimitOffsetPagination)
def list_consultations(
    request: HttpRequest, org_slug: str, filters: Query[ConsultationFilter]
) -> QuerySet[Consultation]:
    organization = organization_from(request, org_slug)
    visible = selectors.consultations_for(organization, _caller(request))
    return results_selectors.filtered(visible, search=filters.q, status=filters.status, sort="-opens_at")


@router.post(
    CONSULTATIONS,
    response={201: ConsultationOut},
    summary="Create a consultation",
    description="Innovation leads, or a policy manager for a policy they manage (403 otherwise). 422 lists every "
    "invalid value, including ids the organisation does not have; nothing changes.",
)
def create_consultation(request: HttpRequest, org_slug: str, payload: ConsultationIn) -> Status[Consultation]:
    organization = organization_from(request, org_slug)
    deny_unless(request, "consultations.add_consultation", organization)
    values = api_selectors.linked_objects(organization, payload.model_dump(exclude_unset=True))
    _may_link(request, organization, values.get("policy"))
    consultation = services.create_consultation(
        organization=organization, actor=_caller(request), **{"title": "", **values}
    )
    return Status(201, selectors.consultation_detail(organization, consultation.pk))


@router.get(
    CONSULTATION,
    response=ConsultationOut,
    summary="Get a consultation",
    description="Those who may see its results (see the list). 404 when the organisation has no consultation "
    "with this id.",
)
def get_consultation(request: HttpRequest, org_slug: str, consultation_id: int = CONSULTATION_ID) -> Consultation:
    return authorised_consultation(request, org_slug, consultation_id, "consultations.view_consultation")


@router.patch(
    CONSULTATION,
    response=ConsultationOut,
    summary="Change a consultation",
    description="Innovation leads, its creator and the manager of its policy (403 otherwise); linking another "
    "policy follows the rule for a new consultation. Only the fields sent change. 422 lists every invalid "
    "value and nothing changes.",
)
def update_consultation(
    request: HttpRequest, org_slug: str, payload: ConsultationChanges, consultation_id: int = CONSULTATION_ID
) -> Consultation:
    consultation = authorised_consultation(request, org_slug, consultation_id, "consultations.change_consultation")
    organization = consultation.organization
    values = api_selectors.linked_objects(organization, payload.model_dump(exclude_unset=True))
    if "policy" in values and getattr(values["policy"], "pk", None) != consultation.policy_id:
        _may_link(request, organization, values["policy"])
    services.update_consultation(consultation=consultation, actor=_caller(request), **values)
    return selectors.consultation_detail(organization, consultation.pk)


# --- Statements -----------------------------------------------------------------------------------


class ConsultationStatementOut(Schema):
    """A statement put to the participants, with its vote counts."""

    id: int = Field(description="The statement's id, used in `.../statements/{statement_id}`.")
    text: str = Field(description="The statement.")
    language: str = Field(description="Its language code; empty when not given.")
    is_seed: bool = Field(description="True for a statement added by staff, false for a participant's.")
    by_participant: bool = Field(description="Whether a participant wrote it (who, is never shown).")
    moderation: str = Field(description=f"Its moderation state: {MODERATIONS}.")
    agrees: int = Field(description="Participants who agree.")
    disagrees: int = Field(description="Participants who disagree.")
    passes: int = Field(description="Participants who passed.")
    created_at: datetime = Field(description="When it was added.")

    @staticmethod
    def resolve_by_participant(statement: Statement) -> bool:
        return statement.author_participant_id is not None


class ConsultationStatementIn(Schema):
    """A statement added by staff; `text` is needed. It is accepted at once and shown to participants."""

    text: str = Field("", max_length=STATEMENT_MAX, description=f"The statement, up to {STATEMENT_MAX} characters.")
    language: str = Field("", max_length=16, description="Its language code, such as `en`; optional.")


class StatementModerationIn(Schema):
    """A moderation decision; deciding again replaces it. Rejected statements leave the opinion map."""

    moderation: str = Field("", max_length=10, description=f"One of: {MODERATIONS}.")


class StatementFilter(Schema):
    """Which statements to list."""

    moderation: str = Field(
        "", pattern="^(|pending|accepted|rejected)$", description=f"Only those in this state: {MODERATIONS}."
    )


@router.get(
    STATEMENTS,
    response=list[ConsultationStatementOut],
    summary="List a consultation's statements",
    description="In order of adding, one page at a time, with vote counts; filtered by moderation state. Those "
    "who may see the consultation.",
)
@paginate(LimitOffsetPagination)
def list_statements(
    request: HttpRequest, org_slug: str, filters: Query[StatementFilter], consultation_id: int = CONSULTATION_ID
) -> QuerySet[Statement]:
    consultation = authorised_consultation(request, org_slug, consultation_id, "consultations.view_consultation")
    statements = selectors.statements_of(consultation)
    return statements.filter(moderation=filters.moderation) if filters.moderation else statements


@router.post(
    STATEMENTS,
    response={201: ConsultationStatementOut},
    summary="Add a statement",
    description="Those who may change the consultation (403 otherwise). 422 when the text is empty, too long, "
    "already in the consultation, or the consultation is closed.",
)
def add_statement(
    request: HttpRequest, org_slug: str, payload: ConsultationStatementIn, consultation_id: int = CONSULTATION_ID
) -> Status[Statement]:
    consultation = authorised_consultation(request, org_slug, consultation_id, "consultations.change_consultation")
    statement = services.add_statement(consultation=consultation, actor=_caller(request), **payload.model_dump())
    return Status(201, selectors.statements_of(consultation).get(pk=statement.pk))


@router.post(
    STATEMENTS + "/{statement_id}/moderation",
    response=ConsultationStatementOut,
    summary="Moderate a statement",
    description="Accept or reject a statement (or put it back to pending). Those who may change the consultation "
    "(403 otherwise). 422 for any other state.",
)
def moderate_statement(
    request: HttpRequest,
    org_slug: str,
    payload: StatementModerationIn,
    consultation_id: int = CONSULTATION_ID,
    statement_id: int = STATEMENT_ID,
) -> Statement:
    consultation = authorised_consultation(request, org_slug, consultation_id, "consultations.view_consultation")
    statement = get_object_or_404(selectors.statements_of(consultation), pk=statement_id)
    deny_unless(request, "consultations.moderate_consultation", consultation)
    services.moderate_statement(statement=statement, moderation=payload.moderation, actor=_caller(request))
    return selectors.statements_of(consultation).get(pk=statement.pk)


# --- Invitations ----------------------------------------------------------------------------------


class ConsultationInvitationOut(Schema):
    """A personal link to an invite-only consultation; whoever opens it first becomes its participant."""

    id: int = Field(description="The invitation's id.")
    label: str = Field(description="The label given when it was created (for your own use); may be empty.")
    url: str = Field(description="The personal link to send.")
    created_at: datetime = Field(description="When it was created.")
    used_at: datetime | None = Field(description="When it was first used; null until then.")

    @staticmethod
    def resolve_url(invitation: Invitation, context: Any) -> str:
        base = _participate_url(context["request"], invitation.consultation)
        return f"{base}?invitation={invitation.token}"


class ConsultationInvitationsIn(Schema):
    """How many personal links to create; `count` is needed."""

    count: int | None = Field(None, description=f"How many links, 1–{INVITATIONS_MAX}.")
    label: str = Field("", max_length=LABEL_MAX, description="A label for all of them (for your own use).")


@router.post(
    CONSULTATION + "/invitations",
    response={201: list[ConsultationInvitationOut]},
    summary="Create invitation links",
    description="Creates `count` personal links to an invite-only consultation and returns them. Those who may "
    "change the consultation (403 otherwise); 422 for a bad count, a consultation open to anyone, or a closed one.",
)
def create_invitations(
    request: HttpRequest, org_slug: str, payload: ConsultationInvitationsIn, consultation_id: int = CONSULTATION_ID
) -> Status[list[Invitation]]:
    consultation = authorised_consultation(request, org_slug, consultation_id, "consultations.change_consultation")
    if consultation.access != Access.INVITE:
        raise ValidationError(
            {"access": [_("This consultation is open to anyone with its public link; it needs no invitations.")]}
        )
    if payload.count is None:
        raise ValidationError({"count": [_("Give how many links to create.")]})
    made = services.create_invitations(
        consultation=consultation, count=payload.count, label=payload.label, actor=_caller(request)
    )
    return Status(201, made)
