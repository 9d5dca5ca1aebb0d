"""An organisation with every role, a policy with a manager, and a way to record judgments of it.

Judgments are created with the model directly (``judge``): the tension index only reads them, and
these tests should not depend on the legitimacy app's services.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

import pytest

from spaceforchange.core.models import Organization, User
from spaceforchange.legitimacy.models import Judgment, Stakeholder
from spaceforchange.legitimacy.services import ConditionInput, record_judgment
from spaceforchange.policies import services
from spaceforchange.policies.models import Policy
from tests.factories import make_member, make_organization, make_registered_policy, make_user

_names = itertools.count(1)


@dataclass
class World:
    organization: Organization
    lead: User
    leader: User
    manager: User
    member: User
    colleague: User
    oversight: User
    admin: User
    policy: Policy
    today: datetime.date


def stakeholder(organization: Organization, name: str | None = None, influence: int = 3) -> Stakeholder:
    return Stakeholder.objects.create(
        organization=organization,
        name=name or f"Stakeholder {next(_names)}",
        category="interest_group",
        influence=influence,
        interest=3,
    )


def judge(
    policy: Policy,
    holder: Stakeholder,
    legitimacy_type: str,
    state: str,
    *,
    at: datetime.datetime | None = None,
) -> Judgment:
    """Record a judgment through the legitimacy service, with what its state requires filled in."""
    needs: dict[str, object] = {
        "conditional_legitimacy": {
            "conditions": [ConditionInput("Results are reported each quarter.", datetime.date(2100, 1, 1))]
        },
        "conditional_illegitimacy": {"mitigating_factors": "Tolerated while the trial runs."},
        "unknown_legitimacy": {"unknown_cause": "pending_decision"},
    }.get(state, {})  # type: ignore[assignment]
    return record_judgment(
        stakeholder=holder,
        policy=policy,
        legitimacy_type=legitimacy_type,
        state=state,
        recorded_at=at,
        **needs,  # type: ignore[arg-type]
    )


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    organization = make_organization(name="Northbay", slug="northbay")
    people = {
        name: make_member(organization, roles=roles, user=make_user(f"{name}@northbay.example")).user
        for name, roles in (
            ("lead", ["member", "innovation_lead"]),
            ("leader", ["member", "leader"]),
            ("manager", ["member"]),
            ("member", ["member"]),
            ("colleague", ["member"]),
            ("oversight", ["member", "oversight"]),
            ("admin", ["member", "admin"]),
        )
    }
    policy = make_registered_policy(
        organization, "Standard visit times", manager=people["manager"], actor=people["lead"]
    )
    return World(organization=organization, policy=policy, today=services.today_in(organization), **people)
