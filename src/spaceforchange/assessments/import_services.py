"""Every write of answer imports: saved column mappings, uploads, and the import itself.

An upload is checked as far as it can be at once (size, format, header, mapping) and stored
gzip-compressed in the database, so any worker can read it; ``run_survey_import`` then checks
every row (pass 1) and, only when all are valid, inserts them in batches as draft responses
(pass 2) and submits them all in one final transaction. A rejected or failed import leaves no
answer behind. The uploaded file is emptied once the import ends: the answers are what is kept.

The same conventions as ``services``: keyword arguments, ``ValidationError`` keyed by field
(``file``, ``mapping``, ``name`` …) for a refused request, and nothing changed on refusal.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Field
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from spaceforchange.assessments import import_domain as domain
from spaceforchange.assessments.import_domain import ColumnMap, ImportFileError, ParsedRow, RowProblem
from spaceforchange.assessments.models import (
    Answer,
    Campaign,
    CampaignStatus,
    ColumnMapping,
    ImportProblem,
    ImportStatus,
    Response,
    ResponseSource,
    ResponseStatus,
    SurveyImport,
)
from spaceforchange.assessments.selectors import instrument_of
from spaceforchange.assessments.snapshots import answers_changed
from spaceforchange.core.models import Organization, Unit, User
from spaceforchange.frameworks.models import PackVersion
from spaceforchange.frameworks.schema import Instrument
from spaceforchange.frameworks.selectors import effective_pack, parsed_pack

logger = logging.getLogger(__name__)

BATCH_ROWS = 5_000
PROGRESS_EVERY = 5_000
MAX_STORED_PROBLEMS = 10_000
FILENAME_MAX_LENGTH = 255

Progress = Callable[[SurveyImport], None]


def max_import_bytes() -> int:
    """``settings.SFC_MAX_IMPORT_BYTES``: the largest file (after gzip is taken off) an import takes."""
    return int(getattr(settings, "SFC_MAX_IMPORT_BYTES", domain.DEFAULT_MAX_BYTES))


# --- Column mappings ----------------------------------------------------------------------------


def _instrument(organization: Organization, pack_key: str, instrument_key: str) -> Instrument:
    try:
        pack = parsed_pack(effective_pack(organization, pack_key))
    except PackVersion.DoesNotExist:
        raise ValidationError({"pack_key": _("There is no framework pack %(pack)s.") % {"pack": pack_key}}) from None
    found = next((instrument for instrument in pack.instruments if instrument.key == instrument_key), None)
    if found is None:
        message = _("The pack %(pack)s has no instrument %(key)s.") % {"pack": pack_key, "key": instrument_key}
        raise ValidationError({"instrument_key": message})
    return found


def _clean_mapping_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the mapping a name.")})
    if len(name) > domain.MAX_NAME_CHARS or "\x00" in name:
        message = _("Use at most %(count)d characters, and no control characters.") % {"count": domain.MAX_NAME_CHARS}
        raise ValidationError({"name": message})
    return name


def _checked_mapping(columns: object, instrument: Instrument) -> ColumnMap:
    try:
        mapping = columns if isinstance(columns, ColumnMap) else ColumnMap.from_json(columns)
    except ValueError:
        raise ValidationError({"mapping": _("The column mapping is not in the expected form.")}) from None
    problems = domain.mapping_problems(mapping, instrument)
    if problems:
        raise ValidationError({"mapping": [mapping_problem_message(problem) for problem in problems]})
    return mapping


@transaction.atomic
def save_column_mapping(
    *,
    organization: Organization,
    name: str,
    pack_key: str,
    instrument_key: str,
    columns: object,
    created_by: User | None = None,
) -> ColumnMapping:
    """Save a mapping under a name for the organisation; saving again under the same name replaces it.

    A name already used for another instrument is refused rather than silently repointed.
    """
    name = _clean_mapping_name(name)
    mapping = _checked_mapping(columns, _instrument(organization, pack_key, instrument_key))
    existing = ColumnMapping.objects.select_for_update().filter(organization=organization, name=name).first()
    if existing is not None and (existing.pack_key, existing.instrument_key) != (pack_key, instrument_key):
        message = _("The name %(name)s is already used by a mapping for another instrument.") % {"name": name}
        raise ValidationError({"name": message})
    if existing is None:
        return ColumnMapping.objects.create(
            organization=organization,
            name=name,
            pack_key=pack_key,
            instrument_key=instrument_key,
            columns=mapping.to_json(),
            created_by=created_by,
        )
    existing.columns = mapping.to_json()
    existing.save(update_fields=["columns", "updated_at"])
    return existing


@transaction.atomic
def delete_column_mapping(*, mapping: ColumnMapping) -> None:
    """Forget a saved mapping; imports made with it keep their own copy."""
    ColumnMapping.objects.filter(pk=mapping.pk, organization_id=mapping.organization_id).delete()


def resolve_mapping(campaign: Campaign, name: str) -> ColumnMap:
    """The organisation's saved mapping called ``name`` for the campaign's instrument, else the pack's."""
    saved = ColumnMapping.objects.filter(organization_id=campaign.organization_id, name=name).first()
    if saved is not None:
        if saved.instrument_key != campaign.instrument_key:
            message = _("The mapping %(name)s is for the instrument %(key)s, not this campaign's.")
            raise ValidationError({"mapping": message % {"name": name, "key": saved.instrument_key}})
        try:
            return ColumnMap.from_json(saved.columns)
        except ValueError:
            raise ValidationError({"mapping": _("The column mapping is not in the expected form.")}) from None
    declared = instrument_of(campaign).mapping(name)
    if declared is None:
        raise ValidationError({"mapping": _("There is no column mapping called %(name)s.") % {"name": name}})
    return ColumnMap.from_pack(declared)


# --- Uploading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedFile:
    """An upload that reads as a table: its content without gzip, its kind and its column names."""

    content: bytes
    kind: str
    header: tuple[str, ...]


def check_file(data: bytes) -> CheckedFile:
    """Read the upload far enough to know it is a table with a header and at least one row."""
    try:
        content = domain.unpacked(data, limit=max_import_bytes())
        kind = domain.kind_of(content[:4])
        table = domain.read_table(io.BytesIO(content), kind=kind, limit=max_import_bytes())
        if next(table.rows, None) is None:
            raise ImportFileError(domain.FileProblemCode.NO_ROWS)
    except ImportFileError as error:
        raise ValidationError({"file": file_problem_message(error, max_import_bytes())}) from None
    return CheckedFile(content, kind, table.header)


def _stored(data: bytes, checked: CheckedFile) -> bytes:
    """The file as kept until the import runs: gzip-compressed, as uploaded when it already was."""
    if data.startswith(domain.GZIP_MAGIC):  # check_file has unpacked it whole, so it is sound
        return data
    # The fastest level: the file is kept only until the import ends, and the upload is waiting.
    return gzip.compress(checked.content, compresslevel=1)


def _refuse_closed(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.CLOSED:
        message = _("The campaign is closed, so no answers can be imported into it. Start a new campaign instead.")
        raise ValidationError(message, code="closed")


def _clean_filename(name: str) -> str:
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].replace("\x00", "").strip()
    return name[:FILENAME_MAX_LENGTH] or "upload"


def _check_against_file(mapping: ColumnMap, header: tuple[str, ...]) -> None:
    problems = domain.header_problems(mapping, header)
    if problems:
        raise ValidationError({"mapping": [mapping_problem_message(problem) for problem in problems]})


@transaction.atomic
def upload_survey_file(
    *, campaign: Campaign, uploaded_name: str, data: bytes, created_by: User | None = None
) -> SurveyImport:
    """Keep a checked file for the campaign until a column mapping is chosen (``map_survey_import``)."""
    _refuse_closed(campaign)
    checked = check_file(data)
    return SurveyImport.objects.create(
        organization_id=campaign.organization_id,
        campaign=campaign,
        filename=_clean_filename(uploaded_name),
        file_size=len(data),
        content=_stored(data, checked),
        mapping={},
        created_by=created_by,
    )


def stored_table(survey_import: SurveyImport) -> domain.Table:
    """The kept file, read as it streams out of its compression (a CSV is never unpacked whole)."""
    stream = gzip.GzipFile(fileobj=io.BytesIO(bytes(survey_import.content)))
    kind = domain.kind_of(stream.peek(4)[:4])
    return domain.read_table(stream, kind=kind, limit=max_import_bytes())  # type: ignore[arg-type]


def header_of(survey_import: SurveyImport) -> tuple[str, ...]:
    """The column names of an uploaded file that is still kept."""
    return stored_table(survey_import).header


def awaits_mapping(survey_import: SurveyImport) -> bool:
    return survey_import.status == ImportStatus.QUEUED and not survey_import.mapping


@transaction.atomic
def map_survey_import(
    *,
    survey_import: SurveyImport,
    mapping: object = None,
    mapping_name: str = "",
    save_as: str = "",
    created_by: User | None = None,
    run_in_background: bool = True,
) -> SurveyImport:
    """Give an uploaded file its column mapping (a saved or pack one by name, or the columns given)
    and queue the import; ``save_as`` also saves the mapping under that name for reuse."""
    survey_import = SurveyImport.objects.select_for_update().select_related("campaign").get(pk=survey_import.pk)
    if not awaits_mapping(survey_import):
        raise ValidationError(_("This import has already started."), code="started")
    campaign = survey_import.campaign
    _refuse_closed(campaign)
    instrument = instrument_of(campaign)
    chosen = resolve_mapping(campaign, mapping_name) if mapping_name else mapping
    checked = _checked_mapping(chosen if chosen is not None else {}, instrument)
    _check_against_file(checked, header_of(survey_import))
    if save_as:
        save_column_mapping(
            organization=campaign.organization,
            name=save_as,
            pack_key=campaign.pack_version.pack.key,
            instrument_key=campaign.instrument_key,
            columns=checked,
            created_by=created_by,
        )
    survey_import.mapping, survey_import.mapping_name = checked.to_json(), (mapping_name or save_as.strip())[:100]
    survey_import.save(update_fields=["mapping", "mapping_name"])
    if run_in_background:
        transaction.on_commit(lambda: run_survey_import.enqueue(survey_import_id=survey_import.pk))
    return survey_import


@transaction.atomic
def start_survey_import(
    *,
    campaign: Campaign,
    uploaded_name: str,
    data: bytes,
    mapping_name: str = "",
    mapping: object = None,
    created_by: User | None = None,
    run_in_background: bool = True,
) -> SurveyImport:
    """Upload a file with its mapping (by name, or the columns given; by default each statement is read
    from the column named like its key) and queue the import. Draft and open campaigns take imports.

    With ``run_in_background=False`` nothing is queued: the caller runs ``import_survey`` itself.
    """
    _refuse_closed(campaign)
    checked = check_file(data)
    instrument = instrument_of(campaign)
    chosen: object = mapping
    if mapping_name:
        chosen = resolve_mapping(campaign, mapping_name)
    elif mapping is None:
        chosen = domain.mapping_by_header(instrument, checked.header)
    column_map = _checked_mapping(chosen, instrument)
    _check_against_file(column_map, checked.header)
    survey_import = SurveyImport.objects.create(
        organization_id=campaign.organization_id,
        campaign=campaign,
        filename=_clean_filename(uploaded_name),
        file_size=len(data),
        content=_stored(data, checked),
        mapping_name=mapping_name[:100],
        mapping=column_map.to_json(),
        created_by=created_by,
    )
    if run_in_background:
        transaction.on_commit(lambda: run_survey_import.enqueue(survey_import_id=survey_import.pk))
    return survey_import


@transaction.atomic
def cancel_survey_import(*, survey_import: SurveyImport) -> None:
    """Drop an uploaded file that is still waiting for its column mapping."""
    locked = SurveyImport.objects.select_for_update().filter(pk=survey_import.pk).first()
    if locked is None:
        return
    if not awaits_mapping(locked):
        raise ValidationError(
            _("Only an import still waiting for its column mapping can be cancelled."), code="started"
        )
    locked.delete()


# --- Running an import --------------------------------------------------------------------------


class _Refused(Exception):
    """The import cannot go on; the message says why."""


@task()
def run_survey_import(*, survey_import_id: int) -> str:
    """Check and import an uploaded file (see the module); returns the import's final status."""
    return import_survey(survey_import_id).status


def import_survey(survey_import_id: int, *, progress: Progress | None = None) -> SurveyImport:
    """Run a queued import now, in this process; an import already taken by another run is left alone."""
    waiting = SurveyImport.objects.filter(pk=survey_import_id, status=ImportStatus.QUEUED)
    # An upload still waiting for its mapping is not ready to run.
    ready = bool(waiting.values_list("mapping", flat=True).first())
    if not ready or not waiting.update(status=ImportStatus.VALIDATING, started_at=timezone.now(), rows_done=0):
        logger.info("Import %s is not waiting to run; nothing to do.", survey_import_id)
        return SurveyImport.objects.get(pk=survey_import_id)
    survey_import = SurveyImport.objects.select_related("campaign__organization", "campaign__pack_version__pack").get(
        pk=survey_import_id
    )
    with translation.override(survey_import.campaign.organization.default_language or settings.LANGUAGE_CODE):
        try:
            _run(survey_import, progress or (lambda _import: None))
        except _Refused as refusal:
            _end(survey_import, ImportStatus.FAILED, str(refusal))
        except Exception:
            logger.exception("Import %s failed.", survey_import_id)
            _end(survey_import, ImportStatus.FAILED, _("The import failed unexpectedly; nothing was imported."))
    survey_import.refresh_from_db()
    return survey_import


def _run(survey_import: SurveyImport, progress: Progress) -> None:
    campaign = survey_import.campaign
    if campaign.status == CampaignStatus.CLOSED:
        raise _Refused(_("The campaign was closed before the import ran; nothing was imported."))
    instrument = instrument_of(campaign)
    column_map = ColumnMap.from_json(survey_import.mapping)
    try:
        header = header_of(survey_import)
        if domain.header_problems(column_map, header):
            raise _Refused(_("The file's columns do not match the column mapping; nothing was imported."))
        rules = domain.row_rules(column_map, instrument, header, _units(campaign.organization_id))
        total, problems, count = _validate(survey_import, rules, progress)
    except ImportFileError as error:
        _reject(survey_import, rules=None, problems=[], count=1, file_error=error)
        return
    if count:
        _reject(survey_import, rules=rules, problems=problems, count=count)
        return
    _update(survey_import, status=ImportStatus.IMPORTING, rows_total=total, rows_done=0)
    progress(survey_import)
    try:
        _insert(survey_import, rules, progress)
        _submit(survey_import, total)
    except BaseException:
        _discard_rows(survey_import)
        raise


def _units(organization_id: int) -> dict[str, int | None]:
    names = Counter(
        name.casefold() for name in Unit.objects.filter(organization_id=organization_id).values_list("name", flat=True)
    )
    return {
        name.casefold(): (pk if names[name.casefold()] == 1 else None)
        for pk, name in Unit.objects.filter(organization_id=organization_id).values_list("pk", "name")
    }


def _rows(survey_import: SurveyImport) -> Iterator[tuple[int, list[str]]]:
    return stored_table(survey_import).rows


def _update(survey_import: SurveyImport, **fields: object) -> None:
    # Plain updates outside any transaction: each is committed at once, so pages see the progress.
    SurveyImport.objects.filter(pk=survey_import.pk).update(**fields)
    for name, value in fields.items():
        setattr(survey_import, name, value)


def _validate(
    survey_import: SurveyImport, rules: domain.RowRules, progress: Progress
) -> tuple[int, list[RowProblem], int]:
    """Pass 1: every row checked; returns rows, the first problems (capped) and how many there are."""
    total, count = 0, 0
    problems: list[RowProblem] = []
    for line, cells in _rows(survey_import):
        total += 1
        checked = domain.check_row(rules, line, cells)
        if not isinstance(checked, ParsedRow):
            count += len(checked)
            problems += checked[: max(0, MAX_STORED_PROBLEMS - len(problems))]
        if total % PROGRESS_EVERY == 0:
            _update(survey_import, rows_done=total)
            progress(survey_import)
    _update(survey_import, rows_done=total)
    return total, problems, count


def _reject(
    survey_import: SurveyImport,
    *,
    rules: domain.RowRules | None,
    problems: list[RowProblem],
    count: int,
    file_error: ImportFileError | None = None,
) -> None:
    file_message = file_problem_message(file_error, max_import_bytes()) if file_error else ""
    with transaction.atomic():
        if file_error is not None:
            line = file_error.line or 0
            ImportProblem.objects.create(survey_import=survey_import, line=line, column="", reason=file_message[:500])
        ImportProblem.objects.bulk_create(
            [
                ImportProblem(
                    survey_import=survey_import,
                    line=problem.line,
                    column=problem.column[:255],
                    reason=row_problem_message(problem, rules.scale if rules else (0, 0))[:500],
                )
                for problem in problems
            ],
            batch_size=2_000,
        )
        shown = (
            ""
            if count <= MAX_STORED_PROBLEMS
            else _("Only the first %(count)d problems are listed.") % {"count": MAX_STORED_PROBLEMS}
        )
        _end(survey_import, ImportStatus.REJECTED, file_message or shown, problem_count=count)


def _end(survey_import: SurveyImport, status: str, message: str, **fields: object) -> None:
    _update(survey_import, status=status, message=message, finished_at=timezone.now(), content=b"", **fields)


def _batches(survey_import: SurveyImport, rules: domain.RowRules) -> Iterator[list[ParsedRow]]:
    batch: list[ParsedRow] = []
    for line, cells in _rows(survey_import):
        checked = domain.check_row(rules, line, cells)
        if not isinstance(checked, ParsedRow):  # the file was checked whole in pass 1
            raise _Refused(_("The file changed while it was imported; nothing was imported."))
        batch.append(checked)
        if len(batch) == BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(survey_import: SurveyImport, rules: domain.RowRules, progress: Progress) -> None:
    """Pass 2: draft responses and their answers, one committed transaction per batch.

    Raw multi-row INSERTs (COPY on PostgreSQL) rather than ``bulk_create``: building half a
    million model instances costs several times the database's own work, and these rows need no
    signals (an import is recorded by its ``SurveyImport``, not row by row in the audit log).
    """
    last_id, done = 0, 0
    fixed = (survey_import.organization_id, survey_import.campaign_id, survey_import.pk)
    started = connection.ops.adapt_datetimefield_value(timezone.now())
    for batch in _batches(survey_import, rules):
        with transaction.atomic(), connection.cursor() as cursor:
            responses = [
                (*fixed, DRAFT, IMPORT, started, row.unit_id, json.dumps(row.attributes), row.weight) for row in batch
            ]
            _write(cursor, Response, RESPONSE_COLUMNS, responses)
            cursor.execute(_new_responses_sql(), [survey_import.pk, last_id])
            ids = [pk for (pk,) in cursor.fetchall()]
            if len(ids) != len(batch):
                raise _Refused(_("The import was disturbed by another change; nothing was imported."))
            organization_id = survey_import.organization_id
            answers = [
                (organization_id, pk, key, value)
                for pk, row in zip(ids, batch, strict=True)
                for key, value in row.answers
            ]
            _write(cursor, Answer, ANSWER_COLUMNS, answers)
            last_id, done = ids[-1], done + len(batch)
            _update(survey_import, rows_done=done)
        progress(survey_import)


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


def _submit(survey_import: SurveyImport, total: int) -> None:
    """Make every imported answer count at once: results never see half a file."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=survey_import.campaign_id)
        if campaign.status == CampaignStatus.CLOSED:
            raise _Refused(_("The campaign was closed during the import; nothing was imported."))
        Response.objects.filter(survey_import=survey_import, status=ResponseStatus.DRAFT).update(
            status=ResponseStatus.SUBMITTED, submitted_at=timezone.now()
        )
        _end(survey_import, ImportStatus.DONE, "", rows_done=total)
        answers_changed(campaign.pk)


def _discard_rows(survey_import: SurveyImport) -> None:
    # Raw deletes: the collector would load every row and write an audit entry for each.
    with transaction.atomic():
        Answer.objects.filter(response__survey_import=survey_import)._raw_delete(Answer.objects.db)
        Response.objects.filter(survey_import=survey_import)._raw_delete(Response.objects.db)


# --- Messages -----------------------------------------------------------------------------------


def file_problem_message(error: ImportFileError, limit: int) -> str:
    """Why a file cannot be read, for the person who uploaded it."""
    code = domain.FileProblemCode
    texts = {
        code.EMPTY: _("The file is empty."),
        code.TOO_BIG: _("The file is too big: imports take files of up to %(size)s (uncompressed).")
        % {"size": f"{limit / 1024 / 1024:.0f} MB"},
        code.BAD_GZIP: _("The file looks gzip-compressed but cannot be uncompressed."),
        code.BAD_XLSX: _("The file looks like an Excel workbook but cannot be read. Save it as .xlsx or CSV."),
        code.NOT_TEXT: _("The file is not a CSV text file or an Excel workbook (.xlsx)."),
        code.ENCODING: _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."),
        code.BAD_CSV: _("The file is not valid CSV (check the quotation marks)."),
        code.NO_HEADER: _("The first row must name the columns, but it is empty."),
        code.NO_ROWS: _("The file has column names but no rows of answers."),
        code.TOO_MANY_ROWS: _("The file has more than %(count)s rows; split it into several imports.")
        % {"count": f"{domain.MAX_ROWS:,}"},
        code.TOO_MANY_COLUMNS: _("The file has more than %(count)s columns.") % {"count": f"{domain.MAX_COLUMNS:,}"},
    }
    text = texts[error.code]
    return text if error.line is None else _("Line %(line)d: %(problem)s") % {"line": error.line, "problem": text}


def mapping_problem_message(problem: domain.MappingProblem) -> str:
    code = domain.MappingProblemCode
    values = {"column": problem.column, "target": _target_name(problem.target)}
    texts = {
        code.MALFORMED: _("The column mapping is not in the expected form."),
        code.NO_STATEMENTS: _("Map at least one statement to a column."),
        code.UNKNOWN_STATEMENT: _("The instrument has no statement %(target)s."),
        code.COLUMN_TWICE: _("The column “%(column)s” is mapped to more than one statement."),
        code.BAD_COLUMN: _("“%(column)s” (for %(target)s) is not a usable column name."),
        code.BAD_ATTRIBUTE: _("“%(target)s” is not a usable attribute name: use 1 to 100 characters."),
        code.TOO_MANY_ATTRIBUTES: _("Use at most %(count)d respondent attributes.") % {"count": domain.MAX_ATTRIBUTES},
        code.BAD_DONT_KNOW: _("“%(column)s” cannot mean “don't know”: use a short text that is not a number."),
        code.MISSING_COLUMN: _("The file has no column “%(column)s” (mapped to %(target)s)."),
        code.DUPLICATE_COLUMN: _("The file has two columns called “%(column)s”, so it is unclear which to read."),
    }
    return texts[problem.code] % values if "%(" in texts[problem.code] else texts[problem.code]


def _target_name(target: str) -> str:
    """What a mapping entry feeds, in words: a statement key, an attribute, the weight or the unit."""
    if target.startswith("attribute:"):
        return _("the attribute %(name)s") % {"name": target.removeprefix("attribute:")}
    return {"weight": _("the weight"), "unit": _("the unit")}.get(target, target)


def row_problem_message(problem: RowProblem, scale: tuple[int, int]) -> str:
    code = domain.RowProblemCode
    values = {"value": problem.value, "min": scale[0], "max": scale[1]}
    texts = {
        code.NOT_A_NUMBER: _("“%(value)s” is not a whole number."),
        code.OUT_OF_SCALE: _("%(value)s is outside the answer scale %(min)d to %(max)d."),
        code.DONT_KNOW_NOT_ALLOWED: _("This statement has no “don't know” answer, but the cell says “%(value)s”."),
        code.NO_ANSWERS: _("The row answers no statement."),
        code.MISSING_WEIGHT: _("The weight is missing."),
        code.BAD_WEIGHT: _("“%(value)s” is not a number, so it cannot be a weight."),
        code.WEIGHT_NOT_POSITIVE: _("The weight must be above 0, not %(value)s."),
        code.UNKNOWN_UNIT: _("The organisation has no unit called “%(value)s”."),
        code.AMBIGUOUS_UNIT: _("Several units are called “%(value)s”; rename one to import into it."),
        code.TOO_MANY_CELLS: _("The row has %(value)s cells, more than the file has columns."),
        code.TOO_FEW_CELLS: _("The row has only %(value)s cells, fewer than the file has columns."),
        code.CELL_TOO_LONG: _("The cell is longer than %(count)d characters.") % {"count": domain.MAX_CELL_CHARS},
        code.BAD_CHARACTER: _("The cell contains a character that is not allowed."),
    }
    text = texts[problem.code]
    return text % values if "%(" in text else text
