"""The policy demo step on Northbay's units and people."""

from __future__ import annotations

import pytest

from spaceforchange.alerts.models import Alert
from spaceforchange.alerts.services import evaluate_alerts
from spaceforchange.core.management.commands import seed_demo
from spaceforchange.policies import demo, selectors
from spaceforchange.policies.models import Policy, ScrutinyReport

pytestmark = pytest.mark.django_db


def test_demo_has_a_policy_at_manifest_tension_and_reseeding_adds_nothing() -> None:
    context = seed_demo.DemoContext()
    seed_demo.seed_northbay_units(context)
    seed_demo.seed_northbay_people(context)
    demo.seed(context)
    demo.seed(context)
    northbay = context.organizations["northbay"]
    rows = {policy.title: policy for policy in selectors.policies_for(northbay)}
    assert len(rows) == 5
    visit_times = rows[demo.VISIT_TIMES.title]
    assert visit_times.current_level == 2
    reports = ScrutinyReport.objects.filter(policy=visit_times)
    assert reports.count() == 4 and reports.exclude(answer="").count() == 1
    assert reports.filter(anonymous=True).count() == 2
    assert Policy.objects.filter(organization=northbay, manager__isnull=True).count() == 1
    assert len(selectors.tension_history(visit_times)) > 3
    evaluate_alerts(organization=northbay)
    fired = set(Alert.objects.filter(organization=northbay, subject_kind="policy").values_list("rule_key", flat=True))
    assert {"policy_without_manager", "tension_escalating"} <= fired
