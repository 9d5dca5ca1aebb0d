"""Staff writes: creating, changing, moderating, inviting, closing; bad input changes nothing."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from spaceforchange.consultations import services
from spaceforchange.consultations.models import Consultation, Invitation, Moderation, Statement, Status
from tests.factories import make_registered_policy

from .conftest import SEEDS, World, statements


def test_create_stores_the_consultation_with_accepted_seed_statements(world: World):
    consultation = world.consultation
    assert consultation.status == Status.OPEN
    assert consultation.created_by == world.lead
    assert consultation.access == "public"
    assert len(consultation.public_token) >= 32
    rows = statements(consultation)
    assert [row.text for row in rows] == SEEDS
    assert {(row.is_seed, row.moderation, row.organization_id) for row in rows} == {
        (True, Moderation.ACCEPTED, world.organization.pk)
    }
    entry = LogEntry.objects.get_for_object(consultation).get()
    assert entry.action == LogEntry.Action.CREATE


def test_create_refuses_bad_input_and_stores_nothing(world: World):
    before = Consultation.objects.count()
    now = timezone.now()
    with pytest.raises(ValidationError) as caught:
        services.create_consultation(
            organization=world.organization,
            title=" ",
            description="x" * 4001,
            opens_at=now,
            closes_at=now - datetime.timedelta(hours=1),
            access="everyone",
            languages=["english!"],
            seed_statements=["fine", "y" * 401],
        )
    assert set(caught.value.message_dict) == {"title", "description", "closes_at", "access", "languages"}
    with pytest.raises(ValidationError) as caught:
        services.create_consultation(organization=world.organization, title="Q", seed_statements=["ok", "y" * 401])
    assert caught.value.message_dict == {"seed_statements": ["Statement 2: at most 400 characters."]}
    assert Consultation.objects.count() == before


def test_links_to_another_organisations_policy_or_initiative_are_refused(world: World):
    foreign = make_registered_policy(world.other, "Foreign policy")
    with pytest.raises(ValidationError) as caught:
        services.create_consultation(organization=world.organization, title="Q", policy=foreign)
    assert caught.value.message_dict == {"policy": ["The policy belongs to another organisation."]}
    with pytest.raises(ValidationError):
        services.update_consultation(consultation=world.consultation, policy=foreign)
    world.consultation.refresh_from_db()
    assert world.consultation.policy == world.policy


def test_update_changes_only_the_given_fields_and_refuses_unknown_ones(world: World):
    services.update_consultation(
        consultation=world.consultation, title="  New question  ", languages=["nb", "en", "nb"], actor=world.lead
    )
    world.consultation.refresh_from_db()
    assert world.consultation.title == "New question"
    assert world.consultation.languages == ["nb", "en"]
    assert world.consultation.policy == world.policy
    with pytest.raises(ValidationError) as caught:
        services.update_consultation(consultation=world.consultation, public_token="guessable")
    assert caught.value.message_dict == {"public_token": ["This field cannot be changed here."]}


def test_a_draft_opens_later_and_a_closed_one_takes_no_statements(world: World):
    later = timezone.now() + datetime.timedelta(days=2)
    draft = services.create_consultation(organization=world.organization, title="Later", opens_at=later)
    assert draft.status == Status.DRAFT
    services.close_consultation(consultation=draft)
    draft.refresh_from_db()
    assert draft.status == Status.CLOSED
    assert draft.opens_at < draft.closes_at
    with pytest.raises(ValidationError) as caught:
        services.close_consultation(consultation=draft)
    assert caught.value.code == "closed"
    with pytest.raises(ValidationError) as caught:
        services.add_statement(consultation=draft, text="Too late.")
    assert caught.value.message_dict == {"text": ["The consultation is closed."]}


def test_add_statement_refuses_blank_long_and_repeated_text(world: World):
    added = services.add_statement(consultation=world.consultation, text="  A new seed.  ", language="en")
    assert (added.text, added.is_seed, added.moderation, added.language) == ("A new seed.", True, "accepted", "en")
    for text, message in (
        ("", "Write the statement."),
        ("z" * 401, "At most 400 characters; this has 401."),
        (SEEDS[0].upper(), "This statement is already in the consultation."),
    ):
        with pytest.raises(ValidationError) as caught:
            services.add_statement(consultation=world.consultation, text=text)
        assert caught.value.message_dict == {"text": [message]}
    assert Statement.objects.filter(consultation=world.consultation).count() == len(SEEDS) + 1


def test_moderation_accepts_rejects_and_refuses_unknown_decisions(world: World):
    statement = statements(world.consultation)[0]
    services.moderate_statement(statement=statement, moderation="rejected", actor=world.lead)
    statement.refresh_from_db()
    assert statement.moderation == Moderation.REJECTED
    with pytest.raises(ValidationError):
        services.moderate_statement(statement=statement, moderation="maybe")
    statement.refresh_from_db()
    assert statement.moderation == Moderation.REJECTED
    assert LogEntry.objects.get_for_object(statement).filter(action=LogEntry.Action.UPDATE).count() == 1


def test_invitations_are_unique_links_for_the_consultation(world: World):
    invitations = services.create_invitations(consultation=world.consultation, count=3, label="Board", actor=world.lead)
    assert len({invitation.token for invitation in invitations}) == 3
    assert {(i.label, i.consultation_id, i.organization_id, i.used_at) for i in invitations} == {
        ("Board", world.consultation.pk, world.organization.pk, None)
    }
    for count in (0, 1001, True, "3"):
        with pytest.raises(ValidationError) as caught:
            services.create_invitations(consultation=world.consultation, count=count)  # type: ignore[arg-type]
        assert "count" in caught.value.message_dict
    assert Invitation.objects.filter(consultation=world.consultation).count() == 3
