"""People test data: teams, archetype and culture campaigns, and members answering them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from spaceforchange.assessments import response_services
from spaceforchange.assessments import services as assessment_services
from spaceforchange.people import services
from spaceforchange.people.terms import (
    ARCHETYPE_INSTRUMENT,
    ARCHETYPE_PACK,
    CULTURE_INSTRUMENT,
    ENABLEMENT_INSTRUMENT,
    ENABLEMENT_PACK,
)
from tests.factories import make_member, make_organization, make_unit

HIGH, LOW = [5, 5, 5, 5, 1, 1], [1, 1, 1, 1, 5, 5]  # with sr5/sr6 and id5/id6 reverse-worded
POLES = {
    "magistrate": (LOW, LOW),
    "bohemian": (HIGH, LOW),
    "crusader": (LOW, HIGH),
    "revolutionist": (HIGH, HIGH),
}


def archetype_answers(archetype: str) -> dict[str, int]:
    stance, drive = POLES[archetype]
    return {
        **{f"sr{n}": value for n, value in enumerate(stance, 1)},
        **{f"id{n}": value for n, value in enumerate(drive, 1)},
    }


def make_team(organization, name=None, **fields):
    from tests.factories import _counter

    return services.create_team(organization=organization, name=name or f"Team {next(_counter)}", actor=None, **fields)


def make_archetype_campaign(organization, *, threshold=3, anonymous=True, **options):
    now = timezone.now()
    campaign = assessment_services.create_campaign(
        organization=organization,
        created_by=None,
        title=options.pop("title", "Who innovates here"),
        instrument_key=ARCHETYPE_INSTRUMENT,
        pack_key=ARCHETYPE_PACK,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=7),
        anonymous=anonymous,
        anonymity_threshold=threshold,
        **options,
    )
    return assessment_services.open_campaign(campaign=campaign)


def make_culture_campaign(organization, *, threshold=3, title="Culture pulse"):
    now = timezone.now()
    campaign = assessment_services.create_campaign(
        organization=organization,
        created_by=None,
        title=title,
        instrument_key=CULTURE_INSTRUMENT,
        pack_key=ARCHETYPE_PACK,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=7),
        anonymity_threshold=threshold,
    )
    return assessment_services.open_campaign(campaign=campaign)


def answer(campaign, answers, user=None):
    """A submitted response through the campaign's shared link, signed in as ``user`` when given;
    returns the response and its resume token."""
    token = assessment_services.create_shared_link(campaign=campaign)
    response, resume = response_services.start_response(token=token, user=user)
    response = response_services.save_answers(response=response, answers=answers)
    return response_services.submit_response(response=response), resume


ENABLEMENT_STATEMENTS = [f"{prefix}{n}" for prefix in ("rt", "lm", "sa") for n in range(1, 6)]


def make_enablement_campaign(organization, *, threshold=3):
    now = timezone.now()
    campaign = assessment_services.create_campaign(
        organization=organization,
        created_by=None,
        title="Team enablement",
        instrument_key=ENABLEMENT_INSTRUMENT,
        pack_key=ENABLEMENT_PACK,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=7),
        anonymity_threshold=threshold,
    )
    return assessment_services.open_campaign(campaign=campaign)


def answer_all(campaign, value, user=None):
    """A submitted enablement response giving ``value`` to every statement."""
    return answer(campaign, dict.fromkeys(ENABLEMENT_STATEMENTS, value), user)


def answer_as(campaign, archetype, user=None):
    return answer(campaign, archetype_answers(archetype), user)[0]


@pytest.fixture
def organization():
    return make_organization()


@pytest.fixture
def unit(organization):
    return make_unit(organization, "Home care")


@pytest.fixture
def lead(organization):
    return make_member(organization, roles=("innovation_lead",)).user
