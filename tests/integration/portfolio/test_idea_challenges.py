"""Challenges: time-boxed calls for ideas; ideas go to an open challenge of the same organisation only."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from spaceforchange.portfolio import idea_selectors, idea_services
from spaceforchange.portfolio.models import Challenge, Idea
from tests.factories import make_member, make_organization
from tests.integration.portfolio.conftest import World

IDEA = {"title": "Parking", "problem": "No parking.", "proposal": "Reserve spaces."}


def open_one(world: World, **changes: object) -> Challenge:
    fields = {
        "organization": world.organization,
        "title": "Greener transport",
        "theme": "How can staff travel greener?",
        "closes_on": world.today + datetime.timedelta(days=14),
        "evaluators": [world.owner],
        "actor": world.lead,
        **changes,
    }
    return idea_services.open_challenge(**fields)  # type: ignore[arg-type]


def test_an_idea_answers_an_open_challenge(world: World) -> None:
    challenge = open_one(world)
    idea = idea_services.submit_idea(
        organization=world.organization, submitted_by=world.member, challenge=challenge, **IDEA
    )
    assert idea.challenge == challenge
    assert list(challenge.evaluators.all()) == [world.owner]
    assert idea_selectors.challenges_for(world.organization).get().idea_count == 1  # type: ignore[attr-defined]


def test_closing_day_still_counts_and_the_day_after_does_not(world: World) -> None:
    challenge = open_one(world, closes_on=world.today)
    assert idea_selectors.challenge_open(challenge)
    Challenge.objects.filter(pk=challenge.pk).update(closes_on=world.today - datetime.timedelta(days=1))
    challenge.refresh_from_db()
    assert not idea_selectors.challenge_open(challenge)
    with pytest.raises(ValidationError) as raised:
        idea_services.submit_idea(
            organization=world.organization, submitted_by=world.member, challenge=challenge, **IDEA
        )
    assert "challenge" in raised.value.message_dict
    assert list(idea_selectors.open_challenges(world.organization)) == []
    assert Idea.objects.count() == 0


def test_an_idea_submitted_before_the_close_may_be_recorded_later(world: World) -> None:
    challenge = open_one(world, closes_on=world.today)
    Challenge.objects.filter(pk=challenge.pk).update(closes_on=world.today - datetime.timedelta(days=3))
    challenge.refresh_from_db()
    earlier = timezone.now() - datetime.timedelta(days=5)
    idea = idea_services.submit_idea(
        organization=world.organization, submitted_by=world.member, challenge=challenge, submitted_at=earlier, **IDEA
    )
    assert idea.challenge == challenge


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"theme": " "}, "theme"),
        ({"closes_on": datetime.date(2000, 1, 1)}, "closes_on"),
    ],
)
def test_bad_challenges_are_refused(world: World, changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        open_one(world, **changes)
    assert field in raised.value.message_dict
    assert Challenge.objects.count() == 0


def test_duplicate_titles_strangers_and_foreign_challenges_are_refused(world: World) -> None:
    challenge = open_one(world)
    with pytest.raises(ValidationError):
        open_one(world, title="GREENER transport")
    other = make_organization(slug="elsewhere")
    with pytest.raises(ValidationError) as raised:
        open_one(world, title="Other", evaluators=[make_member(other).user])
    assert "evaluators" in raised.value.message_dict
    stranger = make_member(other).user
    with pytest.raises(ValidationError) as raised:
        idea_services.submit_idea(organization=other, submitted_by=stranger, challenge=challenge, **IDEA)
    assert "challenge" in raised.value.message_dict
    assert Challenge.objects.count() == 1
    assert Idea.objects.count() == 0
