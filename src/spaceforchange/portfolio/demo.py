"""Demo step: a few Northbay initiatives at different stages, for the journeys of PRODUCT.md."""

from __future__ import annotations

from typing import Any

from spaceforchange.portfolio import services
from spaceforchange.portfolio.models import Initiative, Stage

# (title, stage, unit, owner email, summary)
NORTHBAY_INITIATIVES: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "Digital night watch in home care",
        Stage.EXPERIMENT,
        "Home Care Services",
        "owner@northbay.example",
        "Sensors and video calls replace some night visits for residents who want it, "
        "so that night staff can spend their time where it matters most.",
    ),
    (
        "Plain-language decision letters",
        Stage.SCALING,
        "Digitalisation",
        "lead@northbay.example",
        "Decision letters rewritten with the people who receive them; first tested in building permits.",
    ),
    (
        "School meals from local producers",
        Stage.IDEA,
        "Education",
        "member@northbay.example",
        "A front-line proposal: buy school meals from farms within the municipality.",
    ),
    (
        "Shared reception for culture and library",
        Stage.INTEGRATED,
        "Culture",
        "lead@northbay.example",
        "One reception desk serves the library, the culture house and the youth club.",
    ),
    (
        "Predictive road maintenance",
        Stage.STOPPED,
        "Technical Services",
        "owner@northbay.example",
        "A pilot that predicted potholes from sensor data; stopped when the data proved too sparse.",
    ),
)


def seed(context: Any) -> None:
    organization = context.organizations["northbay"]
    units = {unit.name: unit for unit in organization.units.all()}
    existing = set(Initiative.objects.filter(organization=organization).values_list("title", flat=True))
    for title, stage, unit_name, owner_email, summary in NORTHBAY_INITIATIVES:
        if title in existing:
            continue
        services.create_initiative(
            organization=organization,
            title=title,
            summary=summary,
            stage=stage,
            unit=units.get(unit_name),
            owner=context.people.get(owner_email),
        )
