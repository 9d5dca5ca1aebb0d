"""The people web tests: an organisation with every role, three units and three teams (see
``helpers.make_world``), another organisation, and signed-in clients."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from spaceforchange.assessments.models import Campaign
from tests.web.people.helpers import World, archetype_campaign, fill_desk, make_world


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return make_world()


@pytest.fixture
def other(db) -> World:  # type: ignore[no-untyped-def]
    return make_world("southport")


@pytest.fixture
def as_person(world: World) -> Callable[[str], Client]:
    """A client signed in as one of the world's people by attribute name."""

    def signed_in(name: str) -> Client:
        client = Client()
        client.force_login(getattr(world, name))
        return client

    return signed_in


@pytest.fixture
def answered(world: World) -> Campaign:
    """An open archetype self-assessment answered by 17 members (see ``helpers.fill_desk``)."""
    campaign = archetype_campaign(world.organization)
    fill_desk(world, campaign)
    return campaign
