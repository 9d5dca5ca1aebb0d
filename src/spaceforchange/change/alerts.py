"""The change-programme warning rules in the alerts app, and the programme as a subject of warnings.

One evaluator runs the five rules of ``analytics.change.rules`` over every watched programme of
the organisation (not archived, planned or under way) in a fixed number of queries. A warning
about a programme is for its owner and its named sponsor.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date

from django.urls import reverse

from spaceforchange.alerts.registry import register, register_subject
from spaceforchange.analytics.change import rules as warning_rules
from spaceforchange.change import selectors
from spaceforchange.change.models import ChangeProgramme
from spaceforchange.core.models import Organization


@register(*warning_rules.RULE_KEYS)
def programme_rules(
    organization: Organization, thresholds_by_rule: Mapping[str, Mapping[str, float]], today: date
) -> list[warning_rules.Firing]:
    """Every change-programme rule the organisation's warnings pack enables, over one snapshot."""
    facts = selectors.programme_facts(organization)
    if not facts:
        return []
    return warning_rules.evaluate(facts, thresholds_by_rule, rules=set(thresholds_by_rule))


def _programme_names(organization: Organization, ids: Collection[int]) -> Mapping[int, str]:
    return dict(ChangeProgramme.objects.filter(organization=organization, pk__in=ids).values_list("pk", "name"))


def _programme_people(organization: Organization, ids: Collection[int]) -> Mapping[int, Collection[int]]:
    rows = ChangeProgramme.objects.filter(organization=organization, pk__in=ids).values_list(
        "pk", "owner_id", "sponsor_id"
    )
    return {pk: {person for person in (owner, sponsor) if person is not None} for pk, owner, sponsor in rows}


def _programme_url(organization_slug: str, programme_id: int) -> str:
    return reverse("change:programme", kwargs={"org_slug": organization_slug, "programme_id": programme_id})


register_subject(warning_rules.PROGRAMME, labels=_programme_names, responsible=_programme_people, url=_programme_url)
