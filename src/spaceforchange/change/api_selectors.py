"""Reads shaped for the change-programme API and its downloads, on top of ``selectors``.

Each takes the organisation (or a programme already fetched through it); another organisation's
ids give 404. Readiness is read as the pages read it: the current score of a factor is its latest
entry, whatever its source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from spaceforchange.analytics.change.readiness import FactorReading, overall
from spaceforchange.change import selectors
from spaceforchange.change.models import ChangeProgramme, Milestone, ReadinessEntry, Subsystem, Supporter
from spaceforchange.change.terms import ChangeTerms, change_terms, factor_number
from spaceforchange.core.models import Organization


def language() -> str:
    return (get_language() or "en").split("-")[0]


def programme_of(organization: Organization, programme_id: int) -> ChangeProgramme:
    """The organisation's programme (archived too); a problem 404 for any other id."""
    found = (
        ChangeProgramme.objects.select_related("owner", "sponsor", "organization")
        .filter(organization=organization, pk=programme_id)
        .first()
    )
    if found is None:
        raise HttpError(404, _("No change programme of this organisation has the id %(id)d.") % {"id": programme_id})
    return found


def part_of(programme: ChangeProgramme, model: type[Any], pk: int, what: str) -> Any:
    """A milestone, subsystem or supporter of the programme; another programme's is a 404."""
    found = model.objects.filter(organization_id=programme.organization_id, programme=programme, pk=pk).first()
    if found is None:
        raise HttpError(404, _("The programme has no %(what)s with the id %(id)d.") % {"what": what, "id": pk})
    return found


def _money(value: Any) -> float | None:
    return None if value is None else float(value)


def scores(readings: Mapping[str, FactorReading]) -> dict[str, float | None]:
    return {factor: reading.score for factor, reading in readings.items()}


def programme_rows(rows: Sequence[ChangeProgramme]) -> list[dict[str, Any]]:
    """Programmes as ``ProgrammeOut``, with their current readiness, in a fixed number of queries."""
    chosen = list(rows)
    summaries = selectors.programme_summaries(chosen)
    ids = [programme.pk for programme in chosen]
    initiatives: dict[int, list[int]] = {pk: [] for pk in ids}
    lines: dict[int, list[int]] = {pk: [] for pk in ids}
    for programme_id, initiative_id in ChangeProgramme.initiatives.through.objects.filter(
        changeprogramme_id__in=ids
    ).values_list("changeprogramme_id", "initiative_id"):
        initiatives[programme_id].append(initiative_id)
    for programme_id, line_id in ChangeProgramme.budget_lines.through.objects.filter(
        changeprogramme_id__in=ids
    ).values_list("changeprogramme_id", "budgetline_id"):
        lines[programme_id].append(line_id)
    return [
        programme_as_dict(
            programme, summaries[programme.pk], sorted(initiatives[programme.pk]), sorted(lines[programme.pk])
        )
        for programme in chosen
    ]


def programme_as_dict(
    programme: ChangeProgramme, summary: Any, initiative_ids: list[int], budget_line_ids: list[int]
) -> dict[str, Any]:
    return {
        "id": programme.pk,
        "name": programme.name,
        "status": programme.status,
        "owner_id": programme.owner_id,
        "sponsor_id": programme.sponsor_id,
        "vision": programme.vision,
        "causal_theory": programme.causal_theory,
        "institutionalisation_plan": programme.institutionalisation_plan,
        "resource_budget": _money(programme.resource_budget),
        "resource_fte": _money(programme.resource_fte),
        "resource_training": programme.resource_training,
        "resource_time": programme.resource_time,
        "initiative_ids": initiative_ids,
        "budget_line_ids": budget_line_ids,
        "readiness": scores(summary.readings),
        "factors_scored": summary.scored,
        "overall_readiness": summary.overall,
        "warning_count": summary.warnings,
        "archived": programme.archived,
        "created_at": programme.created_at,
        "updated_at": programme.updated_at,
    }


def milestone_as_dict(row: Milestone) -> dict[str, Any]:
    return {
        "id": row.pk,
        "title": row.title,
        "due_on": row.due_on,
        "done_on": row.done_on,
        "institutionalisation": row.institutionalisation,
        "order": row.order,
    }


def subsystem_as_dict(row: Subsystem) -> dict[str, Any]:
    return {"id": row.pk, "name": row.name, "aligned": row.aligned, "note": row.note}


def supporter_as_dict(row: Supporter) -> dict[str, Any]:
    return {"id": row.pk, "name": row.name, "kind": row.kind, "user_id": row.user_id, "note": row.note}


def programme_detail(programme: ChangeProgramme) -> dict[str, Any]:
    """The programme with its plan, people, links and warnings (``ProgrammeDetailOut``)."""
    fresh = programme_of(programme.organization, programme.pk)
    return programme_rows([fresh])[0] | {
        "milestones": [milestone_as_dict(row) for row in selectors.milestones(fresh)],
        "subsystems": [subsystem_as_dict(row) for row in selectors.subsystems(fresh)],
        "supporters": [supporter_as_dict(row) for row in selectors.supporters(fresh)],
        "warnings": [
            {
                "rule_key": warning.rule_key,
                "name": warning.name,
                "description": warning.description,
                "severity": warning.severity,
                "facts": dict(warning.facts),
            }
            for warning in selectors.programme_warnings(fresh, language=language())
        ],
    }


def entry_as_dict(entry: ReadinessEntry, terms: ChangeTerms) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "factor": entry.factor_key,
        "factor_number": factor_number(entry.factor_key),
        "factor_name": terms.names.get(entry.factor_key, entry.factor_key),
        "score": float(entry.score),
        "source": entry.source,
        "campaign_id": entry.campaign_id,
        "assessed_on": entry.assessed_on,
        "note": entry.note,
        "recorded_at": entry.recorded_at,
    }


def readings_as_dicts(readings: Mapping[str, FactorReading], terms: ChangeTerms) -> list[dict[str, Any]]:
    return [
        {
            "factor": reading.factor,
            "number": reading.number,
            "name": terms.names.get(reading.factor, reading.factor),
            "score": reading.score,
            "source": reading.source,
            "assessed_on": reading.assessed_on,
            "evidence_done": reading.evidence_done,
            "evidence_total": reading.evidence_total,
        }
        for reading in readings.values()
    ]


def readiness_as_dict(programme: ChangeProgramme) -> dict[str, Any]:
    """The current reading of every factor and the whole history, newest first (``ReadinessOut``)."""
    terms = change_terms(programme.organization, language())
    readings = selectors.programme_readiness(programme)
    return {
        "programme_id": programme.pk,
        "overall": overall(readings),
        "factors": readings_as_dicts(readings, terms),
        "history": [entry_as_dict(entry, terms) for entry in selectors.readiness_history(programme)],
    }


def evidence_as_dicts(programme: ChangeProgramme) -> list[dict[str, Any]]:
    """Every item of every factor's checklist with whether it is in place (``EvidenceItemOut``)."""
    terms = change_terms(programme.organization, language())
    checks = selectors.evidence_checks(programme)
    return [
        evidence_item_as_dict(item.key, item.factor, item.text, checks.get(item.key))
        for factor in terms.factors
        for item in factor.evidence
    ]


def evidence_item_as_dict(key: str, factor: str, text: str, check: Any) -> dict[str, Any]:
    return {
        "item_key": key,
        "factor": factor,
        "factor_number": factor_number(factor),
        "text": text,
        "done": bool(check.done) if check is not None else False,
        "note": check.note if check is not None else "",
        "checked_at": check.checked_at if check is not None else None,
    }
