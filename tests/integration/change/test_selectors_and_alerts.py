"""Reads of programmes, their readiness and warnings; the alerts evaluator; permissions; privacy; audit."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from spaceforchange.alerts.models import Alert
from spaceforchange.alerts.registry import registry
from spaceforchange.alerts.services import evaluate_alerts
from spaceforchange.change import selectors, services
from spaceforchange.change.models import ChangeProgramme
from spaceforchange.core import privacy
from tests.integration.change.conftest import World

ALL_RULES = {
    "plan_too_vague",
    "unfunded_change",
    "no_institutionalization_step",
    "partial_change",
    "no_top_sponsor_or_external_support",
}


def complete(world: World, name: str = "Front door") -> ChangeProgramme:
    """A programme no change-programme warning fires on."""
    programme = world.programme(
        name, sponsor=world.director, causal_theory="One entrance, fewer hand-offs.", budget_lines=[world.line]
    )
    for number, institutional in ((1, False), (2, True)):
        services.add_milestone(
            programme=programme, title=f"Step {number}", due_on=world.today, institutionalisation=institutional
        )
    for part in ("Structure", "Culture"):
        services.add_subsystem(programme=programme, name=part)
    services.add_supporter(programme=programme, kind="political", name="Mayor")
    return programme


def test_programmes_are_filtered_searched_sorted_and_kept_to_the_organisation(world: World, other: World) -> None:
    home = world.programme("Home care reform", vision="Rehabilitation first")
    door = world.programme("Front door", status="under_way")
    old = world.programme("Old reform")
    services.archive_programme(programme=old)
    other.programme("Southport reform")
    assert list(selectors.programmes(world.organization)) == [door, home]
    assert list(selectors.programmes(world.organization, search="rehabilitation")) == [home]
    assert list(selectors.programmes(world.organization, status="under_way")) == [door]
    assert list(selectors.programmes(world.organization, status="bogus")) == []
    assert list(selectors.programmes(world.organization, sort="-name")) == [home, door]
    assert list(selectors.programmes(world.organization, sort="nonsense")) == [door, home]
    assert list(selectors.programmes(world.organization, archived=True)) == [old]
    assert list(selectors.programmes(world.organization, search="x" * 5000)) == []
    with pytest.raises(Http404):
        selectors.programme_of(world.organization, other.programme("Theirs").pk)


def test_readiness_takes_the_latest_entry_and_counts_evidence(world: World, readiness_survey: Any) -> None:
    programme = world.programme()
    services.record_readiness(
        programme=programme, factor_key="provide_plan", score=4, assessed_on=world.days_ago(10), actor=world.lead
    )
    campaign = readiness_survey(world.organization, {"provide_plan": 2, "ensure_need": 3})
    services.record_readiness_from_campaign(programme=programme, campaign=campaign, actor=world.lead)
    services.check_evidence(programme=programme, item_key="milestones", done=True)
    services.check_evidence(programme=programme, item_key="causal_theory", done=False)
    readings = selectors.programme_readiness(programme)
    assert (readings["provide_plan"].score, readings["provide_plan"].source) == (2.0, "campaign")
    assert (readings["provide_plan"].evidence_done, readings["provide_plan"].evidence_total) == (1, 4)
    assert readings["ensure_need"].score == 3.0
    assert readings["provide_resources"].score is None
    services.record_readiness(programme=programme, factor_key="provide_plan", score=3.5, actor=world.lead)
    assert selectors.programme_readiness(programme)["provide_plan"].source == "workshop"
    assert selectors.readiness_history(programme)[0].score == 3.5
    assert set(selectors.evidence_checks(programme)) == {"milestones", "causal_theory"}
    assert list(selectors.readiness_campaigns(world.organization)) == [campaign]


def test_summaries_show_the_weakest_factor_and_the_warnings(world: World) -> None:
    bare = world.programme("Bare")
    services.record_readiness(programme=bare, factor_key="ensure_need", score=4)
    services.record_readiness(programme=bare, factor_key="provide_resources", score=2)
    good = complete(world)
    summaries = selectors.programme_summaries([bare, good])
    assert summaries[bare.pk].scored == 2
    assert summaries[bare.pk].weakest is not None and summaries[bare.pk].weakest.factor == "provide_resources"
    assert summaries[bare.pk].warnings == 5
    assert summaries[good.pk].warnings == 0
    assert summaries[good.pk].weakest is None


def test_warnings_of_one_programme_are_worded_and_answered(world: World) -> None:
    programme = complete(world)
    assert selectors.programme_warnings(programme, language="en") == []
    services.record_readiness(programme=programme, factor_key="ensure_top_management_support", score=2.4)
    services.update_programme(programme=programme, sponsor=None)
    [warning] = selectors.programme_warnings(programme, language="en")
    assert warning.rule_key == "no_top_sponsor_or_external_support"
    assert warning.severity == "critical"
    assert warning.name == "No top sponsor or no external support"
    assert warning.description == (
        "0 top sponsors; at least 1 are needed. "
        "Factor 4, Ensure top-management support and commitment, scores 2.4, below 3."
    )
    assert [practice.ref for practice in warning.answered_by] == [
        "change_management:ensure_top_management_support",
        "change_management:build_external_support",
    ]
    services.update_programme(programme=programme, status="completed")
    assert selectors.programme_warnings(programme, language="en") == []


def test_the_sponsor_recorded_again_as_top_management_counts_once(world: World) -> None:
    programme = complete(world)
    services.add_supporter(programme=programme, kind="top_management", user=world.director)
    [facts] = selectors.programme_facts(world.organization, [programme.pk])
    assert facts.top_sponsors == 1
    services.add_supporter(programme=programme, kind="top_management", name="Chief of staff")
    assert selectors.programme_facts(world.organization, [programme.pk])[0].top_sponsors == 2


def test_the_evaluator_raises_and_resolves_programme_alerts(world: World, other: World) -> None:
    assert registry.rule_keys() >= ALL_RULES
    programme = world.programme(owner=world.member, sponsor=world.director)
    other.programme("Southport reform")
    evaluate_alerts(organization=world.organization)
    alerts = Alert.objects.filter(organization=world.organization, subject_kind="programme")
    assert {alert.rule_key for alert in alerts} == ALL_RULES
    assert {(alert.subject_id, alert.subject_label) for alert in alerts} == {(programme.pk, "Home care reform")}
    vague = alerts.get(rule_key="plan_too_vague")
    assert vague.facts["milestones"] == 0 and vague.facts["causal_theory_recorded"] is False
    subject = registry.subject("programme")
    assert subject.responsible is not None and subject.url is not None
    assert subject.responsible(world.organization, [programme.pk]) == {
        programme.pk: {world.member.pk, world.director.pk}
    }
    assert subject.url("northbay", programme.pk) == f"/o/northbay/change/{programme.pk}/"
    services.archive_programme(programme=programme)
    evaluate_alerts(organization=world.organization)
    assert (
        not Alert.objects.filter(subject_kind="programme")
        .exclude(status="resolved")
        .filter(organization=world.organization)
        .exists()
    )


def test_permissions_follow_the_roles_and_the_owner(world: World) -> None:
    programme = world.programme(owner=world.member)
    theirs = world.programme("Another", owner=world.lead)
    for person in (world.lead, world.leader, world.member, world.oversight):
        assert person.has_perm("change.view_programmes", world.organization)
    assert world.lead.has_perm("change.manage_programmes", world.organization)
    assert world.leader.has_perm("change.manage_programmes", theirs)
    assert world.member.has_perm("change.manage_programmes", programme)
    assert not world.member.has_perm("change.manage_programmes", theirs)
    assert not world.member.has_perm("change.manage_programmes", world.organization)
    assert not world.oversight.has_perm("change.manage_programmes", programme)


def test_permissions_do_not_cross_organisations(world: World, other: World) -> None:
    theirs = other.programme(owner=other.member)
    assert not world.lead.has_perm("change.view_programmes", other.organization)
    assert not world.lead.has_perm("change.manage_programmes", theirs)


def test_personal_data_is_exported_and_erased(world: World) -> None:
    programme = world.programme(owner=world.member, sponsor=world.director, vision="Ask member@northbay.example")
    services.add_supporter(programme=programme, kind="top_management", user=world.director)
    services.record_readiness(programme=programme, factor_key="ensure_need", score=3, actor=world.director)
    data = privacy.export_person(user=world.director)["sections"]["change"]
    assert data["programmes_sponsored"] == [{"organization": "northbay", "programme": "Home care reform"}]
    assert data["support_given"][0]["kind"] == "top_management"
    assert data["readiness_recorded"][0]["factor"] == "ensure_need"
    from spaceforchange.change.privacy import erase_change

    assert erase_change(privacy.Erasure.of(world.member)) == {"unlinked": 1, "scrubbed": 1}
    programme.refresh_from_db()
    assert programme.owner is None and programme.sponsor == world.director
    assert "member@northbay.example" not in programme.vision


def test_changes_are_audited_with_their_links(world: World) -> None:
    from auditlog.models import LogEntry

    programme = world.programme(initiatives=[world.initiative])
    services.record_readiness(programme=programme, factor_key="ensure_need", score=3)
    logged = LogEntry.objects.get_for_object(programme)
    assert logged.filter(action=LogEntry.Action.CREATE).exists()
    assert LogEntry.objects.filter(content_type__model="readinessentry").exists()
    assert logged.count() >= 2  # the initiative link is logged as an m2m change
