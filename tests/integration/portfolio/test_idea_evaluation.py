"""Scoring a challenge's ideas on the pack's criteria, and the ranking that follows."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from spaceforchange.core.privacy import erase_person, export_person
from spaceforchange.frameworks.models import FrameworkPack, PackVersion
from spaceforchange.portfolio import challenge_selectors, idea_services
from spaceforchange.portfolio.models import Challenge, Idea, IdeaEvaluation, IdeaStatus
from tests.factories import make_member, make_organization
from tests.integration.portfolio.conftest import World
from tests.integration.portfolio.test_idea_challenges import IDEA, open_one

ALL_THREE = {"public_value": 5, "feasibility": 3, "strategic_fit": 4}


def challenge_with_ideas(world: World, count: int = 2) -> tuple[Challenge, list[Idea]]:
    challenge = open_one(world, evaluators=[world.owner, world.lead])
    ideas = [
        idea_services.submit_idea(
            organization=world.organization,
            submitted_by=world.member,
            challenge=challenge,
            **{**IDEA, "title": f"Idea {number}"},
        )
        for number in range(count)
    ]
    return challenge, ideas


def test_the_criteria_come_from_the_pack_in_order_with_their_weights(world: World) -> None:
    criteria = challenge_selectors.evaluation_criteria(world.organization, "nb")
    assert [(term.key, term.name, term.weight) for term in criteria] == [
        ("public_value", "Samfunnsverdi", 1.0),
        ("feasibility", "Gjennomførbarhet", 1.0),
        ("strategic_fit", "Strategisk treffsikkerhet", 1.0),
    ]


def test_an_evaluator_scores_and_revises_and_the_ranking_follows(world: World) -> None:
    challenge, (first, second) = challenge_with_ideas(world)
    idea_services.evaluate_idea(idea=first, evaluator=world.owner, scores=ALL_THREE, comment=" Strong case ")
    idea_services.evaluate_idea(
        idea=second, evaluator=world.owner, scores={"public_value": 2, "feasibility": 2, "strategic_fit": 2}
    )
    idea_services.evaluate_idea(
        idea=second, evaluator=world.lead, scores={"public_value": 5, "feasibility": 5, "strategic_fit": 5}
    )
    evaluation = IdeaEvaluation.objects.get(idea=first, evaluator=world.owner)
    assert (evaluation.scores, evaluation.comment, evaluation.organization) == (
        ALL_THREE,
        "Strong case",
        world.organization,
    )

    ranking = challenge_selectors.challenge_ranking(challenge, "en")
    assert [(row.idea.title, row.rank, row.score, row.evaluations) for row in ranking.rows] == [
        ("Idea 0", 1, 4.0, 1),
        ("Idea 1", 2, 3.5, 2),
    ]
    assert ranking.rows[1].spread == 3.0
    assert ranking.evaluators == 2

    idea_services.evaluate_idea(idea=first, evaluator=world.owner, scores={key: 1 for key in ALL_THREE})
    assert IdeaEvaluation.objects.filter(idea=first).count() == 1
    ranking = challenge_selectors.challenge_ranking(challenge, "en")
    assert [(row.idea.title, row.rank) for row in ranking.rows] == [("Idea 1", 1), ("Idea 0", 2)]
    assert LogEntry.objects.get_for_model(IdeaEvaluation).count() == 4


def test_merged_ideas_leave_the_ranking_and_unscored_ones_come_last(world: World) -> None:
    challenge, (first, second, third) = challenge_with_ideas(world, 3)
    idea_services.evaluate_idea(idea=third, evaluator=world.owner, scores=ALL_THREE)
    idea_services.decide_idea(idea=first, actor=world.lead, decision=IdeaStatus.MERGED, merge_into=third)
    ranking = challenge_selectors.challenge_ranking(challenge, "en")
    assert [(row.idea.pk, row.rank) for row in ranking.rows] == [(third.pk, 1), (second.pk, None)]
    first.refresh_from_db()
    with pytest.raises(ValidationError) as raised:
        idea_services.evaluate_idea(idea=first, evaluator=world.owner, scores=ALL_THREE)
    assert "idea" in raised.value.message_dict


@pytest.mark.parametrize(
    ("scores", "fields"),
    [
        ({}, {"public_value", "feasibility", "strategic_fit"}),
        ({**ALL_THREE, "public_value": 6}, {"public_value"}),
        ({**ALL_THREE, "feasibility": 0}, {"feasibility"}),
        ({**ALL_THREE, "strategic_fit": "4"}, {"strategic_fit"}),
        ({**ALL_THREE, "strategic_fit": 3.5}, {"strategic_fit"}),
        ({**ALL_THREE, "strategic_fit": True}, {"strategic_fit"}),
        ({**ALL_THREE, "charm": 5}, {"scores"}),
    ],
)
def test_bad_scores_are_refused_and_change_nothing(world: World, scores: dict[str, object], fields: set[str]) -> None:
    _challenge, (idea, _other) = challenge_with_ideas(world)
    with pytest.raises(ValidationError) as raised:
        idea_services.evaluate_idea(idea=idea, evaluator=world.owner, scores=scores)
    assert set(raised.value.message_dict) == fields
    assert not IdeaEvaluation.objects.exists()


def test_an_oversized_comment_is_refused(world: World) -> None:
    _challenge, (idea, _other) = challenge_with_ideas(world)
    with pytest.raises(ValidationError) as raised:
        idea_services.evaluate_idea(idea=idea, evaluator=world.owner, scores=ALL_THREE, comment="x" * 2001)
    assert set(raised.value.message_dict) == {"comment"}
    assert not IdeaEvaluation.objects.exists()


def test_only_the_challenges_evaluators_score(world: World) -> None:
    _challenge, (idea, _other) = challenge_with_ideas(world)
    stranger = make_member(make_organization(name="Southbay", slug="southbay"), roles=["innovation_lead"]).user
    for person in (world.member, world.teammate, stranger):
        with pytest.raises(PermissionDenied):
            idea_services.evaluate_idea(idea=idea, evaluator=person, scores=ALL_THREE)
    loose = idea_services.submit_idea(organization=world.organization, submitted_by=world.member, **IDEA)
    with pytest.raises(ValidationError):
        idea_services.evaluate_idea(idea=loose, evaluator=world.owner, scores=ALL_THREE)
    assert not IdeaEvaluation.objects.exists()


def test_without_the_pack_nothing_can_be_scored(world: World) -> None:
    _challenge, (idea, _other) = challenge_with_ideas(world)
    packs = FrameworkPack.objects.filter(key="idea_evaluation")
    packs.update(current_version=None)
    PackVersion.objects.filter(pack__in=packs).delete()
    packs.delete()
    assert challenge_selectors.evaluation_criteria(world.organization, "en") == ()
    with pytest.raises(ValidationError) as raised:
        idea_services.evaluate_idea(idea=idea, evaluator=world.owner, scores=ALL_THREE)
    assert set(raised.value.message_dict) == {"scores"}


def test_erasing_an_evaluator_keeps_the_scores_unlinked(world: World) -> None:
    challenge, (idea, _other) = challenge_with_ideas(world)
    idea_services.evaluate_idea(idea=idea, evaluator=world.owner, scores=ALL_THREE, comment="Mine")
    exported = export_person(user=world.owner)["sections"]["ideas"]["evaluations"]
    assert [(row["idea"], row["scores"], row["comment"]) for row in exported] == [("Idea 0", ALL_THREE, "Mine")]
    erase_person(user=world.owner)
    evaluation = IdeaEvaluation.objects.get()
    assert (evaluation.evaluator, evaluation.comment, evaluation.scores) == (None, "", ALL_THREE)
    assert challenge_selectors.challenge_ranking(challenge, "en").rows[0].score == 4.0
