"""The legitimacy web tests share the integration tests' organisation, plus signed-in clients and
a populated subject."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from spaceforchange.legitimacy import gray_zone_services, legitimation_services, services
from tests.factories import make_judgment, make_stakeholder
from tests.integration.legitimacy.conftest import World, world

__all__ = ["world"]


@pytest.fixture
def as_person(world: World) -> Callable[[str], Client]:
    """A client signed in as one of the world's people (lead, leader, owner, manager, member …)."""

    def signed_in(name: str) -> Client:
        client = Client()
        client.force_login(world.stranger if name == "stranger" else world.people[name])
        return client

    return signed_in


@dataclass
class Filled:
    governor: Any
    union: Any
    press: Any
    judgment: Any
    action: Any
    proposed: Any
    approved: Any


@pytest.fixture
def filled(world: World) -> Filled:
    """Night watch judged by three stakeholders, one planned action, one unapproved and one approved tactic."""
    governor = make_stakeholder(
        world.organization, "County governor", category="regulator", influence=5, interest=4, controls_resources=True
    )
    union = make_stakeholder(world.organization, "Nurses' union", category="staff_and_unions", influence=4)
    press = make_stakeholder(world.organization, "Local paper", category="media", influence=2, interest=5)
    review = world.today - datetime.timedelta(days=3)
    judgment = make_judgment(
        governor,
        world.initiative,
        "regulatory",
        "conditional_legitimacy",
        conditions=[services.ConditionInput("Consent from every resident", review)],
        actor=world.owner,
    )
    make_judgment(governor, world.initiative, "pragmatic", "legitimate")
    make_judgment(union, world.initiative, "normative", "conditional_illegitimacy")
    make_judgment(press, world.initiative, "cognitive", "unknown_legitimacy")
    make_judgment(union, world.policy, "regulatory", "illegitimate")
    action = legitimation_services.plan_action(
        initiative=world.initiative,
        strategy="engage_in_dialogue",
        goal="acquire",
        mode="conform",
        description="Meet the union's safety delegates",
        stakeholders=[union],
        owner=world.owner,
    )
    common = {
        "initiative": world.initiative,
        "rule_concerned": "Night visits need two staff",
        "rationale": "Sensors replace the second person",
        "risks": "A fall goes unseen",
        "review_on": world.today + datetime.timedelta(days=30),
    }
    proposed = gray_zone_services.propose_tactic(
        tactic="circumventing", accountable=world.owner, actor=world.owner, **common
    )
    approved = gray_zone_services.propose_tactic(
        tactic="distancing", accountable=world.owner, actor=world.owner, **common
    )
    approved = gray_zone_services.approve_tactic(entry=approved, actor=world.lead)
    return Filled(governor, union, press, judgment, action, proposed, approved)
