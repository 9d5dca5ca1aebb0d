"""REST endpoints for an organisation's units and members: ``/api/v1/organizations/{org_slug}/units`` and ``/members``.

Reads need the ``core.view_*`` permissions, writes ``core.manage_*`` (administrators). Ids are
looked up inside the organisation in the path, so another organisation's ids answer 404; a
unit named in a request body that is not the organisation's is an invalid value (422).

No ``from __future__ import annotations`` here: ninja must see ``Query[MemberFilter]`` as a
real type through the pagination wrapper.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from spaceforchange.api.pagination import LimitOffsetPagination
from spaceforchange.api.tenancy import permitted_organization
from spaceforchange.core import selectors, services
from spaceforchange.core.models import Membership, Organization, Role, Unit, UnitKind

router = Router(tags=["units and members"])

UNITS = "/organizations/{org_slug}/units"
MEMBERS = "/organizations/{org_slug}/members"
UNIT_ID = Path(
    ..., description="The unit's id, as listed by `GET .../units`. A unit of another organisation answers 404."
)
MEMBERSHIP_ID = Path(
    ...,
    description="The membership's id (the `id` listed by `GET .../members`, not the person's `user_id`). "
    "A membership in another organisation answers 404.",
)
KINDS = ", ".join(UnitKind.values)
ROLES = ", ".join(Role.values)


# --- Schemas --------------------------------------------------------------------------------


class UnitOut(Schema):
    """A unit of the organisation's tree (ministry, agency, department, team …) with its place in the tree."""

    id: int = Field(description="The unit's id, used in the URLs and as `parent_id` or a member's `unit_id`.")
    name: str = Field(description="The unit's name, unique among the sub-units of its parent (ignoring case).")
    kind: str = Field(description=f"What sort of unit it is, one of: {KINDS}.")
    parent_id: int | None = Field(description="The id of the unit it sits under; null for a top-level unit.")
    depth: int = Field(description="0 for a top-level unit, 1 for its sub-units, and so on.")
    member_count: int = Field(
        description="Active members placed directly in this unit; members of its sub-units are not counted."
    )


class UnitIn(Schema):
    """A new unit. Only `name` is required."""

    # No min_length: the organisation is checked first (404 for a stranger), then the service
    # explains a missing name (422) in the same words as the page does.
    name: str = Field(
        "",
        max_length=200,
        description="The unit's name, 1 to 200 characters, unique among the parent's sub-units (ignoring case).",
    )
    kind: UnitKind = Field(UnitKind.DEPARTMENT, description="What sort of unit it is; default `department`.")
    parent_id: int | None = Field(
        None, description="The id of the unit to put it under; leave out or null for a top-level unit."
    )


class UnitPatch(Schema):
    """Changes to a unit. Leave a field out to keep it as it is."""

    name: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="A new name, 1 to 200 characters, unique among the sub-units of its parent (ignoring case).",
    )
    kind: UnitKind | None = Field(None, description="A new kind of unit.")
    parent_id: int | None = Field(
        None,
        description="Move the unit, with everything below it, under the unit with this id; "
        "null moves it to the top level.",
    )


class MemberOut(Schema):
    """A person's membership in the organisation: who they are, where they sit and which roles they hold."""

    id: int = Field(description="The membership's id, used in the URLs of `.../members/{membership_id}`.")
    user_id: int = Field(description="The person's id; the same person has the same id in every organisation.")
    email: str = Field(alias="user.email", description="The email address the person signs in with.")
    name: str = Field(description="The best name to show: display name, else full name, else email address.")
    title: str = Field(description="The person's job title in the organisation; may be empty.")
    unit_id: int | None = Field(description="The id of the unit the member is placed in; null for none.")
    unit_name: str | None = Field(None, alias="unit.name", description="The name of that unit; null for none.")
    is_active: bool = Field(
        description="False for a deactivated member: they keep their history and roles but cannot use the organisation."
    )
    roles: list[str] = Field(description=f"The member's roles, sorted by code; each one of: {ROLES}.")
    joined_at: datetime = Field(description="When the person became a member.")

    @staticmethod
    def resolve_name(membership: Membership) -> str:
        return str(membership.user)

    @staticmethod
    def resolve_roles(membership: Membership) -> list[str]:
        return sorted(membership.role_set)


class MemberFilter(Schema):
    """Which members to list, and in which order. Every filter given must match."""

    q: str = Field(
        "",
        max_length=200,
        description="Search text: every word must appear (ignoring case) in the email address or a name.",
    )
    role: Role | None = Field(None, description="Only members holding this role.")
    unit_id: int | None = Field(
        None,
        description="Only members of the unit with this id or of its sub-units; another organisation's unit is 404.",
    )
    status: str = Field(
        "active",
        pattern="^(active|inactive|all)$",
        description="`active` (the default) for current members, `inactive` for deactivated ones, `all` for both.",
    )
    sort: str = Field(
        "name",
        pattern="^-?(name|email|unit|joined)$",
        description="Order by `name` (the default), `email`, `unit` (unit name, then name) or `joined` "
        "(date of joining); a leading `-` reverses it, e.g. `-joined` for the newest first.",
    )


class MemberPatch(Schema):
    """Changes to a membership. Leave a field out to keep it as it is."""

    roles: list[Role] | None = Field(
        None,
        min_length=1,
        max_length=len(Role.values),
        description="The member's complete new set of roles (replacing the current ones); at least one.",
    )
    unit_id: int | None = Field(
        None, description="The id of the unit to place the member in; null takes the member out of any unit."
    )
    title: str | None = Field(None, max_length=200, description="A new job title, up to 200 characters; may be empty.")
    is_active: bool | None = Field(
        None,
        description="false deactivates the member (they lose access but keep history and roles); true reactivates.",
    )


# --- Helpers --------------------------------------------------------------------------------


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
    UNITS,
    response=list[UnitOut],
    summary="List units",
    description="Every unit of the organisation, depth-first in tree order: each unit is followed by its "
    "sub-units, and units under the same parent are sorted by name. Any member.",
)
def list_units(request: HttpRequest, org_slug: str) -> list[dict[str, Any]]:
    organization = permitted_organization(request, org_slug, "core.view_units")
    return [_node_out(node) for node in selectors.walk(selectors.unit_tree(organization))]


@router.get(
    f"{UNITS}/{{unit_id}}",
    response=UnitOut,
    summary="Get a unit",
    description="One unit of the organisation, with its depth in the tree and its number of active members. "
    "Any member. 404 when the organisation has no unit with this id.",
)
def get_unit(request: HttpRequest, org_slug: str, unit_id: int = UNIT_ID) -> dict[str, Any]:
    organization = permitted_organization(request, org_slug, "core.view_units")
    return _unit_out(organization, _unit(organization, unit_id).pk)


@router.post(
    UNITS,
    response={201: UnitOut},
    summary="Add a unit",
    description="Administrators only. The name must be unique (ignoring case) among the parent's sub-units; "
    "a `parent_id` that is not one of the organisation's units is an invalid value (422).",
)
def create_unit(request: HttpRequest, org_slug: str, payload: UnitIn) -> Status[dict[str, Any]]:
    organization = permitted_organization(request, org_slug, "core.manage_units")
    parent = _body_unit(organization, payload.parent_id, "parent_id")
    unit = services.create_unit(organization=organization, name=payload.name, kind=payload.kind.value, parent=parent)
    return Status(201, _unit_out(organization, unit.pk))


@router.patch(
    f"{UNITS}/{{unit_id}}",
    response=UnitOut,
    summary="Rename or move a unit",
    description="Administrators only. Change the name or kind, or move the unit (with everything below it) "
    "under another unit or to the top level; fields left out stay as they are. Moving a unit under itself "
    "or one of its own sub-units, or next to a unit of the same name, is refused (422). "
    "404 when the organisation has no unit with this id.",
)
def update_unit(request: HttpRequest, org_slug: str, payload: UnitPatch, unit_id: int = UNIT_ID) -> dict[str, Any]:
    organization = permitted_organization(request, org_slug, "core.manage_units")
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
    f"{UNITS}/{{unit_id}}",
    response={204: None},
    summary="Delete an empty unit",
    description="Administrators only. A unit that still has sub-units or members (active or not), or that is "
    "in use elsewhere, is refused (422); move those first. 404 when the organisation has no unit with this id.",
)
def delete_unit(request: HttpRequest, org_slug: str, unit_id: int = UNIT_ID) -> Status[None]:
    organization = permitted_organization(request, org_slug, "core.manage_units")
    services.delete_unit(unit=_unit(organization, unit_id))
    return Status(204, None)


# --- Members --------------------------------------------------------------------------------


@router.get(
    MEMBERS,
    response=list[MemberOut],
    summary="List members",
    description="Members with their roles, one page at a time (`limit`, `offset`); filter by search text, "
    "role, unit (with its sub-units) and status, and choose the order with `sort`. Any member. "
    "A `unit_id` the organisation does not have answers 404.",
)
@paginate(LimitOffsetPagination)
def list_members(request: HttpRequest, org_slug: str, filters: Query[MemberFilter]) -> QuerySet[Membership]:
    organization = permitted_organization(request, org_slug, "core.view_members")
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


@router.get(
    f"{MEMBERS}/{{membership_id}}",
    response=MemberOut,
    summary="Get a member",
    description="One membership of the organisation, active or deactivated, with the person's roles and unit. "
    "Any member. 404 when the organisation has no membership with this id.",
)
def get_member(request: HttpRequest, org_slug: str, membership_id: int = MEMBERSHIP_ID) -> Membership:
    organization = permitted_organization(request, org_slug, "core.view_members")
    return _member(organization, membership_id)


@router.patch(
    f"{MEMBERS}/{{membership_id}}",
    response=MemberOut,
    summary="Change a member",
    description="Administrators only. Change roles, unit or job title, or deactivate and reactivate; fields "
    "left out stay as they are. Removing the last active administrator (by taking the role away or by "
    "deactivating) is refused (422), as is a `unit_id` the organisation does not have. "
    "404 when the organisation has no membership with this id.",
)
def update_member(
    request: HttpRequest, org_slug: str, payload: MemberPatch, membership_id: int = MEMBERSHIP_ID
) -> Membership:
    organization = permitted_organization(request, org_slug, "core.manage_members")
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
