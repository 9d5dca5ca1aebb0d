import io

import pytest
from django.core.management import call_command

from spaceforchange.alerts.models import Alert, AlertStatus
from spaceforchange.alerts.services import evaluate_alerts
from spaceforchange.analytics.portfolio import RULE_KEYS
from spaceforchange.core.models import Organization
from spaceforchange.portfolio.models import Backing, Constraint, Initiative, Setback, StageTransition

pytestmark = pytest.mark.django_db


def test_demo_has_initiatives_at_every_stage_and_reseeding_adds_none():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    initiatives = Initiative.objects.filter(organization__slug="northbay")
    assert initiatives.count() == 15
    assert set(initiatives.values_list("stage", flat=True)) == {
        "idea",
        "experiment",
        "scaling",
        "integrated",
        "stopped",
    }
    night_watch = initiatives.get(title="Digital night watch in home care")
    assert (night_watch.unit.name, night_watch.owner.email) == ("Home Care Services", "owner@northbay.example")


def test_demo_initiatives_have_histories_that_passed_the_gates():
    from spaceforchange.portfolio import selectors
    from spaceforchange.portfolio.models import Goal

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    northbay = Initiative.objects.filter(organization__slug="northbay")
    letters = northbay.get(title="Plain-language decision letters")
    assert [(row.from_stage, row.to_stage) for row in selectors.transitions_of(letters)] == [
        ("", "idea"),
        ("idea", "experiment"),
        ("experiment", "scaling"),
    ]
    assert letters.change_form == "incremental_change" and letters.goals.count() == 1
    night_watch = northbay.get(title="Digital night watch in home care")
    backing = Backing.objects.filter(initiative=night_watch).order_by("recorded_on")
    assert [(entry.level, entry.commitment) for entry in backing] == [
        ("middle_manager", "formal_mandate"),
        ("politician", "verbal"),
        ("politician", ""),
    ]
    assert Setback.objects.filter(initiative=night_watch, support_held=False).count() == 1
    assert Constraint.objects.filter(initiative=night_watch, family="cognitive", status="active").count() == 1
    stopped = northbay.get(title="Predictive road maintenance")
    assert StageTransition.objects.filter(initiative=stopped, to_stage="stopped").get().reason
    # The portfolio's three goals, and the one the budgeting demo's strategy revision adds.
    assert Goal.objects.filter(organization__slug="northbay").count() == 4
    # Registration plus the moves of each story, in the order of ``NORTHBAY_INITIATIVES``.
    moves = (2, 3, 1, 4, 3, 3, 3, 2, 3, 2, 2, 2, 1, 1, 3)
    assert StageTransition.objects.filter(initiative__organization__slug="northbay").count() == sum(moves)


def _demo_rows() -> dict[str, int]:
    return {
        model.__name__: model.objects.filter(organization__slug="northbay").count()
        for model in (Initiative, StageTransition, Constraint, Backing, Setback)
    }


def test_the_demo_fires_every_portfolio_warning_and_reseeding_creates_nothing():
    call_command("seed_demo", stdout=io.StringIO())
    first = _demo_rows()
    call_command("seed_demo", stdout=io.StringIO())
    assert _demo_rows() == first
    assert first["Initiative"] == 15
    northbay = Organization.objects.get(slug="northbay")

    summary = evaluate_alerts(organization=northbay)

    assert summary.failed_rules == ()
    # The legitimacy and policy demos fire their own rules too; these are the portfolio's.
    live = Alert.objects.filter(organization=northbay, rule_key__in=RULE_KEYS).exclude(status=AlertStatus.RESOLVED)
    assert set(live.values_list("rule_key", flat=True)) == set(RULE_KEYS)
    about = {(alert.rule_key, alert.subject_label) for alert in live if alert.subject_kind == "initiative"}
    assert about == {
        ("scaling_without_senior_backing", "Flexible staffing pool for nursing homes"),
        ("cognitive_constraint_while_scaling", "Early help teams for families"),
        ("supported_in_principle_controlled_in_practice", "Everyday rehabilitation after hospital discharge"),
        ("fragile_space", "Digital night watch in home care"),
    }
    assert {alert.subject_kind for alert in live if alert.rule_key in RULE_KEYS[:4]} == {"portfolio"}


def test_the_demo_portfolio_is_what_its_warnings_say():
    call_command("seed_demo", stdout=io.StringIO())
    northbay = Organization.objects.get(slug="northbay")
    evaluate_alerts(organization=northbay)
    facts = {
        alert.rule_key: alert.facts
        for alert in Alert.objects.filter(organization=northbay, subject_kind="portfolio", status=AlertStatus.OPEN)
    }
    assert (facts["pilot_graveyard"]["started"], facts["pilot_graveyard"]["scaled"]) == (9, 1)
    assert (facts["purely_incremental_portfolio"]["active"], facts["purely_incremental_portfolio"]["radical"]) == (
        11,
        1,
    )
    assert (facts["reactive_radicalism"]["transformations"], facts["reactive_radicalism"]["reactive"]) == (2, 2)
    assert facts["crisis_only_leadership"]["senior_initiatives"] == facts["crisis_only_leadership"]["crisis_triggered"]
    assert facts["crisis_only_leadership"]["senior_initiatives"] == 5
