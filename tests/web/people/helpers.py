"""Test data and parsing helpers of the people page and browser tests, built through the services.

``make_world`` gives an organisation with every role, three units and three teams:

- "Digital desk" (Schools): autonomy 4, self-managed, 2 % exploration in 2026-Q2 and no alignment
  session (routine lock-in and strategic drift); the plain member belongs to it;
- "Home care" (Health): in transition for 100 days with one leader role covered (unsupported
  transition);
- "Road works" (Roads): manager-led, no warnings.

``answer_archetype_campaign`` has members answer an archetype self-assessment through the
shared link while signed in, so each response records the person's unit and teams as it would in
real use.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bs4 import BeautifulSoup

from spaceforchange.assessments import response_services
from spaceforchange.assessments import services as assessment_services
from spaceforchange.assessments.models import Campaign
from spaceforchange.assessments.selectors import instrument_of
from spaceforchange.core.models import Organization, Unit, User
from spaceforchange.people import services
from spaceforchange.people.models import Team
from spaceforchange.people.terms import ARCHETYPE_INSTRUMENT, ARCHETYPE_PACK, CULTURE_INSTRUMENT
from spaceforchange.portfolio.services import today_in
from tests.factories import make_campaign, make_member, make_organization, make_unit, make_user

ORG = "/o/northbay/people/"
# Which axis is high for each archetype (stance towards rules, innovation drive).
POLES = {
    "magistrate": (False, False),
    "bohemian": (True, False),
    "crusader": (False, True),
    "revolutionist": (True, True),
}


@dataclass
class World:
    organization: Organization
    lead: User
    leader: User
    member: User
    oversight: User
    admin: User
    units: list[Unit]
    teams: dict[str, Team]
    extra: list[User] = field(default_factory=list)

    def person(self, unit: int = 0, team: str | None = None, roles: Sequence[str] = ("member",)) -> User:
        """A new member of ``unit``, added to ``team`` when given."""
        user = make_member(self.organization, roles=roles, unit=self.units[unit]).user
        if team is not None:
            services.add_team_member(team=self.teams[team], user=user, actor=self.lead)
        self.extra.append(user)
        return user


def make_world(slug: str = "northbay") -> World:
    organization = make_organization(name=slug.capitalize(), slug=slug)
    units = [make_unit(organization, name) for name in ("Schools", "Health", "Roads")]
    people = {
        name: make_member(organization, roles=roles, user=make_user(f"{name}@{slug}.example"), unit=units[0]).user
        for name, roles in (
            ("lead", ["member", "innovation_lead"]),
            ("leader", ["member", "leader"]),
            ("member", ["member"]),
            ("oversight", ["member", "oversight"]),
            ("admin", ["member", "admin"]),
        )
    }
    lead = people["lead"]
    today = today_in(organization)
    desk = services.create_team(
        organization=organization,
        name="Digital desk",
        unit=units[0],
        description="Online services for schools.",
        autonomy_level=4,
        transition_status="self_managed",
        actor=lead,
    )
    care = services.create_team(
        organization=organization,
        name="Home care",
        unit=units[1],
        autonomy_level=2,
        transition_status="in_transition",
        transition_started_on=today - datetime.timedelta(days=100),
        actor=lead,
    )
    roads = services.create_team(organization=organization, name="Road works", unit=units[2], actor=lead)
    services.add_team_member(team=desk, user=people["member"], actor=lead)
    services.record_exploration_share(team=desk, period="2026-Q2", share=Decimal("0.02"), note="", actor=lead)
    services.assign_leader_role(team=care, role_key="protect_exploration", holder=people["leader"], actor=lead)
    teams = {"desk": desk, "care": care, "roads": roads}
    return World(organization=organization, units=units, teams=teams, **people)


def archetype_campaign(organization: Organization, **options: Any) -> Campaign:
    from spaceforchange.frameworks.selectors import effective_pack

    return make_campaign(
        organization,
        version=effective_pack(organization, ARCHETYPE_PACK),
        pack_key=ARCHETYPE_PACK,
        instrument_key=ARCHETYPE_INSTRUMENT,
        **{"title": "Archetypes 2026", **options},
    )


def culture_campaign(organization: Organization, **options: Any) -> Campaign:
    from spaceforchange.frameworks.selectors import effective_pack

    return make_campaign(
        organization,
        version=effective_pack(organization, ARCHETYPE_PACK),
        pack_key=ARCHETYPE_PACK,
        instrument_key=CULTURE_INSTRUMENT,
        **{"title": "Culture pulse", **options},
    )


def archetype_answers(campaign: Campaign, archetype: str) -> dict[str, int | None]:
    """Answers that place a respondent clearly as ``archetype`` (5 or 1 on every statement)."""
    instrument = instrument_of(campaign)
    axes = list(dict.fromkeys(statement.dimension for statement in instrument.statements))
    high = dict(zip(axes, POLES[archetype], strict=True))
    answers: dict[str, int | None] = {}
    for statement in instrument.statements:
        value = instrument.scale.max if high[statement.dimension] else instrument.scale.min
        if statement.reverse:
            value = instrument.scale.min + instrument.scale.max - value
        answers[statement.key] = value
    return answers


def answer_as(campaign: Campaign, user: User, answers: dict[str, int | None], token: str) -> None:
    response, _resume = response_services.start_response(token=token, user=user)
    response = response_services.save_answers(response=response, answers=answers)
    response_services.submit_response(response=response)


def answer_archetype_campaign(campaign: Campaign, respondents: Sequence[tuple[User, str]]) -> None:
    """Each ``(person, archetype)`` answers the campaign through its shared link, signed in."""
    token = assessment_services.create_shared_link(campaign=campaign)
    for user, archetype in respondents:
        answer_as(campaign, user, archetype_answers(campaign, archetype), token)


def fill_desk(world: World, campaign: Campaign) -> None:
    """Ten answers from Digital desk in Schools (8 Magistrates, a Bohemian, a Crusader: 10 %
    innovators, which fires "few Crusaders and Revolutionists" for the team), two Revolutionists
    from Home care in Health (hidden, below the threshold of 5) and five Crusaders in Roads (in no
    team; hidden per unit so that Health's two cannot be worked out from the total)."""
    mix = ["magistrate"] * 8 + ["bohemian", "crusader"]
    desk = [world.member] + [world.person(0, "desk") for _n in range(9)]
    care = [world.person(1, "care") for _n in range(2)]
    roads = [world.person(2) for _n in range(5)]
    answer_archetype_campaign(
        campaign,
        [
            *zip(desk, mix, strict=True),
            *((person, "revolutionist") for person in care),
            *((person, "crusader") for person in roads),
        ],
    )


def soup_of(response: Any) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def text_of(soup: BeautifulSoup, selector: str) -> str:
    found = soup.select_one(selector)
    assert found is not None, selector
    return " ".join(found.get_text(" ").split())


def table_rows(soup: BeautifulSoup, selector: str) -> list[list[str]]:
    """The body rows of a table, each cell's text with its white space collapsed."""
    return [
        [" ".join(cell.get_text(" ").split()) for cell in row.select("th, td")]
        for row in soup.select(f"{selector} tbody tr")
    ]


def errors_of(soup: BeautifulSoup) -> str:
    return text_of(soup, "#error-summary")
