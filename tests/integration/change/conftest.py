"""Two organisations, each with an innovation lead, a leader, a director (the sponsor), a member, an
initiative in experiment and a budget line; a programme helper and a change-readiness survey helper."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from spaceforchange.budgeting import budget_services
from spaceforchange.budgeting.models import BudgetLine
from spaceforchange.change import services
from spaceforchange.change.models import ChangeProgramme
from spaceforchange.core.models import Organization, User
from spaceforchange.portfolio import services as portfolio_services
from spaceforchange.portfolio.models import Initiative
from tests.factories import make_campaign, make_member, make_organization, make_response, make_unit, make_user


@dataclass
class World:
    organization: Organization
    lead: User
    leader: User
    director: User
    member: User
    oversight: User
    initiative: Initiative
    line: BudgetLine
    today: datetime.date

    def programme(self, name: str = "Home care reform", **fields: Any) -> ChangeProgramme:
        return services.create_programme(organization=self.organization, name=name, actor=self.lead, **fields)

    def days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)


def make_world(slug: str) -> World:
    organization = make_organization(name=slug.capitalize(), slug=slug)
    unit = make_unit(organization, "Home care")
    people = {
        name: make_member(organization, roles=[role], user=make_user(f"{name}@{slug}.example"), unit=unit).user
        for name, role in (
            ("lead", "innovation_lead"),
            ("leader", "leader"),
            ("director", "leader"),
            ("member", "member"),
            ("oversight", "oversight"),
        )
    }
    today = portfolio_services.today_in(organization)
    initiative = portfolio_services.create_initiative(
        organization=organization,
        title="Everyday rehabilitation",
        owner=people["member"],
        stage="experiment",
        started_on=today - datetime.timedelta(days=60),
        actor=people["lead"],
    )
    cycle = budget_services.create_budget_cycle(
        organization=organization,
        name="2027",
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
        total_budget=Decimal(1000),
        target_purpose_mix={"innovation": 0.1, "efficiency": 0.2, "service_delivery": 0.7},
    )
    line = budget_services.save_budget_line(
        cycle=cycle, code="HC-1", title="Rehabilitation", unit=unit, amount=Decimal(100), purpose="innovation"
    )
    return World(organization, initiative=initiative, line=line, today=today, **people)


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return make_world("northbay")


@pytest.fixture
def other(db) -> World:  # type: ignore[no-untyped-def]
    return make_world("southport")


@pytest.fixture
def readiness_survey() -> Callable[..., Any]:
    """A change-readiness campaign with ``respondents`` answers that score each factor as ``scores`` says.

    Reverse-worded statements get the mirrored answer, so each factor's mean is exactly its score.
    """

    def make(
        organization: Organization,
        scores: Mapping[str, int],
        *,
        respondents: int = 2,
        threshold: int = 2,
        status: str = "open",
    ) -> Any:
        from spaceforchange.assessments import services as assessment_services
        from spaceforchange.frameworks.selectors import effective_pack, parsed_pack

        version = effective_pack(organization, "change_management")
        campaign = make_campaign(
            organization,
            version=version,
            status="open",
            instrument_key="change_readiness",
            anonymity_threshold=threshold,
        )
        instrument = next(i for i in parsed_pack(version).instruments if i.key == "change_readiness")
        answers = {
            statement.key: (6 - scores[statement.dimension] if statement.reverse else scores[statement.dimension])
            for statement in instrument.statements
            if statement.dimension in scores
        }
        for _ in range(respondents):
            make_response(campaign, answers)
        if status == "closed":
            campaign = assessment_services.close_campaign(campaign=campaign)
        return campaign

    return make
