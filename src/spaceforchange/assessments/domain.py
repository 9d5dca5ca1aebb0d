"""Pure rules of survey campaigns: link tokens, when a campaign takes answers, what an answer may be.

No Django and no database here. Problems come back as codes; services turn them into messages
in the respondent's language, so the same rules serve the pages, the API and the importer.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from spaceforchange.frameworks.schema import Instrument

STATUS_DRAFT = "draft"
STATUS_OPEN = "open"
STATUS_CLOSED = "closed"

MIN_ANONYMITY_THRESHOLD = 2
MAX_ANONYMITY_THRESHOLD = 50
DEFAULT_ANONYMITY_THRESHOLD = 5
COMMENT_MAX_LENGTH = 2000
TOKEN_BYTES = 32

# A personal link's token also names the response it leads to, under this prefix, so a response
# can be found from the link in hand but not joined to its invitation from the tables alone.
_RESUME_PREFIX = "resume:"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """What is stored of a link token: the token itself is shown once and never kept."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def resume_hash(token: str) -> str:
    """The stored key of the response that ``token`` resumes (a personal link or a resume token)."""
    return hash_token(_RESUME_PREFIX + token)


class Availability(StrEnum):
    """Whether a campaign takes answers now, and if not, why."""

    OPEN = "open"
    NOT_OPENED = "not_opened"
    NOT_STARTED = "not_started"
    CLOSED = "closed"


def availability(*, status: str, opens_at: datetime, closes_at: datetime, now: datetime) -> Availability:
    """Closing outranks everything: a closed campaign, or one past its close time, takes no answers."""
    if status == STATUS_CLOSED or now >= closes_at:
        return Availability.CLOSED
    if status != STATUS_OPEN:
        return Availability.NOT_OPENED
    if now < opens_at:
        return Availability.NOT_STARTED
    return Availability.OPEN


class ProblemCode(StrEnum):
    UNKNOWN_STATEMENT = "unknown_statement"
    NOT_A_NUMBER = "not_a_number"
    OUT_OF_SCALE = "out_of_scale"
    DONT_KNOW_NOT_ALLOWED = "dont_know_not_allowed"
    UNKNOWN_DIMENSION = "unknown_dimension"
    NOT_TEXT = "not_text"
    TOO_LONG = "too_long"
    BAD_CHARACTER = "bad_character"


@dataclass(frozen=True)
class Problem:
    """One refused answer or comment: the field it was given for and what is wrong with it."""

    field: str
    code: ProblemCode


def comment_field(dimension_key: str) -> str:
    """The field name a comment's problems are reported under (statement keys name the answers)."""
    return f"comment_{dimension_key}"


def dimension_keys(instrument: Instrument) -> tuple[str, ...]:
    """The dimensions the instrument scores, in the order its statements first name them."""
    return tuple(dict.fromkeys(statement.dimension for statement in instrument.statements))


def _answer_problem(instrument: Instrument, key: str, value: object) -> ProblemCode | None:
    statement = next((statement for statement in instrument.statements if statement.key == key), None)
    if statement is None:
        return ProblemCode.UNKNOWN_STATEMENT
    if value is None:
        return None if statement.dont_know_allowed else ProblemCode.DONT_KNOW_NOT_ALLOWED
    if isinstance(value, bool) or not isinstance(value, int):
        return ProblemCode.NOT_A_NUMBER
    if not instrument.scale.min <= value <= instrument.scale.max:
        return ProblemCode.OUT_OF_SCALE
    return None


def answer_problems(instrument: Instrument, answers: Mapping[str, object]) -> list[Problem]:
    """Every answer the instrument refuses; ``None`` is "don't know"."""
    found = [(key, _answer_problem(instrument, key, value)) for key, value in answers.items()]
    return [Problem(key, code) for key, code in found if code is not None]


def _comment_problem(known: Sequence[str], key: str, text: object) -> ProblemCode | None:
    if key not in known:
        return ProblemCode.UNKNOWN_DIMENSION
    if not isinstance(text, str):
        return ProblemCode.NOT_TEXT
    if len(text.strip()) > COMMENT_MAX_LENGTH:
        return ProblemCode.TOO_LONG
    if "\x00" in text:
        return ProblemCode.BAD_CHARACTER
    return None


def comment_problems(instrument: Instrument, comments: Mapping[str, object]) -> list[Problem]:
    """Every comment the instrument refuses: one optional comment per dimension it scores."""
    known = dimension_keys(instrument)
    found = [(key, _comment_problem(known, key, text)) for key, text in comments.items()]
    return [Problem(comment_field(key), code) for key, code in found if code is not None]


def unknown_languages(wanted: Sequence[str], offered: Sequence[str]) -> list[str]:
    return [language for language in wanted if language not in offered]


@dataclass(frozen=True)
class RespondentRow:
    """One submitted response, in the statement order of its matrix."""

    values: list[int | None]  # None: "don't know" or not answered
    weight: float = 1.0
    unit_id: int | None = None
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AnswerMatrix:
    """The submitted answers of a campaign, as the scoring pipeline takes them."""

    statement_keys: list[str]
    rows: list[RespondentRow]
