"""The five legitimacy warning rules in the alerts app, and judgments and gray-zone entries as subjects.

One evaluator runs every rule of ``domain.RULES`` (FRAMEWORKS.md, "Warnings the product raises";
thresholds from the organisation's warnings pack): it loads the organisation's snapshot once per
evaluation, in a fixed number of queries, and hands it to the pure rules.

The snapshot holds the history of the cells whose current judgment is not the best state (no rule
fires on a cell that stands at legitimate, unless ``min_state`` is 1), read through the current
flag; times are turned into the organisation's time zone first, so the rules count whole days as
the organisation lives them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from spaceforchange.alerts.domain import Firing
from spaceforchange.alerts.registry import register, register_subject
from spaceforchange.core.models import Organization
from spaceforchange.core.selectors import organization_zone
from spaceforchange.legitimacy import domain
from spaceforchange.legitimacy.models import (
    GrayZoneEntry,
    GrayZoneStatus,
    Judgment,
    JudgmentCondition,
    LegitimationAction,
    Stakeholder,
)
from spaceforchange.legitimacy.subject_selectors import as_tactic, subject_ref
from spaceforchange.legitimacy.terms import pack_terms

RESOURCE_RULE = "resource_holder_judges_illegitimate"


@register(*domain.RULE_KEYS)
def legitimacy_rules(
    organization: Organization, thresholds_by_rule: Mapping[str, Mapping[str, float]], today: date
) -> list[Firing]:
    """Every legitimacy rule the organisation's warnings pack enables, over one snapshot."""
    vocabulary = pack_terms(organization, settings.LANGUAGE_CODE).vocabulary
    min_state = domain.thresholds_for(RESOURCE_RULE, thresholds_by_rule)["min_state"]
    every_cell = RESOURCE_RULE in thresholds_by_rule and min_state <= 1
    snapshot = organization_snapshot(organization, vocabulary, every_cell=every_cell)
    return domain.evaluate(snapshot, thresholds_by_rule, today, rules=set(thresholds_by_rule), vocabulary=vocabulary)


def _judgments(organization: Organization, vocabulary: domain.Vocabulary, *, every_cell: bool) -> list[Any]:
    """The histories of the cells that any rule may fire on, as plain rows (two queries)."""
    rows: list[Any] = []
    for side in ("initiative", "policy"):
        current = Judgment.objects.filter(
            is_current=True,
            stakeholder=OuterRef("stakeholder"),
            legitimacy_type=OuterRef("legitimacy_type"),
            **{side: OuterRef(side)},
        )
        if not every_cell:
            current = current.exclude(state=vocabulary.states[0])
        history = Judgment.objects.filter(organization=organization, **{f"{side}__isnull": False})
        history = history.filter(Exists(current)).order_by("recorded_at", "pk")
        rows += history.values_list(
            "pk",
            "stakeholder_id",
            "initiative_id",
            "policy_id",
            "legitimacy_type",
            "state",
            "recorded_at",
            "unknown_cause",
            "is_current",
        )
    return rows


def _conditions(organization: Organization) -> dict[int, list[domain.Condition]]:
    conditions: dict[int, list[domain.Condition]] = defaultdict(list)
    rows = JudgmentCondition.objects.filter(organization=organization, judgment__is_current=True)
    for pk, judgment_id, review_on, at_risk in rows.values_list("pk", "judgment_id", "review_on", "at_risk"):
        conditions[judgment_id].append(domain.Condition(pk, review_on, at_risk))
    return conditions


def _actions(organization: Organization, zone: Any) -> tuple[domain.LegitimationAction, ...]:
    through = LegitimationAction.stakeholders.through
    targets: dict[int, set[int]] = defaultdict(set)
    links = through.objects.filter(legitimationaction__organization=organization)
    for action_id, stakeholder_id in links.values_list("legitimationaction_id", "stakeholder_id"):
        targets[action_id].add(stakeholder_id)
    rows = LegitimationAction.objects.filter(organization=organization).values_list(
        "pk", "initiative_id", "policy_id", "created_at", "done_on"
    )
    return tuple(
        domain.LegitimationAction(
            pk,
            subject_ref(initiative_id, policy_id),
            frozenset(targets.get(pk, ())),
            timezone.localtime(created_at, zone).date(),
            done_on,
        )
        for pk, initiative_id, policy_id, created_at, done_on in rows
    )


def organization_snapshot(
    organization: Organization, vocabulary: domain.Vocabulary, *, every_cell: bool = False
) -> domain.LegitimacySnapshot:
    """All the organisation's legitimacy records the rules read, in seven queries."""
    zone = organization_zone(organization)
    conditions = _conditions(organization)
    judgments = []
    for pk, holder, initiative_id, policy_id, kind, state, at, cause, current in _judgments(
        organization, vocabulary, every_cell=every_cell
    ):
        subject = subject_ref(initiative_id, policy_id)
        attached = tuple(conditions.get(pk, ())) if current else ()
        judgments.append(
            domain.Judgment(pk, holder, subject, kind, state, timezone.localtime(at, zone), attached, cause or None)
        )
    holders = Stakeholder.objects.filter(organization=organization, controls_resources=True)
    stakeholders = tuple(
        domain.Stakeholder(pk, name, influence, interest, True)
        for pk, name, influence, interest in holders.values_list("pk", "name", "influence", "interest")
    )
    live = GrayZoneEntry.objects.filter(
        organization=organization, status__in=(GrayZoneStatus.PROPOSED, GrayZoneStatus.APPROVED)
    )
    tactics = tuple(as_tactic(entry, timezone.localtime(entry.proposed_at, zone).date()) for entry in live)
    return domain.LegitimacySnapshot(tuple(judgments), stakeholders, _actions(organization, zone), tactics)


# --- Judgments and gray-zone entries as subjects of warnings -----------------------------------


def _judgment_labels(organization: Any, ids: Collection[int]) -> Mapping[int, str]:
    rows = Judgment.objects.filter(organization=organization, pk__in=ids).select_related(
        "stakeholder", "initiative", "policy"
    )
    terms = pack_terms(organization, settings.LANGUAGE_CODE)
    labels = {}
    for judgment in rows:
        subject = judgment.initiative or judgment.policy
        title = subject.title if subject is not None else ""
        labels[judgment.pk] = f"{judgment.stakeholder.name} · {title} · {terms.name(judgment.legitimacy_type)}"
    return labels


def _judgment_responsible(organization: Any, ids: Collection[int]) -> Mapping[int, Collection[int]]:
    rows = Judgment.objects.filter(organization=organization, pk__in=ids).values_list(
        "pk", "initiative__owner_id", "policy__manager_id", "stakeholder__contact_owner_id"
    )
    return {pk: {person for person in people if person is not None} for pk, *people in rows}


def _judgment_url(organization_slug: str, judgment_id: int) -> str:
    return reverse("legitimacy:judgment", kwargs={"org_slug": organization_slug, "judgment_id": judgment_id})


def _entry_labels(organization: Any, ids: Collection[int]) -> Mapping[int, str]:
    terms = pack_terms(organization, settings.LANGUAGE_CODE)
    rows = GrayZoneEntry.objects.filter(organization=organization, pk__in=ids).values_list(
        "pk", "tactic", "rule_concerned"
    )
    return {pk: f"{terms.name(tactic)}: {rule[:80]}" for pk, tactic, rule in rows}


def _entry_responsible(organization: Any, ids: Collection[int]) -> Mapping[int, Collection[int]]:
    rows = GrayZoneEntry.objects.filter(organization=organization, pk__in=ids).values_list(
        "pk", "accountable_id", "proposed_by_id"
    )
    return {pk: {person for person in people if person is not None} for pk, *people in rows}


def _entry_url(organization_slug: str, entry_id: int) -> str:
    return reverse("legitimacy:gray_zone_entry", kwargs={"org_slug": organization_slug, "entry_id": entry_id})


register_subject(domain.JUDGMENT, labels=_judgment_labels, responsible=_judgment_responsible, url=_judgment_url)
register_subject(domain.GRAY_ZONE_ENTRY, labels=_entry_labels, responsible=_entry_responsible, url=_entry_url)
