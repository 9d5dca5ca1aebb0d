"""The Warnings pages: list with tabs, filters and pagination; one warning; acknowledging; email setting."""

from __future__ import annotations

import pytest
from django.test import Client

from spaceforchange.alerts import services
from spaceforchange.alerts.domain import Firing
from spaceforchange.alerts.models import NOTE_MAX_LENGTH, Alert, AlertSubscription
from spaceforchange.core.models import Role
from spaceforchange.portfolio import services as portfolio_services
from tests.integration.alerts.helpers import IDEA_OVERDUE, PILOT, SCALING, make_alert
from tests.web.core.conftest import error_texts, soup

pytestmark = pytest.mark.django_db

ACKNOWLEDGERS = {"innovation_lead", "owner", "leader"}


@pytest.fixture
def alerts(org, fake_rules):  # type: ignore[no-untyped-def]
    initiative = portfolio_services.create_initiative(organization=org.organization, title="Digital mailroom")
    fake_rules.firings = [
        Firing(PILOT, "portfolio", None, {"started": 6, "scaled_share": 0.1}),
        Firing(SCALING, "initiative", initiative.pk, {"senior_backers": 0}),
        Firing(IDEA_OVERDUE, "idea", 9, {"days": 40}, subject_label="Better benches"),
    ]
    services.evaluate_alerts(organization=org.organization)
    fake_rules.firings = fake_rules.firings[:2]
    services.evaluate_alerts(organization=org.organization)
    by_rule = {alert.rule_key: alert for alert in Alert.objects.filter(organization=org.organization)}
    return by_rule


def rows(response):  # type: ignore[no-untyped-def]
    return [
        (row.th.get_text(strip=True), row.select_one("[data-status]")["data-status"])
        for row in soup(response).select("#alerts tbody tr[data-alert-id]")
    ]


@pytest.mark.parametrize("role", Role.values)
def test_every_member_sees_the_live_warnings_most_serious_first(client_as, org, alerts, role):
    response = client_as(role).get(org.url("alerts:alerts"))
    assert response.status_code == 200
    assert rows(response) == [("Scaling without senior backing", "open"), ("Pilot graveyard", "open")]
    page = soup(response)
    links = {a.get_text(strip=True): a["href"] for a in page.select("#alerts tbody a")}
    assert links["Digital mailroom"].endswith(f"/initiatives/{alerts[SCALING].subject_id}/")
    assert page.select_one('#status-tabs a[aria-current="page"]')["data-status"] == ""


def test_the_nav_links_the_warnings_page(client_as, org):
    page = soup(client_as("member").get(org.url("core:dashboard")))
    assert org.url("alerts:alerts") in [a["href"] for a in page.select("a")]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "resolved"}, [("Idea without an answer", "resolved")]),
        ({"status": "all", "severity": "critical"}, [("Scaling without senior backing", "open")]),
        ({"status": "all", "rule": PILOT}, [("Pilot graveyard", "open")]),
        ({"status": "acknowledged"}, []),
    ],
)
def test_tabs_and_filters(client_as, org, alerts, query, expected):
    response = client_as("member").get(org.url("alerts:alerts"), query)
    assert response.status_code == 200
    assert rows(response) == expected


@pytest.mark.parametrize("query", [{"status": "closed"}, {"severity": "dire"}, {"rule": "<script>"}])
def test_bad_filters_answer_400_with_errors_and_show_the_default_list(client_as, org, alerts, query):
    response = client_as("member").get(org.url("alerts:alerts"), query)
    assert response.status_code == 400
    assert error_texts(response) or soup(response).select(".usa-form-group--error")
    assert len(rows(response)) == 2


def test_the_list_is_paginated(client_as, org, fake_rules):
    fake_rules.firings = [Firing(IDEA_OVERDUE, "idea", number) for number in range(1, 28)]
    services.evaluate_alerts(organization=org.organization)
    client = client_as("member")
    assert len(rows(client.get(org.url("alerts:alerts")))) == 25
    assert len(rows(client.get(org.url("alerts:alerts"), {"page": 2}))) == 2
    assert len(rows(client.get(org.url("alerts:alerts"), {"page": "junk"}))) == 25


def test_the_detail_shows_rule_facts_thresholds_and_answering_practices(client_as, org, alerts):
    response = client_as("member").get(org.url("alerts:alert", alert_id=alerts[PILOT].pk))
    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text(strip=True) == "Pilot graveyard"
    assert "few go on to scale" in page.select_one("#rule-description").get_text()
    assert page.select_one('[data-fact="started"]').get_text(strip=True) == "6"
    assert page.select_one('[data-threshold="min_started"]').get_text(" ", strip=True) == "5 initiatives"
    practices = {li["data-ref"]: li.a["href"] for li in page.select("#practices li")}
    library = f"/o/{org.slug}/frameworks/first_step/items"
    assert practices == {
        "first_step:organize_backing": f"{library}/organize_backing/",
        "first_step:reduce_cognitive_constraints": f"{library}/reduce_cognitive_constraints/",
    }
    assert page.select_one("#acknowledge-form") is None  # a member cannot acknowledge


def test_the_detail_is_in_norwegian_for_a_norwegian_reader(client_as, org, alerts):
    client = client_as("member")
    client.cookies["django_language"] = "nb"
    page = soup(client.get(org.url("alerts:alert", alert_id=alerts[PILOT].pk), HTTP_ACCEPT_LANGUAGE="nb"))
    assert page.h1.get_text(strip=True) == "Pilotkirkegård"


@pytest.mark.parametrize("role", sorted(ACKNOWLEDGERS))
def test_acknowledging_with_a_note(client_as, org, alerts, role):
    client = client_as(role)
    url = org.url("alerts:alert", alert_id=alerts[PILOT].pk)
    assert soup(client.get(url)).select_one("#acknowledge-form") is not None
    response = client.post(org.url("alerts:acknowledge", alert_id=alerts[PILOT].pk), {"note": "On the agenda."})
    assert response.status_code == 302 and response["Location"] == url
    alert = Alert.objects.get(pk=alerts[PILOT].pk)
    assert (alert.status, alert.acknowledged_by, alert.acknowledgement_note) == (
        "acknowledged",
        org.people[role].user,
        "On the agenda.",
    )
    page = soup(client.get(url))
    assert "On the agenda." in page.select_one("#acknowledgement").get_text()
    assert page.select_one("#acknowledge-form") is None


@pytest.mark.parametrize("role", sorted(set(Role.values) - ACKNOWLEDGERS))
def test_other_roles_may_not_acknowledge(client_as, org, alerts, role):
    response = client_as(role).post(org.url("alerts:acknowledge", alert_id=alerts[PILOT].pk), {"note": "Mine."})
    assert response.status_code == 403
    assert Alert.objects.get(pk=alerts[PILOT].pk).status == "open"


@pytest.mark.parametrize(("note", "message"), [("", "required"), ("x" * (NOTE_MAX_LENGTH + 1), "at most")])
def test_a_missing_or_too_long_note_rerenders_with_an_error(client_as, org, alerts, note, message):
    response = client_as("leader").post(org.url("alerts:acknowledge", alert_id=alerts[PILOT].pk), {"note": note})
    assert response.status_code == 400
    assert any(message in text for text in error_texts(response))
    assert Alert.objects.get(pk=alerts[PILOT].pk).status == "open"


def test_acknowledging_a_resolved_warning_is_refused(client_as, org, alerts):
    response = client_as("leader").post(org.url("alerts:acknowledge", alert_id=alerts[IDEA_OVERDUE].pk), {"note": "x"})
    assert response.status_code == 400
    assert error_texts(response) == ["Only an open warning can be acknowledged; this one is resolved."]
    assert Alert.objects.get(pk=alerts[IDEA_OVERDUE].pk).status == "resolved"


def test_posts_need_the_csrf_token(org, alerts):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.people["leader"].user)
    response = client.post(org.url("alerts:acknowledge", alert_id=alerts[PILOT].pk), {"note": "No token."})
    assert response.status_code == 403
    assert client.post(org.url("alerts:email"), {"email_new_alerts": "on"}).status_code == 403
    assert Alert.objects.get(pk=alerts[PILOT].pk).status == "open"
    assert not AlertSubscription.objects.exists()


def test_the_acknowledge_route_only_takes_post_and_the_pages_only_get(client_as, org, alerts):
    client = client_as("leader")
    assert client.get(org.url("alerts:acknowledge", alert_id=alerts[PILOT].pk)).status_code == 405
    assert client.post(org.url("alerts:alerts")).status_code == 405
    assert client.get(org.url("alerts:email")).status_code == 405


def test_another_organisations_warning_is_404(client_as, org, other_org):
    foreign = make_alert(other_org.organization)
    client = client_as("leader")
    assert client.get(org.url("alerts:alert", alert_id=foreign.pk)).status_code == 404
    response = client.post(org.url("alerts:acknowledge", alert_id=foreign.pk), {"note": "Not mine."})
    assert response.status_code == 404
    assert Alert.objects.get(pk=foreign.pk).status == "open"


def test_a_visitor_is_sent_to_sign_in_and_a_non_member_gets_404(client, org, other_org):
    response = client.get(org.url("alerts:alerts"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(other_org.people["admin"].user)
    assert client.get(org.url("alerts:alerts")).status_code == 404


def test_the_email_setting_is_switched_on_and_off(client_as, org):
    client = client_as("innovation_lead")
    person = org.people["innovation_lead"].user
    response = client.post(org.url("alerts:email"), {"email_new_alerts": "on"})
    assert response.status_code == 302 and response["Location"] == org.url("alerts:alerts")
    assert AlertSubscription.objects.get(user=person).email_new_alerts is True
    page = soup(client.get(org.url("alerts:alerts")))
    assert page.select_one("#email-form input[name=email_new_alerts]").has_attr("checked")
    client.post(org.url("alerts:email"), {})
    assert AlertSubscription.objects.get(user=person).email_new_alerts is False


def test_the_list_costs_the_same_queries_for_few_or_many_warnings(client_as, org, fake_rules):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("member")
    client.get(org.url("alerts:alerts"))  # warm the pack caches

    def queries_for(count: int) -> int:
        fake_rules.firings = [Firing(IDEA_OVERDUE, "idea", number) for number in range(1, count + 1)]
        services.evaluate_alerts(organization=org.organization)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(org.url("alerts:alerts")).status_code == 200
        return len(captured)

    assert queries_for(2) == queries_for(25)
