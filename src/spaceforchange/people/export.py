"""People aggregates as downloads: the archetype mix per unit and per team, the teams overview and
the culture trend, as CSV or XLSX.

Only what the pages show goes into a file: a group below the campaign's anonymity threshold (or
hidden so that a small group cannot be worked out from the others) is a row that says so, with
no respondents, counts or shares. No file holds one person's archetype. The tables are written
by the shared table writer of the consultation results (one sheet per table in XLSX; in CSV every
row starts with its table's name), which neutralises text a spreadsheet could read as a formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from spaceforchange.consultations.export import CONTENT_TYPES, Table, as_csv, as_xlsx
from spaceforchange.core.models import Organization
from spaceforchange.people import api_selectors, selectors
from spaceforchange.people.selectors import BY_TEAM, BY_UNIT, MixReport, TeamRow, TrendReport
from spaceforchange.portfolio.services import today_in

FORMATS = ("csv", "xlsx")
ORGANISATION = "organisation"


def format_error(file_format: str) -> str | None:
    """Why ``file_format`` cannot be served, or None for ``csv`` and ``xlsx``."""
    if file_format in FORMATS:
        return None
    return _("Choose the file format csv or xlsx; “%(format)s” is not offered.") % {"format": file_format[:20]}


def filename(organization: Organization, stem: str, file_format: str) -> str:
    """``northbay-archetype-mix-2026-11-29.csv``: the organisation, what it holds, the organisation's day."""
    return f"{organization.slug}-{stem}-{today_in(organization).isoformat()}.{file_format}"


def download(organization: Organization, stem: str, made: Sequence[Table], file_format: str) -> HttpResponse:
    """The tables as an attachment in ``file_format`` (one of ``FORMATS``)."""
    content = as_xlsx(made) if file_format == "xlsx" else as_csv(made)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename(organization, stem, file_format)}"'
    return response


# --- Archetype mix ------------------------------------------------------------------------------


def _mix_row(kind: str, key: str, label: str, mix: Any, report: MixReport) -> tuple[Any, ...]:
    shown = api_selectors.mix_as_dict(mix, report.threshold)
    keys = [term.key for term in report.archetypes]
    counts = shown["counts"] or {}
    shares = shown["shares"] or {}
    figures: list[Any] = []
    for archetype in keys:
        figures.append(counts.get(archetype) if not shown["suppressed"] else None)
    for archetype in keys:
        figures.append(round(shares[archetype], 6) if not shown["suppressed"] and archetype in shares else None)
    return (kind, key, label, shown["respondents"], shown["suppressed"], shown["note"], *figures)


def _mix_columns(report: MixReport) -> tuple[str, ...]:
    keys = [term.key for term in report.archetypes]
    return (
        "group",
        "group_id",
        "name",
        "respondents",
        "suppressed",
        "note",
        *(f"{key}_count" for key in keys),
        *(f"{key}_share" for key in keys),
    )


def archetype_tables(reports: Sequence[MixReport]) -> list[Table]:
    """The organisation's mix, then its units' and its teams' (the same campaign in every report)."""
    first = reports[0]
    rows: list[tuple[Any, ...]] = [_mix_row(ORGANISATION, "", first.campaign.organization.name, first.total, first)]
    for report in reports:
        rows += [_mix_row(str(report.by), group.key, group.label, group.mix, report) for group in report.groups]
    summary = Table(
        "campaign",
        ("campaign_id", "campaign", "anonymity_threshold", "archetypes"),
        [
            (
                first.campaign.pk,
                first.campaign.title,
                first.threshold,
                "; ".join(f"{term.key}={term.name}" for term in first.archetypes),
            )
        ],
    )
    return [summary, Table("archetype_mix", _mix_columns(first), rows)]


def archetype_download(organization: Organization, campaign: Any, file_format: str) -> HttpResponse:
    """The campaign's archetype mix for the organisation, per unit and per team."""
    reports = [selectors.archetype_mix(campaign, by=BY_UNIT), selectors.archetype_mix(campaign, by=BY_TEAM)]
    return download(organization, "archetype-mix", archetype_tables(reports), file_format)


# --- Teams --------------------------------------------------------------------------------------


TEAM_COLUMNS = (
    "team_id",
    "name",
    "unit",
    "members",
    "autonomy_level",
    "transition_status",
    "transition_started_on",
    "self_managed",
    "exploration_share",
    "exploration_period",
    "last_alignment_on",
    "roles_covered",
    "roles_total",
    "warnings",
    "archived",
)


def _day(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def team_tables(rows: Sequence[TeamRow]) -> list[Table]:
    return [
        Table(
            "teams",
            TEAM_COLUMNS,
            [
                (
                    row.team.pk,
                    row.team.name,
                    row.unit.name if row.unit is not None else None,
                    row.members,
                    row.autonomy_level,
                    row.transition_status,
                    _day(row.team.transition_started_on),
                    row.self_managed,
                    float(row.exploration_share) if row.exploration_share is not None else None,
                    row.exploration_period or None,
                    _day(row.last_alignment_on),
                    row.roles_covered,
                    row.roles_total,
                    "; ".join(firing.rule_key for firing in row.warnings),
                    row.archived,
                )
                for row in rows
            ],
        )
    ]


def teams_download(organization: Organization, file_format: str, *, include_archived: bool = False) -> HttpResponse:
    rows = selectors.teams_overview(organization, include_archived=include_archived)
    return download(organization, "teams", team_tables(rows), file_format)


# --- Culture trend ------------------------------------------------------------------------------


CULTURE_COLUMNS = (
    "campaign_id",
    "campaign",
    "closed_on",
    "unit",
    "respondents",
    "suppressed",
    "note",
    "dimension",
    "dimension_name",
    "mean",
    "change",
    "beyond_interval",
)


def culture_tables(report: TrendReport) -> list[Table]:
    shown = api_selectors.trend_as_dict(report)
    names = {term.key: term.name for term in report.dimensions}
    unit = report.unit.name if report.unit is not None else None
    rows: list[tuple[Any, ...]] = []
    for point in shown["points"]:
        for key, name in names.items():
            change = point["changes"].get(key)
            mean = point["means"].get(key)
            rows.append(
                (
                    point["campaign_id"],
                    point["campaign_title"],
                    _day(point["closed_on"]),
                    unit,
                    point["respondents"],
                    point["suppressed"],
                    point["note"],
                    key,
                    name,
                    None if mean is None else round(mean, 4),
                    None if change is None or change["change"] is None else round(change["change"], 4),
                    None if change is None else change["beyond_interval"],
                )
            )
    return [Table("culture_trend", CULTURE_COLUMNS, rows)]


def culture_download(organization: Organization, unit: Any, file_format: str) -> HttpResponse:
    report = selectors.culture_trend(organization, unit)
    stem = "culture-trend" if unit is None else f"culture-trend-unit-{unit.pk}"
    return download(organization, stem, culture_tables(report), file_format)
