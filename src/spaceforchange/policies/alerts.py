"""The policy warning rules in the alerts app, and the policy as a subject of warnings.

One evaluator runs the three policy rules of ``domain`` (``legitimacy_tension``,
``tension_escalating``, ``policy_without_manager``) over every policy of the organisation in a
fixed number of queries. ``tension_escalating`` reads the stored levels, which must include the
latest placement (docs/reference/tension-index.md), so the evaluator first stores today's index
of every policy that has none yet: the nightly ``sfc alerts evaluate`` keeps the history daily
even when nothing was written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from datetime import date, timedelta

from django.conf import settings
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.urls import reverse

from spaceforchange.alerts.registry import register, register_subject
from spaceforchange.core.models import Organization
from spaceforchange.policies import domain, selectors
from spaceforchange.policies.models import Policy, TensionSnapshot
from spaceforchange.policies.terms import policy_terms


def _store_missing(organization: Organization, today: date) -> None:
    # Imported here: services queue alert evaluations, and this module is imported by the alerts app.
    from spaceforchange.policies.services import store_tension

    missing = list(
        Policy.objects.filter(organization=organization)
        .exclude(tension__computed_on=today)
        .values_list("pk", flat=True)
    )
    if missing:
        store_tension(organization, missing, today)


def _levels(organization: Organization, since: date) -> dict[int, list[domain.LevelPoint]]:
    """Each policy's stored levels from ``since`` on, and the one standing at ``since``."""
    grouped: dict[int, list[domain.LevelPoint]] = defaultdict(list)
    before = TensionSnapshot.objects.filter(organization=organization, computed_on__lt=since).annotate(
        rank=Window(RowNumber(), partition_by=[F("policy_id")], order_by=[F("computed_on").desc()])
    )
    for policy_id, on, level in before.filter(rank=1).values_list("policy_id", "computed_on", "level"):
        grouped[policy_id].append(domain.LevelPoint(on, level))
    recent = TensionSnapshot.objects.filter(organization=organization, computed_on__gte=since).order_by("computed_on")
    for policy_id, on, level in recent.values_list("policy_id", "computed_on", "level"):
        grouped[policy_id].append(domain.LevelPoint(on, level))
    return grouped


def policy_snapshots(
    organization: Organization, today: date, *, window_days: int, states: tuple[str, ...] = domain.STATES
) -> list[domain.PolicySnapshot]:
    """Every policy of the organisation as the warning rules read it."""
    judgments = selectors.current_judgments(organization, states=states)
    levels = _levels(organization, today - timedelta(days=window_days))
    rows = Policy.objects.filter(organization=organization).order_by("pk")
    return [
        domain.PolicySnapshot(
            id=pk,
            registered_on=registered_on,
            manager_id=manager_id,
            unmanaged_since=unmanaged_since,
            judgments=tuple(judgments.get(pk, ())),
            levels=tuple(levels.get(pk, ())),
        )
        for pk, registered_on, manager_id, unmanaged_since in rows.values_list(
            "pk", "registered_on", "manager_id", "unmanaged_since"
        )
    ]


@register(*domain.RULE_KEYS)
def policy_rules(
    organization: Organization, thresholds_by_rule: Mapping[str, Mapping[str, float]], today: date
) -> list[domain.Firing]:
    """Every policy rule the organisation's warnings pack enables, over one snapshot."""
    enabled = set(thresholds_by_rule)
    if not Policy.objects.filter(organization=organization).exists():
        return []
    if "tension_escalating" in enabled:
        _store_missing(organization, today)
    window = int(domain.thresholds_for("tension_escalating", thresholds_by_rule)["window_days"])
    states = policy_terms(organization, settings.LANGUAGE_CODE).parameters.states
    snapshots = policy_snapshots(organization, today, window_days=window, states=states)
    return domain.evaluate(snapshots, thresholds_by_rule, today, rules=enabled, states=states)


# --- Policies as subjects of warnings -----------------------------------------------------------


def _policy_titles(organization: Organization, ids: Collection[int]) -> Mapping[int, str]:
    return dict(Policy.objects.filter(organization=organization, pk__in=ids).values_list("pk", "title"))


def _policy_managers(organization: Organization, ids: Collection[int]) -> Mapping[int, Collection[int]]:
    rows = Policy.objects.filter(organization=organization, pk__in=ids, manager__isnull=False)
    return {pk: {manager_id} for pk, manager_id in rows.values_list("pk", "manager_id")}


def _policy_url(organization_slug: str, policy_id: int) -> str:
    return reverse("policies:policy", kwargs={"org_slug": organization_slug, "policy_id": policy_id})


register_subject(domain.POLICY, labels=_policy_titles, responsible=_policy_managers, url=_policy_url)
