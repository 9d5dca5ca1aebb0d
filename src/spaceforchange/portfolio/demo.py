"""Demo step: Northbay's goals and initiatives at every stage, each with a history.

Each initiative is registered in the past and then lives through its story in date order
(constraints, backing, setbacks, stage decisions), all through the services, so the demo passes
the same gates as real data. Re-seeding leaves an existing initiative alone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from spaceforchange.core.models import Organization, User
from spaceforchange.portfolio import idea_demo, record_services, services
from spaceforchange.portfolio.models import Goal, Initiative, Stage

GOALS = (
    "Good lives for older residents at home",
    "Simple contact with the municipality",
    "A greener municipality",
)


@dataclass(frozen=True)
class Story:
    title: str
    summary: str
    unit: str
    owner: str
    change_form: str
    initiator_level: str
    trigger: str
    goals: tuple[int, ...]
    started_days_ago: int
    uses_ai: bool = False
    # (days ago, kind, arguments) in date order; kinds: constraint, status, backing, setback, move.
    events: tuple[tuple[int, str, dict[str, Any]], ...] = field(default_factory=tuple)


LEAD = "lead@northbay.example"
OWNER = "owner@northbay.example"

NORTHBAY_INITIATIVES: tuple[Story, ...] = (
    Story(
        "Digital night watch in home care",
        "Sensors and video calls replace some night visits for residents who want it, "
        "so that night staff can spend their time where it matters most.",
        "Home Care Services",
        OWNER,
        "bold_experimentation",
        "front_line_staff",
        "technology_opportunity",
        (0,),
        300,
        uses_ai=True,
        events=(
            (
                290,
                "constraint",
                {
                    "family": "regulatory",
                    "object": "rule",
                    "effect": "halts",
                    "severity": 5,
                    "description": "Consent rules for video in private homes are unclear.",
                    "owner_stakeholder": "Legal department",
                },
            ),
            (
                285,
                "constraint",
                {
                    "family": "cognitive",
                    "object": "belief",
                    "effect": "dilutes",
                    "severity": 4,
                    "description": "Night staff believe that sensors replace care.",
                    "mitigation": "Night shifts visit a municipality that already uses sensors.",
                },
            ),
            (240, "backing", {"backer_email": OWNER, "level": "middle_manager", "commitment": "formal_mandate"}),
            (220, "backing", {"backer_name": "Councillor Berg", "level": "politician", "commitment": "verbal"}),
            (200, "move", {"target": Stage.EXPERIMENT, "reason": "Pilot in two districts."}),
            (
                120,
                "status",
                {"constraint": 0, "status": "redefined", "note": "Consent is now asked for in the care plan."},
            ),
            (
                60,
                "setback",
                {
                    "description": "A sensor failed one night and a fall went unnoticed for an hour.",
                    "support_held": False,
                },
            ),
            (50, "backing", {"backer_name": "Councillor Berg", "level": "politician", "commitment": None}),
        ),
    ),
    Story(
        "Plain-language decision letters",
        "Decision letters rewritten with the people who receive them; first tested in building permits.",
        "Digitalisation",
        LEAD,
        "incremental_change",
        "middle_manager",
        "proactive",
        (1,),
        500,
        events=(
            (
                480,
                "constraint",
                {
                    "family": "cognitive",
                    "object": "belief",
                    "effect": "complicates",
                    "severity": 3,
                    "description": "Case officers believe legal precision needs legal language.",
                    "mitigation": "Lawyers and residents rewrite three letters together.",
                },
            ),
            (400, "move", {"target": Stage.EXPERIMENT, "reason": "Test in building permits."}),
            (
                330,
                "backing",
                {"backer_name": "Chief Executive Dahl", "level": "senior_leader", "commitment": "formal_mandate"},
            ),
            (
                320,
                "status",
                {"constraint": 0, "status": "redefined", "note": "Legal review accepted the plain-language template."},
            ),
            (
                300,
                "move",
                {
                    "target": Stage.SCALING,
                    "reference": "Case 2025/114",
                    "reason": "Complaints fell by half in building permits.",
                },
            ),
            (
                100,
                "setback",
                {"description": "The county governor criticised one letter as imprecise.", "support_held": True},
            ),
        ),
    ),
    Story(
        "School meals from local producers",
        "A front-line proposal: buy school meals from farms within the municipality.",
        "Education",
        "member@northbay.example",
        "incremental_change",
        "front_line_staff",
        "proactive",
        (2,),
        40,
        events=(
            (
                30,
                "constraint",
                {
                    "family": "regulatory",
                    "object": "rule",
                    "effect": "halts",
                    "severity": 4,
                    "description": "Procurement rules favour large suppliers.",
                    "owner_stakeholder": "Procurement office",
                },
            ),
        ),
    ),
    Story(
        "Shared reception for culture and library",
        "One reception desk serves the library, the culture house and the youth club.",
        "Culture",
        LEAD,
        "strategic_transformation",
        "senior_leader",
        "budget_cut",
        (1,),
        900,
        events=(
            (800, "move", {"target": Stage.EXPERIMENT, "reason": "One desk at the main library."}),
            (760, "backing", {"backer_name": "Mayor Lund", "level": "politician", "commitment": "political_cover"}),
            (700, "move", {"target": Stage.SCALING, "reference": "Council decision 2024/31"}),
            (400, "move", {"target": Stage.INTEGRATED, "reason": "Funded from the ordinary budget."}),
        ),
    ),
    Story(
        "Predictive road maintenance",
        "A pilot that predicted potholes from sensor data; stopped when the data proved too sparse.",
        "Technical Services",
        OWNER,
        "bold_experimentation",
        "senior_leader",
        "technology_opportunity",
        (2,),
        600,
        uses_ai=True,
        events=(
            (500, "move", {"target": Stage.EXPERIMENT, "reason": "Sensors on twelve roads."}),
            (350, "move", {"target": Stage.STOPPED, "reason": "The sensor data proved too sparse to predict damage."}),
        ),
    ),
)


def _goals(organization: Organization) -> list[Goal]:
    existing = {goal.title: goal for goal in Goal.objects.filter(organization=organization)}
    return [existing.get(title) or services.create_goal(organization=organization, title=title) for title in GOALS]


def _apply(initiative: Initiative, event: tuple[int, str, dict[str, Any]], today: datetime.date, context: Any) -> None:
    days_ago, kind, arguments = event
    on = today - datetime.timedelta(days=days_ago)
    values = dict(arguments)
    if kind == "constraint":
        record_services.record_constraint(initiative=initiative, added_on=on, **values)
    elif kind == "status":
        constraint = list(initiative.constraints.order_by("pk"))[values.pop("constraint")]
        record_services.change_constraint_status(constraint=constraint, changed_on=on, **values)
    elif kind == "backing":
        backer: User | None = context.people.get(values.pop("backer_email", ""))
        record_services.record_backing(initiative=initiative, backer=backer, recorded_on=on, **values)
    elif kind == "setback":
        record_services.record_setback(initiative=initiative, occurred_on=on, **values)
    else:
        initiative.refresh_from_db()
        services.move_initiative(initiative=initiative, decided_by=context.people.get(LEAD), decided_on=on, **values)


def seed(context: Any) -> None:
    organization = context.organizations["northbay"]
    units = {unit.name: unit for unit in organization.units.all()}
    goals = _goals(organization)
    existing = set(Initiative.objects.filter(organization=organization).values_list("title", flat=True))
    today = services.today_in(organization)
    for story in NORTHBAY_INITIATIVES:
        if story.title in existing:
            continue
        initiative = services.create_initiative(
            organization=organization,
            title=story.title,
            summary=story.summary,
            unit=units.get(story.unit),
            owner=context.people.get(story.owner),
            change_form=story.change_form,
            initiator_level=story.initiator_level,
            trigger=story.trigger,
            goals=[goals[index] for index in story.goals],
            uses_ai=story.uses_ai,
            started_on=today - datetime.timedelta(days=story.started_days_ago),
        )
        for event in story.events:
            _apply(initiative, event, today, context)
    # The idea box comes after the initiatives: its adopted ideas link to them.
    idea_demo.seed_ideas(context)
