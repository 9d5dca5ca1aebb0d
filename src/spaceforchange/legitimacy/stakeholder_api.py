"""REST endpoints for the stakeholder register, and the lookups every legitimacy endpoint shares.

Request bodies have no required fields on purpose: the organisation and every id in the path and
the body are resolved first (404 for another organisation's id, exactly like a missing one), then
the service explains a missing or invalid value (422, every field at once) in the same words as
the pages. People named in a body (contact owner, action owner, accountable person) must be
active members: another id is an invalid value (422), as in the portfolio API.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from spaceforchange.api import tenancy
from spaceforchange.api.pagination import LimitOffsetPagination
from spaceforchange.api.tenancy import all_of, deny_unless, organization_from
from spaceforchange.core.models import Organization, User
from spaceforchange.legitimacy import selectors, services
from spaceforchange.legitimacy.models import Stakeholder, StakeholderCategory, StakeholderKind
from spaceforchange.policies.models import Policy
from spaceforchange.portfolio.models import Initiative

router = Router(tags=["legitimacy"])

ORG = "/organizations/{org_slug}"
M = TypeVar("M", bound=Model)


# The services name related objects as the pages do; the API's bodies name their ids.
API_FIELDS = {
    "accountable": "accountable_id",
    "owner": "owner_id",
    "contact_owner": "contact_owner_id",
    "stakeholder": "stakeholder_id",
    "stakeholders": "stakeholder_ids",
    "initiative": "initiative_id",
    "initiatives": "initiative_ids",
    "policy": "policy_id",
    "policies": "policy_ids",
    "subject": "initiative_id",
}


@contextmanager
def api_fields() -> Iterator[None]:
    """Rename the fields of a service's refusal to the body's names (a 422 then points at what was sent)."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        renamed: dict[str, list[Any]] = {}
        for name, errors in error.error_dict.items():
            renamed.setdefault(API_FIELDS.get(name, name), []).extend(errors)
        raise ValidationError(renamed) from error


def caller(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # organization_from let only members through
    return user


def permitted(request: HttpRequest, org_slug: str, permission: str, obj: Any = None) -> Organization:
    """The organisation (404 for non-members), once the caller may ``permission`` it or ``obj`` (403)."""
    organization = organization_from(request, org_slug)
    if not request.user.has_perm(permission, organization if obj is None else obj):
        raise PermissionDenied(_("Your role in this organisation does not allow this."))
    return organization


def one_of(organization: Organization, model: type[M], pk: int | None, what: str) -> M | None:
    """The organisation's row by id, or None without an id; another organisation's id is a 404."""
    if pk is None:
        return None
    return tenancy.one_of(organization, model, pk, what)


def of_subject(
    request: HttpRequest,
    organization: Organization,
    rows: QuerySet[Any],
    *,
    initiative_id: int | None,
    policy_id: int | None,
    register_permission: str,
) -> QuerySet[Any]:
    """``rows`` of the subject a list filter names, for whoever may see that subject; without a
    subject, the whole register, for those with ``register_permission``."""
    subject: Any = None
    if initiative_id is not None:
        subject = one_of(organization, Initiative, initiative_id, _("initiative"))
        rows = rows.filter(initiative=subject)
    elif policy_id is not None:
        subject = one_of(organization, Policy, policy_id, _("policy"))
        rows = rows.filter(policy=subject)
    if subject is None:
        deny_unless(request, register_permission, organization)
    else:
        deny_unless(request, "legitimacy.view_subject", subject)
    return rows


def member(organization: Organization, person_id: int | None, field: str) -> User | None:
    """An active member by id; another id is an invalid value (422)."""
    if person_id is None:
        return None
    person = selectors.people_of(organization).filter(pk=person_id).first()
    if person is None:
        raise ValidationError({field: [_("No member of the organisation has this id.")]})
    return person


def subject_from(organization: Organization, initiative_id: int | None, policy_id: int | None) -> dict[str, Any]:
    """``initiative=`` or ``policy=`` for the services; both or neither is a 422."""
    if (initiative_id is None) == (policy_id is None):
        raise ValidationError({"initiative_id": [_("Name either an initiative or a policy.")]})
    if initiative_id is not None:
        return {"initiative": one_of(organization, Initiative, initiative_id, _("initiative"))}
    return {"policy": one_of(organization, Policy, policy_id, _("policy"))}


SUBJECT_IDS = "Exactly one of `initiative_id` and `policy_id` names the subject; another organisation's id answers 404."


# --- Stakeholders ------------------------------------------------------------------------------


class StakeholderOut(Schema):
    """A person or organisation whose judgment of the organisation's initiatives and policies matters."""

    id: int = Field(description="The stakeholder's id, used in `.../stakeholders/{stakeholder_id}`.")
    name: str = Field(description="The name, unique in the organisation (ignoring case), up to 200 characters.")
    kind: str = Field(description="`person` or `organization`.")
    category: str = Field(description="One of: " + ", ".join(StakeholderCategory.values) + ".")
    internal: bool = Field(description="Whether the stakeholder is inside the organisation.")
    influence: int = Field(description="Influence over the subjects, 1 (low) to 5 (high).")
    interest: int = Field(description="Interest in the subjects, 1 (low) to 5 (high).")
    controls_resources: bool = Field(description="Whether the stakeholder controls resources the work needs.")
    contact_owner_id: int | None = Field(description="The id of the member who keeps contact; null for none.")
    notes: str = Field(description="Free notes, up to 4000 characters; may be empty.")
    initiative_ids: list[int] = Field(description="The ids of the linked initiatives (rows on their heat maps).")
    policy_ids: list[int] = Field(description="The ids of the linked policies.")
    active: bool = Field(description="False once archived; archived stakeholders keep their judgments.")
    updated_at: datetime = Field(description="When the stakeholder was last changed.")

    @staticmethod
    def resolve_initiative_ids(stakeholder: Stakeholder) -> list[int]:
        return sorted(item.pk for item in stakeholder.initiatives.all())

    @staticmethod
    def resolve_policy_ids(stakeholder: Stakeholder) -> list[int]:
        return sorted(item.pk for item in stakeholder.policies.all())


class StakeholderIn(Schema):
    """A stakeholder to add or change. To add, `name`, `category`, `influence` and `interest` are needed;
    to change (PATCH), send only the fields that change."""

    name: str = Field("", max_length=200, description="The name, unique in the organisation.")
    kind: str = Field(StakeholderKind.ORGANIZATION, max_length=20, description="`person` or `organization`.")
    category: str = Field("", max_length=30, description="One of: " + ", ".join(StakeholderCategory.values) + ".")
    internal: bool = Field(False, description="Whether the stakeholder is inside the organisation.")
    influence: int = Field(0, description="1 (low) to 5 (high).")
    interest: int = Field(0, description="1 (low) to 5 (high).")
    controls_resources: bool = Field(False, description="Whether they control resources the work needs.")
    contact_owner_id: int | None = Field(None, description="The id of an active member who keeps contact, or null.")
    notes: str = Field("", max_length=4000, description="Free notes, or empty.")
    initiative_ids: list[int] = Field([], max_length=1000, description="Ids of the initiatives to link (all of them).")
    policy_ids: list[int] = Field([], max_length=1000, description="Ids of the policies to link (all of them).")
    active: bool | None = Field(None, description="PATCH only: false archives the stakeholder, true restores them.")


class StakeholderFilter(Schema):
    """Which stakeholders to list."""

    q: str = Field("", max_length=200, description="Only stakeholders whose name or notes contain this text.")
    category: str = Field("", max_length=30, description="Only this category.")
    include_archived: bool = Field(False, description="Also list archived stakeholders.")


def _stakeholder_values(organization: Organization, values: dict[str, Any]) -> dict[str, Any]:
    if "contact_owner_id" in values:
        values["contact_owner"] = member(organization, values.pop("contact_owner_id"), "contact_owner_id")
    if "initiative_ids" in values:
        values["initiatives"] = all_of(organization, Initiative, values.pop("initiative_ids"), _("initiative"))
    if "policy_ids" in values:
        values["policies"] = all_of(organization, Policy, values.pop("policy_ids"), _("policy"))
    return values


def _stakeholder(organization: Organization, pk: int) -> Stakeholder:
    rows = Stakeholder.objects.filter(organization=organization).prefetch_related("initiatives", "policies")
    found = rows.filter(pk=pk).first()
    if found is None:
        raise HttpError(404, _("No stakeholder of this organisation has the id %(id)d.") % {"id": pk})
    return found


STAKEHOLDER_ID = Path(..., description="The stakeholder's id. Another organisation's stakeholder answers 404.")


@router.get(
    ORG + "/stakeholders",
    response=list[StakeholderOut],
    summary="List stakeholders",
    description="The stakeholder register by name. Innovation leads, leaders, owners and oversight.",
)
@paginate(LimitOffsetPagination)
def list_stakeholders(request: HttpRequest, org_slug: str, filters: Query[StakeholderFilter]) -> QuerySet[Stakeholder]:
    organization = permitted(request, org_slug, "legitimacy.view_registers")
    rows = selectors.stakeholders_for(
        organization, search=filters.q.strip(), category=filters.category, include_archived=filters.include_archived
    )
    return rows.prefetch_related("initiatives", "policies")


@router.get(
    ORG + "/stakeholders/{stakeholder_id}",
    response=StakeholderOut,
    summary="Read a stakeholder",
    description="Innovation leads, leaders, owners and oversight.",
)
def read_stakeholder(request: HttpRequest, org_slug: str, stakeholder_id: int = STAKEHOLDER_ID) -> Stakeholder:
    organization = permitted(request, org_slug, "legitimacy.view_registers")
    return _stakeholder(organization, stakeholder_id)


@router.post(
    ORG + "/stakeholders",
    response={201: StakeholderOut},
    summary="Add a stakeholder",
    description="Innovation leads, leaders and owners. 422 lists every invalid value; nothing is saved then.",
)
@api_fields()
def create_stakeholder(request: HttpRequest, org_slug: str, payload: StakeholderIn) -> Status[Stakeholder]:
    organization = permitted(request, org_slug, "legitimacy.manage_stakeholders")
    values = _stakeholder_values(organization, payload.model_dump(exclude={"active"}))
    holder = services.create_stakeholder(organization=organization, actor=caller(request), **values)
    return Status(201, _stakeholder(organization, holder.pk))


@router.patch(
    ORG + "/stakeholders/{stakeholder_id}",
    response=StakeholderOut,
    summary="Change, archive or restore a stakeholder",
    description="Innovation leads, leaders and owners. Only the fields sent change; `initiative_ids` and "
    "`policy_ids` replace the links. 422 lists every invalid value; nothing changes then.",
)
@api_fields()
def update_stakeholder(
    request: HttpRequest, org_slug: str, payload: StakeholderIn, stakeholder_id: int = STAKEHOLDER_ID
) -> Stakeholder:
    organization = organization_from(request, org_slug)
    holder = _stakeholder(organization, stakeholder_id)
    deny_unless(request, "legitimacy.manage_stakeholders", organization)
    values = _stakeholder_values(organization, payload.model_dump(exclude_unset=True))
    active = values.pop("active", None)
    with transaction.atomic():  # both or neither
        if values:
            services.update_stakeholder(stakeholder=holder, actor=caller(request), **values)
        if active is not None and active != holder.active:
            services.archive_stakeholder(stakeholder=holder, active=active, actor=caller(request))
    return _stakeholder(organization, holder.pk)
