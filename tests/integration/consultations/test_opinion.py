"""The opinion map: computed from the votes, warm-started, debounced in the background, fed to the policy."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from spaceforchange.consultations import opinion_services, selectors, services, tasks
from spaceforchange.consultations.models import Consultation, Moderation, OpinionSnapshot
from spaceforchange.policies import selectors as policy_selectors
from spaceforchange.policies import services as policy_services
from spaceforchange.policies.domain import DIVIDED_CONSULTATION

from .conftest import World, statements, two_camps


def test_the_matrix_holds_every_last_vote_and_zeroes_rejected_statements(world: World):
    participants = two_camps(world.consultation, size=3)
    rejected = statements(world.consultation)[2]
    services.moderate_statement(statement=rejected, moderation=Moderation.REJECTED)
    matrix = opinion_services.vote_matrix(world.consultation)
    assert matrix.shape == (6, 10)
    assert matrix.vote_count == 60
    assert list(matrix.participant_ids) == [participant.pk for participant in participants]
    assert matrix.moderated_out == frozenset({rejected.pk})


def test_two_camps_make_two_groups_and_a_divided_consultation(world: World):
    two_camps(world.consultation)
    snapshot = services.recompute_opinion(consultation=world.consultation)
    assert snapshot.votes_counted == 240
    assert snapshot.organization_id == world.organization.pk
    assert sorted(size for _group, size in snapshot.result["group_sizes"]) == [12, 12]
    assert len(snapshot.result["participants_in"]) == 24
    assert "state" not in snapshot.result and snapshot.state["participants_in"]
    assert snapshot.division > 0.5
    last = statements(world.consultation)[-1].pk
    assert last in [row["statement"] for row in snapshot.result["consensus"]["agree"]]
    assert selectors.latest_snapshot(world.consultation) == snapshot


def test_recomputing_warm_starts_keeps_group_labels_and_keeps_three_snapshots(world: World):
    participants = two_camps(world.consultation)
    first = services.recompute_opinion(consultation=world.consultation)
    groups = dict(map(tuple, first.result["groups"]))
    newcomer, _secret = services.join_consultation(consultation=world.consultation)
    for position, statement in enumerate(statements(world.consultation)):
        services.cast_vote(participant=newcomer, statement=statement, value=1 if position < 5 or position == 9 else -1)
    for _run in range(3):
        latest = services.recompute_opinion(consultation=world.consultation)
    again = dict(map(tuple, latest.result["groups"]))
    assert latest.votes_counted == 250
    assert all(again[participant.pk] == groups[participant.pk] for participant in participants)
    assert again[newcomer.pk] == groups[participants[0].pk]
    assert OpinionSnapshot.objects.filter(consultation=world.consultation).count() == 3


def test_a_consultation_without_votes_gets_an_empty_map(world: World):
    snapshot = services.recompute_opinion(consultation=world.consultation)
    assert snapshot.votes_counted == 0
    assert snapshot.result["participants_in"] == []
    assert snapshot.division == 0


def test_the_policy_tension_reads_the_division_of_its_latest_opened_consultation(world: World):
    today = policy_services.today_in(world.organization)
    undivided = policy_selectors.tension_indexes(world.organization, today)[world.policy.pk]
    component = {row.key: row for row in undivided.components}[DIVIDED_CONSULTATION]
    assert component.value == 0
    two_camps(world.consultation)
    snapshot = services.recompute_opinion(consultation=world.consultation)
    assert selectors.policy_divisions(world.organization) == {world.policy.pk: snapshot.division}
    divided = policy_selectors.tension_indexes(world.organization, today)[world.policy.pk]
    component = {row.key: row for row in divided.components}[DIVIDED_CONSULTATION]
    assert component.value == pytest.approx(snapshot.division)
    assert divided.index > undivided.index
    # A consultation opening later does not count yet; one without a map never does.
    services.create_consultation(
        organization=world.organization,
        title="Next round",
        policy=world.policy,
        opens_at=timezone.now() + datetime.timedelta(days=3),
    )
    services.create_consultation(organization=world.organization, title="No votes yet", policy=world.policy)
    assert selectors.policy_divisions(world.organization, [world.policy.pk]) == {world.policy.pk: snapshot.division}
    assert selectors.policy_divisions(world.other) == {}


@pytest.mark.django_db(transaction=True)
def test_a_new_division_queues_the_policy_tension_and_stores_todays_index(world: World):
    two_camps(world.consultation, size=8)
    services.recompute_opinion(consultation=world.consultation)
    stored = world.policy.tension.get(computed_on=policy_services.today_in(world.organization))
    components = {row["key"]: row for row in stored.detail["components"]}
    assert components[DIVIDED_CONSULTATION]["value"] > 0.5


def _queued(consultation: Consultation) -> list[DBTaskResult]:
    rows = DBTaskResult.objects.filter(task_path__endswith="recompute_consultation_opinion")
    return [row for row in rows if row.args_kwargs["kwargs"] == {"consultation_id": consultation.pk}]


@pytest.mark.django_db(transaction=True)
def test_votes_queue_one_recomputation_at_a_time_after_the_delay(world: World, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.SFC_OPINION_DEBOUNCE_SECONDS = 30
    participants = two_camps(world.consultation, size=4)
    queued = _queued(world.consultation)
    assert len(queued) == 1  # 80 votes, one queued computation
    # No map yet: queued without a delay (the database backend stores "no delay" as the year 9999).
    assert queued[0].run_after.year == 9999
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    first = OpinionSnapshot.objects.get(consultation=world.consultation)
    assert first.votes_counted == 80
    world.consultation.refresh_from_db()
    assert world.consultation.opinion_requested_at is None
    statement = statements(world.consultation)[0]
    services.cast_vote(participant=participants[0], statement=statement, value=-1)
    services.cast_vote(participant=participants[1], statement=statement, value=-1)
    later = [row for row in _queued(world.consultation) if row.status == "READY"]
    assert len(later) == 1
    assert later[0].run_after >= first.computed_at + datetime.timedelta(seconds=30)


@pytest.mark.django_db(transaction=True)
def test_without_a_worker_the_map_is_computed_at_once_unless_recent(world: World, settings):
    settings.SFC_OPINION_DEBOUNCE_SECONDS = 3600
    participant, _secret = services.join_consultation(consultation=world.consultation)
    shown = statements(world.consultation)
    services.cast_vote(participant=participant, statement=shown[0], value=1)
    assert OpinionSnapshot.objects.filter(consultation=world.consultation).count() == 1
    services.cast_vote(participant=participant, statement=shown[1], value=1)
    assert OpinionSnapshot.objects.filter(consultation=world.consultation).count() == 1
    world.consultation.refresh_from_db()
    assert world.consultation.opinion_requested_at is None
    settings.SFC_OPINION_DEBOUNCE_SECONDS = 0
    services.cast_vote(participant=participant, statement=shown[2], value=1)
    assert OpinionSnapshot.objects.filter(consultation=world.consultation).count() == 2


def test_a_stale_claim_is_taken_over(world: World, django_capture_on_commit_callbacks):
    old = timezone.now() - tasks.STALE_CLAIM - datetime.timedelta(minutes=1)
    Consultation.objects.filter(pk=world.consultation.pk).update(opinion_requested_at=old)
    participant, _secret = services.join_consultation(consultation=world.consultation)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.cast_vote(participant=participant, statement=statements(world.consultation)[0], value=1)
    # The computation, then the linked policy's tension, which the new division changed.
    assert [callback.queued.name for callback in callbacks] == ["recompute_consultation_opinion", "recompute_tension"]
    assert OpinionSnapshot.objects.filter(consultation=world.consultation).count() == 1


def test_next_statement_follows_the_comment_priorities(world: World):
    two_camps(world.consultation, size=8)
    snapshot = services.recompute_opinion(consultation=world.consultation)
    priorities = dict(map(tuple, snapshot.result["comment_priority"]))
    newcomer, _secret = services.join_consultation(consultation=world.consultation)
    best = max(priorities, key=lambda pk: priorities[pk])
    drawn = [selectors.next_statement(newcomer, random_value=value / 50).pk for value in range(50)]
    assert max(set(drawn), key=drawn.count) == best
