"""An organisation with every role, a policy with its manager, an initiative with its owner, an open
consultation linked to the policy with ten seed statements, and another organisation's consultation.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone

from spaceforchange.consultations import services
from spaceforchange.consultations.models import Consultation, Participant, Statement
from spaceforchange.core.models import Organization, User
from spaceforchange.policies.models import Policy
from spaceforchange.portfolio import services as portfolio_services
from spaceforchange.portfolio.models import Initiative
from tests.factories import make_member, make_organization, make_registered_policy, make_user

SEEDS = [f"Statement number {number} about visiting hours." for number in range(1, 11)]
ROLES = (
    ("lead", ["member", "innovation_lead"]),
    ("leader", ["member", "leader"]),
    ("manager", ["member"]),
    ("owner", ["member", "owner"]),
    ("member", ["member"]),
    ("oversight", ["member", "oversight"]),
    ("admin", ["member", "admin"]),
)


@dataclass
class World:
    organization: Organization
    lead: User
    leader: User
    manager: User
    owner: User
    member: User
    oversight: User
    admin: User
    policy: Policy
    initiative: Initiative
    consultation: Consultation
    other: Organization
    other_consultation: Consultation

    def url(self, rest: str = "", consultation: Consultation | None = None) -> str:
        return f"/o/northbay/consultations/{(consultation or self.consultation).pk}/{rest}"

    def public(self, rest: str = "", consultation: Consultation | None = None) -> str:
        return f"/c/{(consultation or self.consultation).public_token}/{rest}"


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    organization = make_organization(name="Northbay", slug="northbay")
    staff = {
        name: make_member(organization, roles=roles, user=make_user(f"{name}@northbay.example")).user
        for name, roles in ROLES
    }
    policy = make_registered_policy(organization, "Standard visit times", manager=staff["manager"])
    initiative = portfolio_services.create_initiative(
        organization=organization, title="Digital night watch", owner=staff["owner"], actor=staff["lead"]
    )
    consultation = services.create_consultation(
        organization=organization,
        title="How should visiting hours work?",
        description="The nursing homes review their visiting hours.",
        policy=policy,
        opens_at=timezone.now() - datetime.timedelta(days=1),
        seed_statements=SEEDS,
        languages=["en", "nb"],
        actor=staff["lead"],
    )
    other = make_organization(name="Southbay", slug="southbay")
    other_lead = make_member(other, roles=["member", "innovation_lead"]).user
    other_consultation = services.create_consultation(
        organization=other, title="Elsewhere", seed_statements=["Another statement."], actor=other_lead
    )
    return World(
        organization=organization,
        policy=policy,
        initiative=initiative,
        consultation=consultation,
        other=other,
        other_consultation=other_consultation,
        **staff,
    )


@pytest.fixture
def as_person(world: World) -> Callable[[str], Client]:
    """A client signed in as one of the world's people by attribute name."""

    def signed_in(name: str) -> Client:
        client = Client()
        client.force_login(getattr(world, name))
        return client

    return signed_in


def statements(consultation: Consultation) -> list[Statement]:
    return list(Statement.objects.filter(consultation=consultation).order_by("pk"))


def two_camps(consultation: Consultation, size: int = 12) -> list[Participant]:
    """``2 × size`` participants: one camp agrees with the first half of the statements and disagrees with
    the second, the other the reverse; everyone agrees with the last statement."""
    shown = statements(consultation)
    half = len(shown) // 2
    joined = []
    for camp in (1, -1):
        for _number in range(size):
            participant, _secret = services.join_consultation(consultation=consultation)
            for position, statement in enumerate(shown):
                value = 1 if position == len(shown) - 1 else (camp if position < half else -camp)
                services.cast_vote(participant=participant, statement=statement, value=value)
            joined.append(participant)
    return joined


def soup_of(response, status: int = 200) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    assert response.status_code == status, (response.status_code, response.content[:2000])
    return BeautifulSoup(response.content, "html.parser")


def text_of(soup: BeautifulSoup, selector: str) -> str:
    found = soup.select_one(selector)
    assert found is not None, selector
    return " ".join(found.get_text(" ").split())


def rows_of(soup: BeautifulSoup, selector: str) -> list[list[str]]:
    return [
        [" ".join(cell.get_text(" ").split()) for cell in row.select("th, td")]
        for row in soup.select(f"{selector} tbody tr")
    ]
