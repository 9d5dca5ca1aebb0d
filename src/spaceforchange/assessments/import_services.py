"""Every write of answer imports: saved column mappings, uploads, and starting the import.

An upload is checked as far as it can be at once (size, format, header, mapping) and stored
gzip-compressed in the database, so any worker can read it; the ``run_survey_import`` task then
checks and imports it (``import_running``). A rejected or failed import leaves no answer behind.

The same conventions as ``services``: keyword arguments, ``ValidationError`` keyed by field
(``file``, ``mapping``, ``name`` …) for a refused request, and nothing changed on refusal.
"""

from __future__ import annotations

import gzip
import io
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from spaceforchange.assessments import import_mapping, import_reading, import_running
from spaceforchange.assessments.import_mapping import ColumnMap
from spaceforchange.assessments.import_messages import file_problem_message, mapping_problem_message
from spaceforchange.assessments.import_reading import ImportFileError
from spaceforchange.assessments.import_running import Progress
from spaceforchange.assessments.import_selectors import header_of, max_import_bytes
from spaceforchange.assessments.models import Campaign, CampaignStatus, ColumnMapping, ImportStatus, SurveyImport
from spaceforchange.assessments.selectors import instrument_of
from spaceforchange.core.models import Organization, User
from spaceforchange.frameworks.models import PackVersion
from spaceforchange.frameworks.schema import Instrument
from spaceforchange.frameworks.selectors import effective_pack, parsed_pack

logger = logging.getLogger(__name__)

FILENAME_MAX_LENGTH = 255


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
    if len(name) > import_mapping.MAX_NAME_CHARS or "\x00" in name:
        message = _("Use at most %(count)d characters, and no control characters.") % {
            "count": import_mapping.MAX_NAME_CHARS
        }
        raise ValidationError({"name": message})
    return name


def _checked_mapping(columns: object, instrument: Instrument) -> ColumnMap:
    try:
        mapping = columns if isinstance(columns, ColumnMap) else ColumnMap.from_json(columns)
    except ValueError:
        raise ValidationError({"mapping": _("The column mapping is not in the expected form.")}) from None
    problems = import_mapping.mapping_problems(mapping, instrument)
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
        content = import_reading.unpacked(data, limit=max_import_bytes())
        kind = import_reading.kind_of(content[:4])
        table = import_reading.read_table(io.BytesIO(content), kind=kind, limit=max_import_bytes())
        if next(table.rows, None) is None:
            raise ImportFileError(import_reading.FileProblemCode.NO_ROWS)
    except ImportFileError as error:
        raise ValidationError({"file": file_problem_message(error, max_import_bytes())}) from None
    return CheckedFile(content, kind, table.header)


def _stored(data: bytes, checked: CheckedFile) -> bytes:
    """The file as kept until the import runs: gzip-compressed, as uploaded when it already was."""
    if data.startswith(import_reading.GZIP_MAGIC):  # check_file has unpacked it whole, so it is sound
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
    problems = import_mapping.header_problems(mapping, header)
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
        chosen = import_mapping.mapping_by_header(instrument, checked.header)
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


@task()
def run_survey_import(*, survey_import_id: int) -> str:
    """Check and import an uploaded file; returns the import's final status.

    Each run first ends the imports whose worker died (``import_running.recover_stalled_imports``),
    so a crash is cleaned up by the next import at the latest.
    """
    import_running.recover_stalled_imports()
    return import_survey(survey_import_id).status


def import_survey(survey_import_id: int, *, progress: Progress | None = None) -> SurveyImport:
    """Run a queued import now, in this process; an import already taken by another run is left alone."""
    survey_import = import_running.claim(survey_import_id)
    if survey_import is None:
        logger.info("Import %s is not waiting to run; nothing to do.", survey_import_id)
        return SurveyImport.objects.get(pk=survey_import_id)
    with translation.override(survey_import.campaign.organization.default_language or settings.LANGUAGE_CODE):
        import_running.run(survey_import, progress)
    survey_import.refresh_from_db()
    return survey_import
