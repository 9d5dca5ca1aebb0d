"""Constraints with their status history, backing entries and setbacks: writes, refusals, relief."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from spaceforchange.portfolio import record_services, selectors, services
from spaceforchange.portfolio.domain import relief
from spaceforchange.portfolio.models import Backing, Constraint, ConstraintStatusChange, Initiative, Setback
from spaceforchange.portfolio.terms import pack_terms
from tests.factories import make_member, make_organization, make_unit

pytestmark = pytest.mark.django_db


def constraint(world, **changes):
    arguments = {"family": "regulatory", "description": "Consent rules", "severity": 4, **changes}
    return record_services.record_constraint(initiative=world.initiative, actor=world.owner, **arguments)


def test_constraint_is_recorded_with_its_first_status(world):
    recorded = constraint(world, object="rule", effect="halts", owner_stakeholder="Legal", mitigation="Ask")
    assert (recorded.family, recorded.object, recorded.effect, recorded.status) == (
        "regulatory",
        "rule",
        "halts",
        "active",
    )
    (first,) = recorded.status_changes.all()
    assert (first.from_status, first.to_status, first.changed_on, first.changed_by) == (
        "",
        "active",
        world.today,
        world.owner,
    )


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"family": "astral"}, "family"),
        ({"family": ""}, "family"),
        ({"object": "vibe"}, "object"),
        ({"effect": "explodes"}, "effect"),
        ({"status": "gone"}, "status"),
        ({"description": "   "}, "description"),
        ({"description": "x" * 2001}, "description"),
        ({"severity": 0}, "severity"),
        ({"severity": 6}, "severity"),
        ({"severity": True}, "severity"),
        ({"owner_stakeholder": "x" * 201}, "owner_stakeholder"),
        ({"added_on": datetime.date(2999, 1, 1)}, "added_on"),
    ],
)
def test_invalid_constraints_are_refused_and_nothing_is_saved(world, changes, field):
    with pytest.raises(ValidationError) as error:
        constraint(world, **changes)
    assert field in error.value.message_dict
    assert not Constraint.objects.exists() and not ConstraintStatusChange.objects.exists()


def test_status_changes_are_appended(world):
    recorded = constraint(world, added_on=world.days_ago(20))
    record_services.change_constraint_status(
        constraint=recorded, status="deprioritized", changed_on=world.days_ago(10), note="Parked by council"
    )
    record_services.change_constraint_status(constraint=recorded, status="active", mitigation="Meet the council")
    recorded.refresh_from_db()
    assert recorded.status == "active" and recorded.mitigation == "Meet the council"
    history = [(row.from_status, row.to_status, row.changed_on) for row in recorded.status_changes.order_by("pk")]
    assert history == [
        ("", "active", world.days_ago(20)),
        ("active", "deprioritized", world.days_ago(10)),
        ("deprioritized", "active", world.today),
    ]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"status": "active"}, "status"),
        ({"status": "vanished"}, "status"),
        ({"status": "removed", "changed_on": datetime.date(2999, 1, 1)}, "changed_on"),
        ({"status": "removed", "note": "x" * 2001}, "note"),
    ],
)
def test_invalid_status_changes_change_nothing(world, changes, field):
    recorded = constraint(world, added_on=world.days_ago(5))
    with pytest.raises(ValidationError) as error:
        record_services.change_constraint_status(constraint=recorded, **changes)
    assert field in error.value.message_dict
    recorded.refresh_from_db()
    assert recorded.status == "active" and recorded.status_changes.count() == 1


def test_status_change_before_the_constraint_is_refused(world):
    recorded = constraint(world, added_on=world.days_ago(5))
    with pytest.raises(ValidationError) as error:
        record_services.change_constraint_status(constraint=recorded, status="removed", changed_on=world.days_ago(6))
    assert error.value.message_dict == {"changed_on": ["The date is before the constraint was recorded."]}


def test_relief_ratio_is_weighted_by_severity(world):
    for severity, status in ((4, "removed"), (1, "redefined"), (5, "active")):
        constraint(world, severity=severity, status=status)
    terms = pack_terms(world.organization, "en")
    assert terms.relieved_statuses == {"removed", "deprioritized", "redefined"}
    result = relief(
        ((row.status, row.severity) for row in selectors.constraints_of(world.initiative)), terms.relieved_statuses
    )
    assert (result.relieved, result.total, result.ratio) == (2, 3, 0.5)


def test_backing_by_a_person_or_a_name_and_withdrawal(world):
    person = record_services.record_backing(
        initiative=world.initiative, backer=world.lead, level="senior_leader", commitment="formal_mandate"
    )
    named = record_services.record_backing(
        initiative=world.initiative,
        backer_name="Mayor Lund",
        level="politician",
        commitment="political_cover",
        recorded_on=world.days_ago(3),
        note="Said so in council",
    )
    withdrawn = record_services.record_backing(
        initiative=world.initiative, backer_name="Mayor Lund", level="politician", commitment=None
    )
    assert person.backer_name == str(world.lead)
    assert (named.backer, named.commitment, named.recorded_on) == (None, "political_cover", world.days_ago(3))
    assert withdrawn.commitment == ""
    snapshot = selectors.initiative_snapshot(world.initiative)
    assert [(entry.backer_id, entry.commitment) for entry in snapshot.backing] == [
        (1, "political_cover"),
        (2, "formal_mandate"),
        (1, None),
    ]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"backer_name": ""}, "backer"),
        ({"level": "emperor"}, "level"),
        ({"level": ""}, "level"),
        ({"commitment": "blood_oath"}, "commitment"),
        ({"backer_name": "x" * 201}, "backer_name"),
        ({"recorded_on": datetime.date(2999, 1, 1)}, "recorded_on"),
    ],
)
def test_invalid_backing_is_refused(world, changes, field):
    arguments = {"backer_name": "Mayor", "level": "politician", "commitment": "verbal", **changes}
    with pytest.raises(ValidationError) as error:
        record_services.record_backing(initiative=world.initiative, **arguments)
    assert field in error.value.message_dict
    assert not Backing.objects.exists()


def test_backer_from_another_organisation_is_refused(world):
    stranger = make_member(make_organization()).user
    with pytest.raises(ValidationError) as error:
        record_services.record_backing(
            initiative=world.initiative, backer=stranger, level="politician", commitment="verbal"
        )
    assert "backer" in error.value.message_dict
    assert not Backing.objects.exists()


def test_setbacks(world):
    setback = record_services.record_setback(
        initiative=world.initiative, description=" Sensor failed ", occurred_on=world.days_ago(2), support_held=True
    )
    assert (setback.description, setback.occurred_on, setback.support_held) == (
        "Sensor failed",
        world.days_ago(2),
        True,
    )
    for bad in ({"description": ""}, {"description": "ok", "occurred_on": datetime.date(2999, 1, 1)}):
        with pytest.raises(ValidationError):
            record_services.record_setback(initiative=world.initiative, **bad)
    assert Setback.objects.count() == 1


def test_timeline_is_newest_first_and_complete(world, scan_of):
    recorded = constraint(world, added_on=world.days_ago(30))
    record_services.record_backing(
        initiative=world.initiative,
        backer_name="Mayor",
        level="politician",
        commitment="verbal",
        recorded_on=world.days_ago(20),
    )
    record_services.change_constraint_status(constraint=recorded, status="removed", changed_on=world.days_ago(10))
    record_services.record_setback(initiative=world.initiative, description="Storm", occurred_on=world.days_ago(5))
    services.move_initiative(
        initiative=world.initiative, target="experiment", decided_by=world.lead, decided_on=world.days_ago(3)
    )
    scans = selectors.scans_of(world.initiative)
    scan_of(world.initiative)
    scans = selectors.scans_of(world.initiative)
    entries = selectors.timeline(selectors.records_of(world.initiative), scans)
    assert [entry.kind for entry in entries] == [
        "scan",
        "transition",
        "setback",
        "constraint",
        "backing",
        "constraint",
        "transition",
    ]
    assert [entry.on for entry in entries] == sorted((entry.on for entry in entries), reverse=True)


def test_create_and_update_initiative_fields(world):
    unit, other_unit = make_unit(world.organization, "Home care"), make_unit(world.organization, "Health")
    goal = services.create_goal(organization=world.organization, title="Older residents at home")
    initiative = services.create_initiative(
        organization=world.organization,
        title="Sensors",
        unit=unit,
        units=[other_unit],
        team=[world.member],
        goals=[goal],
        change_form="bold_experimentation",
        initiator_level="front_line_staff",
        trigger="technology_opportunity",
        uses_ai=True,
    )
    assert list(initiative.units.all()) == [other_unit] and list(initiative.goals.all()) == [goal]
    services.update_initiative(
        initiative=initiative, change_form="incremental_change", team=[], title="Sensors at night"
    )
    initiative.refresh_from_db()
    assert (initiative.title, initiative.change_form, initiative.uses_ai) == (
        "Sensors at night",
        "incremental_change",
        True,
    )
    assert list(initiative.team.all()) == []


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"change_form": "revolution"}, "change_form"),
        ({"initiator_level": "king"}, "initiator_level"),
        ({"trigger": "boredom"}, "trigger"),
        ({"stage": "scaling"}, "stage"),
        ({"title": "Night watch"}, "title"),
        ({"title": ""}, "title"),
    ],
)
def test_invalid_updates_change_nothing(world, changes, field):
    services.create_initiative(organization=world.organization, title="Other")
    target = Initiative.objects.get(title="Other")
    with pytest.raises(ValidationError) as error:
        services.update_initiative(initiative=target, **changes)
    assert field in error.value.message_dict
    target.refresh_from_db()
    assert (target.title, target.stage, target.change_form) == ("Other", "idea", "")


def test_foreign_units_people_and_goals_are_refused(world):
    other = make_organization()
    foreign_goal = services.create_goal(organization=other, title="Theirs")
    stranger = make_member(other).user
    for changes, field in (
        ({"units": [make_unit(other)]}, "units"),
        ({"goals": [foreign_goal]}, "goals"),
        ({"team": [stranger]}, "team"),
        ({"owner": stranger}, "owner"),
    ):
        with pytest.raises(ValidationError) as error:
            services.create_initiative(organization=world.organization, title="New", **changes)
        assert field in error.value.message_dict
    assert not Initiative.objects.filter(title="New").exists()


def test_goals(world):
    goal = services.create_goal(organization=world.organization, title=" Greener ")
    assert goal.title == "Greener"
    with pytest.raises(ValidationError):
        services.create_goal(organization=world.organization, title="greener")
    with pytest.raises(ValidationError):
        services.create_goal(organization=world.organization, title="")
    services.set_goal_active(goal=goal, active=False)
    assert list(selectors.goals_for(world.organization, active_only=True)) == []
