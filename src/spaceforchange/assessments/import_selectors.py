"""Reads of answer imports and saved column mappings, each scoped to the organisation passed in."""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from spaceforchange.assessments import import_reading
from spaceforchange.assessments.models import Campaign, ColumnMapping, ImportProblem, ImportStatus, SurveyImport
from spaceforchange.assessments.selectors import instrument_of
from spaceforchange.core.models import Organization

RUNNING = (ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.IMPORTING)


def imports_of(campaign: Campaign) -> QuerySet[SurveyImport]:
    """The campaign's imports, newest first, without their stored files."""
    return (
        SurveyImport.objects.filter(organization_id=campaign.organization_id, campaign=campaign)
        .select_related("created_by")
        .defer("content")
        .order_by("-created_at", "-pk")
    )


def survey_import(campaign: Campaign, import_id: int) -> SurveyImport:
    """The campaign's import with this id; ``SurveyImport.DoesNotExist`` for any other, another
    organisation's included. The stored file is not loaded."""
    found = imports_of(campaign).get(pk=import_id)
    found.campaign = campaign
    return found


def survey_import_with_file(campaign: Campaign, import_id: int) -> SurveyImport:
    """As ``survey_import``, with the stored file (to read its header)."""
    found = SurveyImport.objects.get(organization_id=campaign.organization_id, campaign=campaign, pk=import_id)
    found.campaign = campaign
    return found


def max_import_bytes() -> int:
    """``settings.SFC_MAX_IMPORT_BYTES``: the largest file (after gzip is taken off) an import takes."""
    return int(getattr(settings, "SFC_MAX_IMPORT_BYTES", import_reading.DEFAULT_MAX_BYTES))


def stored_table(survey_import: SurveyImport) -> import_reading.Table:
    """The kept file, read as it streams out of its compression (a CSV is never unpacked whole)."""
    stream = gzip.GzipFile(fileobj=io.BytesIO(bytes(survey_import.content)))
    kind = import_reading.kind_of(stream.peek(4)[:4])
    return import_reading.read_table(stream, kind=kind, limit=max_import_bytes())  # type: ignore[arg-type]


def header_of(survey_import: SurveyImport) -> tuple[str, ...]:
    """The column names of an uploaded file that is still kept."""
    return stored_table(survey_import).header


def problems_of(survey_import: SurveyImport) -> QuerySet[ImportProblem]:
    """The import's problems in file order."""
    return ImportProblem.objects.filter(survey_import=survey_import).order_by("line", "pk")


def is_running(survey_import: SurveyImport) -> bool:
    """Queued (with its mapping), being checked or being imported: its page keeps refreshing."""
    return survey_import.status in RUNNING and bool(survey_import.mapping)


def mappings_for(
    organization: Organization, *, pack_key: str | None = None, instrument_key: str | None = None
) -> QuerySet[ColumnMapping]:
    """The organisation's saved mappings, by name; only those for one instrument when it is given."""
    queryset = ColumnMapping.objects.filter(organization=organization).select_related("created_by")
    if pack_key:
        queryset = queryset.filter(pack_key=pack_key)
    if instrument_key:
        queryset = queryset.filter(instrument_key=instrument_key)
    return queryset.order_by("name", "pk")


def column_mapping(organization: Organization, mapping_id: int) -> ColumnMapping:
    """``ColumnMapping.DoesNotExist`` also for another organisation's."""
    return ColumnMapping.objects.get(organization=organization, pk=mapping_id)


@dataclass(frozen=True)
class MappingChoice:
    """A mapping a campaign's import can use, by the name imports look it up with."""

    name: str
    label: str
    source: str  # "saved" or "pack"


def mapping_choices(campaign: Campaign, language: str) -> list[MappingChoice]:
    """The organisation's saved mappings for the campaign's instrument, then those its pack declares.

    A saved mapping wins over a pack mapping of the same name, as the lookup by name does.
    """
    saved = [
        MappingChoice(name, name, "saved")
        for name in mappings_for(campaign.organization, instrument_key=campaign.instrument_key).values_list(
            "name", flat=True
        )
    ]
    taken = {choice.name for choice in saved}
    declared = [
        MappingChoice(mapping.key, f"{mapping.name.get(language)} ({mapping.key})", "pack")
        for mapping in instrument_of(campaign).mappings
        if mapping.key not in taken
    ]
    return saved + declared
