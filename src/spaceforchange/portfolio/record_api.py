"""REST endpoints for an initiative's records: transitions, constraints, backing and setbacks.

Mounted by the initiatives router (``api.py``) under the same paths. As there, bodies have no
required fields: the organisation and the initiative are checked first (404 for a stranger).
"""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate

from spaceforchange.api.pagination import LimitOffsetPagination
from spaceforchange.api.tenancy import organization_from
from spaceforchange.core.models import User
from spaceforchange.portfolio import record_services, selectors, services
from spaceforchange.portfolio.models import Backing, Constraint, Initiative, Setback, Stage, StageTransition

router = Router(tags=["initiatives"])

INITIATIVE_ID = Path(
    ...,
    description="The initiative's id, as listed by `GET .../initiatives`. "
    "Another organisation's initiative answers 404.",
)
INITIATIVE = "/organizations/{org_slug}/initiatives/{initiative_id}"
DATE_DEFAULT = "A date (YYYY-MM-DD), not in the future; default today in the organisation's time zone."


def initiative_for(
    request: HttpRequest, org_slug: str, initiative_id: int, permission: str | None = None
) -> Initiative:
    """The organisation's initiative (404 otherwise), once the caller may ``permission`` it (403 otherwise)."""
    organization = organization_from(request, org_slug)
    initiative = selectors.initiative_detail(organization, initiative_id)
    if permission is not None and not request.user.has_perm(permission, initiative):
        raise PermissionDenied(_("Your role in this organisation does not allow this."))
    return initiative


def caller(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # organization_from let only members through
    return user


def _member(initiative: Initiative, person_id: int | None, field: str) -> User | None:
    """A person of the initiative's organisation by id; another id is an invalid value (422), not a 404."""
    if person_id is None:
        return None
    person = selectors.people_of(initiative.organization).filter(pk=person_id).first()
    if person is None:
        raise ValidationError({field: [_("No member of the organisation has this id.")]})
    return person


# --- Transitions ------------------------------------------------------------------------------


class TransitionOut(Schema):
    """A recorded stage decision. The first one of an initiative (empty `from_stage`) is its registration."""

    id: int = Field(description="The transition's id.")
    from_stage: str = Field(description="The stage it left; empty for the registration.")
    to_stage: str = Field(description="The stage it entered, one of: " + ", ".join(Stage.values) + ".")
    decided_by_id: int | None = Field(description="The id of the person who decided; null when not known.")
    decided_on: date = Field(description="The date of the decision.")
    reason: str = Field(description="Why; always given for stopping and stepping back.")
    reference: str = Field(description="A reference to the decision record (case number, minutes); may be empty.")
    recorded_by_id: int | None = Field(description="The id of the person who recorded it; null when not known.")
    recorded_at: datetime = Field(description="When it was recorded.")


class TransitionIn(Schema):
    """A stage decision to record. `to_stage`, `decided_by_id` and `decided_on` are needed."""

    to_stage: str = Field(
        "",
        max_length=20,
        description="The stage to enter: the next one forward, the one before (with a reason), or `stopped` "
        "(with a reason). Moving forward must pass the organisation's gate for that stage.",
    )
    decided_by_id: int | None = Field(None, description="The id of the member who took the decision.")
    decided_on: date | None = Field(
        None, description="The date of the decision: not in the future, not before the current stage began."
    )
    reason: str = Field("", max_length=4000, description="Why; required for stopping and for stepping back.")
    reference: str = Field(
        "", max_length=200, description="A case number or minutes; some organisations' gates require one."
    )


@router.get(
    INITIATIVE + "/transitions",
    response=list[TransitionOut],
    summary="List an initiative's stage transitions",
    description="Every recorded stage decision of the initiative, oldest first. Any member.",
)
@paginate(LimitOffsetPagination)
def list_transitions(
    request: HttpRequest, org_slug: str, initiative_id: int = INITIATIVE_ID
) -> QuerySet[StageTransition]:
    return selectors.transitions_of(initiative_for(request, org_slug, initiative_id))


@router.post(
    INITIATIVE + "/transitions",
    response={201: TransitionOut},
    summary="Move an initiative to another stage",
    description="The owner, innovation leads and administrators. Records the decision and changes the stage when "
    "the life cycle and the organisation's gate allow it; otherwise 422 with every unmet condition in the "
    "caller's language under `to_stage` (for example that scaling needs named senior backing), and nothing changes.",
)
def create_transition(
    request: HttpRequest, org_slug: str, payload: TransitionIn, initiative_id: int = INITIATIVE_ID
) -> Status[StageTransition]:
    initiative = initiative_for(request, org_slug, initiative_id, "portfolio.move_initiative")
    try:
        transition = services.move_initiative(
            initiative=initiative,
            target=payload.to_stage,
            decided_by=_member(initiative, payload.decided_by_id, "decided_by_id"),
            decided_on=payload.decided_on,
            reason=payload.reason,
            reference=payload.reference,
            actor=caller(request),
        )
    except ValidationError as error:
        # The service names the form's field; the API's field is to_stage.
        if hasattr(error, "error_dict") and "target" in error.error_dict:
            error.error_dict["to_stage"] = error.error_dict.pop("target")
        raise
    return Status(201, transition)


# --- Constraints ------------------------------------------------------------------------------


class ConstraintOut(Schema):
    """A constraint of the initiative's inventory (FRAMEWORKS.md §1) and its current status."""

    id: int = Field(description="The constraint's id.")
    family: str = Field(description="A `family` key of the `space_for_change` pack, such as `regulatory`.")
    object: str = Field(description="What it rests on: an `object` key (such as `rule`); may be empty.")
    effect: str = Field(description="What it does: an `effect` key (such as `halts`); may be empty.")
    description: str = Field(description="The constraint in words.")
    severity: int = Field(description="How much it weighs, 1 (a nuisance) to 5 (can stop the initiative).")
    owner_stakeholder: str = Field(description="The stakeholder who holds it, as a name; may be empty.")
    mitigation: str = Field(description="What is being done about it; may be empty.")
    status: str = Field(description="The current status: a `status` key (such as `active` or `removed`).")
    added_on: date = Field(description="When it was recorded.")


class ConstraintIn(Schema):
    """A constraint to add. `family`, `description` and `severity` are needed; keys come from the packs."""

    family: str = Field("", max_length=63, description="A `family` key of the `space_for_change` pack.")
    object: str = Field("", max_length=63, description="An `object` key of the `space_for_change` pack, or empty.")
    effect: str = Field("", max_length=63, description="An `effect` key of the `space_for_change` pack, or empty.")
    description: str = Field("", max_length=2000, description="The constraint in words, up to 2000 characters.")
    severity: int = Field(0, description="1 to 5.")
    owner_stakeholder: str = Field("", max_length=200, description="The stakeholder who holds it, or empty.")
    mitigation: str = Field("", max_length=2000, description="What is being done about it, or empty.")
    status: str = Field("active", max_length=63, description="A `status` key; default `active`.")
    added_on: date | None = Field(None, description=DATE_DEFAULT)


class StatusChangeIn(Schema):
    """A constraint's new status."""

    status: str = Field("", max_length=63, description="A `status` key of the `space_for_change` pack.")
    changed_on: date | None = Field(None, description=DATE_DEFAULT + " Not before the constraint was recorded.")
    note: str = Field("", max_length=2000, description="Why or how it changed, or empty.")


@router.get(
    INITIATIVE + "/constraints",
    response=list[ConstraintOut],
    summary="List an initiative's constraints",
    description="The constraint inventory, most severe first. Any member.",
)
@paginate(LimitOffsetPagination)
def list_constraints(request: HttpRequest, org_slug: str, initiative_id: int = INITIATIVE_ID) -> QuerySet[Constraint]:
    return selectors.constraints_of(initiative_for(request, org_slug, initiative_id))


@router.post(
    INITIATIVE + "/constraints",
    response={201: ConstraintOut},
    summary="Add a constraint",
    description="The owner, team members, innovation leads and administrators. 422 lists every invalid value; "
    "nothing is saved then.",
)
def create_constraint(
    request: HttpRequest, org_slug: str, payload: ConstraintIn, initiative_id: int = INITIATIVE_ID
) -> Status[Constraint]:
    initiative = initiative_for(request, org_slug, initiative_id, "portfolio.record_initiative")
    constraint = record_services.record_constraint(initiative=initiative, actor=caller(request), **payload.model_dump())
    return Status(201, constraint)


@router.post(
    INITIATIVE + "/constraints/{constraint_id}/status",
    response={201: ConstraintOut},
    summary="Change a constraint's status",
    description="The owner, team members, innovation leads and administrators. Appends to the constraint's "
    "status history and answers the constraint as it now is. 404 for a constraint of another initiative.",
)
def change_constraint_status(
    request: HttpRequest,
    org_slug: str,
    payload: StatusChangeIn,
    initiative_id: int = INITIATIVE_ID,
    constraint_id: int = Path(..., description="The constraint's id, as listed by `GET .../constraints`."),
) -> Status[Constraint]:
    initiative = initiative_for(request, org_slug, initiative_id, "portfolio.record_initiative")
    constraint = selectors.constraint_of(initiative, constraint_id)
    record_services.change_constraint_status(constraint=constraint, actor=caller(request), **payload.model_dump())
    return Status(201, constraint)


# --- Backing ----------------------------------------------------------------------------------


class BackingOut(Schema):
    """One backing entry: a backer's commitment from a date on; a null `commitment` is a withdrawal."""

    id: int = Field(description="The entry's id.")
    backer_id: int | None = Field(description="The id of the backer when a member of the organisation; else null.")
    backer_name: str = Field(description="The backer's name.")
    level: str = Field(description="The backer's level: an `initiator` key of `who_innovates` (such as `politician`).")
    commitment: str | None = Field(
        description="A `commitment` key of `first_step` (verbal, formal_mandate, budget, political_cover); "
        "null when the backer withdrew."
    )
    recorded_on: date = Field(description="From when this commitment holds.")
    note: str = Field(description="A note; may be empty.")

    @staticmethod
    def resolve_commitment(entry: Backing) -> str | None:
        return entry.commitment or None


class BackingIn(Schema):
    """A backing entry to append. Name the backer by `backer_id` or `backer_name`; `level` is needed."""

    backer_id: int | None = Field(None, description="The id of a member of the organisation who backs it.")
    backer_name: str = Field("", max_length=200, description="The name of a backer outside the organisation.")
    level: str = Field("", max_length=63, description="An `initiator` key of the `who_innovates` pack.")
    commitment: str | None = Field(
        None, max_length=63, description="A `commitment` key of the `first_step` pack; null records a withdrawal."
    )
    recorded_on: date | None = Field(None, description=DATE_DEFAULT)
    note: str = Field("", max_length=2000, description="A note, or empty.")


@router.get(
    INITIATIVE + "/backing",
    response=list[BackingOut],
    summary="List an initiative's backing entries",
    description="Every backing entry, oldest first; each backer's latest entry is its current commitment. Any member.",
)
@paginate(LimitOffsetPagination)
def list_backing(request: HttpRequest, org_slug: str, initiative_id: int = INITIATIVE_ID) -> QuerySet[Backing]:
    return selectors.backing_of(initiative_for(request, org_slug, initiative_id))


@router.post(
    INITIATIVE + "/backing",
    response={201: BackingOut},
    summary="Record backing",
    description="The owner, team members, innovation leads and administrators. Appends an entry (a change of "
    "commitment or a withdrawal is a new entry). 422 lists every invalid value; nothing is saved then.",
)
def create_backing(
    request: HttpRequest, org_slug: str, payload: BackingIn, initiative_id: int = INITIATIVE_ID
) -> Status[Backing]:
    initiative = initiative_for(request, org_slug, initiative_id, "portfolio.record_initiative")
    values = payload.model_dump()
    backer = _member(initiative, values.pop("backer_id"), "backer_id")
    entry = record_services.record_backing(initiative=initiative, backer=backer, actor=caller(request), **values)
    return Status(201, entry)


# --- Setbacks ---------------------------------------------------------------------------------


class SetbackOut(Schema):
    """A setback of the initiative."""

    id: int = Field(description="The setback's id.")
    occurred_on: date = Field(description="When it happened.")
    description: str = Field(description="What happened.")
    support_held: bool | None = Field(description="Whether the support held; null when not known yet.")


class SetbackIn(Schema):
    """A setback to record; `description` is needed."""

    description: str = Field("", max_length=2000, description="What happened, up to 2000 characters.")
    occurred_on: date | None = Field(None, description=DATE_DEFAULT)
    support_held: bool | None = Field(None, description="Whether the support held; null when not known yet.")


@router.get(
    INITIATIVE + "/setbacks",
    response=list[SetbackOut],
    summary="List an initiative's setbacks",
    description="Every setback, oldest first. Any member.",
)
@paginate(LimitOffsetPagination)
def list_setbacks(request: HttpRequest, org_slug: str, initiative_id: int = INITIATIVE_ID) -> QuerySet[Setback]:
    return selectors.setbacks_of(initiative_for(request, org_slug, initiative_id))


@router.post(
    INITIATIVE + "/setbacks",
    response={201: SetbackOut},
    summary="Record a setback",
    description="The owner, team members, innovation leads and administrators. 422 lists every invalid value.",
)
def create_setback(
    request: HttpRequest, org_slug: str, payload: SetbackIn, initiative_id: int = INITIATIVE_ID
) -> Status[Setback]:
    initiative = initiative_for(request, org_slug, initiative_id, "portfolio.record_initiative")
    return Status(
        201, record_services.record_setback(initiative=initiative, actor=caller(request), **payload.model_dump())
    )
