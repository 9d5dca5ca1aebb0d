"""Change programmes as downloads: the programmes with their current readiness per factor, and one
programme's readiness (current, history and evidence checklist), as CSV or XLSX.

Rows carry factor keys and numbers beside the names, so a file reads the same in every language.
The tables are written by the shared table writer of the consultation results (one sheet per
table in XLSX; in CSV every row starts with its table's name), which neutralises text a
spreadsheet could read as a formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count
from django.http import HttpResponse
from django.utils.translation import gettext as _

from spaceforchange.change import api_selectors, selectors
from spaceforchange.change.models import ChangeProgramme
from spaceforchange.change.terms import FACTORS, change_terms
from spaceforchange.consultations.export import CONTENT_TYPES, Table, as_csv, as_xlsx
from spaceforchange.core.models import Organization
from spaceforchange.portfolio.services import today_in

FORMATS = ("csv", "xlsx")


def format_error(file_format: str) -> str | None:
    """Why ``file_format`` cannot be served, or None for ``csv`` and ``xlsx``."""
    if file_format in FORMATS:
        return None
    return _("Choose the file format csv or xlsx; “%(format)s” is not offered.") % {"format": file_format[:20]}


def filename(organization: Organization, stem: str, file_format: str) -> str:
    """``northbay-change-programmes-2026-11-29.xlsx``: the organisation, what it holds, the organisation's day."""
    return f"{organization.slug}-{stem}-{today_in(organization).isoformat()}.{file_format}"


def download(organization: Organization, stem: str, made: Sequence[Table], file_format: str) -> HttpResponse:
    content = as_xlsx(made) if file_format == "xlsx" else as_csv(made)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename(organization, stem, file_format)}"'
    return response


def _day(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _score(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# --- Programmes ---------------------------------------------------------------------------------


PROGRAMME_COLUMNS = (
    "programme_id",
    "name",
    "status",
    "owner",
    "sponsor",
    "initiatives",
    "resource_budget",
    "resource_fte",
    "milestones",
    "factors_scored",
    "overall_readiness",
    *(f"f{number}_{factor}" for number, factor in enumerate(FACTORS, start=1)),
    "warnings",
    "archived",
)


def programme_tables(programmes: Sequence[ChangeProgramme]) -> list[Table]:
    rows = api_selectors.programme_rows(programmes)
    found = {programme.pk: programme for programme in programmes}
    milestones = dict(
        ChangeProgramme.objects.filter(pk__in=list(found))
        .annotate(count=Count("milestones"))
        .values_list("pk", "count")
    )
    table_rows = [
        (
            row["id"],
            row["name"],
            row["status"],
            str(found[row["id"]].owner) if found[row["id"]].owner is not None else None,
            str(found[row["id"]].sponsor) if found[row["id"]].sponsor is not None else None,
            len(row["initiative_ids"]),
            row["resource_budget"],
            row["resource_fte"],
            milestones[row["id"]],
            row["factors_scored"],
            _score(row["overall_readiness"]),
            *(_score(row["readiness"].get(factor)) for factor in FACTORS),
            row["warning_count"],
            row["archived"],
        )
        for row in rows
    ]
    return [Table("programmes", PROGRAMME_COLUMNS, table_rows)]


def programmes_download(
    organization: Organization, file_format: str, *, search: str = "", status: str = "", archived: bool = False
) -> HttpResponse:
    programmes = list(selectors.programmes(organization, search=search, status=status, archived=archived))
    return download(organization, "change-programmes", programme_tables(programmes), file_format)


# --- One programme's readiness ------------------------------------------------------------------


def readiness_tables(programme: ChangeProgramme) -> list[Table]:
    shown = api_selectors.readiness_as_dict(programme)
    evidence = api_selectors.evidence_as_dicts(programme)
    names = change_terms(programme.organization, api_selectors.language()).names
    return [
        Table(
            "current",
            ("number", "factor", "name", "score", "source", "assessed_on", "evidence_done", "evidence_total"),
            [
                (
                    row["number"],
                    row["factor"],
                    row["name"],
                    _score(row["score"]),
                    row["source"],
                    _day(row["assessed_on"]),
                    row["evidence_done"],
                    row["evidence_total"],
                )
                for row in shown["factors"]
            ],
        ),
        Table(
            "history",
            ("assessed_on", "number", "factor", "name", "score", "source", "campaign_id", "note", "recorded_at"),
            [
                (
                    _day(row["assessed_on"]),
                    row["factor_number"],
                    row["factor"],
                    row["factor_name"],
                    _score(row["score"]),
                    row["source"],
                    row["campaign_id"],
                    row["note"],
                    _day(row["recorded_at"]),
                )
                for row in shown["history"]
            ],
        ),
        Table(
            "evidence",
            ("number", "factor", "name", "item_key", "item", "done", "note", "checked_at"),
            [
                (
                    row["factor_number"],
                    row["factor"],
                    names.get(row["factor"], row["factor"]),
                    row["item_key"],
                    row["text"],
                    row["done"],
                    row["note"],
                    _day(row["checked_at"]),
                )
                for row in evidence
            ],
        ),
    ]


def readiness_download(programme: ChangeProgramme, file_format: str) -> HttpResponse:
    stem = f"change-programme-{programme.pk}-readiness"
    return download(programme.organization, stem, readiness_tables(programme), file_format)
