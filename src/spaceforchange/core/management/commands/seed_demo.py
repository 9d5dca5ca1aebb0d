"""``seed_demo``: the Northbay demo municipality (and a small second organisation), idempotently.

The demo is built by a list of steps, each a function taking a ``DemoContext``. Later parts of
the product add their own step (for example ``"spaceforchange.portfolio.demo.seed"``) to
``SEED_STEPS``; a step must use the services' ``ensure_*``/get-or-create style, so running the
command again creates nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import BaseCommand, OutputWrapper
from django.db import transaction
from django.utils.module_loading import import_string

from spaceforchange.core import services
from spaceforchange.core.models import Organization, Role, Unit, UnitKind, User

DEMO_PASSWORD = "northbay-demo"  # noqa: S105 -- printed for people trying the demo, never a real secret

SEED_STEPS: list[str] = [
    "spaceforchange.core.management.commands.seed_demo.seed_northbay_units",
    "spaceforchange.core.management.commands.seed_demo.seed_northbay_people",
    "spaceforchange.core.management.commands.seed_demo.seed_southport",
    "spaceforchange.portfolio.demo.seed",
    "spaceforchange.budgeting.demo.seed",
    "spaceforchange.assessments.demo.seed",
    "spaceforchange.legitimacy.demo.seed",
    "spaceforchange.policies.demo.seed",
    "spaceforchange.consultations.demo.seed",
    "spaceforchange.people.demo.seed",
    "spaceforchange.change.demo.seed",
]


@dataclass
class DemoContext:
    """What the steps share: the organisations, units (by name), people (by email) and the logins to print."""

    stdout: OutputWrapper | None = None
    organizations: dict[str, Organization] = field(default_factory=dict)
    units: dict[tuple[str, str], Unit] = field(default_factory=dict)  # (org slug, unit name) -> unit
    people: dict[str, User] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (organisation, email, roles)
    links: list[tuple[str, str]] = field(default_factory=list)  # (what it is for, absolute address)

    def unit(self, slug: str, name: str) -> Unit:
        return self.units[(slug, name)]


# --- Northbay Municipality ------------------------------------------------------------------

UnitSpec = tuple[str, str, tuple[Any, ...]]

# fmt: off
NORTHBAY_UNITS: tuple[UnitSpec, ...] = (
    ("Municipal Director's Office", UnitKind.MUNICIPALITY, (
        ("Innovation Unit", UnitKind.SECTION, ()),
        ("Finance and Analysis", UnitKind.DEPARTMENT, ()),
        ("HR and Organisation", UnitKind.DEPARTMENT, ()),
        ("Digitalisation", UnitKind.DEPARTMENT, (
            ("Team Service Design", UnitKind.TEAM, ()),
        )),
        ("Health and Care", UnitKind.DIVISION, (
            ("Home Care Services", UnitKind.DEPARTMENT, (
                ("Team North", UnitKind.TEAM, ()),
                ("Team South", UnitKind.TEAM, ()),
            )),
            ("Nursing Homes", UnitKind.DEPARTMENT, (
                ("Seaview Nursing Home", UnitKind.SECTION, ()),
            )),
            ("Public Health", UnitKind.DEPARTMENT, ()),
        )),
        ("Education", UnitKind.DIVISION, (
            ("Primary Schools", UnitKind.DEPARTMENT, (
                ("Northbay Primary School", UnitKind.SECTION, ()),
                ("Harbour Primary School", UnitKind.SECTION, ()),
            )),
            ("Kindergartens", UnitKind.DEPARTMENT, ()),
            ("Educational Psychology Service", UnitKind.DEPARTMENT, ()),
        )),
        ("Technical Services", UnitKind.DIVISION, (
            ("Water and Wastewater", UnitKind.DEPARTMENT, ()),
            ("Roads and Parks", UnitKind.DEPARTMENT, ()),
            ("Planning and Building", UnitKind.DEPARTMENT, ()),
        )),
        ("Culture", UnitKind.DIVISION, (
            ("Library", UnitKind.DEPARTMENT, ()),
            ("Culture School", UnitKind.DEPARTMENT, ()),
        )),
        ("Welfare and Social Services", UnitKind.DIVISION, (
            ("Child Welfare", UnitKind.DEPARTMENT, ()),
            ("Refugee Services", UnitKind.DEPARTMENT, ()),
        )),
    )),
)

# fmt: on

M, OW, IL, LE, OV, AD = Role.MEMBER, Role.OWNER, Role.INNOVATION_LEAD, Role.LEADER, Role.OVERSIGHT, Role.ADMIN

# (email, first name, last name, unit, job title, roles). The first six are the demo logins.
NORTHBAY_LOGINS: tuple[tuple[str, str, str, str, str, tuple[str, ...]], ...] = (
    ("admin@northbay.example", "Ingrid", "Solberg", "HR and Organisation", "System administrator", (M, AD)),
    ("lead@northbay.example", "Marte", "Lunde", "Innovation Unit", "Head of innovation", (M, IL, OW)),
    ("leader@northbay.example", "Thomas", "Berg", "Municipal Director's Office", "Municipal director", (M, LE)),
    ("owner@northbay.example", "Nina", "Haugen", "Home Care Services", "Head of home care", (M, OW)),
    ("oversight@northbay.example", "Per", "Kristiansen", "Municipal Director's Office", "Municipal auditor", (M, OV)),
    ("member@northbay.example", "Ola", "Johansen", "Team North", "Home care nurse", (M,)),
)

# (first name, last name, unit, job title, roles) for everyone else.
NORTHBAY_STAFF: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("Kari", "Nordmann", "Team North", "Assistant nurse", (M,)),
    ("Lars", "Hansen", "Team North", "Team leader", (M, OW)),
    ("Silje", "Pedersen", "Team South", "Home care nurse", (M,)),
    ("Jonas", "Andersen", "Team South", "Occupational therapist", (M,)),
    ("Hanne", "Nilsen", "Team South", "Team leader", (M, OW)),
    ("Eirik", "Larsen", "Seaview Nursing Home", "Nurse", (M,)),
    ("Ingeborg", "Karlsen", "Seaview Nursing Home", "Head of nursing home", (M, OW)),
    ("Sindre", "Olsen", "Nursing Homes", "Head of nursing homes", (M, LE)),
    ("Tone", "Eriksen", "Public Health", "Public health coordinator", (M,)),
    ("Anders", "Bakken", "Health and Care", "Director of health and care", (M, LE)),
    ("Camilla", "Moen", "Health and Care", "Quality adviser", (M, OV)),
    ("Magnus", "Strand", "Northbay Primary School", "Teacher", (M,)),
    ("Ragnhild", "Dahl", "Northbay Primary School", "Principal", (M, OW)),
    ("Henrik", "Lie", "Harbour Primary School", "Teacher", (M,)),
    ("Linn", "Halvorsen", "Harbour Primary School", "Special needs teacher", (M,)),
    ("Øystein", "Jakobsen", "Harbour Primary School", "Principal", (M,)),
    ("Ida", "Sæther", "Kindergartens", "Kindergarten manager", (M, OW)),
    ("Kristian", "Aas", "Kindergartens", "Pedagogical leader", (M,)),
    ("Synnøve", "Rønning", "Educational Psychology Service", "Educational psychologist", (M,)),
    ("Bjørn", "Myhre", "Education", "Director of education", (M, LE)),
    ("Marius", "Holm", "Water and Wastewater", "Engineer", (M,)),
    ("Åse", "Lund", "Water and Wastewater", "Operations manager", (M,)),
    ("Stian", "Iversen", "Roads and Parks", "Park keeper", (M,)),
    ("Heidi", "Ruud", "Roads and Parks", "Head of roads and parks", (M, OW)),
    ("Vegard", "Haugland", "Planning and Building", "Case officer", (M,)),
    ("Mona", "Fredriksen", "Planning and Building", "Planning adviser", (M,)),
    ("Trond", "Sandvik", "Technical Services", "Director of technical services", (M, LE)),
    ("Guro", "Hovland", "Library", "Librarian", (M,)),
    ("Espen", "Knutsen", "Library", "Head librarian", (M, OW)),
    ("Marianne", "Tangen", "Culture School", "Music teacher", (M,)),
    ("Jørgen", "Vik", "Culture", "Head of culture", (M,)),
    ("Hilde", "Aasen", "Child Welfare", "Child welfare officer", (M,)),
    ("Rune", "Ødegård", "Child Welfare", "Head of child welfare", (M, OW)),
    ("Mari", "Engen", "Refugee Services", "Refugee consultant", (M,)),
    ("Khalid", "Ahmed", "Refugee Services", "Settlement adviser", (M,)),
    ("Elin", "Gundersen", "Welfare and Social Services", "Director of welfare", (M, LE)),
    ("Sofie", "Berntsen", "Innovation Unit", "Innovation adviser", (M, IL)),
    ("Aleksander", "Nguyen", "Innovation Unit", "Service designer", (M, IL)),
    ("Thea", "Mathisen", "Team Service Design", "Service designer", (M,)),
    ("Emil", "Kowalski", "Team Service Design", "User researcher", (M,)),
    ("Oda", "Brekke", "Digitalisation", "Head of digitalisation", (M, IL, OW)),
    ("Simen", "Amundsen", "Digitalisation", "IT architect", (M,)),
    ("Lene", "Christensen", "Finance and Analysis", "Financial controller", (M,)),
    ("Fredrik", "Wold", "Finance and Analysis", "Chief financial officer", (M, LE)),
    ("Maja", "Jensen", "Finance and Analysis", "Budget analyst", (M,)),
    ("Geir", "Ellingsen", "HR and Organisation", "HR adviser", (M,)),
    ("Vilde", "Hagen", "HR and Organisation", "Union representative", (M, OV)),
    ("Tor", "Lindberg", "HR and Organisation", "Head of HR", (M, AD)),
    ("Astrid", "Solheim", "Municipal Director's Office", "Chief of staff", (M, LE)),
    ("Håkon", "Nygård", "Municipal Director's Office", "Policy adviser", (M,)),
    ("Amina", "Hassan", "Team North", "Health worker", (M,)),
    ("Petter", "Bakke", "Team South", "Nurse", (M,)),
    ("Julie", "Tveit", "Public Health", "Health nurse", (M,)),
    ("Karin", "Sunde", "Kindergartens", "Assistant", (M,)),
)


def _email_part(name: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})
    return name.translate(table).lower().replace(" ", "")


def seed_units(
    context: DemoContext, organization: Organization, specs: Iterable[UnitSpec], parent: Unit | None = None
) -> None:
    for name, kind, children in specs:
        unit = services.ensure_unit(organization=organization, name=name, parent=parent, kind=kind)
        context.units[(organization.slug, name)] = unit
        seed_units(context, organization, children, unit)


def seed_person(
    context: DemoContext,
    organization: Organization,
    *,
    email: str,
    first_name: str,
    last_name: str,
    unit_name: str,
    title: str,
    roles: Iterable[str],
    password: str | None = None,
) -> User:
    user = services.ensure_user(email=email, password=password, first_name=first_name, last_name=last_name)
    unit = context.units.get((organization.slug, unit_name))
    services.add_member(organization=organization, user=user, roles=roles, unit=unit, title=title)
    context.people[user.email] = user
    return user


def seed_northbay_units(context: DemoContext) -> None:
    organization = services.ensure_organization(name="Northbay Municipality", slug="northbay")
    context.organizations["northbay"] = organization
    seed_units(context, organization, NORTHBAY_UNITS)


def seed_northbay_people(context: DemoContext) -> None:
    organization = context.organizations["northbay"]
    for email, first, last, unit, title, roles in NORTHBAY_LOGINS:
        seed_person(
            context,
            organization,
            email=email,
            first_name=first,
            last_name=last,
            unit_name=unit,
            title=title,
            roles=roles,
            password=DEMO_PASSWORD,
        )
        context.logins.append((organization.name, email, _role_names(roles)))
    for first, last, unit, title, roles in NORTHBAY_STAFF:
        email = f"{_email_part(first)}.{_email_part(last)}@northbay.example"
        seed_person(
            context,
            organization,
            email=email,
            first_name=first,
            last_name=last,
            unit_name=unit,
            title=title,
            roles=roles,
        )


# --- Southport Agency: a second organisation, to show the organisation switcher ------------

SOUTHPORT_UNITS: tuple[UnitSpec, ...] = (
    (
        "Director General's Office",
        UnitKind.AGENCY,
        (
            ("Port Operations", UnitKind.DEPARTMENT, ()),
            ("Digital Services", UnitKind.DEPARTMENT, (("Team Data", UnitKind.TEAM, ()),)),
        ),
    ),
)

SOUTHPORT_PEOPLE: tuple[tuple[str, str, str, str, str, tuple[str, ...], bool], ...] = (
    # (email, first, last, unit, title, roles, demo login?)
    ("admin@southport.example", "Berit", "Hauge", "Director General's Office", "Administrator", (M, AD), True),
    ("lead@northbay.example", "Marte", "Lunde", "Digital Services", "Seconded innovation adviser", (M, OW), True),
    (
        "erling.foss@southport.example",
        "Erling",
        "Foss",
        "Director General's Office",
        "Director general",
        (M, LE),
        False,
    ),
    ("ane.midtbo@southport.example", "Ane", "Midtbø", "Port Operations", "Harbour master", (M, OW), False),
    ("yusuf.demir@southport.example", "Yusuf", "Demir", "Team Data", "Data engineer", (M, IL), False),
    ("live.stene@southport.example", "Live", "Stene", "Port Operations", "Safety inspector", (M, OV), False),
)


def seed_southport(context: DemoContext) -> None:
    organization = services.ensure_organization(name="Southport Agency", slug="southport")
    context.organizations["southport"] = organization
    seed_units(context, organization, SOUTHPORT_UNITS)
    for email, first, last, unit, title, roles, is_login in SOUTHPORT_PEOPLE:
        seed_person(
            context,
            organization,
            email=email,
            first_name=first,
            last_name=last,
            unit_name=unit,
            title=title,
            roles=roles,
            password=DEMO_PASSWORD if is_login else None,
        )
        if is_login:
            context.logins.append((organization.name, email, _role_names(roles)))


def _role_names(roles: Iterable[str]) -> str:
    labels = dict(Role.choices)
    return ", ".join(str(labels[role]) for role in roles if role != Role.MEMBER) or str(labels[Role.MEMBER])


# --- The command ----------------------------------------------------------------------------


def run_steps(context: DemoContext, steps: Iterable[str | Callable[[DemoContext], None]] | None = None) -> DemoContext:
    """Run every seeding step in one transaction: a failing step leaves no half-built demo."""
    with transaction.atomic():
        for step in steps if steps is not None else SEED_STEPS:
            (import_string(step) if isinstance(step, str) else step)(context)
    return context


def login_table(logins: list[tuple[str, str, str]], password: str = DEMO_PASSWORD) -> str:
    header = ("Organisation", "Email", "Password", "Roles")
    rows = [header, *((org, email, password, roles) for org, email, roles in logins)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    lines = [" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Create the Northbay Municipality demo (units, about 60 people in every role) and the small "
        "Southport Agency, then print the demo logins and the links the demo offers (such as the open "
        "survey to answer, on SFC_SITE_URL). Safe to run again: nothing is duplicated, and the links stay the same."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        context = run_steps(DemoContext(stdout=self.stdout))
        northbay = context.organizations["northbay"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {northbay.name} with {northbay.units.count()} units and "
                f"{northbay.memberships.filter(is_active=True).count()} members."
            )
        )
        self.stdout.write("")
        self.stdout.write(login_table(context.logins))
        for label, address in context.links:
            self.stdout.write("")
            self.stdout.write(f"{label}: {address}")
