"""The answering form of a survey, built from its instrument, and the reading of what a respondent posts.

Not a Django form: the fields come from the pack (one radio group per statement, one comment per
dimension) and the services already check every value, so this module only names the fields,
shapes the page and turns the posted strings into the values ``save_answers`` takes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from spaceforchange.assessments import domain
from spaceforchange.frameworks.schema import Instrument, Pack, Statement, Text

ANSWER_PREFIX = "answer_"
COMMENT_PREFIX = domain.comment_field("")
DONT_KNOW = "dk"
# A hand-made value that is not a plain small integer goes to the services as text, which they refuse.
_INTEGER = re.compile(r"^-?\d{1,4}$")


@dataclass(frozen=True)
class Choice:
    id: str
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class Question:
    key: str
    field: str
    text: str
    choices: list[Choice]
    errors: list[str]


@dataclass(frozen=True)
class Section:
    key: str
    name: str
    questions: list[Question]
    comment_field: str
    comment: str
    comment_errors: list[str]


@dataclass(frozen=True)
class AnswerSheet:
    sections: list[Section]
    answered: int
    total: int
    # Problems with fields the page does not show (a hand-made statement key, say).
    other_errors: list[str]


def answer_field(statement_key: str) -> str:
    return f"{ANSWER_PREFIX}{statement_key}"


def _answer_value(values: list[str]) -> object:
    if len(values) != 1:
        return values
    raw = values[0].strip()
    if raw == DONT_KNOW:
        return None
    return int(raw) if _INTEGER.match(raw) else raw


def read_posted(data: QueryDict) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every posted answer (statement key → int, None for "don't know", or the raw text) and comment.

    Unknown keys are passed on, not dropped, so that a hand-made field is refused rather than ignored.
    """
    answers: dict[str, Any] = {}
    comments: dict[str, Any] = {}
    for name in data:
        if name.startswith(ANSWER_PREFIX):
            answers[name.removeprefix(ANSWER_PREFIX)] = _answer_value(data.getlist(name))
        elif name.startswith(COMMENT_PREFIX):
            comments[name.removeprefix(COMMENT_PREFIX)] = data.get(name, "")
    return answers, comments


def _choices(instrument: Instrument, statement: Statement, current: object, language: str) -> list[Choice]:
    scale = instrument.scale
    labels = {point.value: point.label.get(language) for point in scale.labels}
    field = answer_field(statement.key)
    choices = [
        Choice(
            id=f"{field}_{value}",
            value=str(value),
            label=f"{value} – {labels[value]}" if value in labels else str(value),
            checked=current == value,
        )
        for value in range(scale.min, scale.max + 1)
    ]
    if statement.dont_know_allowed:
        label = scale.dont_know_label.get(language) if scale.dont_know_label else _("Don't know")
        choices.append(Choice(id=f"{field}_{DONT_KNOW}", value=DONT_KNOW, label=label, checked=current is None))
    return choices


def _dimension_name(pack: Pack, key: str, language: str) -> str:
    item = pack.item(key)
    return item.name.get(language) if item is not None else key


def build_sheet(
    *,
    pack: Pack,
    instrument: Instrument,
    answers: Mapping[str, object],
    comments: Mapping[str, object],
    errors: Mapping[str, list[str]],
    language: str,
) -> AnswerSheet:
    """The form as the respondent sees it: statements grouped by dimension, the given answers checked."""
    sections = []
    for dimension in domain.dimension_keys(instrument):
        questions = [
            Question(
                key=statement.key,
                field=answer_field(statement.key),
                text=statement.text.get(language),
                choices=_choices(instrument, statement, answers.get(statement.key, ""), language),
                errors=list(errors.get(statement.key, [])),
            )
            for statement in instrument.statements
            if statement.dimension == dimension
        ]
        comment_field = domain.comment_field(dimension)
        comment = comments.get(dimension, "")
        sections.append(
            Section(
                key=dimension,
                name=_dimension_name(pack, dimension, language),
                questions=questions,
                comment_field=comment_field,
                comment=comment if isinstance(comment, str) else "",
                comment_errors=list(errors.get(comment_field, [])),
            )
        )
    shown = {statement.key for statement in instrument.statements} | {s.comment_field for s in sections}
    other = [message for field, messages in errors.items() if field not in shown for message in messages]
    answered = sum(1 for statement in instrument.statements if statement.key in answers)
    return AnswerSheet(sections=sections, answered=answered, total=len(instrument.statements), other_errors=other)


def text_in(text: Text | None, language: str) -> str:
    return text.get(language) if text is not None else ""
