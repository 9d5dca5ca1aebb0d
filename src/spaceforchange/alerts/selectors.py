"""Reads of alerts and of the warning rules behind them, each scoped to one organisation.

The rules' names, descriptions, thresholds and answering practices come from the organisation's
effective warnings pack (its override if it has one, else the shipped pack), in the reader's
language; the answering practices link to their framework library pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.urls import reverse

from spaceforchange.alerts.domain import SEVERITIES, RuleSettings, qualified_ref, rule_settings
from spaceforchange.alerts.models import Alert, AlertStatus, AlertSubscription
from spaceforchange.alerts.registry import registry
from spaceforchange.core.models import Organization
from spaceforchange.frameworks.domain import digest_names
from spaceforchange.frameworks.models import PackVersion
from spaceforchange.frameworks.schema import ItemKind
from spaceforchange.frameworks.selectors import effective_pack, effective_packs, parsed_pack

ALL = "all"


def warnings_pack_key() -> str:
    return str(getattr(settings, "SFC_ALERTS_PACK", "warnings"))


def effective_rules(organization: Organization) -> dict[str, RuleSettings] | None:
    """Rule key → settings from the organisation's effective warnings pack; None without one."""
    try:
        version = effective_pack(organization, warnings_pack_key())
    except PackVersion.DoesNotExist:
        return None
    return rule_settings(parsed_pack(version))


# --- Alerts -------------------------------------------------------------------------------------


def alerts_for(organization: Organization, *, status: str = "", severity: str = "", rule: str = "") -> QuerySet[Alert]:
    """The organisation's alerts, most serious first, then newest first.

    ``status`` is one of the statuses or ``all``; empty means the live ones (open and acknowledged).
    """
    alerts = Alert.objects.filter(organization=organization).select_related("acknowledged_by")
    if status == ALL:
        pass
    elif status:
        alerts = alerts.filter(status=status)
    else:
        alerts = alerts.exclude(status=AlertStatus.RESOLVED)
    if severity:
        alerts = alerts.filter(severity=severity)
    if rule:
        alerts = alerts.filter(rule_key=rule)
    rank = Case(
        *(When(severity=name, then=Value(position)) for position, name in enumerate(SEVERITIES)),
        default=Value(len(SEVERITIES)),
        output_field=IntegerField(),
    )
    return alerts.annotate(severity_rank=rank).order_by("severity_rank", "-first_fired_at", "-pk")


def alert(organization: Organization, alert_id: int) -> Alert:
    """One alert of the organisation; ``Alert.DoesNotExist`` for another organisation's."""
    return Alert.objects.select_related("acknowledged_by").get(organization=organization, pk=alert_id)


def status_counts(organization: Organization) -> dict[str, int]:
    counts = dict.fromkeys(AlertStatus.values, 0)
    rows = Alert.objects.filter(organization=organization).values_list("status").order_by()
    for (status,) in rows:
        counts[status] = counts.get(status, 0) + 1
    return counts


def emails_new_alerts(organization: Organization, user: Any) -> bool:
    """Whether the person asked for email about new warnings in the organisation."""
    if not getattr(user, "is_authenticated", False):
        return False
    return AlertSubscription.objects.filter(organization=organization, user=user, email_new_alerts=True).exists()


def subject_url(organization: Organization, alert: Alert) -> str:
    kind = registry.subject(alert.subject_kind)
    if kind.url is None or alert.subject_id is None:
        return ""
    return kind.url(organization.slug, alert.subject_id)


# --- Rules as people read them ------------------------------------------------------------------


@dataclass(frozen=True)
class Practice:
    ref: str
    name: str
    framework: str
    url: str


@dataclass(frozen=True)
class ThresholdInfo:
    key: str
    value: float
    unit: str
    description: str


@dataclass(frozen=True)
class RuleInfo:
    key: str
    name: str
    description: str
    severity: str
    area: str
    thresholds: tuple[ThresholdInfo, ...]
    answered_by: tuple[Practice, ...]
    in_pack: bool = True


def rule_catalogue(organization: Organization, *, language: str) -> dict[str, RuleInfo]:
    """Every warning rule of the organisation's effective pack, in ``language``."""
    try:
        version = effective_pack(organization, warnings_pack_key())
    except PackVersion.DoesNotExist:
        return {}
    pack = parsed_pack(version)
    digests = {
        key: row.current_version.digest for key, row in effective_packs(organization).items() if row.current_version
    }
    names = digest_names(digests, language)
    catalogue = {}
    for item in pack.items_of(ItemKind.WARNING_RULE):
        practices = tuple(_practice(organization, ref, pack.key, names, digests) for ref in item.answered_by)
        catalogue[item.key] = RuleInfo(
            key=item.key,
            name=item.name.get(language),
            description=item.description.get(language) if item.description else "",
            severity=item.severity.value if item.severity else "warning",
            area=item.area or "",
            thresholds=tuple(
                ThresholdInfo(t.key, t.value, t.unit, t.description.get(language)) for t in item.thresholds
            ),
            answered_by=practices,
        )
    return catalogue


def rule_info(catalogue: dict[str, RuleInfo], rule_key: str) -> RuleInfo:
    """The rule from the catalogue; a rule the pack no longer has is named by its key."""
    return catalogue.get(rule_key) or RuleInfo(rule_key, rule_key, "", "", "", (), (), in_pack=False)


def _practice(
    organization: Organization, ref: str, own_pack: str, names: dict[str, str], digests: Mapping[str, Any]
) -> Practice:
    pack_key, item_key = qualified_ref(ref, own_pack)
    full = f"{pack_key}:{item_key}"
    known = item_key in digests.get(pack_key, {}).get("items", {})
    url = (
        reverse("frameworks:item", kwargs={"org_slug": organization.slug, "key": pack_key, "item_key": item_key})
        if known
        else ""
    )
    return Practice(ref=full, name=names.get(full, item_key), framework=names.get(pack_key, pack_key), url=url)
