"""An organisation with one member per role, a framework pack with the "scan" instrument, and
campaigns of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from spaceforchange.core.models import Role
from tests.factories import make_campaign, make_member, make_organization, make_pack, make_user
from tests.web.core.conftest import Org

ROLES = tuple(Role.values)


@pytest.fixture
def org(db) -> Org:  # type: ignore[no-untyped-def]
    organization = make_organization(name="Northbay", slug="northbay")
    people = {
        role: make_member(
            organization, roles=[role], user=make_user(f"{role}@northbay.example", first_name=role.title())
        )
        for role in ROLES
    }
    return Org(organization, people)


@pytest.fixture
def other_org(db) -> Org:  # type: ignore[no-untyped-def]
    organization = make_organization(name="Southport", slug="southport")
    return Org(organization, {"admin": make_member(organization, roles=["admin"])})


@pytest.fixture
def client_as(org: Org) -> Callable[[str], Client]:
    def signed_in(role: str) -> Client:
        client = Client()
        client.force_login(org.people[role].user)
        return client

    return signed_in


@pytest.fixture
def pack(db):  # type: ignore[no-untyped-def]
    """A pack version in the global library, with the instrument "scan"."""
    return make_pack("scan_pack")


@pytest.fixture
def campaign_in(pack) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    def make(org: Org, **options: Any) -> Any:
        return make_campaign(org.organization, version=pack, **options)

    return make


@pytest.fixture
def respond_pages() -> None:
    """Links to the answering pages need those pages; without them the link tests cannot run."""
    try:
        reverse("respond:start", kwargs={"token": "probe"})
    except NoReverseMatch:
        pytest.skip("the respondent pages (respond:start) are not installed, so no link can be built")
