"""Demo step: closed space-for-change scans with synthetic answers, for journey 2 of PRODUCT.md.

Two initiatives and two units were scanned last month. The answers are synthetic but follow
patterns a lead would recognise: the night-watch pilot is short of political backing, and Home
Care Services is low on resilience. Answers are drawn from a seeded generator, so every run
of ``sfc seed-demo`` builds the same figures; a campaign that exists already is left alone.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from spaceforchange.assessments import response_services, services
from spaceforchange.assessments.models import Campaign
from spaceforchange.assessments.selectors import instrument_of
from spaceforchange.portfolio.models import Initiative

PACK = "space_for_change"
INSTRUMENT = "space_for_change_scan"
RESPONDENTS = 75
TYPICAL_MEAN = 3.7
# (title, initiative title or None, unit name or None, {dimension: mean}) — weak spots per scan.
SCANS: tuple[tuple[str, str | None, str | None, dict[str, float]], ...] = (
    ("Scan: digital night watch", "Digital night watch in home care", None, {"political_backing": 2.1}),
    ("Scan: plain-language letters", "Plain-language decision letters", None, {"resources": 3.0}),
    ("Scan: Home Care Services", None, "Home Care Services", {"resilience": 2.2}),
    ("Scan: Culture", None, "Culture", {"regulatory_room": 3.1}),
)


def seed(context: Any) -> None:
    organization = context.organizations["northbay"]
    lead = context.people.get("lead@northbay.example")
    existing = set(Campaign.objects.filter(organization=organization).values_list("title", flat=True))
    now = timezone.now()
    for number, (title, initiative_title, unit_name, weak) in enumerate(SCANS):
        if title in existing:
            continue
        campaign = services.create_campaign(
            organization=organization,
            created_by=lead,
            title=title,
            instrument_key=INSTRUMENT,
            pack_key=PACK,
            initiative=Initiative.objects.get(organization=organization, title=initiative_title)
            if initiative_title
            else None,
            unit=organization.units.get(name=unit_name) if unit_name else None,
            opens_at=now - datetime.timedelta(days=30),
            closes_at=now + datetime.timedelta(days=1),
        )
        services.open_campaign(campaign=campaign)
        _answer(campaign, weak, random.Random(number))
        services.close_campaign(campaign=campaign)


def _answer(campaign: Campaign, weak: dict[str, float], rng: random.Random) -> None:
    instrument = instrument_of(campaign)
    low, high = instrument.scale.min, instrument.scale.max
    link = services.create_shared_link(campaign=campaign)
    for _respondent in range(RESPONDENTS):
        leaning = rng.gauss(0, 0.4)  # some people see everything a little brighter or darker
        answers: dict[str, int | None] = {}
        for statement in instrument.statements:
            if statement.dont_know_allowed and rng.random() < 0.04:
                answers[statement.key] = None
                continue
            score = rng.gauss(weak.get(statement.dimension, TYPICAL_MEAN) + leaning, 0.8)
            value = min(high, max(low, round(score)))
            answers[statement.key] = low + high - value if statement.reverse else value
        response, _resume = response_services.start_response(token=link)
        response_services.save_answers(response=response, answers=answers)
        response_services.submit_response(response=response)
