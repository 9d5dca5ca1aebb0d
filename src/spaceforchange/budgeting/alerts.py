"""The money warning rules in the alerts app: strategy–budget disconnect, unit without a demonstrated
contribution, and the strategy not revised within its cadence (``ai_strategy_not_revised``: the
strategic construct lives here, so its rule is evaluated here).

One evaluator reads the organisation's ``indicators.money_snapshot`` (a fixed number of queries) and
hands it to the pure rules of ``domain``; thresholds come from the organisation's warnings pack.
Firings carry their subject's label (a unit's name), so no subject kind is registered for units,
which other apps' rules name too.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date

from django.urls import reverse

from spaceforchange.alerts.registry import register, register_subject
from spaceforchange.budgeting import domain
from spaceforchange.budgeting.indicators import money_snapshot
from spaceforchange.budgeting.models import Strategy
from spaceforchange.core.models import Organization


@register(*domain.RULE_KEYS)
def money_rules(
    organization: Organization, thresholds_by_rule: Mapping[str, Mapping[str, float]], today: date
) -> list[domain.Firing]:
    """Every money rule the organisation's warnings pack enables, over one snapshot."""
    snapshot = money_snapshot(organization, today)
    return domain.evaluate(snapshot, thresholds_by_rule, today, rules=set(thresholds_by_rule))


def _strategy_responsible(organization: Organization, ids: Collection[int]) -> Mapping[int, Collection[int]]:
    """The owners of the active goals answer for the strategy's revision."""
    if not Strategy.objects.filter(organization=organization, pk__in=ids).exists():
        return {}
    owners = set(
        organization.goals.filter(active=True, owner__isnull=False).values_list("owner_id", flat=True)  # type: ignore[attr-defined]
    )
    return dict.fromkeys(ids, owners)


def _strategy_url(organization_slug: str, strategy_id: int) -> str:
    return reverse("budgeting:strategy", kwargs={"org_slug": organization_slug})


register_subject(domain.STRATEGY, responsible=_strategy_responsible, url=_strategy_url)
