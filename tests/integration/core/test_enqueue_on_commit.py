"""Tasks queued on commit: one per task and arguments per transaction, none after a rollback."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks import task

from spaceforchange.core.tasks import enqueue_on_commit

pytestmark = pytest.mark.django_db(transaction=True)

CALLS: list[int] = []


@task()
def remember(*, number: int) -> None:
    CALLS.append(number)


@pytest.fixture(autouse=True)
def _fresh_calls():
    CALLS.clear()


def test_the_same_task_and_arguments_are_queued_once_per_transaction():
    with transaction.atomic():
        for number in (1, 1, 2, 1, 2):
            enqueue_on_commit(remember, number=number)
        assert CALLS == []  # nothing before the commit
    assert CALLS == [1, 2]
    with transaction.atomic():
        enqueue_on_commit(remember, number=1)
    assert CALLS == [1, 2, 1]  # a new transaction queues again


def test_a_rolled_back_savepoint_does_not_swallow_a_later_queue():
    with transaction.atomic():
        try:
            with transaction.atomic():
                enqueue_on_commit(remember, number=7)
                raise RuntimeError("refused")
        except RuntimeError:
            pass
        enqueue_on_commit(remember, number=7)
    assert CALLS == [7]


def test_a_rolled_back_transaction_queues_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(remember, number=3)
        raise RuntimeError("refused")
    assert CALLS == []


def test_outside_a_transaction_the_task_is_queued_at_once():
    enqueue_on_commit(remember, number=5)
    assert CALLS == [5]
