"""Legitimation actions and the gray-zone register through the services: the approval rule as a
permission matrix over real memberships, statuses that only move forward, events and audit."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from spaceforchange.legitimacy import gray_zone_services, legitimation_services
from spaceforchange.legitimacy.models import GrayZoneEntry, LegitimationAction
from tests.factories import make_stakeholder

pytestmark = pytest.mark.django_db


def errors(excinfo):
    return {name: [str(message) for message in messages] for name, messages in excinfo.value.message_dict.items()}


def propose(world, *, proposer=None, **fields):
    values = {
        "initiative": world.initiative,
        "tactic": "circumventing",
        "rule_concerned": "Two staff on night visits",
        "rationale": "Sensors do the second person's watching",
        "risks": "A fall goes unseen",
        "accountable": world.owner,
        "review_on": world.today + datetime.timedelta(days=30),
        "actor": proposer or world.owner,
        **fields,
    }
    return gray_zone_services.propose_tactic(**values)


def test_plan_update_and_complete_an_action(world):
    union = make_stakeholder(world.organization, "Union")
    action = legitimation_services.plan_action(
        initiative=world.initiative,
        strategy="engage_in_dialogue",
        goal="repair",
        mode="conform",
        description="  Meet the delegates ",
        stakeholders=[union],
        owner=world.owner,
        actor=world.owner,
    )
    assert action.description == "Meet the delegates" and list(action.stakeholders.all()) == [union]
    legitimation_services.update_action(action=action, planned_on=world.today, mode="shape")
    legitimation_services.record_action_done(action=action, outcome="They agreed to a trial", done_on=world.today)
    action.refresh_from_db()
    assert (action.mode, action.done_on, action.outcome) == ("shape", world.today, "They agreed to a trial")


def test_action_refuses_bad_keys_foreign_stakeholders_and_future_dates(world):
    foreign = make_stakeholder(world.other)
    with pytest.raises(ValidationError) as excinfo:
        legitimation_services.plan_action(
            policy=world.policy,
            strategy="bribery",
            goal="",
            mode="shape",
            description="",
            stakeholders=[foreign],
            owner=world.stranger,
        )
    assert set(errors(excinfo)) == {"strategy", "goal", "description", "stakeholders", "owner"}
    with pytest.raises(ValidationError) as excinfo:
        legitimation_services.plan_action(
            initiative=world.initiative,
            policy=world.foreign_policy,
            strategy="storytelling",
            goal="acquire",
            mode="shape",
            description="x",
        )
    assert set(errors(excinfo)) == {"subject"}
    action = legitimation_services.plan_action(
        policy=world.policy, strategy="storytelling", goal="acquire", mode="shape", description="Tell it"
    )
    with pytest.raises(ValidationError) as excinfo:
        legitimation_services.record_action_done(
            action=action, outcome="", done_on=world.today + datetime.timedelta(days=1)
        )
    assert set(errors(excinfo)) == {"outcome", "done_on"}
    assert LegitimationAction.objects.count() == 1


def test_propose_needs_every_element_of_the_pack(world):
    with pytest.raises(ValidationError) as excinfo:
        propose(
            world,
            tactic="lying",
            rule_concerned=" ",
            rationale="",
            risks="",
            accountable=None,
            review_on=world.today - datetime.timedelta(days=1),
        )
    assert set(errors(excinfo)) == {"tactic", "rule_concerned", "rationale", "risks", "accountable", "review_on"}
    with pytest.raises(ValidationError) as excinfo:
        propose(world, accountable=world.stranger)
    assert set(errors(excinfo)) == {"accountable"}
    assert not GrayZoneEntry.objects.exists()


# who decides → refused? (the proposer is the owner, the accountable person is the manager)
DECIDERS = {
    "lead": True,
    "leader": True,
    "owner": False,  # the proposer
    "manager": False,  # the accountable person, and a plain member
    "member": False,
    "oversight": False,
    "admin": False,
}


@pytest.mark.parametrize("decider", sorted(DECIDERS))
@pytest.mark.parametrize("approve", [True, False])
def test_approval_matrix(world, decider, approve):
    entry = propose(world, proposer=world.owner, accountable=world.manager)
    service = gray_zone_services.approve_tactic if approve else gray_zone_services.reject_tactic
    if DECIDERS[decider]:
        decided = service(entry=entry, actor=world.people[decider], note="Fine")
        assert decided.status == ("approved" if approve else "rejected")
        assert [event.status for event in decided.events.all()] == ["proposed", decided.status]
    else:
        with pytest.raises(ValidationError) as excinfo:
            service(entry=entry, actor=world.people[decider])
        assert "status" in errors(excinfo)
        entry.refresh_from_db()
        assert entry.status == "proposed" and entry.decided_by is None


def test_a_lead_who_proposes_cannot_approve_their_own(world):
    entry = propose(world, proposer=world.lead, accountable=world.owner)
    with pytest.raises(ValidationError) as excinfo:
        gray_zone_services.approve_tactic(entry=entry, actor=world.lead)
    assert errors(excinfo) == {"status": ["The person who proposed the tactic may not approve or reject it."]}
    accountable_lead = propose(world, proposer=world.owner, accountable=world.lead2)
    with pytest.raises(ValidationError):
        gray_zone_services.approve_tactic(entry=accountable_lead, actor=world.lead2)
    assert gray_zone_services.approve_tactic(entry=entry, actor=world.lead2).status == "approved"


def test_statuses_move_forward_and_ending_needs_a_reason(world):
    entry = propose(world)
    entry = gray_zone_services.approve_tactic(entry=entry, actor=world.lead)
    with pytest.raises(ValidationError) as excinfo:
        gray_zone_services.reject_tactic(entry=entry, actor=world.leader)
    assert errors(excinfo)["status"] == ["An entry in this status cannot move to that status."]
    with pytest.raises(ValidationError) as excinfo:
        gray_zone_services.end_tactic(entry=entry, actor=world.owner, reason="  ")
    assert set(errors(excinfo)) == {"reason"}
    with pytest.raises(ValidationError) as excinfo:
        gray_zone_services.end_tactic(entry=entry, actor=world.member, reason="I say so")
    assert set(errors(excinfo)) == {"status"}
    entry = gray_zone_services.end_tactic(entry=entry, actor=world.owner, reason="The trial clause passed")
    assert entry.status == "ended" and entry.ended_reason == "The trial clause passed"
    assert [event.status for event in entry.events.all()] == ["proposed", "approved", "ended"]
    with pytest.raises(ValidationError):
        gray_zone_services.end_tactic(entry=entry, actor=world.owner, reason="Again")
    assert LogEntry.objects.get_for_object(entry).count() >= 3


def test_update_is_limited_once_approved(world):
    entry = propose(world)
    gray_zone_services.update_tactic(entry=entry, rationale="Better reason")
    entry = gray_zone_services.approve_tactic(entry=entry, actor=world.lead)
    with pytest.raises(ValidationError) as excinfo:
        gray_zone_services.update_tactic(entry=entry, rationale="Sneaky", tactic="mystifying")
    assert set(errors(excinfo)) == {"rationale", "tactic"}
    with pytest.raises(ValidationError) as excinfo:
        gray_zone_services.update_tactic(entry=entry, accountable=world.lead)
    assert set(errors(excinfo)) == {"accountable"}
    updated = gray_zone_services.update_tactic(entry=entry, risks="Also: night staff feel watched")
    assert updated.risks == "Also: night staff feel watched" and updated.rationale == "Better reason"
