"""evaluate_alerts: creating, refreshing, resolving and re-firing alerts, with the pack's thresholds."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml
from auditlog.models import LogEntry

from spaceforchange.alerts import services
from spaceforchange.alerts.domain import Firing
from spaceforchange.alerts.models import Alert, AlertStatus
from spaceforchange.alerts.registry import registry
from spaceforchange.frameworks import services as framework_services
from spaceforchange.portfolio import services as portfolio_services
from tests.factories import make_member, make_organization
from tests.integration.alerts.helpers import IDEA_OVERDUE, PILOT, SCALING

pytestmark = pytest.mark.django_db

WARNINGS_PACK = Path(__file__).parents[3] / "src/spaceforchange/frameworks/packs/warnings.yaml"


def portfolio_firing(**facts):  # type: ignore[no-untyped-def]
    return Firing(PILOT, "portfolio", None, facts or {"started": 6})


def live_alerts(organization):  # type: ignore[no-untyped-def]
    return list(
        Alert.objects.filter(organization=organization)
        .exclude(status=AlertStatus.RESOLVED)
        .values_list("rule_key", "subject_kind", "subject_id", "status")
        .order_by("rule_key", "subject_id")
    )


def test_a_new_firing_creates_an_open_alert_with_the_packs_severity_and_its_facts(fake_rules):
    organization = make_organization()
    fake_rules.firings = [portfolio_firing(started=6, since=datetime.date(2025, 1, 1))]
    summary = services.evaluate_alerts(organization=organization, today=datetime.date(2026, 3, 1))
    alert = Alert.objects.get(pk=summary.created[0])
    assert (alert.rule_key, alert.subject_kind, alert.subject_id, alert.status) == (PILOT, "portfolio", None, "open")
    assert (alert.severity, alert.facts) == ("warning", {"started": 6, "since": "2025-01-01"})
    assert alert.first_fired_at == alert.last_fired_at and alert.resolved_at is None
    assert fake_rules.calls[0][2] == datetime.date(2026, 3, 1)
    assert summary.as_dict() == {
        "organization": organization.slug,
        "created": 1,
        "refreshed": 0,
        "resolved": 0,
        "failed_rules": [],
        "rules_evaluated": sorted([PILOT, SCALING, IDEA_OVERDUE]),
    }


def test_a_still_firing_alert_is_refreshed_not_duplicated(fake_rules):
    organization = make_organization()
    fake_rules.firings = [portfolio_firing(started=6)]
    first = services.evaluate_alerts(organization=organization)
    fake_rules.firings = [portfolio_firing(started=9)]
    second = services.evaluate_alerts(organization=organization)
    alert = Alert.objects.get(pk=first.created[0])
    assert (second.created, second.refreshed, second.resolved) == ((), 1, 0)
    assert alert.facts == {"started": 9}
    assert alert.last_fired_at > alert.first_fired_at
    assert Alert.objects.filter(organization=organization).count() == 1


def test_an_alert_that_stops_firing_is_resolved_and_a_new_firing_starts_a_new_alert(fake_rules):
    organization = make_organization()
    fake_rules.firings = [portfolio_firing()]
    first = services.evaluate_alerts(organization=organization).created[0]
    fake_rules.firings = []
    assert services.evaluate_alerts(organization=organization).resolved == 1
    resolved = Alert.objects.get(pk=first)
    assert resolved.status == AlertStatus.RESOLVED and resolved.resolved_at is not None
    fake_rules.firings = [portfolio_firing()]
    again = services.evaluate_alerts(organization=organization).created[0]
    assert again != first
    assert list(Alert.objects.filter(organization=organization).order_by("pk").values_list("status", flat=True)) == [
        "resolved",
        "open",
    ]
    assert LogEntry.objects.get_for_object(resolved).filter(changes__icontains="resolved").exists()


def test_an_acknowledged_alert_stays_acknowledged_while_firing_and_resolves_when_it_stops(fake_rules):
    organization = make_organization()
    person = make_member(organization, roles=["innovation_lead"]).user
    fake_rules.firings = [portfolio_firing()]
    alert = Alert.objects.get(pk=services.evaluate_alerts(organization=organization).created[0])
    services.acknowledge_alert(alert=alert, person=person, note="Talking to the sponsors.")
    services.evaluate_alerts(organization=organization)
    assert live_alerts(organization) == [(PILOT, "portfolio", None, "acknowledged")]
    fake_rules.firings = []
    services.evaluate_alerts(organization=organization)
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledgement_note) == ("resolved", "Talking to the sponsors.")


def test_subjects_are_labelled_by_their_kind_and_initiatives_by_title(fake_rules):
    organization = make_organization()
    initiative = portfolio_services.create_initiative(organization=organization, title="Digital mailroom")
    fake_rules.firings = [
        Firing(SCALING, "initiative", initiative.pk, {"senior_backers": 0}),
        Firing(IDEA_OVERDUE, "idea", 42, {"days": 40}, subject_label="Better benches"),
        Firing(IDEA_OVERDUE, "idea", 43, {"days": 31}),
    ]
    services.evaluate_alerts(organization=organization)
    labels = dict(Alert.objects.filter(organization=organization).values_list("subject_id", "subject_label"))
    assert labels == {initiative.pk: "Digital mailroom", 42: "Better benches", 43: ""}
    assert Alert.objects.get(subject_id=initiative.pk).severity == "critical"


def test_evaluations_of_one_organisation_leave_another_alone(fake_rules):
    home, other = make_organization(), make_organization()
    fake_rules.firings = [portfolio_firing()]
    services.evaluate_alerts(organization=other)
    fake_rules.firings = []
    services.evaluate_alerts(organization=home)
    assert live_alerts(other) == [(PILOT, "portfolio", None, "open")]


def test_a_failing_evaluator_keeps_its_alerts_and_the_others_still_run(fake_rules):
    organization = make_organization()
    fake_rules.firings = [portfolio_firing()]
    services.evaluate_alerts(organization=organization)
    calls = []

    @registry.register("fragile_space")
    def flaky(organization, thresholds, today):  # type: ignore[no-untyped-def]
        calls.append(today)
        if len(calls) > 1:
            raise RuntimeError("the data is not there")
        return [Firing("fragile_space", "initiative", 3)]

    services.evaluate_alerts(organization=organization)
    fake_rules.firings = []
    summary = services.evaluate_alerts(organization=organization)
    assert (summary.failed_rules, summary.resolved) == (("fragile_space",), 1)
    assert live_alerts(organization) == [("fragile_space", "initiative", 3, "open")]

    registry.unregister(flaky)
    registry.register("fragile_space")(lambda organization, thresholds, today: [])
    assert services.evaluate_alerts(organization=organization).failed_rules == ()


def test_firings_of_rules_the_evaluator_did_not_register_are_ignored(fake_rules, caplog):
    organization = make_organization()
    fake_rules.firings = [Firing("fragile_space", "initiative", 1), portfolio_firing()]
    summary = services.evaluate_alerts(organization=organization)
    assert len(summary.created) == 1
    assert live_alerts(organization) == [(PILOT, "portfolio", None, "open")]
    assert "did not register" in caplog.text


def _override(organization, edit):  # type: ignore[no-untyped-def]
    data = yaml.safe_load(WARNINGS_PACK.read_text())
    edit({item["key"]: item for item in data["items"]}, data)
    framework_services.import_packs(files=[("warnings.yaml", yaml.safe_dump(data))], organization=organization)


def test_an_organisations_pack_override_changes_thresholds_and_severity(fake_rules):
    own, shipped = make_organization(slug="own-pack"), make_organization(slug="shipped-pack")

    def edit(items, data):  # type: ignore[no-untyped-def]
        items[PILOT]["thresholds"][0]["value"] = 7
        items[PILOT]["severity"] = "critical"

    _override(own, edit)
    fake_rules.firings = [portfolio_firing()]
    services.evaluate_alerts(organization=own)
    services.evaluate_alerts(organization=shipped)
    thresholds = {slug: given[PILOT]["min_started"] for slug, given, _today in fake_rules.calls}
    assert thresholds == {"own-pack": 7.0, "shipped-pack": 5.0}
    severities = dict(Alert.objects.filter(rule_key=PILOT).values_list("organization__slug", "severity"))
    assert severities == {"own-pack": "critical", "shipped-pack": "warning"}


def test_a_rule_removed_from_the_pack_is_not_evaluated_and_its_alerts_resolve(fake_rules):
    organization = make_organization()
    fake_rules.firings = [portfolio_firing(), Firing(SCALING, "initiative", 5)]
    services.evaluate_alerts(organization=organization)

    def edit(items, data):  # type: ignore[no-untyped-def]
        data["items"] = [item for item in data["items"] if item["key"] != PILOT]

    _override(organization, edit)
    summary = services.evaluate_alerts(organization=organization)
    assert PILOT not in fake_rules.calls[-1][1]
    assert summary.resolved == 1
    assert live_alerts(organization) == [(SCALING, "initiative", 5, "open")]


def test_without_a_warnings_pack_nothing_changes(fake_rules, settings):
    organization = make_organization()
    fake_rules.firings = [portfolio_firing()]
    services.evaluate_alerts(organization=organization)
    settings.SFC_ALERTS_PACK = "no_such_pack"
    fake_rules.firings = []
    summary = services.evaluate_alerts(organization=organization)
    assert (summary.created, summary.resolved, summary.rules_evaluated) == ((), 0, ())
    assert live_alerts(organization) == [(PILOT, "portfolio", None, "open")]
