"""evaluate_alerts writes many alerts together yet audits each change as saving it one by one would."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from spaceforchange.alerts import services
from spaceforchange.alerts.domain import Firing
from spaceforchange.alerts.models import Alert
from spaceforchange.core.models import AuditScope
from tests.factories import make_organization
from tests.integration.alerts.helpers import IDEA_OVERDUE, PILOT

pytestmark = pytest.mark.django_db


def overdue(idea_id: int, days: int) -> Firing:
    return Firing(IDEA_OVERDUE, "idea", idea_id, {"days_waiting": days})


def created_entries(alert: Alert) -> int:
    return LogEntry.objects.get_for_object(alert).filter(action=LogEntry.Action.CREATE).count()


def test_every_created_alert_has_its_audit_entry_scoped_to_the_organisation(fake_rules):
    organization = make_organization()
    fake_rules.firings = [overdue(number, 40 + number) for number in range(1, 8)]
    summary = services.evaluate_alerts(organization=organization)
    alerts = list(Alert.objects.filter(pk__in=summary.created).order_by("subject_id"))
    assert [alert.subject_id for alert in alerts] == list(range(1, 8))
    assert [alert.facts["days_waiting"] for alert in alerts] == list(range(41, 48))
    assert all(created_entries(alert) == 1 for alert in alerts)
    entries = LogEntry.objects.filter(pk__in=[LogEntry.objects.get_for_object(alert).get().pk for alert in alerts])
    assert AuditScope.objects.filter(log_entry__in=entries, organization_id=organization.pk).count() == 7


def test_refreshing_only_facts_writes_them_without_audit_entries(fake_rules):
    organization = make_organization()
    fake_rules.firings = [overdue(1, 40), overdue(2, 50), Firing(PILOT, "portfolio", None, {"started": 6})]
    services.evaluate_alerts(organization=organization)
    before = LogEntry.objects.count()
    fake_rules.firings = [overdue(1, 41), overdue(2, 50), Firing(PILOT, "portfolio", None, {"started": 7})]
    summary = services.evaluate_alerts(organization=organization)
    assert summary.refreshed == 3
    facts = dict(Alert.objects.filter(organization=organization).values_list("subject_id", "facts"))
    assert facts == {1: {"days_waiting": 41}, 2: {"days_waiting": 50}, None: {"started": 7}}
    times = set(Alert.objects.filter(organization=organization).values_list("last_fired_at", flat=True))
    assert len(times) == 1 and times != set(Alert.objects.values_list("first_fired_at", flat=True))
    assert LogEntry.objects.count() == before  # facts and firing times are left out of the audit log
