"""The people and team warning rules in the alerts app, and the team as a subject of warnings.

One evaluator runs the six rules of ``analytics.people.rules``: the unit rules over the units'
archetype mixes (only mixes the organisation may see, see ``selectors.unit_mixes``), the team
rules over every team's record, in a fixed number of queries. Unit firings carry the unit's name
as their label (no subject kind is registered for units, which other apps' rules name too); the
``team`` subject kind is registered with its names, the people responsible (whoever holds one of
the team's leader roles) and its page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from datetime import date

from django.urls import reverse

from spaceforchange.alerts.registry import register, register_subject
from spaceforchange.analytics.people import rules
from spaceforchange.core.models import Organization
from spaceforchange.people import selectors
from spaceforchange.people.models import LeaderRole, Team
from spaceforchange.people.terms import TEAM_SUBJECT


@register(*rules.RULE_KEYS)
def people_rules(
    organization: Organization, thresholds_by_rule: Mapping[str, Mapping[str, float]], today: date
) -> list[rules.Firing]:
    """Every people and team rule the organisation's warnings pack enables."""
    enabled = set(thresholds_by_rule)
    mixes = selectors.unit_mixes(organization) if enabled & set(rules.UNIT_RULES) else []
    strategy = (
        selectors.strategy_facts(organization) if rules.BOHEMIANS_WITHOUT_STRATEGY in enabled else rules.StrategyFacts()
    )
    teams = _team_facts(organization) if enabled & set(rules.TEAM_RULES) else []
    return rules.evaluate(
        mixes=mixes, teams=teams, strategy=strategy, thresholds_by_rule=thresholds_by_rule, today=today, rules=enabled
    )


def _team_facts(organization: Organization) -> list[rules.TeamFacts]:
    teams = list(Team.objects.filter(organization=organization, archived=False).order_by("pk"))
    ids = [team.pk for team in teams]
    shares = selectors.latest_shares(ids)
    covered = selectors.covered_roles(ids)
    return [selectors.team_facts(team, shares.get(team.pk), covered.get(team.pk, frozenset())) for team in teams]


def _team_names(organization: Organization, ids: Collection[int]) -> Mapping[int, str]:
    return dict(Team.objects.filter(organization=organization, pk__in=ids).values_list("pk", "name"))


def _team_responsible(organization: Organization, ids: Collection[int]) -> Mapping[int, Collection[int]]:
    """The members who hold one of the team's leader roles answer for its warnings."""
    holders: dict[int, set[int]] = defaultdict(set)
    rows = LeaderRole.objects.filter(organization=organization, team_id__in=ids, holder__isnull=False)
    for team_id, holder_id in rows.values_list("team_id", "holder_id"):
        holders[team_id].add(holder_id)
    return holders


def _team_url(organization_slug: str, team_id: int) -> str:
    return reverse("people:team", kwargs={"org_slug": organization_slug, "team_id": team_id})


register_subject(TEAM_SUBJECT, labels=_team_names, responsible=_team_responsible, url=_team_url)
