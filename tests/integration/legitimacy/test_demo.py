"""The legitimacy demo step on top of the foundation and portfolio demo, through ``run_steps``."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from spaceforchange.alerts.models import Alert, AlertStatus
from spaceforchange.alerts.services import evaluate_alerts
from spaceforchange.core.management.commands.seed_demo import SEED_STEPS, DemoContext, run_steps
from spaceforchange.legitimacy import demo
from spaceforchange.legitimacy import subject_selectors as reads
from spaceforchange.legitimacy.models import GrayZoneEntry, Judgment, LegitimationAction, Stakeholder
from spaceforchange.legitimacy.terms import pack_terms
from spaceforchange.portfolio.models import Initiative
from spaceforchange.portfolio.services import today_in

pytestmark = pytest.mark.django_db


def test_demo_builds_a_contested_initiative_and_reseeding_adds_nothing():
    # The policies demo runs first: its nurses' union is reused, not duplicated.
    steps = [step for step in SEED_STEPS if "legitimacy" not in step and "policies" not in step]
    context = run_steps(DemoContext(stdout=io.StringIO()), [*steps, "spaceforchange.policies.demo.seed", demo.seed])
    organization = context.organizations["northbay"]
    run_steps(context, [demo.seed])
    assert Stakeholder.objects.filter(organization=organization).count() == 9
    assert set(Stakeholder.objects.values_list("category", flat=True)) >= {"regulator", "media", "partner"}
    night_watch = Initiative.objects.get(organization=organization, title=demo.CONTESTED)
    governor = Judgment.objects.get(
        initiative=night_watch, stakeholder__name="County Governor", legitimacy_type="regulatory", is_current=True
    )
    assert governor.state == "conditional_legitimacy"
    assert governor.conditions.get().review_on < today_in(organization)
    legitimacy = reads.subject_legitimacy(night_watch, pack_terms(organization, "en"))
    gray = sum(cell.gray_zone for row in legitimacy.heat.rows for cell in row.cells)
    assert len(legitimacy.heat.rows) == 9 and gray >= 8
    assert LegitimationAction.objects.filter(initiative=night_watch).count() == 3
    assert sorted(GrayZoneEntry.objects.values_list("status", flat=True)) == ["approved", "proposed"]
    evaluate_alerts(organization=organization)
    fired = set(
        Alert.objects.filter(organization=organization)
        .exclude(status=AlertStatus.RESOLVED)
        .values_list("rule_key", flat=True)
    )
    assert {"condition_at_risk_or_overdue", "gray_zone_tactic_unaccounted", "unknown_legitimacy_unresolved"} <= fired
    out = io.StringIO()
    call_command("legitimacy", "export", "--org", "northbay", "--format", "json", stdout=out)
    body = json.loads(out.getvalue())
    assert len(body["stakeholders"]) == 9 and len(body["tactics"]) == 2
    assert {row["state"] for row in body["judgments"]} >= {"conditional_legitimacy", "illegitimate"}
