"""An organisation with every role, three units, a revised strategy with three goals, and a cycle.

``World.line`` adds a line through the service; ``World.score`` scores it against a goal.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from spaceforchange.budgeting import budget_services, services
from spaceforchange.budgeting.models import BudgetCycle, BudgetLine, StrategicGoal
from spaceforchange.core.models import Organization, Unit, User
from tests.factories import make_member, make_organization, make_unit, make_user


@dataclass
class World:
    organization: Organization
    lead: User
    leader: User
    member: User
    oversight: User
    admin: User
    units: list[Unit]
    goals: list[StrategicGoal]
    cycle: BudgetCycle
    lines: list[BudgetLine] = field(default_factory=list)

    def line(self, code: str, amount: int, unit: int = 0, **fields: object) -> BudgetLine:
        values: dict[str, object] = {"title": f"Line {code}", "purpose": "service_delivery"} | fields
        line = budget_services.save_budget_line(
            cycle=values.pop("cycle", self.cycle),  # type: ignore[arg-type]
            code=code,
            unit=self.units[unit],
            amount=Decimal(amount),
            actor=self.lead,
            **values,  # type: ignore[arg-type]
        )
        self.lines.append(line)
        return line

    def score(self, line: BudgetLine, goal: int, score: int) -> None:
        services.set_goal_contribution(goal=self.goals[goal], subject=line, score=score, actor=self.lead)


def revise(organization: Organization, weights: dict[str, int], actor: User, **fields: object):  # -> StrategyRevision
    existing = {goal.title: goal.pk for goal in StrategicGoal.objects.filter(organization=organization)}
    goals = [{"id": existing.get(title), "title": title, "weight": weight} for title, weight in weights.items()]
    values = {"vision": "A municipality that learns.", "summary": "Goals set.", "reason": "New council."} | fields
    return services.revise_strategy(organization=organization, goals=goals, actor=actor, **values)  # type: ignore[arg-type]


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
    revise(organization, {"Digital services": 50, "Climate": 30, "Early help": 20}, people["leader"])
    goals = list(StrategicGoal.objects.filter(organization=organization).order_by("-weight"))
    cycle = budget_services.create_budget_cycle(
        organization=organization,
        name="2027",
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
        total_budget=Decimal(1000),
        target_purpose_mix={"innovation": 0.1, "efficiency": 0.2, "service_delivery": 0.7},
    )
    return World(organization=organization, units=units, goals=goals, cycle=cycle, **people)


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return make_world()


@pytest.fixture
def other(db) -> World:  # type: ignore[no-untyped-def]
    return make_world("southport")
