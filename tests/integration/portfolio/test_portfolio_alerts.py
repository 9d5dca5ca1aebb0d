"""The portfolio's warning rules through ``evaluate_alerts``: real data fires them, fixing it resolves them."""

from __future__ import annotations

import datetime
import io
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from spaceforchange.alerts import tasks
from spaceforchange.alerts.models import Alert, AlertStatus
from spaceforchange.alerts.registry import registry
from spaceforchange.alerts.services import evaluate_alerts
from spaceforchange.alerts.subjects import subject_name
from spaceforchange.core.models import Organization
from spaceforchange.portfolio import alerts as portfolio_alerts
from spaceforchange.portfolio import idea_selectors, idea_services, record_services, selectors, services
from spaceforchange.portfolio.models import Idea, IdeaStatus, Initiative
from tests.factories import make_member, make_organization, make_user
from tests.integration.portfolio.conftest import World

pytestmark = pytest.mark.django_db

OVERDUE = "idea_answer_overdue"
SCALING = "scaling_without_senior_backing"
PILOT = "pilot_graveyard"


def live(organization: Organization, rule: str) -> dict[int | None, Alert]:
    alerts = Alert.objects.filter(organization=organization, rule_key=rule).exclude(status=AlertStatus.RESOLVED)
    return {alert.subject_id: alert for alert in alerts}


def submit(world: World, title: str, days_ago: int, *, anonymous: bool = False) -> Idea:
    return idea_services.submit_idea(
        organization=world.organization,
        submitted_by=world.member,
        title=title,
        problem=f"The problem behind {title}.",
        proposal=f"What {title} proposes.",
        anonymous=anonymous,
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def test_every_portfolio_rule_has_the_one_evaluator_and_ideas_are_a_subject_kind() -> None:
    (registration,) = [
        entry for entry in registry.registrations() if entry.evaluator is portfolio_alerts.portfolio_rules
    ]
    assert registration.rule_keys == {
        "pilot_graveyard",
        "purely_incremental_portfolio",
        "reactive_radicalism",
        "crisis_only_leadership",
        "scaling_without_senior_backing",
        "cognitive_constraint_while_scaling",
        "supported_in_principle_controlled_in_practice",
        "fragile_space",
        "idea_answer_overdue",
    }
    url = registry.subject("idea").url("northbay", 7)
    assert url == reverse("portfolio:idea", kwargs={"org_slug": "northbay", "idea_id": 7})
    assert url.startswith("/o/northbay/") and url.endswith("/ideas/7/")


def test_an_unanswered_idea_fires_after_the_guarantee_and_resolves_when_decided(world: World) -> None:
    idea_services.set_idea_sponsor(organization=world.organization, unit=None, person=world.owner)
    old = submit(world, "Shared parking", 40)
    fresh = submit(world, "Quiet rooms", 5)
    evaluate_alerts(organization=world.organization)
    alerts = live(world.organization, OVERDUE)
    assert set(alerts) == {old.pk}
    alert = alerts[old.pk]
    assert (alert.subject_kind, alert.subject_label, alert.severity) == ("idea", "Shared parking", "warning")
    assert alert.facts["days_waiting"] == 40 and alert.facts["sponsor_id"] == world.owner.pk
    assert registry.subject("idea").responsible(world.organization, [old.pk, fresh.pk]) == {
        old.pk: {world.owner.pk},
        fresh.pk: {world.owner.pk},
    }

    idea_services.decide_idea(idea=old, actor=world.lead, decision=IdeaStatus.DECLINED, reason="Covered already")
    evaluate_alerts(organization=world.organization)
    assert live(world.organization, OVERDUE) == {}
    resolved = Alert.objects.get(pk=alert.pk)
    assert resolved.status == AlertStatus.RESOLVED and resolved.resolved_at is not None


def test_the_organisations_answer_guarantee_wins_over_the_packs_days(world: World) -> None:
    waiting = submit(world, "Shared parking", 40)
    fresh = submit(world, "Quiet rooms", 5)
    idea_services.set_answer_days(organization=world.organization, answer_days=60)
    evaluate_alerts(organization=world.organization)
    assert live(world.organization, OVERDUE) == {}  # the pack's 30 days would fire for the first idea

    idea_services.set_answer_days(organization=world.organization, answer_days=3)
    evaluate_alerts(organization=world.organization)
    alerts = live(world.organization, OVERDUE)
    assert set(alerts) == {waiting.pk, fresh.pk}
    assert alerts[fresh.pk].facts["due_on"] == (timezone.localdate() - datetime.timedelta(days=2)).isoformat()


def test_an_anonymous_idea_is_named_neutrally_and_never_by_its_submitter(world: World) -> None:
    idea = submit(world, "Written by Maria from the night shift", 45, anonymous=True)
    evaluate_alerts(organization=world.organization)
    alert = live(world.organization, OVERDUE)[idea.pk]
    assert alert.subject_label == ""
    assert subject_name(alert.subject_kind, alert.subject_id, alert.subject_label) == f"Idea #{idea.pk}"
    stored = json.dumps(alert.facts) + alert.subject_label
    assert set(alert.facts) == {"submitted_on", "due_on", "days_waiting", "sponsor_id"}
    assert world.member.email not in stored and "Maria" not in stored


def test_scaling_without_senior_backing_fires_until_a_senior_backer_gives_a_mandate(world: World) -> None:
    scaling = services.create_initiative(
        organization=world.organization,
        title="District heating",
        owner=world.owner,
        stage="scaling",
        started_on=world.days_ago(10),
    )
    evaluate_alerts(organization=world.organization)
    alert = live(world.organization, SCALING)[scaling.pk]
    assert (alert.subject_kind, alert.subject_label, alert.severity) == ("initiative", "District heating", "critical")
    assert alert.facts == {"stage": "scaling", "proposed_stage": None, "strongest_senior_rank": None}

    record_services.record_backing(
        initiative=scaling, backer_name="Director Dahl", level="senior_leader", commitment="verbal"
    )
    evaluate_alerts(organization=world.organization)
    assert live(world.organization, SCALING)[scaling.pk].facts["strongest_senior_rank"] == 1

    record_services.record_backing(
        initiative=scaling, backer_name="Director Dahl", level="senior_leader", commitment="formal_mandate"
    )
    evaluate_alerts(organization=world.organization)
    assert live(world.organization, SCALING) == {}
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.RESOLVED


def test_pilot_graveyard_fires_for_unscaled_experiments_and_resolves_when_two_scale(world: World) -> None:
    pilots = [
        services.create_initiative(
            organization=world.organization, title=f"Pilot {number}", stage="experiment", started_on=world.days_ago(90)
        )
        for number in range(5)
    ]
    evaluate_alerts(organization=world.organization)
    alert = live(world.organization, PILOT)[None]
    assert (alert.facts["started"], alert.facts["scaled"], alert.facts["scaled_share"]) == (5, 0, 0.0)

    for pilot in pilots[:2]:
        record_services.record_backing(
            initiative=pilot, backer_name="Mayor Lund", level="politician", commitment="formal_mandate"
        )
        services.move_initiative(
            initiative=pilot, target="scaling", decided_by=world.lead, decided_on=world.today, actor=world.lead
        )
    evaluate_alerts(organization=world.organization)
    assert live(world.organization, PILOT) == {}
    assert live(world.organization, SCALING) == {}


def test_another_organisations_data_never_fires_here(world: World) -> None:
    other = make_organization(name="Southport", slug="southport")
    stranger = make_member(other, roles=["member"], user=make_user("someone@southport.example")).user
    foreign = idea_services.submit_idea(
        organization=other,
        submitted_by=stranger,
        title="Foreign idea",
        problem="Elsewhere.",
        proposal="Elsewhere too.",
        submitted_at=timezone.now() - datetime.timedelta(days=90),
    )
    services.create_initiative(organization=other, title="Foreign scaling", stage="scaling")
    evaluate_alerts(organization=world.organization)
    assert not Alert.objects.filter(organization=world.organization).exists()
    assert registry.subject("idea").labels(world.organization, [foreign.pk]) == {}
    assert registry.subject("idea").responsible(world.organization, [foreign.pk]) == {}
    evaluate_alerts(organization=other)
    assert set(live(other, OVERDUE)) == {foreign.pk}


def test_the_bulk_snapshot_matches_each_initiatives_own_snapshot(world: World, scan_of) -> None:  # type: ignore[no-untyped-def]
    record_services.record_constraint(
        initiative=world.initiative, family="cognitive", description="Doubts", severity=3, added_on=world.days_ago(20)
    )
    record_services.record_backing(
        initiative=world.initiative, backer=world.lead, level="senior_leader", commitment="budget"
    )
    record_services.record_setback(initiative=world.initiative, description="Storm", occurred_on=world.days_ago(5))
    scan_of(world.initiative, 4)
    services.create_initiative(organization=world.organization, title="Bare", stage="experiment")
    expected = tuple(
        selectors.initiative_snapshot(initiative)
        for initiative in Initiative.objects.filter(organization=world.organization).order_by("pk")
    )
    built = portfolio_alerts.initiative_snapshots(world.organization)
    assert built == expected
    assert built[0].scans and built[0].scans[0].scores


def _add_initiative_with_records(world: World, number: int, scan_of) -> None:  # type: ignore[no-untyped-def]
    initiative = services.create_initiative(
        organization=world.organization, title=f"Extra {number}", stage="experiment", started_on=world.days_ago(30)
    )
    record_services.record_constraint(
        initiative=initiative, family="cognitive", description="Doubts", severity=2, added_on=world.days_ago(10)
    )
    record_services.record_backing(
        initiative=initiative, backer_name="Mayor Lund", level="politician", commitment="verbal"
    )
    record_services.record_setback(initiative=initiative, description="Delay", occurred_on=world.days_ago(3))
    submit(world, f"Idea {number}", 40)
    scan_of(initiative, 3)


def _snapshot_queries(organization: Organization) -> int:
    portfolio_alerts.organization_snapshot(organization)  # stores any scan result computed for the first time
    with CaptureQueriesContext(connection) as captured:
        snapshot = portfolio_alerts.organization_snapshot(organization)
    assert len(snapshot.initiatives) == Initiative.objects.filter(organization=organization).count()
    return len(captured)


def test_building_the_snapshot_takes_the_same_queries_for_any_number_of_initiatives(world: World, scan_of) -> None:  # type: ignore[no-untyped-def]
    _add_initiative_with_records(world, 1, scan_of)
    few = _snapshot_queries(world.organization)
    for number in range(2, 6):
        _add_initiative_with_records(world, number, scan_of)
    assert _snapshot_queries(world.organization) == few
    assert few <= 10


def test_the_demo_raises_the_overdue_idea_warning() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    organization = Organization.objects.get(slug="northbay")
    summary = evaluate_alerts(organization=organization)
    assert summary.failed_rules == ()
    waiting = [row.idea for row in idea_selectors.ideas_waiting(organization) if row.overdue]
    assert {idea.title for idea in waiting} == {
        "Route planning that follows the traffic",
        "Shared parking for home-care cars",
    }
    overdue = Alert.objects.filter(organization=organization, rule_key=OVERDUE, status=AlertStatus.OPEN)
    assert dict(overdue.values_list("subject_id", "subject_label")) == {
        idea.pk: "" if idea.anonymous else idea.title for idea in waiting
    }
    assert summary.created and OVERDUE in summary.rules_evaluated


# Each change commits for real: one re-evaluation is queued per committed transaction.
@pytest.mark.django_db(transaction=True)
def test_changes_a_rule_reads_queue_a_re_evaluation_after_commit(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    queued: list[int] = []

    class Recorder:
        @staticmethod
        def enqueue(organization_id: int) -> None:
            queued.append(organization_id)

    monkeypatch.setattr(tasks, "evaluate_organization_alerts", Recorder)
    idea = submit(world, "Quiet rooms", 1)
    queued.clear()
    changes = [
        lambda: services.update_initiative(initiative=world.initiative, trigger="crisis"),
        lambda: record_services.record_constraint(
            initiative=world.initiative, family="cognitive", description="Doubts", severity=2
        ),
        lambda: record_services.record_setback(initiative=world.initiative, description="Storm"),
        lambda: record_services.record_backing(
            initiative=world.initiative, backer_name="Mayor Lund", level="politician", commitment="verbal"
        ),
        lambda: services.move_initiative(
            initiative=world.initiative, target="experiment", decided_by=world.lead, decided_on=world.today
        ),
        lambda: submit(world, "Shared parking", 1),
        lambda: idea_services.decide_idea(idea=idea, actor=world.lead, decision=IdeaStatus.DECLINED, reason="No"),
        lambda: idea_services.set_answer_days(organization=world.organization, answer_days=20),
    ]
    for change in changes:
        change()
    assert queued == [world.organization.pk] * len(changes)


def test_a_refused_change_queues_nothing(world: World, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError):
        record_services.record_setback(initiative=world.initiative, description="")
    assert callbacks == []
