"""An organisation with one member per role, and a client signed in as any of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from spaceforchange.core.models import Membership, Organization, Role
from tests.factories import make_member, make_organization, make_user


class Org:
    def __init__(self, organization: Organization, people: dict[str, Membership]) -> None:
        self.organization = organization
        self.slug = organization.slug
        self.people = people

    def url(self, name: str, **kwargs: Any) -> str:
        from django.urls import reverse

        return reverse(name, kwargs={"org_slug": self.slug, **kwargs})


@pytest.fixture
def org(db) -> Org:  # type: ignore[no-untyped-def]
    organization = make_organization(name="Northbay", slug="northbay")
    people = {
        role: make_member(
            organization, roles=[role], user=make_user(f"{role}@northbay.example", first_name=role.title())
        )
        for role in Role.values
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


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def error_texts(response: Any) -> list[str]:
    page = soup(response)
    return [element.get_text(" ", strip=True) for element in page.select(".usa-error-message, .usa-alert--error")]
