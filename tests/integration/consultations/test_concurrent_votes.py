"""Fifty participants voting at the same moment, each on its own database connection: every vote counted once.

PostgreSQL only: SQLite serialises writers with a file lock, so threads there test the lock, not the
upsert. Run with ``SFC_DATABASE_URL`` pointing at a PostgreSQL database.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from spaceforchange.consultations import services
from spaceforchange.consultations.models import OpinionSnapshot, Participant, Statement, Vote

from .conftest import World, statements

VOTERS = 50

pytestmark = pytest.mark.django_db(transaction=True)


def _skip_on_sqlite() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent voting is tested on PostgreSQL; set SFC_DATABASE_URL to run it")


def _vote_all(participant_id: int, statement_ids: list[int], start: threading.Barrier) -> int:
    """Vote agree on every statement, then change every vote to the final one; returns votes cast."""
    try:
        participant = Participant.objects.select_related("consultation").get(pk=participant_id)
        shown = list(Statement.objects.filter(pk__in=statement_ids).order_by("pk"))
        start.wait(timeout=60)
        for statement in shown:
            services.cast_vote(participant=participant, statement=statement, value=1)
        for position, statement in enumerate(shown):
            services.cast_vote(participant=participant, statement=statement, value=_final(participant_id, position))
        return 2 * len(shown)
    finally:
        connection.close()


def _final(participant_id: int, position: int) -> int:
    return (participant_id + position) % 3 - 1


def test_fifty_concurrent_voters_are_each_counted_once_with_their_last_vote(world: World):
    _skip_on_sqlite()
    shown = [statement.pk for statement in statements(world.consultation)]
    voters = [services.join_consultation(consultation=world.consultation)[0].pk for _ in range(VOTERS)]
    start = threading.Barrier(VOTERS)
    with ThreadPoolExecutor(max_workers=VOTERS) as pool:
        cast = sum(pool.map(lambda pk: _vote_all(pk, shown, start), voters))
    assert cast == VOTERS * len(shown) * 2
    rows = Vote.objects.filter(consultation=world.consultation)
    assert rows.count() == VOTERS * len(shown)
    stored = {
        (participant, statement): value
        for participant, statement, value in rows.values_list("participant_id", "statement_id", "value")
    }
    assert stored == {
        (participant, statement): _final(participant, position)
        for participant in voters
        for position, statement in enumerate(shown)
    }
    # Without a worker the first committed vote computed a map, while the votes went on arriving.
    assert OpinionSnapshot.objects.filter(consultation=world.consultation).exists()


def test_one_participant_voting_on_one_statement_from_many_connections_keeps_one_row(world: World):
    _skip_on_sqlite()
    participant = services.join_consultation(consultation=world.consultation)[0]
    statement = statements(world.consultation)[0]
    start = threading.Barrier(20)

    def vote(value: int) -> None:
        try:
            start.wait(timeout=60)
            services.cast_vote(participant=participant, statement=statement, value=value)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(vote, [(number % 3) - 1 for number in range(20)]))
    assert Vote.objects.filter(participant=participant, statement=statement).count() == 1
