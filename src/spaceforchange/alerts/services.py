"""Every write to alerts: evaluating an organisation's rules, acknowledging, the email setting.

Each function takes keyword arguments only and runs in one transaction; refusals raise
``ValidationError`` and change nothing. New alerts are emailed, once the evaluation has
committed, to the responsible people who asked for it (see ``notifications``).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from spaceforchange.alerts import notifications
from spaceforchange.alerts.domain import (
    FiringLike,
    LiveAlert,
    RuleSettings,
    json_ready,
    plan_changes,
)
from spaceforchange.alerts.models import NOTE_MAX_LENGTH, Alert, AlertStatus, AlertSubscription
from spaceforchange.alerts.registry import Registration, registry
from spaceforchange.alerts.selectors import effective_rules
from spaceforchange.core.models import Organization, User
from spaceforchange.core.selectors import organization_zone

logger = logging.getLogger(__name__)
LABEL_MAX_LENGTH = 300
BATCH = 500


@dataclass(frozen=True)
class EvaluationSummary:
    """What one evaluation of an organisation's rules did."""

    organization: str
    created: tuple[int, ...] = ()
    refreshed: int = 0
    resolved: int = 0
    failed_rules: tuple[str, ...] = ()
    rules_evaluated: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "organization": self.organization,
            "created": len(self.created),
            "refreshed": self.refreshed,
            "resolved": self.resolved,
            "failed_rules": list(self.failed_rules),
            "rules_evaluated": list(self.rules_evaluated),
        }


def _local_today(organization: Organization) -> date:
    return timezone.localtime(timezone.now(), organization_zone(organization)).date()


def _collect(
    organization: Organization, rules: Mapping[str, RuleSettings], today: date
) -> tuple[list[FiringLike], set[str], set[str]]:
    """Run every evaluator whose rules the pack has: (firings, rules evaluated, rules that failed)."""
    firings: list[FiringLike] = []
    evaluated: set[str] = set()
    failed: set[str] = set()
    for registration in registry.registrations():
        enabled = registration.rule_keys & rules.keys()
        if not enabled:
            continue
        produced = _run(registration, organization, {key: rules[key].thresholds for key in enabled}, today)
        if produced is None:
            failed |= enabled
            continue
        evaluated |= enabled
        firings += [firing for firing in produced if _belongs(firing, enabled, registration)]
    return firings, evaluated, failed


def _run(
    registration: Registration, organization: Organization, thresholds: Mapping[str, Mapping[str, float]], today: date
) -> list[FiringLike] | None:
    # A savepoint, so that a failed query in one evaluator leaves the others' work usable.
    try:
        with transaction.atomic():
            return list(registration.evaluator(organization, thresholds, today))
    except Exception:
        logger.exception(
            "Alert evaluator %s failed for %s; its alerts are left as they were.", registration.name, organization.slug
        )
        return None


def _belongs(firing: FiringLike, enabled: Collection[str], registration: Registration) -> bool:
    if firing.rule_key in enabled:
        return True
    logger.error(
        "Alert evaluator %s produced rule %r, which it did not register or the pack lacks; ignored.",
        registration.name,
        firing.rule_key,
    )
    return False


def _labels(organization: Organization, firings: Iterable[FiringLike]) -> dict[tuple[str, int], str]:
    """(subject kind, id) → label, from the subject kinds' labellers, one call per kind."""
    ids: dict[str, set[int]] = {}
    for firing in firings:
        if firing.subject_id is not None and not getattr(firing, "subject_label", ""):
            ids.setdefault(firing.subject_kind, set()).add(firing.subject_id)
    labels: dict[tuple[str, int], str] = {}
    for kind, wanted in ids.items():
        labeller = registry.subject(kind).labels
        if labeller is not None:
            labels.update({(kind, pk): str(text) for pk, text in labeller(organization, wanted).items()})
    return labels


def _label(firing: FiringLike, labels: Mapping[tuple[str, int], str]) -> str:
    own = str(getattr(firing, "subject_label", "") or "")
    found = own or (labels.get((firing.subject_kind, firing.subject_id), "") if firing.subject_id is not None else "")
    return found[:LABEL_MAX_LENGTH]


@transaction.atomic
def evaluate_alerts(*, organization: Organization, today: date | None = None) -> EvaluationSummary:
    """Run every registered evaluator for the organisation and bring its alerts in line.

    New firings create alerts, alerts still firing get the new facts, live alerts no longer firing
    are resolved (kept as history). Rules whose evaluator failed keep their alerts unchanged.
    Without a warnings pack nothing is evaluated and nothing changes.
    """
    # One evaluation per organisation at a time (PostgreSQL); SQLite serialises writes anyway.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    rules = effective_rules(organization)
    if rules is None:
        logger.warning("Organisation %s has no warnings pack; no warning was evaluated.", organization.slug)
        return EvaluationSummary(organization.slug)
    firings, evaluated, failed = _collect(organization, rules, today or _local_today(organization))
    live = Alert.objects.filter(organization=organization).exclude(status=AlertStatus.RESOLVED)
    live_alerts = {alert.pk: alert for alert in live}
    changes = plan_changes(
        (LiveAlert(a.pk, a.rule_key, a.subject_kind, a.subject_id) for a in live_alerts.values()),
        firings,
        undecided_rules=failed,
    )
    now = timezone.now()
    labels = _labels(organization, [*changes.create, *(firing for _id, firing in changes.refresh)])
    created = _create_all(organization, changes.create, rules, labels, now)
    _refresh_all([(live_alerts[alert_id], firing) for alert_id, firing in changes.refresh], rules, labels, now)
    for alert_id in changes.resolve:
        _resolve(live_alerts[alert_id], now)
    if created:
        ids = [alert.pk for alert in created]
        transaction.on_commit(lambda: notifications.email_new_alerts(organization_id=organization.pk, alert_ids=ids))
    return EvaluationSummary(
        organization=organization.slug,
        created=tuple(alert.pk for alert in created),
        refreshed=len(changes.refresh),
        resolved=len(changes.resolve),
        failed_rules=tuple(sorted(failed)),
        rules_evaluated=tuple(sorted(evaluated)),
    )


def _create_all(
    organization: Organization,
    firings: Sequence[FiringLike],
    rules: Mapping[str, RuleSettings],
    labels: Mapping[tuple[str, int], str],
    now: datetime,
) -> list[Alert]:
    """New alerts, inserted together; each then gets the ``post_save`` a save would send.

    An organisation's first evaluation can raise thousands of alerts (every overdue idea). The
    inserts go in batches, and the signal lets the audit log record every creation exactly as
    for ``Alert.objects.create``.
    """
    alerts = [
        Alert(
            organization=organization,
            rule_key=firing.rule_key,
            subject_kind=firing.subject_kind,
            subject_id=firing.subject_id,
            subject_label=_label(firing, labels),
            severity=rules[firing.rule_key].severity,
            facts=json_ready(firing.facts),
            first_fired_at=now,
            last_fired_at=now,
        )
        for firing in firings
    ]
    Alert.objects.bulk_create(alerts, batch_size=BATCH)
    database = router.db_for_write(Alert)
    for alert in alerts:
        post_save.send(sender=Alert, instance=alert, created=True, update_fields=None, raw=False, using=database)
    return alerts


def _refresh_all(
    pairs: Sequence[tuple[Alert, FiringLike]],
    rules: Mapping[str, RuleSettings],
    labels: Mapping[tuple[str, int], str],
    now: datetime,
) -> None:
    """Give alerts still firing the new facts; an alert whose severity or label changes is saved on its own.

    The audit log leaves out ``facts`` and ``last_fired_at`` (they change on every evaluation), so
    saving an alert where only they change records nothing; those alerts are written together
    (thousands of overdue ideas are refreshed every night), the others one by one so that the
    audit log records each change of severity or label.
    """
    quiet: list[Alert] = []
    for alert, firing in pairs:
        severity = rules[firing.rule_key].severity  # an organisation may re-grade a rule in its pack
        label = _label(firing, labels) or alert.subject_label
        if alert.severity != severity or alert.subject_label != label:
            alert.severity, alert.subject_label = severity, label
            alert.facts, alert.last_fired_at = json_ready(firing.facts), now
            alert.save(update_fields=["facts", "severity", "subject_label", "last_fired_at"])
            continue
        facts = json_ready(firing.facts)
        if alert.facts != facts:
            alert.facts = facts
            quiet.append(alert)
        alert.last_fired_at = now
    ids = [alert.pk for alert, _firing in pairs]
    for start in range(0, len(ids), BATCH):
        Alert.objects.filter(pk__in=ids[start : start + BATCH]).update(last_fired_at=now)
    Alert.objects.bulk_update(quiet, ["facts"], batch_size=BATCH)


def _resolve(alert: Alert, now: datetime) -> None:
    # Saved one by one (not a bulk update) so that the audit log records each resolution.
    alert.status = AlertStatus.RESOLVED
    alert.resolved_at = now
    alert.save(update_fields=["status", "resolved_at"])


# --- People acting on alerts --------------------------------------------------------------------


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Write a note: what is being done about this warning, or why it can wait.")})
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": _("Use at most %(count)d characters.") % {"count": NOTE_MAX_LENGTH}})
    if "\x00" in note:
        raise ValidationError({"note": _("The text contains a character that is not allowed.")})
    return note


@transaction.atomic
def acknowledge_alert(*, alert: Alert, person: User, note: str) -> Alert:
    """Record that ``person`` has seen the open alert and what is being done (the note)."""
    cleaned = _clean_note(note)
    locked = Alert.objects.select_for_update().get(pk=alert.pk, organization_id=alert.organization_id)
    if locked.status != AlertStatus.OPEN:
        raise ValidationError(
            _("Only an open warning can be acknowledged; this one is %(status)s.")
            % {"status": str(locked.get_status_display()).lower()},
            code="not_open",
        )
    locked.status = AlertStatus.ACKNOWLEDGED
    locked.acknowledged_by = person
    locked.acknowledged_at = timezone.now()
    locked.acknowledgement_note = cleaned
    locked.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "acknowledgement_note"])
    return locked


@transaction.atomic
def set_alert_email(*, organization: Organization, person: User, enabled: bool) -> AlertSubscription:
    """Switch the person's email about new warnings in the organisation on or off."""
    subscription, _created = AlertSubscription.objects.select_for_update().get_or_create(
        organization=organization, user=person, defaults={"email_new_alerts": enabled}
    )
    if subscription.email_new_alerts != enabled:
        subscription.email_new_alerts = enabled
        subscription.save(update_fields=["email_new_alerts", "updated_at"])
    return subscription
