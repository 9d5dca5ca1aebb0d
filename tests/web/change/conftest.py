"""The change-programme web tests: an organisation with every role and a programme owner, a
second organisation with its own programme, initiative and readiness campaign, signed-in clients."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from spaceforchange.assessments.models import Campaign
from spaceforchange.change import services
from spaceforchange.change.models import ChangeProgramme
from spaceforchange.change.terms import READINESS_INSTRUMENT, READINESS_PACK
from spaceforchange.core.models import Organization, User
from spaceforchange.frameworks.selectors import effective_pack
from spaceforchange.portfolio import services as portfolio_services
from spaceforchange.portfolio.models import Initiative
from tests.factories import make_campaign, make_member, make_organization, make_user

ROLES = {
    "lead": ["member", "innovation_lead"],
    "leader": ["member", "leader"],
    "admin": ["member", "admin"],
    "member": ["member"],
    "owner": ["member"],
    "oversight": ["member", "oversight"],
}


@dataclass
class World:
    organization: Organization
    lead: User
    leader: User
    admin: User
    member: User
    owner: User
    oversight: User
    programme: ChangeProgramme
    initiative: Initiative
    foreign: Organization
    foreign_programme: ChangeProgramme
    foreign_initiative: Initiative
    foreign_campaign: Campaign


def readiness_campaign(organization: Organization, **options: object) -> Campaign:
    return make_campaign(
        organization,
        version=effective_pack(organization, READINESS_PACK),
        instrument_key=READINESS_INSTRUMENT,
        **options,
    )


def make_change_world(slug: str = "northbay") -> World:
    organization = make_organization(name=slug.capitalize(), slug=slug)
    people = {
        name: make_member(
            organization, roles=roles, user=make_user(f"{name}@{slug}.example", first_name=name.title())
        ).user
        for name, roles in ROLES.items()
    }
    programme = services.create_programme(
        organization=organization, name="Home care reform", owner=people["owner"], actor=people["lead"]
    )
    initiative = portfolio_services.create_initiative(
        organization=organization,
        title="Digital night watch",
        owner=people["lead"],
        stage="experiment",
        started_on=portfolio_services.today_in(organization),
    )
    foreign = make_organization(name="Southport", slug=f"{slug}-south")
    stranger = make_member(foreign, roles=["innovation_lead"]).user
    foreign_programme = services.create_programme(organization=foreign, name="Their reform", actor=stranger)
    foreign_initiative = portfolio_services.create_initiative(
        organization=foreign, title="Their pilot", owner=stranger, stage="idea"
    )
    return World(
        organization=organization,
        programme=programme,
        initiative=initiative,
        foreign=foreign,
        foreign_programme=foreign_programme,
        foreign_initiative=foreign_initiative,
        foreign_campaign=readiness_campaign(foreign),
        **people,
    )


@pytest.fixture
def world(db: None) -> World:
    return make_change_world()


@pytest.fixture
def as_person(world: World) -> Callable[[str], Client]:
    """A client signed in as one of the world's people by attribute name."""

    def signed_in(name: str) -> Client:
        client = Client()
        client.force_login(getattr(world, name))
        return client

    return signed_in
