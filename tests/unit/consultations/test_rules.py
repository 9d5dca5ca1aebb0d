"""Rules of the consultations app that need no database: status from dates, secrets, what the analysis hides."""

from __future__ import annotations

import datetime

from spaceforchange.consultations.models import Consultation, Moderation, Statement, Status, new_token
from spaceforchange.consultations.opinion_services import hidden_statements, stored_result
from spaceforchange.consultations.participant_services import hash_secret, is_votable

OPENS = datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)


def test_status_follows_the_dates():
    consultation = Consultation(opens_at=OPENS, closes_at=OPENS + datetime.timedelta(days=7))
    assert consultation.status_at(OPENS - datetime.timedelta(seconds=1)) == Status.DRAFT
    assert consultation.status_at(OPENS) == Status.OPEN
    assert consultation.status_at(OPENS + datetime.timedelta(days=7)) == Status.CLOSED
    assert Consultation(opens_at=OPENS).status_at(OPENS + datetime.timedelta(days=3650)) == Status.OPEN


def test_tokens_are_long_random_and_stored_only_as_hashes():
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100 and all(len(token) == 32 for token in tokens)
    token = tokens.pop()
    assert hash_secret(token) == hash_secret(token) != hash_secret(token + "x")
    assert len(hash_secret(token)) == 64 and token not in hash_secret(token)


def test_strict_moderation_hides_pending_statements_from_voters_and_the_analysis():
    moderation = {1: Moderation.ACCEPTED, 2: Moderation.PENDING, 3: Moderation.REJECTED}
    relaxed, strict = Consultation(strict_moderation=False), Consultation(strict_moderation=True)
    assert hidden_statements(relaxed, moderation) == {3}
    assert hidden_statements(strict, moderation) == {2, 3}
    votable = {
        (state, consultation.strict_moderation): is_votable(Statement(moderation=state), consultation)
        for state in Moderation.values
        for consultation in (relaxed, strict)
    }
    assert votable == {
        ("accepted", False): True,
        ("accepted", True): True,
        ("pending", False): True,
        ("pending", True): False,
        ("rejected", False): False,
        ("rejected", True): False,
    }


def test_the_stored_result_leaves_the_state_to_its_own_column():
    assert stored_result({"division": 0.4, "state": {"participants_in": [1]}, "groups": []}) == {
        "division": 0.4,
        "groups": [],
    }
