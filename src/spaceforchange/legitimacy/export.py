"""Legitimacy as downloads: stakeholders, current judgments, legitimation actions and gray-zone entries.

JSON is one object with a list per table; XLSX one sheet per table; CSV the four tables one after
the other, every row (header rows included) starting with the table's name in a ``table`` column,
so one file holds them all and a spreadsheet filter separates them. Rows carry pack keys rather
than names, so a file reads the same in every language; people are named by email. Text typed by
people is neutralised where a spreadsheet could read it as a formula.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from spaceforchange.assessments.results_export import neutralise
from spaceforchange.core.models import Organization
from spaceforchange.legitimacy.models import GrayZoneEntry, Judgment, LegitimationAction, Stakeholder

FORMATS = ("csv", "xlsx", "json")


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]


def _email(person: Any) -> str | None:
    return None if person is None else person.email


def _subject(row: Any) -> dict[str, Any]:
    return {"initiative_id": row.initiative_id, "policy_id": row.policy_id}


def _when(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def stakeholder_rows(organization: Organization) -> list[dict[str, Any]]:
    rows = (
        Stakeholder.objects.filter(organization=organization)
        .select_related("contact_owner")
        .prefetch_related("initiatives", "policies")
        .order_by("name", "pk")
    )
    return [
        {
            "id": s.pk,
            "name": s.name,
            "kind": s.kind,
            "category": s.category,
            "internal": s.internal,
            "influence": s.influence,
            "interest": s.interest,
            "controls_resources": s.controls_resources,
            "contact_owner": _email(s.contact_owner),
            "notes": s.notes,
            "initiative_ids": sorted(item.pk for item in s.initiatives.all()),
            "policy_ids": sorted(item.pk for item in s.policies.all()),
            "active": s.active,
        }
        for s in rows
    ]


def judgment_rows(organization: Organization) -> list[dict[str, Any]]:
    """The current judgments (the latest per stakeholder, subject and type) with their conditions."""
    rows = (
        Judgment.objects.filter(organization=organization, is_current=True)
        .select_related("recorded_by")
        .prefetch_related("conditions")
        .order_by("stakeholder_id", "initiative_id", "policy_id", "legitimacy_type", "pk")
    )
    return [
        {
            "id": j.pk,
            "stakeholder_id": j.stakeholder_id,
            **_subject(j),
            "legitimacy_type": j.legitimacy_type,
            "state": j.state,
            "conditions": [
                {"text": c.text, "review_on": c.review_on.isoformat(), "at_risk": c.at_risk} for c in j.conditions.all()
            ],
            "mitigating_factors": j.mitigating_factors,
            "unknown_cause": j.unknown_cause,
            "evidence": j.evidence,
            "recorded_by": _email(j.recorded_by),
            "recorded_at": _when(j.recorded_at),
        }
        for j in rows
    ]


def action_rows(organization: Organization) -> list[dict[str, Any]]:
    rows = (
        LegitimationAction.objects.filter(organization=organization)
        .select_related("owner")
        .prefetch_related("stakeholders")
        .order_by("created_at", "pk")
    )
    return [
        {
            "id": a.pk,
            **_subject(a),
            "strategy": a.strategy,
            "goal": a.goal,
            "mode": a.mode,
            "description": a.description,
            "stakeholder_ids": sorted(s.pk for s in a.stakeholders.all()),
            "planned_on": _when(a.planned_on),
            "done_on": _when(a.done_on),
            "owner": _email(a.owner),
            "outcome": a.outcome,
            "created_at": _when(a.created_at),
        }
        for a in rows
    ]


def tactic_rows(organization: Organization) -> list[dict[str, Any]]:
    rows = (
        GrayZoneEntry.objects.filter(organization=organization)
        .select_related("accountable", "proposed_by", "decided_by")
        .order_by("proposed_at", "pk")
    )
    return [
        {
            "id": e.pk,
            **_subject(e),
            "tactic": e.tactic,
            "rule_concerned": e.rule_concerned,
            "rationale": e.rationale,
            "risks": e.risks,
            "accountable": _email(e.accountable),
            "proposed_by": _email(e.proposed_by),
            "proposed_at": _when(e.proposed_at),
            "review_on": _when(e.review_on),
            "status": e.status,
            "approved": e.status == "approved",
            "decided_by": _email(e.decided_by),
            "decided_at": _when(e.decided_at),
            "ended_reason": e.ended_reason,
            "ended_at": _when(e.ended_at),
        }
        for e in rows
    ]


def tables(organization: Organization) -> list[Table]:
    """The four tables, each in a fixed number of queries."""
    made = []
    for name, rows in (
        ("stakeholders", stakeholder_rows(organization)),
        ("judgments", judgment_rows(organization)),
        ("actions", action_rows(organization)),
        ("tactics", tactic_rows(organization)),
    ):
        columns = tuple(rows[0]) if rows else COLUMNS[name]
        made.append(Table(name, columns, rows))
    return made


# Column names of empty tables (the same keys the row builders write).
COLUMNS: dict[str, tuple[str, ...]] = {
    "stakeholders": ("id", "name", "kind", "category", "internal", "influence", "interest", "controls_resources",
                     "contact_owner", "notes", "initiative_ids", "policy_ids", "active"),
    "judgments": ("id", "stakeholder_id", "initiative_id", "policy_id", "legitimacy_type", "state", "conditions",
                  "mitigating_factors", "unknown_cause", "evidence", "recorded_by", "recorded_at"),
    "actions": ("id", "initiative_id", "policy_id", "strategy", "goal", "mode", "description", "stakeholder_ids",
                "planned_on", "done_on", "owner", "outcome", "created_at"),
    "tactics": ("id", "initiative_id", "policy_id", "tactic", "rule_concerned", "rationale", "risks", "accountable",
                "proposed_by", "proposed_at", "review_on", "status", "approved", "decided_by", "decided_at",
                "ended_reason", "ended_at"),
}  # fmt: skip


def _flat(value: Any) -> Any:
    """A cell: lists joined by "; ", conditions as "text (review date)", nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(
            f"{item['text']} ({item['review_on']}{', at risk' if item['at_risk'] else ''})"
            if isinstance(item, dict)
            else str(item)
            for item in value
        )
    return value


def _cells(table: Table) -> Iterator[list[Any]]:
    for row in table.rows:
        yield [_flat(row[column]) for column in table.columns]


def as_json(made: Sequence[Table]) -> bytes:
    return (json.dumps({t.name: t.rows for t in made}, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def as_csv(made: Sequence[Table]) -> bytes:
    """UTF-8 with a byte order mark, so a spreadsheet reads ``æøå``; no value is read as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for table in made:
        writer.writerow(["table", *table.columns])
        for cells in _cells(table):
            writer.writerow([table.name, *(neutralise(cell) for cell in cells)])
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(made: Sequence[Table]) -> bytes:
    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    for table in made:
        sheet = workbook.create_sheet(table.name.capitalize())
        sheet.append(list(table.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for cells in _cells(table):
            sheet.append([neutralise(ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c) for c in cells])
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export(organization: Organization, format: str) -> bytes:
    made = tables(organization)
    return {"json": as_json, "csv": as_csv, "xlsx": as_xlsx}[format](made)
