"""Stakeholders and judgments through the services: validation per field, tenancy, the current flag."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from spaceforchange.legitimacy import services
from spaceforchange.legitimacy.models import Judgment, Stakeholder
from tests.factories import make_judgment, make_stakeholder

pytestmark = pytest.mark.django_db


def errors(excinfo):
    return {name: [str(message) for message in messages] for name, messages in excinfo.value.message_dict.items()}


def test_create_stakeholder_links_subjects_and_is_audited(world):
    holder = services.create_stakeholder(
        organization=world.organization,
        name="  County governor ",
        category="regulator",
        influence=5,
        interest=4,
        controls_resources=True,
        contact_owner=world.lead,
        initiatives=[world.initiative],
        policies=[world.policy],
        actor=world.lead,
    )
    assert holder.name == "County governor" and holder.kind == "organization"
    assert list(holder.initiatives.all()) == [world.initiative] and list(holder.policies.all()) == [world.policy]
    assert LogEntry.objects.get_for_object(holder).exists()


def test_create_stakeholder_reports_every_bad_field(world):
    make_stakeholder(world.organization, "Press")
    with pytest.raises(ValidationError) as excinfo:
        services.create_stakeholder(
            organization=world.organization,
            name="press",
            category="aliens",
            kind="robot",
            influence=6,
            interest=True,  # type: ignore[arg-type]
            notes="x" * 4001,
            contact_owner=world.stranger,
            initiatives=[world.foreign_initiative],
            policies=[world.foreign_policy],
        )
    assert set(errors(excinfo)) == {
        "name",
        "category",
        "kind",
        "influence",
        "interest",
        "notes",
        "contact_owner",
        "initiatives",
        "policies",
    }
    assert errors(excinfo)["name"] == ["A stakeholder with this name already exists."]
    assert Stakeholder.objects.filter(organization=world.organization).count() == 1


def test_update_and_archive_stakeholder(world):
    holder = make_stakeholder(world.organization, "Union", category="staff_and_unions")
    services.update_stakeholder(stakeholder=holder, influence=2, initiatives=[world.initiative])
    holder.refresh_from_db()
    assert holder.influence == 2 and holder.category == "staff_and_unions"
    assert list(holder.initiatives.all()) == [world.initiative]
    with pytest.raises(ValidationError) as excinfo:
        services.update_stakeholder(stakeholder=holder, organization=world.other)
    assert "organization" in errors(excinfo)
    services.archive_stakeholder(stakeholder=holder)
    holder.refresh_from_db()
    assert holder.active is False
    with pytest.raises(ValidationError) as excinfo:
        make_judgment(holder, world.initiative)
    assert errors(excinfo) == {"stakeholder": ["The stakeholder is archived; restore them first."]}


def test_record_judgment_appends_and_moves_the_current_flag(world):
    holder = make_stakeholder(world.organization, "Governor")
    first = make_judgment(holder, world.initiative, "regulatory", "legitimate")
    second = make_judgment(holder, world.initiative, "regulatory", "conditional_legitimacy")
    other_type = make_judgment(holder, world.initiative, "normative", "illegitimate")
    on_policy = make_judgment(holder, world.policy, "regulatory", "illegitimate")
    current = set(Judgment.objects.filter(is_current=True).values_list("pk", flat=True))
    assert current == {second.pk, other_type.pk, on_policy.pk}
    assert Judgment.objects.get(pk=first.pk).state == "legitimate"  # never edited
    assert [c.text for c in second.conditions.all()] == ["Report every quarter"]
    assert list(holder.initiatives.all()) == [world.initiative]  # judging links
    # A judgment backdated before the current one is history, not current.
    old = make_judgment(
        holder, world.initiative, "regulatory", "illegitimate", recorded_at=timezone.now() - datetime.timedelta(days=9)
    )
    assert old.is_current is False
    assert Judgment.objects.get(pk=second.pk).is_current is True


@pytest.mark.parametrize(
    ("state", "fields", "expected"),
    [
        ("conditional_legitimacy", {"conditions": []}, {"conditions"}),
        (
            "conditional_legitimacy",
            {"conditions": [services.ConditionInput("", None)]},
            {"conditions"},
        ),
        ("conditional_illegitimacy", {"mitigating_factors": ""}, {"mitigating_factors"}),
        ("unknown_legitimacy", {"unknown_cause": "because"}, {"unknown_cause"}),
        (
            "legitimate",
            {
                "conditions": [services.ConditionInput("x", datetime.date(2030, 1, 1))],
                "mitigating_factors": "y",
                "unknown_cause": "pending_decision",
            },
            {"conditions", "mitigating_factors", "unknown_cause"},
        ),
        ("bogus", {}, {"state"}),
    ],
)
def test_record_judgment_needs_what_the_state_needs(world, state, fields, expected):
    holder = make_stakeholder(world.organization)
    with pytest.raises(ValidationError) as excinfo:
        services.record_judgment(
            stakeholder=holder, initiative=world.initiative, legitimacy_type="regulatory", state=state, **fields
        )
    assert set(errors(excinfo)) == expected
    assert not Judgment.objects.exists()


def test_record_judgment_refuses_foreign_and_ambiguous_subjects(world):
    holder = make_stakeholder(world.organization)
    foreign_holder = make_stakeholder(world.other)
    cases = [
        ({"stakeholder": holder, "initiative": world.foreign_initiative}, {"initiative"}),
        ({"stakeholder": holder, "policy": world.foreign_policy}, {"policy"}),
        ({"stakeholder": holder}, {"subject"}),
        ({"stakeholder": holder, "initiative": world.initiative, "policy": world.policy}, {"subject"}),
        ({"stakeholder": foreign_holder, "initiative": world.initiative}, {"initiative"}),
        (
            {
                "stakeholder": holder,
                "initiative": world.initiative,
                "legitimacy_type": "spiritual",
                "evidence": "e" * 4001,
                "recorded_at": timezone.now() + datetime.timedelta(hours=1),
            },
            {"legitimacy_type", "evidence", "recorded_at"},
        ),
    ]
    for arguments, expected in cases:
        values = {"legitimacy_type": "regulatory", "state": "legitimate", **arguments}
        with pytest.raises(ValidationError) as excinfo:
            services.record_judgment(**values)
        assert set(errors(excinfo)) == expected, arguments
    assert not Judgment.objects.exists()


def test_mark_condition_at_risk(world):
    holder = make_stakeholder(world.organization)
    judgment = make_judgment(holder, world.initiative, state="conditional_legitimacy")
    condition = judgment.conditions.get()
    services.mark_condition_at_risk(condition=condition)
    condition.refresh_from_db()
    assert condition.at_risk is True
    services.mark_condition_at_risk(condition=condition, at_risk=False)
    condition.refresh_from_db()
    assert condition.at_risk is False


def test_current_flag_matches_the_pure_rule_under_random_backdating(world):
    """Whatever order and times judgments are recorded in, the flagged rows are exactly the domain's
    current judgments (latest by time, then id), and the standings count them."""
    import random

    from spaceforchange.legitimacy import domain
    from spaceforchange.legitimacy.subject_selectors import JUDGMENT_COLUMNS, as_judgment

    chance = random.Random(5)
    holders = [make_stakeholder(world.organization) for _ in range(3)]
    moments = [timezone.now() - datetime.timedelta(days=days) for days in (30, 20, 20, 10, 0)]
    for _ in range(40):
        make_judgment(
            chance.choice(holders),
            chance.choice([world.initiative, world.policy]),
            chance.choice(["regulatory", "normative"]),
            chance.choice(["legitimate", "illegitimate"]),
            recorded_at=chance.choice(moments),
        )
    history = [as_judgment(row) for row in Judgment.objects.values_list(*JUDGMENT_COLUMNS)]
    expected = {judgment.id for judgment in domain.current_judgments(history).values()}
    assert set(Judgment.objects.filter(is_current=True).values_list("pk", flat=True)) == expected
    # The organisation view's standings count the same current judgments.
    from spaceforchange.legitimacy.subject_selectors import current_counts

    assert current_counts(world.organization) == {
        subject: dict(counts) for subject, counts in domain.state_counts(history).items()
    }
