"""The idea-box demo: about forty ideas in every status, one overdue, and re-seeding adds none."""

import io
from collections import Counter

import pytest
from django.core.management import call_command

from spaceforchange.portfolio import challenge_selectors, idea_selectors
from spaceforchange.portfolio.models import Challenge, Idea, IdeaEvaluation, IdeaSponsor, Initiative

pytestmark = pytest.mark.django_db


def test_demo_ideas_cover_every_status_and_reseeding_adds_none():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    ideas = Idea.objects.filter(organization__slug="northbay")
    assert ideas.count() == 40
    assert Counter(ideas.values_list("status", flat=True)) == {
        "submitted": 26,
        "adopted": 4,
        "merged": 3,
        "declined": 3,
        "parked": 4,
    }
    assert Initiative.objects.filter(organization__slug="northbay").count() == 15
    night = ideas.get(title="Night-time sensors instead of check visits")
    assert night.initiative.title == "Digital night watch in home care"
    assert IdeaSponsor.objects.filter(organization__slug="northbay").count() == 3
    challenge = Challenge.objects.get(organization__slug="northbay")
    assert sorted(challenge.ideas.values_list("title", flat=True)) == [
        "Car sharing for staff",
        "Electric bikes for short visits",
    ]
    ranking = challenge_selectors.challenge_ranking(challenge, "en")
    assert [(row.idea.title, row.rank, row.evaluations) for row in ranking.rows] == [
        ("Electric bikes for short visits", 1, 2),
        ("Car sharing for staff", 2, 1),
    ]
    assert IdeaEvaluation.objects.filter(idea__challenge=challenge).count() == 3


def test_demo_has_overdue_ideas_routed_to_sponsors():
    call_command("seed_demo", stdout=io.StringIO())
    organization = Idea.objects.filter(organization__slug="northbay").first().organization
    overdue = [row for row in idea_selectors.ideas_waiting(organization) if row.overdue]
    assert [row.idea.title for row in overdue] == [
        "Shared parking for home-care cars",
        "Route planning that follows the traffic",
    ]
    assert {row.idea.sponsor.email for row in overdue} == {"owner@northbay.example"}
