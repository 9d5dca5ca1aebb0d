"""Demo step: Northbay's strategy, revised once, and a 2027 budget where money should follow it.

Runs after the portfolio step, whose goal list becomes the strategy's goals. Revision 1 weighs
the three old goals; revision 2 adds a new goal, weighted highest, and says what changed and why.
The 2027 budget has 396 lines across 12 units, made with a seeded random generator and imported
as one file through the import service: mandatory lines, lines carried over that serve mostly the
old goals, and new or growing lines that serve the new goal (some depending on others), with
unit envelopes and purpose bounds. Ten units have a demonstrated contribution statement; two do
not (one never sent one, one was sent back). The current, optimised and greedy scenarios are run,
so the comparison shows at once how the optimiser moves money to the new goal. Re-seeding leaves
an existing strategy, cycle, statement or scenario alone.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from typing import Any

import numpy as np

from spaceforchange.budgeting import budget_services, import_lines, scenario_services, services
from spaceforchange.budgeting.models import BudgetCycle, Method, StrategicGoal, UnitContributionStatement
from spaceforchange.core.models import Organization, Unit, User

LEADER = "leader@northbay.example"
LEAD = "lead@northbay.example"
CYCLE_NAME = "Budget 2027"
SEED = 2027
VISION = (
    "In 2035 Northbay is a municipality where people live good lives at every age, services are simple to "
    "reach, and the climate footprint is half of what it was in 2020."
)
OLD_CARE, OLD_CONTACT, OLD_GREEN = (
    "Good lives for older residents at home",
    "Simple contact with the municipality",
    "A greener municipality",
)
NEW_GOAL = "Children and young people thrive"
# (title, owner email, weight in revision 1, weight in revision 2)
GOALS: tuple[tuple[str, str, int, int], ...] = (
    (OLD_CARE, "anders.bakken@northbay.example", 45, 25),
    (OLD_CONTACT, "oda.brekke@northbay.example", 35, 15),
    (OLD_GREEN, "trond.sandvik@northbay.example", 20, 20),
    (NEW_GOAL, "bjorn.myhre@northbay.example", 0, 40),
)
FIRST_REVISION = {
    "summary": "The strategy's first version: three goals from the council's plan for 2024–2027.",
    "reason": "The council adopted its plan for the period; the goals and their weights follow it.",
}
SECOND_REVISION = {
    "summary": "New goal “Children and young people thrive”, weighted 40; care at home down from 45 to 25, "
    "simple contact down from 35 to 15.",
    "reason": "The population forecast shows more families moving in, and the school survey found wellbeing "
    "falling for two years in a row; the council asked for money to follow children and young people.",
}

# The 12 units with lines: name, code, the goal its ongoing work serves most, and what it does.
# (mandatory stems, ongoing stems, new stems serving the new goal)
UNITS: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    ("Home Care Services", "HC", OLD_CARE, ("Statutory home nursing",), ("Home help", "Meal delivery"),
     ("Young carers support",)),
    ("Nursing Homes", "NH", OLD_CARE, ("Long-term care places",), ("Activity programme", "Short stays"),
     ("Intergenerational visits",)),
    ("Public Health", "PH", OLD_CARE, ("Infection control",), ("Health campaigns", "Senior fitness"),
     ("School health nurses",)),
    ("Primary Schools", "PS", OLD_CONTACT, ("Statutory teaching hours",), ("School buildings upkeep", "Admin systems"),
     ("After-school clubs", "Reading support")),
    ("Kindergartens", "KG", OLD_CONTACT, ("Statutory kindergarten places",), ("Opening hours", "Cleaning"),
     ("Language stimulation",)),
    ("Child Welfare", "CW", OLD_CARE, ("Statutory child protection",), ("Case handling", "Foster home follow-up"),
     ("Family coaching", "Early help teams")),
    ("Refugee Services", "RS", OLD_CONTACT, ("Introduction programme",), ("Housing follow-up", "Interpreting"),
     ("Youth mentors",)),
    ("Library", "LB", OLD_CONTACT, ("Library law services",), ("Opening hours", "Media purchase"),
     ("Homework cafés",)),
    ("Water and Wastewater", "WW", OLD_GREEN, ("Drinking water safety",), ("Pipe renewal", "Pump stations"),
     ("School water education",)),
    ("Roads and Parks", "RP", OLD_GREEN, ("Road safety duties",), ("Winter maintenance", "Park upkeep"),
     ("Safe routes to school", "Youth sports fields")),
    ("Digitalisation", "DG", OLD_CONTACT, ("Data protection duties",), ("Case systems", "Service desk"),
     ("Digital school tools",)),
    ("Innovation Unit", "IU", OLD_CONTACT, ("Procurement rules compliance",), ("Service design", "Pilot support"),
     ("Youth panel", "Children's co-design lab")),
)  # fmt: skip
AREAS = ("North", "South", "Harbour", "Centre", "Hills", "Islands", "East", "West")
MANDATORY, ONGOING, NEW, GREEN = 6, 16, 8, 3  # lines per unit: 33, so 396 in all
WITHOUT_STATEMENT, SENT_BACK = "Library", "Roads and Parks"


def _goal_entries(context: Any, organization: Organization, revision: int) -> list[dict[str, Any]]:
    existing = {goal.title.casefold(): goal.pk for goal in StrategicGoal.objects.filter(organization=organization)}
    return [
        {
            "id": existing.get(title.casefold()),
            "title": title,
            "weight": (first, second)[revision - 1],
            "owner": context.people.get(owner),
        }
        for title, owner, first, second in GOALS
        if (first, second)[revision - 1] > 0
    ]


def _revise(context: Any, organization: Organization) -> None:
    done = services.ensure_strategy(organization=organization).revisions.count()
    for number, texts in ((1, FIRST_REVISION), (2, SECOND_REVISION)):
        if number > done:
            services.revise_strategy(
                organization=organization,
                vision=VISION,
                goals=_goal_entries(context, organization, number),
                cadence_months=24,
                actor=context.people.get(LEADER),
                **texts,
            )


def _line_rows(rng: np.random.Generator) -> list[dict[str, Any]]:
    """The 396 lines as import rows (previous amounts in whole thousands, so half costs stay exact)."""
    rows: list[dict[str, Any]] = []
    for name, code, own_goal, mandatory, ongoing, new in UNITS:
        kinds = ["mandatory"] * MANDATORY + ["ongoing"] * ONGOING + ["new"] * NEW + ["green"] * GREEN
        stems = {"mandatory": mandatory, "ongoing": ongoing, "new": new, "green": ("Energy saving", "Climate")}
        for number, kind in enumerate(kinds, start=1):
            stem, area = stems[kind][number % len(stems[kind])], AREAS[number // len(stems[kind]) % len(AREAS)]
            row = {"code": f"{code}-{number:03d}", "title": f"{stem}: {area}", "unit": name}
            rows.append(row | _kind_fields(rng, kind, own_goal))
    for position in range(0, len(rows), 33):
        # The second new line of each unit is a new extension of its first: fundable only with it.
        first_new = position + MANDATORY + ONGOING
        rows[first_new + 1] |= {"requires": rows[first_new]["code"], "previous_amount": ""}
    return rows


def _thousands(rng: np.random.Generator, low: float, high: float) -> int:
    return int(round(float(np.exp(rng.uniform(np.log(low), np.log(high)))), -3))


def _kind_fields(rng: np.random.Generator, kind: str, own_goal: str) -> dict[str, Any]:
    if kind == "mandatory":
        previous = _thousands(rng, 2_000_000, 8_000_000)
        return {
            "amount": previous + 1000 * int(rng.integers(0, 50)),
            "previous_amount": previous,
            "purpose": "service_delivery",
            "basis": "carried_over",
            "mandatory": "yes",
            "max_change": "0.1",
            f"goal:{own_goal}": int(rng.integers(1, 3)),
        }
    if kind == "ongoing":
        previous = _thousands(rng, 200_000, 3_000_000)
        scored = rng.random() < 0.8
        return {
            "amount": previous,
            "previous_amount": previous,
            "purpose": "efficiency" if rng.random() < 0.3 else "service_delivery",
            "basis": "carried_over",
            "max_change": "0.5" if rng.random() < 0.6 else "",
            "locked": "yes" if rng.random() < 0.05 else "no",
            **({f"goal:{own_goal}": int(rng.integers(1, 4))} if scored else {}),
        }
    amount = _thousands(rng, 200_000, 2_000_000) * 2
    growing = rng.random() < 0.5
    fields = {
        "amount": amount,
        "previous_amount": amount // 2 if growing else "",
        "purpose": "innovation" if kind == "green" or rng.random() < 0.4 else "service_delivery",
        "basis": "re_decided",
    }
    if kind == "green":
        return fields | {f"goal:{OLD_GREEN}": int(rng.integers(3, 5))}
    return fields | {f"goal:{NEW_GOAL}": int(rng.integers(4, 6))}


def _csv(rows: list[dict[str, Any]]) -> bytes:
    columns = [*import_lines.COLUMNS, *(f"goal:{title}" for title, *_rest in GOALS)]
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=columns, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode("utf-8")


def _cycle(context: Any, organization: Organization, units: dict[str, Unit]) -> BudgetCycle:
    cycle = BudgetCycle.objects.filter(organization=organization, name=CYCLE_NAME).first()
    if cycle is not None:
        return cycle
    rows = _line_rows(np.random.default_rng(SEED))
    current = sum(float(row["previous_amount"] or 0) for row in rows)
    cycle = budget_services.create_budget_cycle(
        organization=organization,
        name=CYCLE_NAME,
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
        total_budget=Decimal(round(current * 1.03, -3)),
        target_purpose_mix={"innovation": 0.1, "efficiency": 0.2, "service_delivery": 0.7},
        purpose_bounds={"innovation": {"min": 0.03, "max": 0.2}},
        actor=context.people.get(LEAD),
    )
    import_lines.import_budget_lines(
        cycle=cycle, file=io.BytesIO(_csv(rows)), format="csv", actor=context.people.get(LEAD)
    )
    for name, *_rest in UNITS:
        previous = sum(float(row["previous_amount"] or 0) for row in rows if row["unit"] == name)
        budget_services.set_unit_envelope(
            cycle=cycle,
            unit=units[name],
            floor=Decimal(round(previous * 0.7, -3)),
            ceiling=Decimal(round(previous * 1.4, -3)),
        )
    return cycle


def _statements(context: Any, cycle: BudgetCycle, units: dict[str, Unit]) -> None:
    leader: User = context.people[LEADER]
    done = set(UnitContributionStatement.objects.filter(cycle=cycle).values_list("unit__name", flat=True))
    goals = {goal.title: goal for goal in StrategicGoal.objects.filter(organization=cycle.organization)}
    for name, _code, own_goal, *_rest in UNITS:
        if name == WITHOUT_STATEMENT or name in done:
            continue
        row = services.submit_contribution_statement(
            cycle=cycle,
            unit=units[name],
            statement=f"{name} serves “{own_goal}” and, from 2027, children and young people.",
            evidence="" if name == SENT_BACK else "Service statistics 2025 and the unit's user survey.",
            goals=[goals[own_goal]] if name == SENT_BACK else [goals[own_goal], goals[NEW_GOAL]],
            submitted_by=context.people[LEAD],
        )
        services.review_contribution_statement(
            statement=row,
            demonstrated=name != SENT_BACK,
            note="No evidence yet; show how the lines serve the goals." if name == SENT_BACK else "",
            reviewed_by=leader,
        )


def _scenarios(context: Any, cycle: BudgetCycle) -> None:
    taken = set(cycle.scenarios.values_list("method", flat=True))
    names = {Method.CURRENT: "Current", Method.OPTIMISED: "Optimised", Method.GREEDY: "Greedy by score"}
    for method, name in names.items():
        if method not in taken:
            scenario_services.run_scenario(cycle=cycle, method=method, name=name, actor=context.people.get(LEAD))


def seed(context: Any) -> None:
    organization = context.organizations["northbay"]
    units = {unit.name: unit for unit in Unit.objects.filter(organization=organization)}
    _revise(context, organization)
    cycle = _cycle(context, organization, units)
    _statements(context, cycle, units)
    _scenarios(context, cycle)
