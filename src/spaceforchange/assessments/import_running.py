"""Running an answer import, and ending runs whose worker died.

Pass 1 checks every row; only when all are valid does pass 2 write them in batches as draft
responses (``import_writing``) and submit them all in one final transaction, so a rejected or
failed import leaves no answer behind and results never see half a file. The uploaded file is
emptied once the import ends: the answers are what is kept.

Each step of a run is committed at once, so pages see the progress, and sets ``progressed_at``.
A run goes on only while its import is still running: when ``recover_stalled_imports`` has ended
it meanwhile (a worker that hung rather than died may wake up), the run's next step finds that and
stops, leaving nothing behind. Changes of status are saved through the model, so the audit log
records them; progress is written with plain updates, so it does not flood the log.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from spaceforchange.assessments import import_domain as domain
from spaceforchange.assessments import import_writing
from spaceforchange.assessments.import_domain import ParsedRow, RowProblem
from spaceforchange.assessments.import_mapping import ColumnMap, header_problems
from spaceforchange.assessments.import_messages import file_problem_message, row_problem_message
from spaceforchange.assessments.import_reading import ImportFileError
from spaceforchange.assessments.import_selectors import header_of, max_import_bytes, stored_table
from spaceforchange.assessments.models import (
    Campaign,
    CampaignStatus,
    ImportProblem,
    ImportStatus,
    Response,
    ResponseStatus,
    SurveyImport,
)
from spaceforchange.assessments.selectors import instrument_of
from spaceforchange.assessments.snapshots import answers_changed
from spaceforchange.core.models import Organization, Unit

logger = logging.getLogger(__name__)

BATCH_ROWS = 5_000
PROGRESS_EVERY = 5_000
MAX_STORED_PROBLEMS = 10_000
# A healthy run steps every few seconds (one batch of rows); half an hour without a step is a dead worker.
STALLED_AFTER = timedelta(minutes=30)
RUNNING = (ImportStatus.VALIDATING, ImportStatus.IMPORTING)

Progress = Callable[[SurveyImport], None]


class Refused(Exception):
    """The import cannot go on; the message says why."""


class Abandoned(Exception):
    """The import is no longer running (it was ended as stalled): this run stops and changes nothing."""


def claim(survey_import_id: int) -> SurveyImport | None:
    """Take a queued, mapped import for this run; None when it is not waiting to run."""
    waiting = SurveyImport.objects.filter(pk=survey_import_id, status=ImportStatus.QUEUED)
    # An upload still waiting for its mapping is not ready to run.
    ready = bool(waiting.values_list("mapping", flat=True).first())
    now = timezone.now()
    if not ready or not waiting.update(status=ImportStatus.VALIDATING, started_at=now, progressed_at=now, rows_done=0):
        return None
    return SurveyImport.objects.select_related("campaign__organization", "campaign__pack_version__pack").get(
        pk=survey_import_id
    )


def run(survey_import: SurveyImport, progress: Progress | None = None) -> None:
    """Check and import a claimed import; whatever happens is recorded on the import."""
    try:
        _run(survey_import, progress or (lambda _import: None))
    except Refused as refusal:
        _fail(survey_import, str(refusal))
    except Abandoned:
        logger.warning("Import %s was ended while it ran; this run stopped.", survey_import.pk)
    except Exception:
        logger.exception("Import %s failed.", survey_import.pk)
        _fail(survey_import, _("The import failed unexpectedly; nothing was imported."))


def _run(survey_import: SurveyImport, progress: Progress) -> None:
    campaign = survey_import.campaign
    if campaign.status == CampaignStatus.CLOSED:
        raise Refused(_("The campaign was closed before the import ran; nothing was imported."))
    instrument = instrument_of(campaign)
    column_map = ColumnMap.from_json(survey_import.mapping)
    try:
        header = header_of(survey_import)
        if header_problems(column_map, header):
            raise Refused(_("The file's columns do not match the column mapping; nothing was imported."))
        rules = domain.row_rules(column_map, instrument, header, _units(campaign.organization_id))
        total, problems, count = _validate(survey_import, rules, progress)
    except ImportFileError as error:
        _reject(survey_import, rules=None, problems=[], count=1, file_error=error)
        return
    if count:
        _reject(survey_import, rules=rules, problems=problems, count=count)
        return
    _transition(survey_import, status=ImportStatus.IMPORTING, rows_total=total, rows_done=0)
    progress(survey_import)
    try:
        _insert(survey_import, rules, progress)
        _submit(survey_import, total)
    except BaseException:
        import_writing.discard_drafts(survey_import.pk)
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


def _step(survey_import: SurveyImport, **fields: object) -> None:
    """Progress: a plain update committed at once (outside any transaction), not in the audit log."""
    fields["progressed_at"] = timezone.now()
    if not SurveyImport.objects.filter(pk=survey_import.pk, status__in=RUNNING).update(**fields):
        raise Abandoned
    for name, value in fields.items():
        setattr(survey_import, name, value)


def _lock_running(survey_import_id: int) -> None:
    """Lock the import's row; ``Abandoned`` when it is no longer running."""
    if not list(SurveyImport.objects.select_for_update().filter(pk=survey_import_id, status__in=RUNNING).values("pk")):
        raise Abandoned


def _transition(survey_import: SurveyImport, **fields: object) -> None:
    """A change of status, saved through the model so the audit log records it."""
    fields["progressed_at"] = timezone.now()
    with transaction.atomic():
        _lock_running(survey_import.pk)
        for name, value in fields.items():
            setattr(survey_import, name, value)
        survey_import.save(update_fields=list(fields))


def _end(survey_import: SurveyImport, status: str, message: str, **fields: object) -> None:
    _transition(survey_import, status=status, message=message, finished_at=timezone.now(), content=b"", **fields)


def _fail(survey_import: SurveyImport, message: str) -> None:
    try:
        _end(survey_import, ImportStatus.FAILED, message)
    except Abandoned:
        logger.warning("Import %s was ended while it ran; this run stopped.", survey_import.pk)


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
            _step(survey_import, rows_done=total)
            progress(survey_import)
    _step(survey_import, rows_done=total)
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


def _batches(survey_import: SurveyImport, rules: domain.RowRules) -> Iterator[list[ParsedRow]]:
    batch: list[ParsedRow] = []
    for line, cells in _rows(survey_import):
        checked = domain.check_row(rules, line, cells)
        if not isinstance(checked, ParsedRow):  # the file was checked whole in pass 1
            raise Refused(_("The file changed while it was imported; nothing was imported."))
        batch.append(checked)
        if len(batch) == BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(survey_import: SurveyImport, rules: domain.RowRules, progress: Progress) -> None:
    """Pass 2: draft responses and their answers, one committed transaction per batch."""
    last_id, done = 0, 0
    started = import_writing.start_time()
    for batch in _batches(survey_import, rules):
        with transaction.atomic():
            try:
                last_id = import_writing.insert_batch(survey_import, batch, after_id=last_id, started=started)
            except import_writing.BatchDisturbedError:
                raise Refused(_("The import was disturbed by another change; nothing was imported.")) from None
            done += len(batch)
            _step(survey_import, rows_done=done)
        progress(survey_import)


def _submit(survey_import: SurveyImport, total: int) -> None:
    """Make every imported answer count at once: results never see half a file."""
    with transaction.atomic():
        # The import first, as recovery locks it: the two never wait on each other in turn.
        _lock_running(survey_import.pk)
        campaign = Campaign.objects.select_for_update().get(pk=survey_import.campaign_id)
        if campaign.status == CampaignStatus.CLOSED:
            raise Refused(_("The campaign was closed during the import; nothing was imported."))
        Response.objects.filter(survey_import=survey_import, status=ResponseStatus.DRAFT).update(
            status=ResponseStatus.SUBMITTED, submitted_at=timezone.now()
        )
        _end(survey_import, ImportStatus.DONE, "", rows_done=total)
        answers_changed(campaign.pk)


# --- Recovery -----------------------------------------------------------------------------------


def stalled_message() -> str:
    return _("The import stopped unexpectedly; upload the file again.")


def recover_stalled_imports(*, older_than: timedelta = STALLED_AFTER) -> int:
    """End every import being checked or imported whose last step is older than ``older_than``.

    Its worker was killed or hangs: the import is marked failed (its page says it stopped and asks
    for the file again), its file emptied and its draft responses deleted. Imports that are queued,
    finished or still making progress are left alone. Returns how many were ended.
    """
    if older_than < timedelta(minutes=1):
        raise ValueError("older_than must be at least a minute: a live import steps every few seconds")
    cutoff = timezone.now() - older_than
    stalled = _stalled(cutoff).values_list("pk", flat=True)
    return sum(_recover(pk, cutoff) for pk in list(stalled))


def _stalled(cutoff: datetime) -> QuerySet[SurveyImport]:
    # Imports from before ``progressed_at`` existed fall back on when they started.
    return (
        SurveyImport.objects.filter(status__in=RUNNING)
        .alias(last_step=Coalesce("progressed_at", "started_at", "created_at"))
        .filter(last_step__lt=cutoff)
    )


def _recover(survey_import_id: int, cutoff: datetime) -> bool:
    with transaction.atomic():
        # Checked again under the lock: the run may have stepped or ended since the list was read.
        found = _stalled(cutoff).select_for_update().filter(pk=survey_import_id).first()
        if found is None:
            return False
        last_step = found.progressed_at or found.started_at
        with translation.override(_language_of(found.organization_id)):
            _end(found, ImportStatus.FAILED, stalled_message())
        discarded = import_writing.discard_drafts(found.pk)
    message = "Import %s made no progress since %s: marked failed, %d draft responses deleted."
    logger.warning(message, survey_import_id, last_step, discarded)
    return True


def _language_of(organization_id: int) -> str:
    # The message is stored as text, so it is written in the organisation's language, as a run's are.
    language = Organization.objects.filter(pk=organization_id).values_list("default_language", flat=True).first()
    return language or settings.LANGUAGE_CODE
