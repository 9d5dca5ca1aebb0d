"""REST endpoints of the core app, mounted under /api/v1/ by spaceforchange.api.api.

``/me`` is the caller; ``/organizations`` are the organisations the caller is an active member of.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import AwareDatetime, ConfigDict

from spaceforchange.api import domain as token_domain
from spaceforchange.api import selectors as token_selectors
from spaceforchange.api import services as token_services
from spaceforchange.api.tenancy import organization_from
from spaceforchange.core import account_selectors, account_services
from spaceforchange.core.models import Membership, Role

router = Router(tags=["core"])


class PersonOut(Schema):
    """The person who is calling the API."""

    id: int = Field(description="The person's id.")
    email: str = Field(description="The email address the person signs in with.")
    display_name: str = Field(description="The name the person chose to be shown; may be empty.")
    first_name: str = Field(description="Given name; may be empty.")
    last_name: str = Field(description="Family name; may be empty.")
    name: str = Field(description="The best name to show: display name, else full name, else email address.")
    two_factor_enabled: bool = Field(description="Whether the person signs in with a one-time code as well.")


class PersonPatch(Schema):
    """Changes to the caller's own name fields. Leave a field out to keep it as it is."""

    model_config = ConfigDict(extra="forbid")

    display_name: str | None = Field(None, max_length=account_services.NAME_MAX_LENGTH, description="Name to show.")
    first_name: str | None = Field(None, max_length=account_services.NAME_MAX_LENGTH, description="Given name.")
    last_name: str | None = Field(None, max_length=account_services.NAME_MAX_LENGTH, description="Family name.")


class RoleOut(Schema):
    """One role a person holds in an organisation."""

    code: str = Field(description="The role's code, one of: " + ", ".join(Role.values) + ".")
    label: str = Field(description="The role's name in the request's language.")


class MyOrganizationOut(Schema):
    """An organisation the caller is an active member of, with the caller's place in it."""

    slug: str = Field(description="The organisation's short name, used in URLs such as /api/v1/organizations/{slug}/.")
    name: str = Field(description="The organisation's name.")
    roles: list[RoleOut] = Field(description="The caller's roles in the organisation.")
    unit: str | None = Field(description="The unit the caller belongs to, if any.")
    title: str = Field(description="The caller's job title in the organisation; may be empty.")


class TokenOut(Schema):
    """One of the caller's personal API tokens. The secret itself is never returned."""

    id: int = Field(description="The token's id.")
    name: str = Field(description="The name the owner gave the token.")
    prefix: str = Field(description="The first characters of the token, to recognise it.")
    created_at: datetime = Field(description="When the token was created.")
    expires_at: datetime | None = Field(description="When the token stops working; null if never.")
    last_used_at: datetime | None = Field(description="When the token was last used (to the minute); null if never.")
    revoked_at: datetime | None = Field(description="When the token was revoked; null if it was not.")
    is_active: bool = Field(description="Whether the token can be used now.")


class TokenIn(Schema):
    """A new personal API token."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=token_domain.MAX_NAME_LENGTH, description="What the token is for.")
    expires_at: AwareDatetime | None = Field(
        None, description="When the token stops working (ISO 8601 with a time zone); null for never."
    )


class TokenCreatedOut(TokenOut):
    """A token that was just created. `token` is shown this once: store it, it cannot be retrieved again."""

    token: str = Field(description="The token itself, to send as `Authorization: Bearer <token>`.")


def _person(request: HttpRequest) -> PersonOut:
    user = request.auth  # type: ignore[attr-defined]
    return PersonOut(
        id=user.pk,
        email=user.email,
        display_name=user.display_name,
        first_name=user.first_name,
        last_name=user.last_name,
        name=str(user),
        two_factor_enabled=account_selectors.has_two_factor(user=user),
    )


def _organization(membership: Membership) -> MyOrganizationOut:
    return MyOrganizationOut(
        slug=membership.organization.slug,
        name=membership.organization.name,
        roles=[RoleOut(code=role.value, label=str(role.label)) for role in account_selectors.ordered_roles(membership)],
        unit=membership.unit.name if membership.unit else None,
        title=membership.title,
    )


@router.get("/me", response=PersonOut, summary="Who am I")
def me(request: HttpRequest) -> PersonOut:
    """The person the request is authenticated as."""
    return _person(request)


@router.patch("/me", response=PersonOut, summary="Change my name")
def update_me(request: HttpRequest, payload: PersonPatch) -> PersonOut:
    """Change the caller's display name, given name or family name. Fields left out stay as they are."""
    account_services.update_profile(user=request.auth, **payload.model_dump(exclude_unset=True))  # type: ignore[attr-defined]
    return _person(request)


@router.get("/me/tokens", response=list[TokenOut], summary="List my API tokens")
def list_my_tokens(request: HttpRequest) -> list[TokenOut]:
    """The caller's personal API tokens, newest first, revoked and expired ones included."""
    return [TokenOut.model_validate(token) for token in token_selectors.tokens_of(user=request.auth)]  # type: ignore[attr-defined]


@router.post("/me/tokens", response={201: TokenCreatedOut}, summary="Create an API token")
def create_my_token(request: HttpRequest, payload: TokenIn) -> Status[TokenCreatedOut]:
    """Create a personal API token. Only a signed-in browser session may do this: a token cannot mint
    further tokens, so a leaked token cannot make itself permanent."""
    if getattr(request, "api_token", None) is not None:
        raise HttpError(403, _("Create tokens from your profile page, not with another token."))
    issued = token_services.create_api_token(user=request.auth, **payload.model_dump())  # type: ignore[attr-defined]
    created = TokenOut.model_validate(issued.token).model_dump()
    return Status(201, TokenCreatedOut(**created, token=issued.plaintext))


@router.delete("/me/tokens/{token_id}", response=TokenOut, summary="Revoke one of my API tokens")
def revoke_my_token(request: HttpRequest, token_id: int = Path(..., description="The token's id.")) -> TokenOut:
    """Revoke one of the caller's tokens at once. Revoking an already revoked token changes nothing."""
    token = token_services.revoke_api_token(user=request.auth, token_id=token_id)  # type: ignore[attr-defined]
    return TokenOut.model_validate(token)


@router.get("/organizations", response=list[MyOrganizationOut], summary="List my organisations")
def list_my_organizations(request: HttpRequest) -> list[MyOrganizationOut]:
    """The organisations the caller is an active member of, with the caller's roles in each."""
    return [_organization(membership) for membership in account_selectors.memberships_of(user=request.auth)]  # type: ignore[attr-defined]


@router.get("/organizations/{org_slug}", response=MyOrganizationOut, summary="One of my organisations")
def get_my_organization(request: HttpRequest, org_slug: str) -> MyOrganizationOut:
    """One organisation the caller is an active member of; 404 for any other slug."""
    organization_from(request, org_slug)
    return _organization(request.membership)  # type: ignore[attr-defined]
