"""Demo step: Northbay's goals and initiatives at every stage, each with a history.

Each initiative is registered in the past and then lives through its story in date order
(constraints, backing, setbacks, stage decisions), all through the services, so the demo passes
the same gates as real data. Together the histories make every portfolio and first-step
warning fire at least once. Re-seeding leaves an existing initiative alone.
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
DIRECTOR = "leader@northbay.example"
WELFARE = "elin.gundersen@northbay.example"

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
        "failure",
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
        "One reception desk serves the library, the culture house and the youth club, "
        "after visitors kept queueing at three desks in one building.",
        "Culture",
        LEAD,
        "strategic_transformation",
        "senior_leader",
        "failure",
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
        "middle_manager",
        "technology_opportunity",
        (2,),
        600,
        uses_ai=True,
        events=(
            (500, "move", {"target": Stage.EXPERIMENT, "reason": "Sensors on twelve roads."}),
            (350, "move", {"target": Stage.STOPPED, "reason": "The sensor data proved too sparse to predict damage."}),
        ),
    ),
    # The stories below give every portfolio and first-step warning something to fire on: most
    # pilots of the last two years never scaled, the active portfolio is incremental but for the
    # night watch, both transformations answered a crisis or a failure, senior leaders took part
    # only in crises and failures, one pool lost its director's mandate while scaling, one scaling
    # team met a new belief, and one pilot gathered conditions after its approval.
    Story(
        "Flexible staffing pool for nursing homes",
        "A shared pool of nurses who work across the nursing homes, started when the summer staff "
        "shortage forced Seaview to close beds.",
        "Nursing Homes",
        "ingeborg.karlsen@northbay.example",
        "incremental_change",
        "middle_manager",
        "crisis",
        (0,),
        1100,
        events=(
            (1000, "move", {"target": Stage.EXPERIMENT, "reason": "A pool of six nurses for two homes."}),
            (950, "backing", {"backer_email": DIRECTOR, "level": "senior_leader", "commitment": "formal_mandate"}),
            (
                800,
                "move",
                {"target": Stage.SCALING, "reference": "Case 2023/88", "reason": "No beds closed last summer."},
            ),
            (
                90,
                "backing",
                {
                    "backer_email": DIRECTOR,
                    "level": "senior_leader",
                    "commitment": "verbal",
                    "note": "With the staff shortage over, the pool is no longer a priority in the new budget.",
                },
            ),
        ),
    ),
    Story(
        "Early help teams for families",
        "Child welfare, schools and health nurses meet families early, after the county governor "
        "found that help came too late in several cases.",
        "Child Welfare",
        "rune.odegard@northbay.example",
        "incremental_change",
        "middle_manager",
        "failure",
        (0,),
        1000,
        events=(
            (900, "move", {"target": Stage.EXPERIMENT, "reason": "One team for Harbour Primary School."}),
            (850, "backing", {"backer_email": WELFARE, "level": "senior_leader", "commitment": "formal_mandate"}),
            (760, "move", {"target": Stage.SCALING, "reference": "Case 2023/140", "reason": "Every school district."}),
            (
                200,
                "constraint",
                {
                    "family": "cognitive",
                    "object": "belief",
                    "effect": "dilutes",
                    "severity": 4,
                    "description": "Teachers believe that asking the early help team means reporting the family.",
                    "mitigation": "Parents who were helped tell their story at staff meetings.",
                },
            ),
        ),
    ),
    Story(
        "Everyday rehabilitation after hospital discharge",
        "Physiotherapists and home care train daily tasks with residents in their first weeks home.",
        "Health and Care",
        OWNER,
        "incremental_change",
        "middle_manager",
        "proactive",
        (0,),
        420,
        events=(
            (330, "move", {"target": Stage.EXPERIMENT, "reason": "Pilot with Team South."}),
            (
                280,
                "constraint",
                {
                    "family": "organizational",
                    "object": "rule",
                    "effect": "complicates",
                    "severity": 3,
                    "description": "Physiotherapy hours must come from the existing budget of each team.",
                    "owner_stakeholder": "Finance and Analysis",
                },
            ),
            (
                240,
                "constraint",
                {
                    "family": "institutional",
                    "object": "norm",
                    "effect": "dilutes",
                    "severity": 3,
                    "description": "Every training session must be documented as a separate service decision.",
                    "owner_stakeholder": "Health and Care administration",
                },
            ),
            (
                150,
                "constraint",
                {
                    "family": "regulatory",
                    "object": "rule",
                    "effect": "halts",
                    "severity": 4,
                    "description": "The hospital agreement does not let therapists see patients before discharge.",
                    "owner_stakeholder": "The hospital trust",
                },
            ),
        ),
    ),
    Story(
        "Chatbot for building permit questions",
        "An AI chatbot answered residents' questions about building permits; stopped when too many answers were wrong.",
        "Planning and Building",
        "mona.fredriksen@northbay.example",
        "incremental_change",
        "middle_manager",
        "technology_opportunity",
        (1,),
        640,
        uses_ai=True,
        events=(
            (560, "move", {"target": Stage.EXPERIMENT, "reason": "Three months on the website."}),
            (
                380,
                "move",
                {"target": Stage.STOPPED, "reason": "One answer in five was wrong; residents called anyway."},
            ),
        ),
    ),
    Story(
        "Outdoor school one day a week",
        "Year five at Harbour Primary School learns outdoors every Wednesday.",
        "Harbour Primary School",
        "ragnhild.dahl@northbay.example",
        "incremental_change",
        "front_line_staff",
        "proactive",
        (2,),
        260,
        events=((200, "move", {"target": Stage.EXPERIMENT, "reason": "One class, one school year."}),),
    ),
    Story(
        "Settlement guides for refugee families",
        "Refugees who settled earlier guide newly arrived families through their first months.",
        "Refugee Services",
        "rune.odegard@northbay.example",
        "incremental_change",
        "front_line_staff",
        "external_shock",
        (1,),
        560,
        events=(
            (
                500,
                "move",
                {"target": Stage.EXPERIMENT, "reason": "Eight guides for the families who arrived this year."},
            ),
            (
                300,
                "setback",
                {"description": "Two guides left for jobs elsewhere and were not replaced.", "support_held": True},
            ),
        ),
    ),
    Story(
        "Apprentices in home care",
        "Health worker apprentices get a permanent mentor in one home-care team.",
        "Home Care Services",
        OWNER,
        "incremental_change",
        "middle_manager",
        "proactive",
        (0,),
        380,
        events=(
            (300, "move", {"target": Stage.EXPERIMENT, "reason": "Four apprentices in Team North."}),
            (200, "backing", {"backer_name": "Councillor Berg", "level": "politician", "commitment": "verbal"}),
        ),
    ),
    Story(
        "Leak detection with smart water meters",
        "Water meters that report unusual night-time use, to find leaks before they flood a basement.",
        "Water and Wastewater",
        "heidi.ruud@northbay.example",
        "incremental_change",
        "front_line_staff",
        "technology_opportunity",
        (2,),
        30,
    ),
    Story(
        "Staffless opening hours at the library",
        "Residents let themselves in with their library card in the evening and at weekends.",
        "Library",
        "espen.knutsen@northbay.example",
        "incremental_change",
        "middle_manager",
        "proactive",
        (1,),
        90,
    ),
    Story(
        "One duty service for health and welfare",
        "Merge the night-time duty services of home care, child welfare and the emergency "
        "clinic, after they could not reach each other during the storm of 2024.",
        "Health and Care",
        LEAD,
        "strategic_transformation",
        "senior_leader",
        "crisis",
        (0, 1),
        700,
        events=(
            (640, "move", {"target": Stage.EXPERIMENT, "reason": "A shared duty phone for one district."}),
            (
                600,
                "constraint",
                {
                    "family": "political",
                    "object": "value",
                    "effect": "halts",
                    "severity": 5,
                    "description": "The union opposes shared night shifts across professions.",
                    "owner_stakeholder": "The nurses' union",
                },
            ),
            (420, "move", {"target": Stage.STOPPED, "reason": "No agreement on shared night shifts with the union."}),
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
