"""An organisation with every role, a policy with a manager, an open consultation linked to it, and helpers
to fill it with participants who fall into two camps."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from spaceforchange.consultations import services
from spaceforchange.consultations.models import Consultation, Participant, Statement
from spaceforchange.core.models import Organization, User
from spaceforchange.policies.models import Policy
from tests.factories import make_member, make_organization, make_registered_policy, make_user

SEEDS = [f"Statement number {number} about visiting hours." for number in range(1, 11)]


@dataclass
class World:
    organization: Organization
    lead: User
    leader: User
    manager: User
    member: User
    oversight: User
    admin: User
    policy: Policy
    consultation: Consultation
    other: Organization
    other_consultation: Consultation


def people(organization: Organization, prefix: str) -> dict[str, User]:
    return {
        name: make_member(organization, roles=roles, user=make_user(f"{name}@{prefix}.example")).user
        for name, roles in (
            ("lead", ["member", "innovation_lead"]),
            ("leader", ["member", "leader"]),
            ("manager", ["member"]),
            ("member", ["member"]),
            ("oversight", ["member", "oversight"]),
            ("admin", ["member", "admin"]),
        )
    }


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    organization = make_organization(name="Northbay", slug="northbay")
    staff = people(organization, "northbay")
    policy = make_registered_policy(organization, "Standard visit times", manager=staff["manager"])
    consultation = services.create_consultation(
        organization=organization,
        title="How should visiting hours work?",
        policy=policy,
        opens_at=timezone.now() - datetime.timedelta(days=1),
        seed_statements=SEEDS,
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
        consultation=consultation,
        other=other,
        other_consultation=other_consultation,
        **staff,
    )


def statements(consultation: Consultation) -> list[Statement]:
    return list(Statement.objects.filter(consultation=consultation).order_by("pk"))


def two_camps(consultation: Consultation, size: int = 12) -> list[Participant]:
    """``2 × size`` participants: the first camp agrees with the first half of the statements and disagrees
    with the second half; the second camp the reverse. Everyone agrees with the last statement."""
    shown = statements(consultation)
    half = len(shown) // 2
    joined = []
    for camp in (1, -1):
        for _number in range(size):
            participant, _secret = services.join_consultation(consultation=consultation)
            for position, statement in enumerate(shown):
                value = camp if position < half else -camp
                if position == len(shown) - 1:
                    value = 1
                services.cast_vote(participant=participant, statement=statement, value=value)
            joined.append(participant)
    return joined
