"""``/api/v1/organizations/{org_slug}/alerts``: list, read, acknowledge."""

from __future__ import annotations

import pytest

from spaceforchange.alerts import services
from spaceforchange.alerts.domain import Firing
from spaceforchange.alerts.models import NOTE_MAX_LENGTH, Alert
from spaceforchange.core.models import Role
from tests.integration.alerts.helpers import IDEA_OVERDUE, PILOT, SCALING, make_alert
from tests.web.api.helpers import assert_problem, bearer, issue_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerts(org, fake_rules):  # type: ignore[no-untyped-def]
    fake_rules.firings = [
        Firing(PILOT, "portfolio", None, {"started": 6}),
        Firing(SCALING, "initiative", 7, {"senior_backers": 0}, subject_label="Mailroom"),
        Firing(IDEA_OVERDUE, "idea", 9, {"days": 40}),
    ]
    services.evaluate_alerts(organization=org.organization)
    fake_rules.firings = fake_rules.firings[:2]
    services.evaluate_alerts(organization=org.organization)
    return {alert.rule_key: alert for alert in Alert.objects.filter(organization=org.organization)}


def api(org, role):  # type: ignore[no-untyped-def]
    return bearer(issue_token(org.people[role].user))


def url(org, suffix: str = "") -> str:
    return f"/api/v1/organizations/{org.slug}/alerts{suffix}"


def test_list_is_paged_most_serious_first_with_every_status(client, org, alerts):
    response = client.get(url(org), headers=api(org, "member"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [(item["rule"], item["status"]) for item in body["items"]] == [
        (SCALING, "open"),
        (IDEA_OVERDUE, "resolved"),
        (PILOT, "open"),
    ]
    first = body["items"][0]
    assert (first["severity"], first["subject"], first["subject_kind"], first["subject_id"]) == (
        "critical",
        "Mailroom",
        "initiative",
        7,
    )
    assert first["facts"] == {"senior_backers": 0}
    assert first["rule_name"] == "Scaling without senior backing"
    assert [practice["ref"].split(":")[0] for practice in first["answered_by"]]
    page = client.get(url(org), {"limit": 1, "offset": 1}, headers=api(org, "member")).json()
    assert (page["count"], [item["rule"] for item in page["items"]]) == (3, [IDEA_OVERDUE])


@pytest.mark.parametrize(
    ("query", "rules"),
    [
        ({"status": "resolved"}, [IDEA_OVERDUE]),
        ({"severity": "critical"}, [SCALING]),
        ({"rule": PILOT}, [PILOT]),
        ({"status": "open", "severity": "warning"}, [PILOT]),
    ],
)
def test_list_filters(client, org, alerts, query, rules):
    body = client.get(url(org), query, headers=api(org, "oversight")).json()
    assert [item["rule"] for item in body["items"]] == rules


@pytest.mark.parametrize("query", [{"status": "closed"}, {"severity": "dire"}, {"rule": "x" * 101}, {"limit": 0}])
def test_bad_filters_are_422_problems(client, org, alerts, query):
    assert_problem(client.get(url(org), query, headers=api(org, "member")), 422)


def test_get_one(client, org, alerts):
    alert = alerts[PILOT]
    body = client.get(url(org, f"/{alert.pk}"), headers=api(org, "member")).json()
    assert (body["id"], body["rule"], body["subject"], body["status"]) == (alert.pk, PILOT, "The portfolio", "open")
    assert body["answered_by"][0] == {
        "ref": "first_step:organize_backing",
        "name": body["answered_by"][0]["name"],
        "framework": body["answered_by"][0]["framework"],
        "url": f"/o/{org.slug}/frameworks/first_step/items/organize_backing/",
    }
    assert body["answered_by"][0]["name"]


def test_another_organisations_alert_is_404(client, org, other_org):
    foreign = make_alert(other_org.organization)
    headers = api(org, "leader")
    assert_problem(client.get(url(org, f"/{foreign.pk}"), headers=headers), 404)
    assert_problem(
        client.post(url(org, f"/{foreign.pk}/acknowledge"), {"note": "x"}, "application/json", headers=headers), 404
    )
    assert Alert.objects.get(pk=foreign.pk).status == "open"


@pytest.mark.parametrize("role", ["innovation_lead", "owner", "leader"])
def test_acknowledge(client, org, alerts, role):
    alert = alerts[PILOT]
    response = client.post(
        url(org, f"/{alert.pk}/acknowledge"), {"note": "On it."}, "application/json", headers=api(org, role)
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["acknowledgement_note"], body["acknowledged_by"]) == (
        "acknowledged",
        "On it.",
        org.people[role].user.email,
    )


@pytest.mark.parametrize("role", sorted(set(Role.values) - {"innovation_lead", "owner", "leader"}))
def test_acknowledge_needs_the_right_role(client, org, alerts, role):
    alert = alerts[PILOT]
    response = client.post(
        url(org, f"/{alert.pk}/acknowledge"), {"note": "On it."}, "application/json", headers=api(org, role)
    )
    assert_problem(response, 403)
    assert Alert.objects.get(pk=alert.pk).status == "open"


@pytest.mark.parametrize(
    "body", [{}, {"note": ""}, {"note": "   "}, {"note": "x" * (NOTE_MAX_LENGTH + 1)}, {"note": 5}, {"note": None}]
)
def test_acknowledge_refuses_a_bad_note(client, org, alerts, body):
    alert = alerts[PILOT]
    response = client.post(url(org, f"/{alert.pk}/acknowledge"), body, "application/json", headers=api(org, "leader"))
    assert_problem(response, 422)
    assert Alert.objects.get(pk=alert.pk).status == "open"


def test_acknowledging_a_resolved_alert_is_422(client, org, alerts):
    alert = alerts[IDEA_OVERDUE]
    response = client.post(
        url(org, f"/{alert.pk}/acknowledge"), {"note": "Late."}, "application/json", headers=api(org, "leader")
    )
    assert "Only an open warning" in assert_problem(response, 422)["detail"]


def test_session_callers_need_the_csrf_token_to_acknowledge(org, alerts):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(org.people["leader"].user)
    response = client.post(url(org, f"/{alerts[PILOT].pk}/acknowledge"), {"note": "x"}, "application/json")
    assert response.status_code in {401, 403}
    assert Alert.objects.get(pk=alerts[PILOT].pk).status == "open"
