"""Export and erasure of a person's ideas: the ideas stay with the organisation, the person goes."""

from __future__ import annotations

import pytest

from spaceforchange.core.privacy import erase_person, export_person
from spaceforchange.portfolio import idea_services
from spaceforchange.portfolio.models import Idea
from tests.integration.portfolio.conftest import World


@pytest.fixture
def idea(world: World) -> Idea:
    idea_services.set_idea_sponsor(organization=world.organization, unit=None, person=world.lead)
    idea = idea_services.submit_idea(
        organization=world.organization,
        submitted_by=world.member,
        title="Parking",
        problem=f"Ask {world.member.email} about it.",
        proposal="Reserve spaces.",
        anonymous=True,
    )
    idea_services.join_idea(idea=idea, person=world.teammate)
    return idea


def test_export_lists_submitted_supported_and_sponsored_ideas(world: World, idea: Idea) -> None:
    for person, flags in ((world.member, (True, False)), (world.lead, (False, True)), (world.teammate, (False, False))):
        (row,) = export_person(user=person)["sections"]["ideas"]["ideas"]
        assert (row["title"], row["submitted_by_you"], row["you_sponsor"]) == ("Parking", *flags)
    assert export_person(user=world.owner)["sections"]["ideas"] == {"ideas": [], "challenges": [], "evaluations": []}


def test_erasure_keeps_the_idea_and_drops_the_person(world: World, idea: Idea) -> None:
    email = world.member.email
    erase_person(user=world.member)
    erase_person(user=world.teammate)
    kept = Idea.objects.get(pk=idea.pk)
    assert kept.submitted_by is None
    assert email not in kept.problem
    assert kept.supporters.count() == 0
    assert kept.title == "Parking"
