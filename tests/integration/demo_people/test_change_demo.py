"""The change demo on Northbay: a home-care reform whose weak top-management support blocks its pilot
from scaling, a healthy front-door programme, and a scaling gate that reads readiness."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from spaceforchange.alerts.models import Alert, AlertStatus
from spaceforchange.alerts.services import evaluate_alerts
from spaceforchange.change import demo, selectors
from spaceforchange.change.models import ChangeProgramme, ReadinessEntry
from spaceforchange.change.terms import FACTORS
from spaceforchange.core.management.commands.seed_demo import DemoContext
from spaceforchange.portfolio import selectors as portfolio_selectors
from spaceforchange.portfolio import services as portfolio_services
from spaceforchange.portfolio.models import Initiative, StageTransition

pytestmark = pytest.mark.django_db

PROGRAMME_RULES = {
    "plan_too_vague",
    "unfunded_change",
    "no_institutionalization_step",
    "partial_change",
    "no_top_sponsor_or_external_support",
}


def _programme(name: str) -> ChangeProgramme:
    return ChangeProgramme.objects.get(organization__slug="northbay", name=name)


def test_home_care_reform_has_its_plan_resources_parts_and_a_readiness_weak_on_top_management(
    seeded: DemoContext,
) -> None:
    reform = _programme(demo.HOME_CARE_REFORM)
    assert (reform.status, reform.owner.email, reform.sponsor.email) == (
        "under_way",
        "owner@northbay.example",
        "anders.bakken@northbay.example",
    )
    assert reform.vision and reform.causal_theory and reform.institutionalisation_plan
    assert (reform.resource_budget, reform.resource_fte) == (Decimal("4500000"), Decimal("3.5"))
    assert reform.resource_training and reform.resource_time
    assert sorted(reform.initiatives.values_list("title", "stage")) == [
        ("Apprentices in home care", "experiment"),
        (demo.BLOCKED_INITIATIVE, "experiment"),
    ]
    assert [line.unit.name for line in reform.budget_lines.all()] == ["Home Care Services"]
    milestones = list(reform.milestones.order_by("order", "pk"))
    assert len(milestones) == 4
    assert [milestone.title for milestone in milestones if milestone.institutionalisation] == [
        "Rehabilitation written into the service decision and care plan templates"
    ]
    assert [milestone.done_on is not None for milestone in milestones] == [True, False, False, False]
    assert sorted(reform.subsystems.values_list("name", "aligned")) == [
        ("Care plans and service decisions", True),
        ("Rota and working hours", False),
        ("Skills and training", True),
    ]
    assert sorted(reform.supporters.values_list("kind", "name")) == [
        ("external_stakeholder", "Northbay Hospital Trust"),
        ("political", "Health and care committee"),
        ("top_management", "Anders Bakken"),
    ]

    readings = selectors.programme_readiness(reform)
    scores = {factor: readings[factor].score for factor in FACTORS}
    assert scores == {
        "ensure_need": 4.2,
        "provide_plan": 3.6,
        "build_internal_support": 3.2,
        "ensure_top_management_support": 2.4,
        "build_external_support": 3.3,
        "provide_resources": 3.1,
        "institutionalize_change": 2.8,
        "pursue_comprehensive_change": 3.2,
    }
    assert {reading.source for reading in readings.values()} == {"workshop"}
    # Two workshops, half a year apart: the latest entry of each factor is the current one.
    assert ReadinessEntry.objects.filter(programme=reform).count() == 16
    top = readings["ensure_top_management_support"]
    assert (top.evidence_done, top.evidence_total) == (1, 4)
    checks = reform.evidence_checks.all()
    assert (checks.filter(done=True).count(), checks.filter(done=False).count()) == (14, 3)
    assert checks.get(item_key="visible_commitment").note


def test_the_scaling_gate_keeps_its_conditions_adds_readiness_and_refuses_the_pilot_naming_factor_4(
    seeded: DemoContext,
) -> None:
    northbay = seeded.organizations["northbay"]
    gate = portfolio_selectors.gates_for(northbay)[demo.SCALING]
    assert [condition.as_dict() for condition in gate] == [
        {"kind": "senior_backing", "min_commitment_rank": 2},
        {"kind": "cognitive_constraints_addressed", "max_active": 0},
        {
            "kind": "change_readiness",
            "min_score": 3.0,
            "factors": list(FACTORS[:6]),
            "require_sponsor": True,
        },
    ]
    pilot = Initiative.objects.get(organization=northbay, title=demo.BLOCKED_INITIATIVE)
    moves = StageTransition.objects.filter(initiative=pilot).count()
    with pytest.raises(ValidationError) as refused:
        portfolio_services.move_initiative(
            initiative=pilot,
            target="scaling",
            decided_by=seeded.people["lead@northbay.example"],
            decided_on=portfolio_services.today_in(northbay),
            reason="Ready to offer it in every district.",
        )
    messages = refused.value.message_dict["target"]
    assert (
        "Change readiness of “Home care reform”: factor 4, Ensure top-management support and commitment, "
        "scores 2.4; Scaling needs at least 3."
    ) in messages
    assert not any("factor 1," in message or "factor 6," in message for message in messages)
    pilot.refresh_from_db()
    assert pilot.stage == "experiment"
    assert StageTransition.objects.filter(initiative=pilot).count() == moves

    # The initiatives the portfolio demo scaled before the gate existed keep their history.
    scaled = Initiative.objects.filter(organization=northbay, stage="scaling").values_list("title", flat=True)
    assert sorted(scaled) == [
        "Early help teams for families",
        "Flexible staffing pool for nursing homes",
        "Plain-language decision letters",
    ]


def test_one_front_door_is_ready_and_raises_no_warning_while_the_reform_raises_two(seeded: DemoContext) -> None:
    front = _programme(demo.FRONT_DOOR)
    assert front.sponsor.email == "leader@northbay.example"
    assert list(front.initiatives.values_list("title", flat=True)) == ["Plain-language decision letters"]
    readings = selectors.programme_readiness(front)
    assert min(readings[factor].score or 0 for factor in FACTORS) == 3.4
    assert front.milestones.filter(institutionalisation=True).count() == 1
    assert front.budget_lines.count() == 1

    northbay = seeded.organizations["northbay"]
    summary = evaluate_alerts(organization=northbay)
    assert summary.failed_rules == ()
    live = Alert.objects.filter(organization=northbay, rule_key__in=PROGRAMME_RULES).exclude(
        status=AlertStatus.RESOLVED
    )
    fired = {(alert.rule_key, alert.subject_label): alert.facts for alert in live}
    assert set(fired) == {
        ("no_top_sponsor_or_external_support", demo.HOME_CARE_REFORM),
        ("no_institutionalization_step", demo.HOME_CARE_REFORM),
    }
    sponsor = fired[("no_top_sponsor_or_external_support", demo.HOME_CARE_REFORM)]
    assert (sponsor["ensure_top_management_support_score"], sponsor["top_sponsors"]) == (2.4, 1)
    assert fired[("no_institutionalization_step", demo.HOME_CARE_REFORM)]["institutionalisation_steps"] == 1
    assert selectors.programme_warnings(front) == []


def test_dates_are_relative_to_the_day_of_seeding(seeded: DemoContext) -> None:
    today = portfolio_services.today_in(seeded.organizations["northbay"])
    reform = _programme(demo.HOME_CARE_REFORM)
    latest = ReadinessEntry.objects.filter(programme=reform).order_by("-assessed_on").first()
    assert latest is not None and latest.assessed_on == today - datetime.timedelta(days=30)
    done = reform.milestones.get(done_on__isnull=False)
    assert done.done_on == today - datetime.timedelta(days=300)
