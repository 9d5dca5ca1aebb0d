"""Reads shaped for the consultations API: the ids in a request body as the organisation's objects, and
the latest opinion map as plain JSON-ready values.

The page's ``results_selectors.opinion_view`` already joins the snapshot with the statements' texts
and vote counts (one query for the statements whatever the size of the map); this module only
turns that view into the API's shape, with every ranking complete rather than cut to the page's
top ten, and without the participants' coordinates, which a client rarely needs and which grow
with the number of participants.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from spaceforchange.consultations import results_selectors, selectors
from spaceforchange.consultations.models import Consultation
from spaceforchange.core.models import Organization
from spaceforchange.policies.models import Policy
from spaceforchange.portfolio.models import Initiative

# Fields a client may leave out but not set to null: the service has no "nothing" for them.
NOT_NULL = ("title", "description", "opens_at", "access", "allow_participant_statements", "strict_moderation")


def linked_objects(organization: Organization, values: dict[str, Any]) -> dict[str, Any]:
    """The body's ids as the organisation's policy and initiative; an id it does not have is a 422."""
    lookups: dict[str, tuple[str, QuerySet[Any]]] = {
        "policy_id": ("policy", Policy.objects.filter(organization=organization)),
        "initiative_id": ("initiative", Initiative.objects.filter(organization=organization)),
    }
    errors: dict[str, list[str]] = {}
    for key, (name, queryset) in lookups.items():
        if key not in values:
            continue
        wanted = values.pop(key)
        found = queryset.filter(pk=wanted).first() if wanted is not None else None
        if wanted is not None and found is None:
            errors[key] = [_("The organisation has no such id.")]
        values[name] = found
    errors.update({key: [_("This field cannot be null.")] for key in NOT_NULL if key in values and values[key] is None})
    if errors:
        raise ValidationError(errors)
    return values


def _statement(figures: results_selectors.StatementFigures) -> dict[str, Any]:
    return {"statement_id": figures.id, "text": figures.text}


def _ranked(rows: tuple[results_selectors.Ranked, ...]) -> list[dict[str, Any]]:
    return [{**_statement(row.statement), "value": row.value} for row in rows]


def _consensus(rows: tuple[results_selectors.Ranked, ...]) -> list[dict[str, Any]]:
    return [
        {**_statement(row.statement), "probability": row.value, "n_success": row.n_success, "n_seen": row.n_seen}
        for row in rows
    ]


def _group(group: results_selectors.Group) -> dict[str, Any]:
    return {
        "label": group.label,
        "name": group.name,
        "size": group.size,
        "representative": [
            {
                **_statement(row.statement),
                "direction": row.direction,
                "probability": row.share,
                "n_agree": row.n_agree,
                "n_disagree": row.n_disagree,
                "n_seen": row.n_seen,
                "repness": row.repness,
            }
            for row in group.representative
        ],
    }


def opinion_results(consultation: Consultation) -> dict[str, Any]:
    """The latest opinion map of the consultation; before the first one, the same keys empty or null."""
    snapshot = selectors.latest_snapshot(consultation)
    if snapshot is None:
        return {
            "consultation_id": consultation.pk,
            "computed_at": None,
            "votes_counted": None,
            "seconds": None,
            "participants_in": 0,
            "division": None,
            "groups": [],
            "consensus_agree": [],
            "consensus_disagree": [],
            "group_aware_consensus": [],
            "divisive": [],
        }
    view = results_selectors.opinion_view(consultation, snapshot, top=None)
    return {
        "consultation_id": consultation.pk,
        "computed_at": snapshot.computed_at,
        "votes_counted": snapshot.votes_counted,
        "seconds": snapshot.seconds,
        "participants_in": view.participants_in,
        "division": view.division,
        "groups": [_group(group) for group in view.groups],
        "consensus_agree": _consensus(view.consensus_agree),
        "consensus_disagree": _consensus(view.consensus_disagree),
        "group_aware_consensus": _ranked(view.group_aware),
        "divisive": _ranked(view.divisive),
    }
