"""Acknowledging, the email setting, email to the responsible people, the task and privacy."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from spaceforchange.alerts import services
from spaceforchange.alerts.domain import Firing
from spaceforchange.alerts.models import NOTE_MAX_LENGTH, Alert, AlertSubscription
from spaceforchange.alerts.privacy import erase_alerts, export_alerts
from spaceforchange.alerts.tasks import alerts_may_have_changed, evaluate_organization_alerts
from spaceforchange.core import privacy
from spaceforchange.portfolio import services as portfolio_services
from tests.factories import make_member, make_organization, make_user
from tests.integration.alerts.helpers import PILOT, SCALING, make_alert

pytestmark = pytest.mark.django_db


def test_acknowledging_records_person_time_and_note():
    organization = make_organization()
    person = make_member(organization, roles=["leader"]).user
    alert = make_alert(organization)
    acknowledged = services.acknowledge_alert(alert=alert, person=person, note="  Raised at the board.  ")
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by, alert.acknowledgement_note) == (
        "acknowledged",
        person,
        "Raised at the board.",
    )
    assert acknowledged.acknowledged_at is not None


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("", "Write a note"),
        ("   ", "Write a note"),
        ("x" * (NOTE_MAX_LENGTH + 1), "at most"),
        ("a\x00b", "not allowed"),
    ],
)
def test_a_bad_note_is_refused_and_changes_nothing(note, message):
    organization = make_organization()
    alert = make_alert(organization)
    with pytest.raises(ValidationError, match=message):
        services.acknowledge_alert(alert=alert, person=make_user(), note=note)
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by, alert.acknowledgement_note) == ("open", None, "")


def test_only_an_open_alert_can_be_acknowledged():
    organization = make_organization()
    person = make_user()
    alert = make_alert(organization)
    services.acknowledge_alert(alert=alert, person=person, note="first")
    with pytest.raises(ValidationError, match="Only an open warning"):
        services.acknowledge_alert(alert=alert, person=person, note="second")
    assert Alert.objects.get(pk=alert.pk).acknowledgement_note == "first"


def test_the_email_setting_is_one_row_per_person_and_organisation():
    organization, person = make_organization(), make_user()
    services.set_alert_email(organization=organization, person=person, enabled=True)
    services.set_alert_email(organization=organization, person=person, enabled=True)
    services.set_alert_email(organization=organization, person=person, enabled=False)
    assert list(AlertSubscription.objects.values_list("email_new_alerts", flat=True)) == [False]


def subscribe(organization, *people):  # type: ignore[no-untyped-def]
    for person in people:
        services.set_alert_email(organization=organization, person=person, enabled=True)


def test_new_alerts_are_emailed_to_subscribed_responsible_people_only(django_capture_on_commit_callbacks):
    organization = make_organization(name="Northbay")
    lead = make_member(organization, roles=["innovation_lead"], user=make_user("lead@example.org")).user
    make_member(organization, roles=["owner"], user=make_user("quiet-owner@example.org"))
    member = make_member(organization, roles=["member"], user=make_user("member@example.org")).user
    gone = make_member(organization, roles=["innovation_lead"], user=make_user("gone@example.org"))
    initiative_owner = make_member(organization, roles=["member"], user=make_user("io@example.org")).user
    other_org_lead = make_member(make_organization(), roles=["innovation_lead"]).user
    initiative = portfolio_services.create_initiative(
        organization=organization, title="Digital mailroom", owner=initiative_owner
    )
    subscribe(organization, lead, member, gone.user, initiative_owner)
    subscribe(make_organization(), other_org_lead)
    gone.is_active = False
    gone.save()
    with django_capture_on_commit_callbacks(execute=True):
        make_alert(organization, Firing(SCALING, "initiative", initiative.pk, {"senior_backers": 0}))
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["io@example.org", "lead@example.org"]
    message = mail.outbox[0]
    assert message.subject == "1 new warning in Northbay"
    assert "Scaling without senior backing (Critical): Digital mailroom" in message.body
    assert f"/o/{organization.slug}/alerts/" in message.body


def test_refreshed_and_resolved_alerts_send_no_email(django_capture_on_commit_callbacks, fake_rules):
    organization = make_organization()
    lead = make_member(organization, roles=["innovation_lead"]).user
    subscribe(organization, lead)
    fake_rules.firings = [Firing(PILOT, "portfolio", None)]
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluate_alerts(organization=organization)
        services.evaluate_alerts(organization=organization)
        fake_rules.firings = []
        services.evaluate_alerts(organization=organization)
    assert len(mail.outbox) == 1


def test_the_task_evaluates_one_organisation(fake_rules):
    organization = make_organization()
    fake_rules.firings = [Firing(PILOT, "portfolio", None)]
    result = evaluate_organization_alerts.enqueue(organization.pk)
    assert result.return_value["created"] == 1
    assert Alert.objects.filter(organization=organization).count() == 1
    assert evaluate_organization_alerts.enqueue(10**9).return_value == {"organization": None}


def test_alerts_may_have_changed_queues_an_evaluation_on_commit(fake_rules, django_capture_on_commit_callbacks):
    organization = make_organization()
    fake_rules.firings = [Firing(PILOT, "portfolio", None)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        alerts_may_have_changed(organization.pk)
    assert Alert.objects.count() == 0  # nothing before the commit
    for callback in callbacks:
        callback()
    assert Alert.objects.filter(organization=organization).count() == 1


def test_privacy_exports_acknowledgements_and_erasure_scrubs_notes():
    organization = make_organization(slug="privacy-org")
    person = make_member(organization, user=make_user("kari@example.org", first_name="Kari")).user
    alert = make_alert(organization)
    services.acknowledge_alert(alert=alert, person=person, note="Kari will call kari@example.org's sponsor.")
    services.set_alert_email(organization=organization, person=person, enabled=True)
    exported = export_alerts(person)
    assert exported["email_settings"] == [{"organization": "privacy-org", "email_new_alerts": True}]
    assert [entry["rule"] for entry in exported["acknowledged"]] == [PILOT]
    erase_alerts(privacy.Erasure.of(person))
    alert.refresh_from_db()
    assert "Kari" not in alert.acknowledgement_note and "kari@example.org" not in alert.acknowledgement_note
    assert not AlertSubscription.objects.filter(user=person).exists()
