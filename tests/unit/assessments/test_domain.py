"""Pure campaign rules: tokens, when answers are taken, and what an answer may be."""

from __future__ import annotations

import datetime
import hashlib

from hypothesis import given
from hypothesis import strategies as st

from spaceforchange.assessments.domain import (
    Availability,
    Problem,
    ProblemCode,
    answer_problems,
    availability,
    comment_field,
    comment_problems,
    dimension_keys,
    hash_token,
    new_token,
    resume_hash,
    unknown_languages,
)
from spaceforchange.frameworks.schema import Instrument

UTC = datetime.UTC
OPENS = datetime.datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
CLOSES = datetime.datetime(2026, 3, 15, 16, 0, tzinfo=UTC)


def _statement(key: str, dimension: str, **extra: object) -> dict:
    return {"key": key, "dimension": dimension, "provenance": "working-model", "text": {"en": key}, **extra}


INSTRUMENT = Instrument.model_validate(
    {
        "key": "scan",
        "name": {"en": "Scan"},
        "provenance": "working-model",
        "scale": {"min": 1, "max": 5},
        "statements": [
            _statement("b1", "backing"),
            _statement("r1", "room", dont_know_allowed=False),
            _statement("b2", "backing", reverse=True),
            _statement("s1", "skills"),
        ],
    }
)
SEVEN_POINTS = INSTRUMENT.model_copy(update={"scale": INSTRUMENT.scale.model_copy(update={"min": -3, "max": 3})})


def test_tokens_are_long_random_and_stored_as_sha256():
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(token) >= 43 for token in tokens)
    token = "abc"
    assert hash_token(token) == hashlib.sha256(b"abc").hexdigest()
    assert resume_hash(token) == hashlib.sha256(b"resume:abc").hexdigest()


@given(st.text())
def test_the_resume_key_never_equals_the_link_hash(token):
    assert resume_hash(token) != hash_token(token)
    assert len(hash_token(token)) == 64


def test_availability_at_each_moment():
    cases = [
        ("draft", OPENS + datetime.timedelta(days=1), Availability.NOT_OPENED),
        ("open", OPENS - datetime.timedelta(seconds=1), Availability.NOT_STARTED),
        ("open", OPENS, Availability.OPEN),
        ("open", CLOSES - datetime.timedelta(seconds=1), Availability.OPEN),
        ("open", CLOSES, Availability.CLOSED),
        ("closed", OPENS + datetime.timedelta(days=1), Availability.CLOSED),
        ("draft", CLOSES + datetime.timedelta(days=1), Availability.CLOSED),
    ]
    for status, now, expected in cases:
        assert availability(status=status, opens_at=OPENS, closes_at=CLOSES, now=now) is expected, (status, now)


@given(
    status=st.sampled_from(["draft", "open", "closed"]),
    now=st.datetimes(timezones=st.just(UTC)),
)
def test_answers_are_taken_only_by_an_open_campaign_inside_its_window(status, now):
    state = availability(status=status, opens_at=OPENS, closes_at=CLOSES, now=now)
    assert (state is Availability.OPEN) == (status == "open" and OPENS <= now < CLOSES)
    if now >= CLOSES or status == "closed":
        assert state is Availability.CLOSED


def test_valid_answers_raise_no_problem():
    assert answer_problems(INSTRUMENT, {"b1": 1, "r1": 5, "b2": None, "s1": 3}) == []
    assert answer_problems(INSTRUMENT, {}) == []


def test_each_kind_of_bad_answer_is_named():
    problems = answer_problems(INSTRUMENT, {"b1": 0, "r1": None, "zz": 3, "s1": "3", "b2": True})
    assert problems == [
        Problem("b1", ProblemCode.OUT_OF_SCALE),
        Problem("r1", ProblemCode.DONT_KNOW_NOT_ALLOWED),
        Problem("zz", ProblemCode.UNKNOWN_STATEMENT),
        Problem("s1", ProblemCode.NOT_A_NUMBER),
        Problem("b2", ProblemCode.NOT_A_NUMBER),
    ]


@given(st.integers(min_value=-100, max_value=100))
def test_an_integer_is_accepted_exactly_when_it_lies_on_the_scale(value):
    for instrument in (INSTRUMENT, SEVEN_POINTS):
        on_scale = instrument.scale.min <= value <= instrument.scale.max
        assert (answer_problems(instrument, {"b1": value}) == []) == on_scale


def test_comments_belong_to_the_dimensions_the_instrument_scores():
    assert dimension_keys(INSTRUMENT) == ("backing", "room", "skills")
    assert comment_problems(INSTRUMENT, {"backing": "ok", "room": "", "skills": " " + "x" * 2000 + " "}) == []
    problems = comment_problems(
        INSTRUMENT, {"b1": "on a statement", "room": "x" * 2001, "skills": 5, "backing": "nul\x00"}
    )
    assert problems == [
        Problem("comment_b1", ProblemCode.UNKNOWN_DIMENSION),
        Problem("comment_room", ProblemCode.TOO_LONG),
        Problem("comment_skills", ProblemCode.NOT_TEXT),
        Problem("comment_backing", ProblemCode.BAD_CHARACTER),
    ]
    assert comment_field("room") == "comment_room"


def test_unknown_languages_keep_their_order():
    assert unknown_languages(["sv", "en", "de"], ["en", "nb"]) == ["sv", "de"]
    assert unknown_languages([], ["en"]) == []
