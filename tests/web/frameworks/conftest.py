"""An organisation with one member per role, a second organisation, and a few packs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from spaceforchange.core.models import Membership, Organization, Role
from tests.factories import make_member, make_organization, make_pack, make_user, pack_data


class Org:
    def __init__(self, organization: Organization, people: dict[str, Membership]) -> None:
        self.organization = organization
        self.slug = organization.slug
        self.people = people

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"frameworks:{name}", kwargs={"org_slug": self.slug, **kwargs})

    def client(self, role: str) -> Client:
        client = Client()
        client.force_login(self.people[role].user)
        return client


@pytest.fixture
def org(db) -> Org:
    organization = make_organization(name="Northbay", slug="northbay")
    people = {
        role: make_member(
            organization, roles=[role], user=make_user(f"{role}@northbay.example", first_name=role.title())
        )
        for role in Role.values
    }
    return Org(organization, people)


@pytest.fixture
def other_org(db) -> Org:
    organization = make_organization(name="Southport", slug="southport")
    return Org(organization, {"admin": make_member(organization, roles=["admin"])})


@pytest.fixture
def packs(db) -> dict[str, Any]:
    """Two global packs; ``web_pack`` links to an item of ``web_base``."""
    base = make_pack("web_base")
    linked = make_pack(data=pack_data("web_pack", links=["web_base:room"]))
    return {"web_base": base, "web_pack": linked}


@pytest.fixture
def as_role(org: Org) -> Callable[[str], Client]:
    return org.client


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def texts(elements: Any) -> list[str]:
    return [element.get_text(" ", strip=True) for element in elements]
