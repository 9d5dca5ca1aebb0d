"""The write path of answer imports: draft responses and their answers in bulk, and removing them.

Raw multi-row INSERTs (COPY on PostgreSQL) rather than ``bulk_create``: building half a million
model instances costs several times the database's own work, and these rows need no signals (an
import is recorded by its ``SurveyImport`` in the audit log, not row by row). For the same reason
drafts are removed with raw deletes: the collector would load every row and log each one.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Field
from django.utils import timezone

from spaceforchange.assessments.import_domain import ParsedRow
from spaceforchange.assessments.models import Answer, Response, ResponseSource, ResponseStatus, SurveyImport

DRAFT, IMPORT = ResponseStatus.DRAFT.value, ResponseSource.IMPORT.value
RESPONSE_COLUMNS = (
    "organization",
    "campaign",
    "survey_import",
    "status",
    "source",
    "started_at",
    "unit",
    "attributes",
    "weight",
)
ANSWER_COLUMNS = ("organization", "response", "statement_key", "value")


class BatchDisturbedError(Exception):
    """The import's new responses are not the rows just written: another change got in between."""


def insert_batch(survey_import: SurveyImport, batch: list[ParsedRow], *, after_id: int, started: Any) -> int:
    """Write one batch as draft responses with their answers, in the caller's transaction.

    ``after_id`` is the import's highest response id before the batch (0 at first); ``started`` is
    the start time already in the database's form. Returns the highest id after the batch.
    """
    fixed = (survey_import.organization_id, survey_import.campaign_id, survey_import.pk)
    with connection.cursor() as cursor:
        responses = [
            (*fixed, DRAFT, IMPORT, started, row.unit_id, json.dumps(row.attributes), row.weight) for row in batch
        ]
        _write(cursor, Response, RESPONSE_COLUMNS, responses)
        cursor.execute(_new_responses_sql(), [survey_import.pk, after_id])
        ids = [pk for (pk,) in cursor.fetchall()]
        if len(ids) != len(batch):
            raise BatchDisturbedError
        organization_id = survey_import.organization_id
        answers = [
            (organization_id, pk, key, value) for pk, row in zip(ids, batch, strict=True) for key, value in row.answers
        ]
        _write(cursor, Answer, ANSWER_COLUMNS, answers)
    return ids[-1]


def start_time() -> Any:
    """Now, in the database's form, for the ``started_at`` of a batch's responses."""
    return connection.ops.adapt_datetimefield_value(timezone.now())


def discard_drafts(survey_import_id: int) -> int:
    """Delete the import's draft responses and their answers; returns how many responses went.

    Submitted responses are never touched: once an import is done its answers are the record.
    """
    drafts = Response.objects.filter(survey_import_id=survey_import_id, status=ResponseStatus.DRAFT)
    with transaction.atomic():
        Answer.objects.filter(response__in=drafts)._raw_delete(Answer.objects.db)
        return int(drafts._raw_delete(Response.objects.db) or 0)


def _write(
    cursor: CursorWrapper, model: type[Response] | type[Answer], fields: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """Insert rows of values already in the database's form (JSON as text, times adapted)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(_column(model, name)) for name in fields)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    per_statement = max(1, (connection.features.max_query_params or 999) // len(fields))
    values = "(" + ", ".join(["%s"] * len(fields)) + ")"
    for first in range(0, len(rows), per_statement):
        chunk = rows[first : first + per_statement]
        sql = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([values] * len(chunk))  # noqa: S608 (names only)
        cursor.execute(sql, [value for row in chunk for value in row])


def _column(model: type[Response] | type[Answer], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.column
    return field.column


def _new_responses_sql() -> str:
    """The ids of an import's responses above a given id, in insertion order."""
    quote, meta = connection.ops.quote_name, Response._meta
    pk, table, owner = quote(_column(Response, "id")), quote(meta.db_table), quote(_column(Response, "survey_import"))
    return f"SELECT {pk} FROM {table} WHERE {owner} = %s AND {pk} > %s ORDER BY {pk}"  # noqa: S608 (names only)
