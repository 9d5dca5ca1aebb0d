"""The people API tests share the people pages' world (every role, three units, three teams) and an
archetype self-assessment answered by groups above and below the anonymity threshold."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from spaceforchange.assessments.models import Campaign
from tests.web.people.helpers import (
    World,
    answer_archetype_campaign,
    archetype_campaign,
    culture_campaign,
    make_world,
)


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture
def as_person(world: World) -> Callable[[str], Client]:
    """A client signed in as one of the world's people by attribute name."""

    def signed_in(name: str) -> Client:
        client = Client()
        client.force_login(getattr(world, name))
        return client

    return signed_in


@dataclass(frozen=True)
class Answered:
    """An archetype self-assessment answered by 17 signed-in members (threshold 5):

    - Digital desk (Schools): 8 Magistrates, a Crusader, a Bohemian: shown; 1 in 10 innovators, so the team's
      composition warns of few Crusaders and Revolutionists;
    - Home care (Health): 2 Revolutionists: hidden, below the threshold;
    - Roads, no team: 5 Crusaders: hidden too, so that Health cannot be worked out from the total.
    """

    campaign: Campaign
    culture: Campaign


DESK_MIX = ["magistrate"] * 8 + ["crusader", "bohemian"]


@pytest.fixture
def answered(world: World) -> Answered:
    campaign = archetype_campaign(world.organization)
    desk = [world.member] + [world.person(0, "desk") for _n in range(9)]
    care = [world.person(1, "care") for _n in range(2)]
    roads = [world.person(2) for _n in range(5)]
    answer_archetype_campaign(
        campaign,
        [
            *zip(desk, DESK_MIX, strict=True),
            *((person, "revolutionist") for person in care),
            *((person, "crusader") for person in roads),
        ],
    )
    return Answered(campaign=campaign, culture=culture_campaign(world.organization))
