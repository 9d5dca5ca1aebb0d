"""An organisation with a lead, an owner, a team member and a plain member, an initiative the owner
owns, and a helper that runs a space-for-change scan of it."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from spaceforchange.core.models import Organization, User
from spaceforchange.portfolio import services
from spaceforchange.portfolio.models import Initiative
from tests.factories import make_campaign, make_member, make_organization, make_response, make_user


@dataclass
class World:
    organization: Organization
    lead: User
    owner: User
    teammate: User
    member: User
    initiative: Initiative
    today: datetime.date

    def days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    organization = make_organization(name="Northbay", slug="northbay")
    people = {
        name: make_member(organization, roles=[role], user=make_user(f"{name}@northbay.example")).user
        for name, role in (
            ("lead", "innovation_lead"),
            ("owner", "owner"),
            ("teammate", "member"),
            ("member", "member"),
        )
    }
    today = services.today_in(organization)
    initiative = services.create_initiative(
        organization=organization,
        title="Night watch",
        owner=people["owner"],
        team=[people["teammate"]],
        started_on=today - datetime.timedelta(days=100),
        actor=people["lead"],
    )
    return World(organization, people["lead"], people["owner"], people["teammate"], people["member"], initiative, today)


@pytest.fixture
def scan_of() -> Callable[..., Any]:
    """A closed space-for-change scan of the initiative with two respondents answering ``answer`` everywhere."""

    def make(initiative: Initiative, answer: int = 4, *, status: str = "closed") -> Any:
        from spaceforchange.assessments import services as assessment_services
        from spaceforchange.frameworks.selectors import effective_pack, parsed_pack

        version = effective_pack(initiative.organization, "space_for_change")
        campaign = make_campaign(
            initiative.organization,
            version=version,
            status="open",
            instrument_key="space_for_change_scan",
            initiative=initiative,
            anonymity_threshold=2,
        )
        keys = [statement.key for statement in parsed_pack(version).instruments[0].statements]
        for _ in range(2):
            make_response(campaign, {key: answer for key in keys})
        if status == "closed":
            campaign = assessment_services.close_campaign(campaign=campaign)
        return campaign

    return make
