"""REST endpoints for an organisation's units and members: ``/api/v1/organizations/{org_slug}/units`` and ``/members``.

Reads need the ``core.view_*`` permissions, writes ``core.manage_*`` (administrators). Ids are
looked up inside the organisation in the path, so another organisation's ids answer 404; a
unit named in a request body that is not the organisation's is an invalid value (422).

No ``from __future__ import annotations`` here: ninja must see ``Query[MemberFilter]`` as a
real type through the pagination wrapper.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from spaceforchange.api.tenancy import organization_from
from spaceforchange.core import selectors, services
from spaceforchange.core.models import Membership, Organization, Role, Unit, UnitKind

router = Router(tags=["units and members"])


# --- Schemas --------------------------------------------------------------------------------


class UnitOut(Schema):
    id: int
    name: str
    kind: str = Field(description="One of: " + ", ".join(UnitKind.values))
    parent_id: int | None
    depth: int = Field(description="0 for a top-level unit, 1 for its sub-units, and so on")
    member_count: int = Field(description="Active members placed directly in this unit")


class UnitIn(Schema):
    # No min_length: the organisation is checked first (404 for a stranger), then the service
    # explains a missing name (422) in the same words as the page does.
    name: str = Field("", max_length=200)
    kind: UnitKind = UnitKind.DEPARTMENT
    parent_id: int | None = Field(None, description="The parent unit; leave out or null for a top-level unit")


class UnitPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: UnitKind | None = None
    parent_id: int | None = Field(None, description="Move the unit under this one; null moves it to the top level")


class MemberOut(Schema):
    id: int = Field(description="The membership id")
    user_id: int
    email: str = Field(alias="user.email")
    name: str
    title: str
    unit_id: int | None
    unit_name: str | None = Field(None, alias="unit.name")
    is_active: bool
    roles: list[str]
    joined_at: datetime

    @staticmethod
    def resolve_name(membership: Membership) -> str:
        return str(membership.user)

    @staticmethod
    def resolve_roles(membership: Membership) -> list[str]:
        return sorted(membership.role_set)


class MemberFilter(Schema):
    q: str = Field("", max_length=200, description="Search in names and email addresses")
    role: Role | None = Field(None, description="Only members holding this role")
    unit_id: int | None = Field(None, description="Only members of this unit or its sub-units")
    status: str = Field("active", pattern="^(active|inactive|all)$")
    sort: str = Field("name", pattern="^-?(name|email|unit|joined)$")


class MemberPatch(Schema):
    roles: list[Role] | None = Field(None, min_length=1, max_length=len(Role.values))
    unit_id: int | None = Field(None, description="null takes the member out of any unit")
    title: str | None = Field(None, max_length=200)
    is_active: bool | None = None


# --- Helpers --------------------------------------------------------------------------------


def _organization(request: HttpRequest, org_slug: str, permission: str) -> Organization:
    organization = organization_from(request, org_slug)
    if not request.user.has_perm(permission, organization):
        raise PermissionDenied(_("Your role in this organisation does not allow this."))
    return organization


def _unit(organization: Organization, unit_id: int) -> Unit:
    unit = selectors.unit_of(organization, unit_id)
    if unit is None:
        raise Http404
    return unit


def _body_unit(organization: Organization, unit_id: int | None, field: str) -> Unit | None:
    if unit_id is None:
        return None
    unit = selectors.unit_of(organization, unit_id)
    if unit is None:
        raise ValidationError({field: _("There is no unit with this id in the organisation.")})
    return unit


def _unit_out(organization: Organization, unit_id: int) -> dict[str, Any]:
    for node in selectors.walk(selectors.unit_tree(organization)):
        if node.unit.pk == unit_id:
            return _node_out(node)
    raise Http404


def _node_out(node: selectors.UnitNode) -> dict[str, Any]:
    unit = node.unit
    return {
        "id": unit.pk,
        "name": unit.name,
        "kind": unit.kind,
        "parent_id": unit.parent_id,
        "depth": node.depth,
        "member_count": node.member_count,
    }


# --- Units ----------------------------------------------------------------------------------


@router.get(
    "/organizations/{org_slug}/units",
    response=list[UnitOut],
    summary="List units",
    description="Every unit of the organisation, depth-first in tree order (parents before their sub-units).",
)
def list_units(request: HttpRequest, org_slug: str) -> list[dict[str, Any]]:
    organization = _organization(request, org_slug, "core.view_units")
    return [_node_out(node) for node in selectors.walk(selectors.unit_tree(organization))]


@router.get("/organizations/{org_slug}/units/{unit_id}", response=UnitOut, summary="Get a unit")
def get_unit(request: HttpRequest, org_slug: str, unit_id: int) -> dict[str, Any]:
    organization = _organization(request, org_slug, "core.view_units")
    return _unit_out(organization, _unit(organization, unit_id).pk)


@router.post(
    "/organizations/{org_slug}/units",
    response={201: UnitOut},
    summary="Add a unit",
    description="Administrators only. The name must be unique among the parent's sub-units.",
)
def create_unit(request: HttpRequest, org_slug: str, payload: UnitIn) -> Status[dict[str, Any]]:
    organization = _organization(request, org_slug, "core.manage_units")
    parent = _body_unit(organization, payload.parent_id, "parent_id")
    unit = services.create_unit(organization=organization, name=payload.name, kind=payload.kind.value, parent=parent)
    return Status(201, _unit_out(organization, unit.pk))


@router.patch(
    "/organizations/{org_slug}/units/{unit_id}",
    response=UnitOut,
    summary="Rename or move a unit",
    description="Administrators only. Moving a unit under itself or its own sub-units is refused.",
)
def update_unit(request: HttpRequest, org_slug: str, unit_id: int, payload: UnitPatch) -> dict[str, Any]:
    organization = _organization(request, org_slug, "core.manage_units")
    unit = _unit(organization, unit_id)
    given = payload.model_fields_set
    parent = _body_unit(organization, payload.parent_id, "parent_id") if "parent_id" in given else unit.parent
    services.edit_unit(
        unit=unit,
        name=payload.name if payload.name is not None else unit.name,
        kind=payload.kind.value if payload.kind is not None else unit.kind,
        parent=parent,
    )
    return _unit_out(organization, unit.pk)


@router.delete(
    "/organizations/{org_slug}/units/{unit_id}",
    response={204: None},
    summary="Delete an empty unit",
    description="Administrators only. A unit with sub-units or members is refused (422).",
)
def delete_unit(request: HttpRequest, org_slug: str, unit_id: int) -> Status[None]:
    organization = _organization(request, org_slug, "core.manage_units")
    services.delete_unit(unit=_unit(organization, unit_id))
    return Status(204, None)


# --- Members --------------------------------------------------------------------------------


@router.get(
    "/organizations/{org_slug}/members",
    response=list[MemberOut],
    summary="List members",
    description="Members with their roles; filter by search text, role, unit (with sub-units) and status.",
)
@paginate(LimitOffsetPagination)
def list_members(request: HttpRequest, org_slug: str, filters: Query[MemberFilter]) -> QuerySet[Membership]:
    organization = _organization(request, org_slug, "core.view_members")
    unit = _unit(organization, filters.unit_id) if filters.unit_id is not None else None
    return selectors.member_list(
        organization,
        query=filters.q,
        role=filters.role.value if filters.role else "",
        unit=unit,
        status=filters.status,
        sort=filters.sort,
    )


def _member(organization: Organization, membership_id: int) -> Membership:
    membership = selectors.member_of(organization, membership_id)
    if membership is None:
        raise Http404
    return membership


@router.get("/organizations/{org_slug}/members/{membership_id}", response=MemberOut, summary="Get a member")
def get_member(request: HttpRequest, org_slug: str, membership_id: int) -> Membership:
    organization = _organization(request, org_slug, "core.view_members")
    return _member(organization, membership_id)


@router.patch(
    "/organizations/{org_slug}/members/{membership_id}",
    response=MemberOut,
    summary="Change a member",
    description="Administrators only. Change roles, unit, job title, or deactivate and reactivate. "
    "Removing the last active administrator is refused (422).",
)
def update_member(request: HttpRequest, org_slug: str, membership_id: int, payload: MemberPatch) -> Membership:
    organization = _organization(request, org_slug, "core.manage_members")
    membership = _member(organization, membership_id)
    given = payload.model_fields_set
    services.change_member(
        membership=membership,
        roles=[role.value for role in payload.roles] if payload.roles is not None else sorted(membership.role_set),
        unit=_body_unit(organization, payload.unit_id, "unit_id") if "unit_id" in given else membership.unit,
        title=payload.title if payload.title is not None else membership.title,
        is_active=payload.is_active if payload.is_active is not None else membership.is_active,
    )
    return _member(organization, membership_id)
