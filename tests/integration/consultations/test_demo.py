"""The consultations demo step on Northbay's units, people, initiatives and policies."""

from __future__ import annotations

import pytest

from spaceforchange.consultations import demo, selectors
from spaceforchange.consultations.models import Consultation, OpinionSnapshot, Participant, Statement, Vote
from spaceforchange.core.management.commands import seed_demo
from spaceforchange.policies import demo as policy_demo
from spaceforchange.policies import domain
from spaceforchange.policies import selectors as policy_selectors
from spaceforchange.policies import services as policy_services
from spaceforchange.policies.models import Policy
from spaceforchange.portfolio import demo as portfolio_demo

pytestmark = pytest.mark.django_db

TABLES = (Consultation, Statement, Participant, Vote, OpinionSnapshot)


@pytest.fixture
def context() -> seed_demo.DemoContext:
    context = seed_demo.DemoContext()
    for step in (seed_demo.seed_northbay_units, seed_demo.seed_northbay_people, portfolio_demo.seed, policy_demo.seed):
        step(context)
    demo.seed(context)
    return context


def _closed(context: seed_demo.DemoContext) -> Consultation:
    return Consultation.objects.get(organization=context.organizations["northbay"], title=demo.CLOSED_TITLE)


def test_closed_consultation_has_two_clear_groups_and_one_sharply_divisive_statement(context) -> None:
    consultation = _closed(context)
    assert consultation.status == "closed"
    assert consultation.policy.title == policy_demo.VISIT_TIMES.title
    assert Participant.objects.filter(consultation=consultation).count() == demo.PARTICIPANTS
    snapshot = selectors.latest_snapshot(consultation)
    assert snapshot is not None
    result = snapshot.result
    sizes = sorted(size for _label, size in result["group_sizes"])
    assert len(sizes) == 2
    assert len(result["participants_in"]) == demo.PARTICIPANTS
    assert 0.3 <= sizes[0] / demo.PARTICIPANTS <= 0.45  # the standard camp, about 40 %
    texts = dict(Statement.objects.filter(consultation=consultation).values_list("pk", "text"))
    top_statement, top_value = result["divisive"][0]
    assert texts[top_statement] == demo.DIVISIVE
    assert top_value > 0.7
    assert snapshot.division >= 0.5
    agreed = {texts[row["statement"]] for row in result["consensus"]["agree"]}
    assert len(agreed) >= 3
    assert demo.DIVISIVE not in agreed
    assert "Residents should be told when their home-care visit will start." in agreed
    rejected = {texts[row["statement"]] for row in result["consensus"]["disagree"]}
    assert "Relatives should plan the home-care routes." in rejected


def test_the_policy_in_tension_counts_the_divided_consultation(context) -> None:
    northbay = context.organizations["northbay"]
    consultation = _closed(context)
    policy = Policy.objects.get(organization=northbay, title=policy_demo.VISIT_TIMES.title)
    today = policy_services.today_in(northbay)
    index = policy_selectors.tension_indexes(northbay, today, policy_ids=[policy.pk])[policy.pk]
    component = next(c for c in index.components if c.key == domain.DIVIDED_CONSULTATION)
    division = selectors.latest_snapshot(consultation).division
    assert component.value == pytest.approx(division)
    assert domain.DIVIDED_CONSULTATION in {reason.code for reason in index.reasons}
    stored = policy_selectors.tension_history(policy)[-1]
    assert stored.index == pytest.approx(index.index, abs=0.01)


def test_open_consultation_takes_votes_and_its_link_is_printed(context) -> None:
    northbay = context.organizations["northbay"]
    consultation = Consultation.objects.get(organization=northbay, title=demo.OPEN_TITLE)
    assert consultation.is_open and consultation.access == "public"
    assert consultation.initiative is not None and consultation.initiative.title == demo.OPEN_INITIATIVE
    assert list(Statement.objects.filter(consultation=consultation).values_list("text", flat=True)) == list(
        demo.OPEN_STATEMENTS
    )
    assert Participant.objects.filter(consultation=consultation).count() == len(demo.OPEN_VOTES)
    assert Vote.objects.filter(consultation=consultation).count() == sum(len(ballot) for ballot in demo.OPEN_VOTES)
    label, address = context.links[-1]
    assert label == "Vote in the open consultation"
    assert address.endswith(f"/c/{consultation.public_token}/")


def test_reseeding_creates_nothing_twice(context) -> None:
    before = {table: table.objects.count() for table in TABLES}
    demo.seed(context)
    assert {table: table.objects.count() for table in TABLES} == before
    assert context.links[-1] == context.links[-2]


def test_the_synthetic_votes_are_the_same_on_every_run() -> None:
    from django.utils import timezone

    now = timezone.now()
    first, second = demo.synthetic_conversation(now), demo.synthetic_conversation(now)
    assert first.votes == second.votes
    assert len(first.votes) > demo.PARTICIPANTS * 7
