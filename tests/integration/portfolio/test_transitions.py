"""Stage transitions through ``move_initiative``: every refusal, the gates, and the recorded history."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from spaceforchange.portfolio import record_services, selectors, services
from spaceforchange.portfolio.models import StageGate, StageTransition
from tests.factories import make_member, make_organization

pytestmark = pytest.mark.django_db


def move(world, target, **changes):
    arguments = {"decided_by": world.lead, "decided_on": world.today, "reason": "", "reference": "", **changes}
    return services.move_initiative(initiative=world.initiative, target=target, actor=world.lead, **arguments)


def refusal(world, target, **changes) -> list[str]:
    before = StageTransition.objects.count()
    with pytest.raises(ValidationError) as error:
        move(world, target, **changes)
    world.initiative.refresh_from_db()
    assert StageTransition.objects.count() == before
    return error.value.message_dict.get("target") or [m for ms in error.value.message_dict.values() for m in ms]


def back_scaling_fully(world):
    record_services.record_backing(
        initiative=world.initiative, backer_name="Mayor Lund", level="politician", commitment="formal_mandate"
    )


def test_registration_is_the_first_transition(world):
    (first,) = selectors.transitions_of(world.initiative)
    assert (first.from_stage, first.to_stage, first.decided_on) == ("", "idea", world.days_ago(100))
    assert first.decided_by == world.lead


def test_forward_move_records_decision_and_changes_stage(world):
    transition = move(world, "experiment", reference="Minutes 12")
    world.initiative.refresh_from_db()
    assert world.initiative.stage == "experiment"
    assert (transition.from_stage, transition.to_stage, transition.reference) == ("idea", "experiment", "Minutes 12")
    assert (transition.decided_by, transition.recorded_by) == (world.lead, world.lead)


def test_scaling_is_refused_without_senior_backing_and_passes_with_it(world):
    move(world, "experiment", decided_on=world.days_ago(50))
    messages = refusal(world, "scaling")
    assert messages == ["Scaling needs named senior backing (at least Formal mandate); no senior backer is recorded."]
    assert world.initiative.stage == "experiment"
    record_services.record_backing(
        initiative=world.initiative, backer_name="Director Dahl", level="senior_leader", commitment="verbal"
    )
    assert refusal(world, "scaling") == [
        "Scaling needs named senior backing (at least Formal mandate); the strongest is Verbal support."
    ]
    back_scaling_fully(world)
    move(world, "scaling")
    world.initiative.refresh_from_db()
    assert world.initiative.stage == "scaling"


def test_middle_manager_backing_is_not_senior(world):
    move(world, "experiment")
    record_services.record_backing(
        initiative=world.initiative, backer=world.owner, level="middle_manager", commitment="budget"
    )
    assert "no senior backer is recorded" in refusal(world, "scaling")[0]


def test_withdrawn_senior_backing_no_longer_counts(world):
    move(world, "experiment")
    back_scaling_fully(world)
    record_services.record_backing(
        initiative=world.initiative, backer_name="mayor lund ", level="politician", commitment=None
    )
    assert "no senior backer is recorded" in refusal(world, "scaling")[0]


def test_active_cognitive_constraint_blocks_scaling_until_relieved(world):
    move(world, "experiment")
    back_scaling_fully(world)
    constraint = record_services.record_constraint(
        initiative=world.initiative, family="cognitive", description="Staff think it cannot work", severity=3
    )
    assert refusal(world, "scaling") == [
        "Scaling needs the cognitive constraints addressed: 1 still active, at most 0 allowed."
    ]
    record_services.change_constraint_status(constraint=constraint, status="redefined")
    move(world, "scaling")


@pytest.mark.parametrize(
    "target, changes, expected",
    [
        ("idea", {}, "The initiative is already at the stage Idea."),
        ("scaling", {}, "An initiative cannot move from Idea to Scaling: it moves forward one stage at a time."),
        ("integrated", {}, "An initiative cannot move from Idea to Integrated: it moves forward one stage at a time."),
        ("stopped", {}, "Stopping needs a reason."),
        ("experiment", {"decided_by": None}, "Name the person who decided."),
        ("experiment", {"decided_on": None}, "Give the date of the decision."),
    ],
)
def test_refusals_are_worded(world, target, changes, expected):
    assert expected in refusal(world, target, **changes)


def test_decision_dates_in_the_future_or_before_the_stage_are_refused(world):
    tomorrow = world.today + datetime.timedelta(days=1)
    assert refusal(world, "experiment", decided_on=tomorrow) == [
        f"The decision date {tomorrow.isoformat()} lies in the future."
    ]
    before = world.days_ago(101)
    assert refusal(world, "experiment", decided_on=before) == [
        f"The decision date {before.isoformat()} is before the initiative entered its current stage on "
        f"{world.days_ago(100).isoformat()}."
    ]


def test_stepping_back_needs_a_reason_and_is_never_gated(world):
    move(world, "experiment")
    StageGate.objects.create(organization=world.organization, stage="idea", conditions=[])
    assert refusal(world, "idea") == ["Stepping back needs a reason."]
    move(world, "idea", reason="The pilot showed a different problem.")
    world.initiative.refresh_from_db()
    assert world.initiative.stage == "idea"


def test_terminal_stages_are_final(world):
    move(world, "stopped", reason="No longer needed.")
    world.initiative.refresh_from_db()
    assert refusal(world, "idea") == ["Stopped is a final stage: an initiative does not leave it."]


def test_unknown_stage_and_foreign_decider_are_refused(world):
    assert refusal(world, "flying") == ["Unknown stage."]
    stranger = make_member(make_organization()).user
    with pytest.raises(ValidationError) as error:
        move(world, "experiment", decided_by=stranger)
    assert "decided_by" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        move(world, "experiment", reference="x" * 201)
    assert "reference" in error.value.message_dict
    assert StageTransition.objects.filter(initiative=world.initiative).count() == 1


def test_configured_gate_replaces_the_default_and_lists_every_failure(world, scan_of):
    services.configure_gate(
        organization=world.organization,
        stage="experiment",
        conditions=[
            {"kind": "recent_scan", "max_age_days": 30},
            {"kind": "decision_reference"},
            {"kind": "senior_backing", "min_commitment_rank": 3},
        ],
        actor=world.lead,
    )
    assert refusal(world, "experiment") == [
        "Experiment needs a space-for-change scan from the last 30 days; the initiative has none.",
        "Experiment needs a reference to the decision record, such as a case number.",
        "Experiment needs named senior backing (at least Budget); no senior backer is recorded.",
    ]
    scan_of(world.initiative, 4)
    record_services.record_backing(
        initiative=world.initiative, backer_name="Mayor Lund", level="politician", commitment="political_cover"
    )
    move(world, "experiment", reference="Case 7")


def test_scan_minimum_gate_reads_the_latest_scan(world, scan_of):
    services.configure_gate(
        organization=world.organization,
        stage="experiment",
        conditions=[{"kind": "scan_minimum", "min_score": 3.5, "dimensions": ["resilience"]}],
    )
    scan_of(world.initiative, 1)
    mean = selectors.scans_of(world.initiative)[0].means["resilience"]
    assert mean < 3.5
    shown = f"{mean:.2f}".rstrip("0").rstrip(".")
    assert refusal(world, "experiment") == [
        f"Experiment needs at least 3.5 on Resilience; the latest scan has {shown}."
    ]


def test_old_scan_fails_a_recent_scan_gate(world, scan_of):
    services.configure_gate(
        organization=world.organization, stage="experiment", conditions=[{"kind": "recent_scan", "max_age_days": 0}]
    )
    campaign = scan_of(world.initiative, 4)
    campaign.__class__.objects.filter(pk=campaign.pk).update(
        closed_at=campaign.closed_at - datetime.timedelta(days=3),
        opens_at=campaign.opens_at - datetime.timedelta(days=4),
    )
    taken = selectors.scans_of(world.initiative)[0].taken_on
    assert refusal(world, "experiment") == [
        f"Experiment needs a space-for-change scan from the last 0 days; the latest is from {taken.isoformat()}."
    ]


def test_refusals_are_in_the_persons_language(world):
    move(world, "experiment")
    with translation.override("nb"):
        messages = refusal(world, "scaling")
    # The stage comes from the catalogue, the commitment from the pack's Norwegian names.
    assert len(messages) == 1 and not messages[0].startswith("Scaling ") and "Formelt mandat" in messages[0]


def test_empty_gate_opens_the_stage(world):
    services.configure_gate(organization=world.organization, stage="scaling", conditions=[])
    move(world, "experiment")
    move(world, "scaling")
    assert selectors.gates_for(world.organization)[selectors.GATED_STAGES[1]] == ()


@pytest.mark.parametrize(
    "stage, conditions",
    [
        ("idea", []),
        ("stopped", []),
        ("scaling", [{"kind": "teleport"}]),
        ("scaling", [{"kind": "recent_scan", "max_age_days": -1}]),
        ("scaling", [{"kind": "scan_minimum", "min_score": 11}]),
        ("scaling", [{"kind": "decision_reference"}, {"kind": "decision_reference"}]),
    ],
)
def test_invalid_gates_are_refused_and_nothing_is_saved(world, stage, conditions):
    with pytest.raises(ValidationError):
        services.configure_gate(organization=world.organization, stage=stage, conditions=conditions)
    assert not StageGate.objects.exists()


def test_gate_is_stored_in_the_pure_form_and_updated_in_place(world):
    services.configure_gate(
        organization=world.organization, stage="scaling", conditions=[{"kind": "decision_reference"}]
    )
    gate = services.configure_gate(
        organization=world.organization,
        stage="scaling",
        conditions=[{"kind": "scan_minimum", "min_score": 3, "dimensions": ["resources"]}],
    )
    assert StageGate.objects.filter(organization=world.organization).count() == 1
    assert gate.conditions == [{"kind": "scan_minimum", "min_score": 3.0, "dimensions": ["resources"]}]
    other = make_organization()
    assert (
        selectors.gates_for(other)[selectors.GATED_STAGES[1]]
        != selectors.gates_for(world.organization)[selectors.GATED_STAGES[1]]
    )


def test_snapshot_carries_the_history(world, scan_of):
    move(world, "experiment", decided_on=world.days_ago(10))
    record_services.record_setback(initiative=world.initiative, description="Sensor failed", support_held=False)
    scan_of(world.initiative, 4)
    snapshot = selectors.initiative_snapshot(world.initiative)
    assert [(str(entry.stage), entry.entered_on) for entry in snapshot.history] == [
        ("idea", world.days_ago(100)),
        ("experiment", world.days_ago(10)),
    ]
    assert [setback.support_held for setback in snapshot.setbacks] == [False]
    assert len(snapshot.scans) == 1 and set(snapshot.scans[0].scores) >= {"resilience", "resources"}
