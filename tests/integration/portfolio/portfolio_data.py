"""Hand-made portfolio data whose figures are worked out by hand in the tests.

Five initiatives of Northbay, plus one of another organisation that must never count:

=========  ===========  ========================  ================  ===========  =========  ====
title      stage        change form               initiator         trigger      unit       goal
=========  ===========  ========================  ================  ===========  =========  ====
Alpha      experiment   incremental_change        front_line_staff  proactive    Care       Age
Bravo      scaling      bold_experimentation      senior_leader     crisis       Roads
Charlie    stopped*     incremental_change        middle_manager    crisis       Care
Delta      idea         —                         —                 —            (shares Care) Age
Echo       integrated   strategic_transformation  external_partner  proactive
=========  ===========  ========================  ================  ===========  =========  ====

* Charlie was registered as an experiment and stopped, so it is a pilot stopped before scaling.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from spaceforchange.core.models import Organization, Unit, User
from spaceforchange.portfolio import services
from spaceforchange.portfolio.models import Goal, Initiative
from tests.factories import make_member, make_organization, make_unit, make_user


@dataclass
class Portfolio:
    organization: Organization
    lead: User
    member: User
    care: Unit
    roads: Unit
    goal: Goal
    initiatives: dict[str, Initiative]
    foreign: Initiative
    foreign_unit: Unit
    foreign_goal: Goal


def _initiative(organization: Organization, title: str, **fields: Any) -> Initiative:
    started = services.today_in(organization) - datetime.timedelta(days=200)
    return services.create_initiative(organization=organization, title=title, started_on=started, **fields)


@pytest.fixture
def portfolio(db) -> Portfolio:  # type: ignore[no-untyped-def]
    organization = make_organization(name="Northbay", slug="northbay")
    lead = make_member(organization, roles=["innovation_lead"], user=make_user("lead@northbay.example")).user
    member = make_member(organization, roles=["member"], user=make_user("member@northbay.example")).user
    care, roads = make_unit(organization, "Care"), make_unit(organization, "Roads")
    goal = services.create_goal(organization=organization, title="Age well")
    made = {
        "Alpha": _initiative(
            organization,
            "Alpha",
            stage="experiment",
            change_form="incremental_change",
            initiator_level="front_line_staff",
            trigger="proactive",
            unit=care,
            goals=[goal],
        ),
        "Bravo": _initiative(
            organization,
            "Bravo",
            stage="scaling",
            change_form="bold_experimentation",
            initiator_level="senior_leader",
            trigger="crisis",
            unit=roads,
        ),
        "Charlie": _initiative(
            organization,
            "Charlie",
            stage="experiment",
            change_form="incremental_change",
            initiator_level="middle_manager",
            trigger="crisis",
            unit=care,
        ),
        "Delta": _initiative(organization, "Delta", units=[care], goals=[goal]),
        "Echo": _initiative(
            organization,
            "Echo",
            stage="integrated",
            change_form="strategic_transformation",
            initiator_level="external_partner",
            trigger="proactive",
        ),
    }
    services.move_initiative(
        initiative=made["Charlie"],
        target="stopped",
        decided_by=lead,
        decided_on=services.today_in(organization),
        reason="The pilot showed no benefit.",
        actor=lead,
    )
    made["Charlie"].refresh_from_db()
    other = make_organization(name="Southport", slug="southport")
    foreign_unit = make_unit(other, "Care")
    foreign_goal = services.create_goal(organization=other, title="Age well")
    foreign = _initiative(
        other, "Foreign", stage="scaling", change_form="bold_experimentation", unit=foreign_unit, goals=[foreign_goal]
    )
    return Portfolio(organization, lead, member, care, roads, goal, made, foreign, foreign_unit, foreign_goal)
