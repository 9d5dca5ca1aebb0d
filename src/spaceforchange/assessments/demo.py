"""Demo step: space-for-change scans with synthetic answers, for journey 2 of PRODUCT.md.

Two initiatives and two units were scanned last month. The answers are synthetic but follow
patterns a lead would recognise: the night-watch pilot is short of political backing, and Home
Care Services is low on resilience. Answers are drawn from a seeded generator, so every run
of ``sfc seed-demo`` builds the same figures; a campaign that exists already is left alone.

A third, named scan of the whole municipality is open, with a few colleagues' answers in it, for
the demo lead to answer. Its shared link is derived from the server's secret key (``demo_link_token``),
so every run of ``sfc seed-demo`` prints the same working link without storing the token; only its
hash is kept, as for every link. When that scan has been closed (say, by someone trying the demo), the
next run opens a new one.
"""

from __future__ import annotations

import base64
import datetime
import random
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from spaceforchange.assessments import domain, response_services, services
from spaceforchange.assessments.domain import Availability
from spaceforchange.assessments.models import Campaign
from spaceforchange.assessments.selectors import instrument_of
from spaceforchange.core.models import Organization, User
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
OPEN_SCAN_TITLE = "Scan: all of Northbay"
OPEN_SCAN_DAYS = 365  # open long enough that a demo database kept for months still takes answers
# Colleagues who have answered the open scan already, under their names (it is a named scan).
OPEN_SCAN_COLLEAGUES = (
    "sofie.berntsen",
    "aleksander.nguyen",
    "oda.brekke",
    "thea.mathisen",
    "emil.kowalski",
    "kari.nordmann",
    "magnus.strand",
    "guro.hovland",
)
OPEN_SCAN_WEAK = {"resources": 2.8}
DEMO_LINK_LABEL = "spaceforchange.assessments.demo.open-scan-link"


def seed(context: Any) -> None:
    organization = context.organizations["northbay"]
    lead = context.people.get("lead@northbay.example")
    _seed_closed_scans(organization, lead)
    campaign = _open_scan(organization, lead, context.people)
    context.links.append(("Answer the open space-for-change scan", demo_link(campaign)))


def _seed_closed_scans(organization: Organization, lead: User | None) -> None:
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


def _answer(
    campaign: Campaign, weak: dict[str, float], rng: random.Random, respondents: list[User] | None = None
) -> None:
    """Synthetic submitted answers: one per respondent given (named), else ``RESPONDENTS`` anonymous ones."""
    instrument = instrument_of(campaign)
    low, high = instrument.scale.min, instrument.scale.max
    link = services.create_shared_link(campaign=campaign)
    people: list[User | None] = list(respondents) if respondents is not None else [None] * RESPONDENTS
    for person in people:
        leaning = rng.gauss(0, 0.4)  # some people see everything a little brighter or darker
        answers: dict[str, int | None] = {}
        for statement in instrument.statements:
            if statement.dont_know_allowed and rng.random() < 0.04:
                answers[statement.key] = None
                continue
            score = rng.gauss(weak.get(statement.dimension, TYPICAL_MEAN) + leaning, 0.8)
            value = min(high, max(low, round(score)))
            answers[statement.key] = low + high - value if statement.reverse else value
        response, _resume = response_services.start_response(token=link, user=person)
        response_services.save_answers(response=response, answers=answers)
        response_services.submit_response(response=response)


def demo_link_token() -> str:
    """The open demo scan's shared link token: the same on every run with the same secret key."""
    digest = salted_hmac(DEMO_LINK_LABEL, "northbay", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def demo_link(campaign: Campaign) -> str:
    """The absolute address of the open demo scan, after making its shared link the demo token's."""
    token = demo_link_token()
    if campaign.shared_link_token_hash != domain.hash_token(token):
        services.create_shared_link(campaign=campaign, token=token)
    return settings.SITE_URL + reverse("respond:start", kwargs={"token": token})


def _open_scan(organization: Organization, lead: User | None, people: dict[str, User]) -> Campaign:
    """The demo's open scan that still takes answers; a new one when there is none."""
    for campaign in Campaign.objects.filter(organization=organization, title=OPEN_SCAN_TITLE):
        if campaign.availability() is Availability.OPEN:
            return campaign
    now = timezone.now()
    campaign = services.create_campaign(
        organization=organization,
        created_by=lead,
        title=OPEN_SCAN_TITLE,
        instrument_key=INSTRUMENT,
        pack_key=PACK,
        opens_at=now - datetime.timedelta(days=2),
        closes_at=now + datetime.timedelta(days=OPEN_SCAN_DAYS),
        anonymous=False,
    )
    services.open_campaign(campaign=campaign)
    colleagues = [people[f"{name}@northbay.example"] for name in OPEN_SCAN_COLLEAGUES]
    _answer(campaign, OPEN_SCAN_WEAK, random.Random(len(SCANS)), respondents=colleagues)
    return campaign
