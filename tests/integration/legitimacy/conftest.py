"""Northbay with one person per role, an initiative the owner runs, a policy the manager looks after,
and another organisation whose objects must never leak in."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from spaceforchange.core.models import Organization, User
from spaceforchange.policies.models import Policy
from spaceforchange.portfolio import services as portfolio_services
from spaceforchange.portfolio.models import Initiative
from tests.factories import make_member, make_organization, make_policy, make_user

ROLES = ("lead", "leader", "owner", "manager", "member", "oversight", "admin", "lead2")
ROLE_OF = {
    "lead": "innovation_lead",
    "lead2": "innovation_lead",
    "leader": "leader",
    "owner": "owner",
    "manager": "member",
    "member": "member",
    "oversight": "oversight",
    "admin": "admin",
}


@dataclass
class World:
    organization: Organization
    people: dict[str, User]
    initiative: Initiative
    policy: Policy
    other: Organization
    foreign_initiative: Initiative
    foreign_policy: Policy
    stranger: User
    today: datetime.date

    def __getattr__(self, name: str) -> User:
        people = self.__dict__.get("people", {})
        if name in people:
            return people[name]
        raise AttributeError(name)


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    organization = make_organization(name="Northbay", slug="northbay")
    people = {
        name: make_member(organization, roles=[ROLE_OF[name]], user=make_user(f"{name}@northbay.example")).user
        for name in ROLES
    }
    initiative = portfolio_services.create_initiative(
        organization=organization, title="Night watch", owner=people["owner"], actor=people["lead"]
    )
    policy = make_policy(organization, "Parking permits", manager=people["manager"])
    other = make_organization(name="Southcove", slug="southcove")
    stranger = make_member(other, roles=["innovation_lead"], user=make_user("lead@southcove.example")).user
    foreign_initiative = portfolio_services.create_initiative(organization=other, title="Theirs")
    foreign_policy = make_policy(other, "Their rule")
    today = portfolio_services.today_in(organization)
    return World(organization, people, initiative, policy, other, foreign_initiative, foreign_policy, stranger, today)
