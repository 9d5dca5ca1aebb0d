"""What participants do: joining by link or invitation, voting (the last vote wins), adding statements."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from spaceforchange.consultations import selectors, services
from spaceforchange.consultations.models import Access, Moderation, Participant, Vote
from spaceforchange.consultations.participant_services import STATEMENTS_PER_PARTICIPANT, hash_secret

from .conftest import World, statements


def test_joining_a_public_consultation_keeps_only_a_hash_of_the_secret(world: World):
    participant, secret = services.join_consultation(consultation=world.consultation)
    assert len(secret) >= 32
    assert participant.token_hash == hash_secret(secret) != secret
    assert participant.organization_id == world.organization.pk
    again, same = services.join_consultation(consultation=world.consultation, secret=secret)
    assert (again.pk, same) == (participant.pk, secret)
    # A secret the consultation does not know gets a new participant with a fresh secret.
    stranger, fresh = services.join_consultation(consultation=world.consultation, secret="made-up")
    assert stranger.pk != participant.pk and fresh != "made-up"
    # Another consultation's secret is unknown there.
    elsewhere, _secret = services.join_consultation(consultation=world.other_consultation, secret=secret)
    assert elsewhere.consultation_id == world.other_consultation.pk
    assert LogEntry.objects.filter(content_type__model="participant").count() == 0


def test_invite_only_needs_a_valid_invitation_of_that_consultation(world: World):
    services.update_consultation(consultation=world.consultation, access=Access.INVITE)
    with pytest.raises(ValidationError) as caught:
        services.join_consultation(consultation=world.consultation)
    assert caught.value.code == "invitation_required"
    foreign = services.create_invitations(consultation=world.other_consultation, count=1)[0]
    with pytest.raises(ValidationError) as caught:
        services.join_consultation(consultation=world.consultation, invitation_token=foreign.token)
    assert caught.value.code == "invalid_invitation"
    invitation = services.create_invitations(consultation=world.consultation, count=1)[0]
    participant, secret = services.join_consultation(consultation=world.consultation, invitation_token=invitation.token)
    assert secret == invitation.token
    assert participant.invitation == invitation
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    # The same link on another device, or the cookie, finds the same participant.
    assert (
        services.join_consultation(consultation=world.consultation, invitation_token=invitation.token)[0] == participant
    )
    assert services.join_consultation(consultation=world.consultation, secret=secret)[0] == participant
    assert Participant.objects.filter(consultation=world.consultation).count() == 1


def test_nobody_new_joins_a_closed_or_draft_consultation_but_a_known_secret_still_works(world: World):
    participant, secret = services.join_consultation(consultation=world.consultation)
    services.close_consultation(consultation=world.consultation)
    with pytest.raises(ValidationError) as caught:
        services.join_consultation(consultation=world.consultation)
    assert caught.value.code == "closed"
    assert services.join_consultation(consultation=world.consultation, secret=secret)[0] == participant
    later = services.create_consultation(
        organization=world.organization, title="Later", opens_at=timezone.now() + datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError) as caught:
        services.join_consultation(consultation=later)
    assert caught.value.code == "not_open"


def test_the_last_vote_wins_and_is_stored_once(world: World):
    participant, _secret = services.join_consultation(consultation=world.consultation)
    statement = statements(world.consultation)[0]
    first = services.cast_vote(participant=participant, statement=statement, value=1)
    services.cast_vote(participant=participant, statement=statement, value=-1)
    services.cast_vote(participant=participant, statement=statement, value=0)
    row = Vote.objects.get(participant=participant, statement=statement)
    assert (row.value, row.organization_id, row.consultation_id) == (0, world.organization.pk, world.consultation.pk)
    assert row.pk == first.pk
    assert row.updated_at >= row.created_at
    assert selectors.votes_of(participant) == {statement.pk: 0}


def test_votes_are_refused_with_bad_values_foreign_statements_hidden_statements_and_when_closed(world: World):
    participant, _secret = services.join_consultation(consultation=world.consultation)
    first, second = statements(world.consultation)[:2]
    foreign = statements(world.other_consultation)[0]
    for value in (2, -2, True, "1", None):
        with pytest.raises(ValidationError) as caught:
            services.cast_vote(participant=participant, statement=first, value=value)  # type: ignore[arg-type]
        assert "value" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.cast_vote(participant=participant, statement=foreign, value=1)
    assert caught.value.message_dict == {"statement": ["The statement belongs to another consultation."]}
    services.moderate_statement(statement=first, moderation=Moderation.REJECTED)
    with pytest.raises(ValidationError) as caught:
        services.cast_vote(participant=participant, statement=first, value=1)
    assert caught.value.message_dict == {"statement": ["This statement is not open for votes."]}
    services.close_consultation(consultation=world.consultation)
    participant.consultation.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.cast_vote(participant=participant, statement=second, value=1)
    assert caught.value.code == "closed"
    assert Vote.objects.count() == 0


def test_participant_statements_wait_for_moderation_and_strict_moderation_hides_them(world: World):
    participant, _secret = services.join_consultation(consultation=world.consultation)
    added = services.submit_statement(participant=participant, text=" Open on Sundays. ")
    assert (added.text, added.is_seed, added.moderation, added.author_participant) == (
        "Open on Sundays.",
        False,
        Moderation.PENDING,
        participant,
    )
    assert LogEntry.objects.get_for_object(added).count() == 0
    assert list(selectors.moderation_queue(world.consultation)) == [added]
    other, _secret = services.join_consultation(consultation=world.consultation)
    services.cast_vote(participant=other, statement=added, value=1)
    services.update_consultation(consultation=world.consultation, strict_moderation=True)
    other.consultation.refresh_from_db()
    with pytest.raises(ValidationError):
        services.cast_vote(participant=other, statement=added, value=-1)
    assert Vote.objects.get(statement=added).value == 1


def test_participant_statements_are_refused_when_not_allowed_repeated_or_too_many(world: World):
    participant, _secret = services.join_consultation(consultation=world.consultation)
    with pytest.raises(ValidationError) as caught:
        services.submit_statement(participant=participant, text=statements(world.consultation)[0].text)
    assert caught.value.message_dict == {"text": ["This statement is already in the consultation."]}
    for number in range(STATEMENTS_PER_PARTICIPANT):
        services.submit_statement(participant=participant, text=f"My idea {number}")
    with pytest.raises(ValidationError) as caught:
        services.submit_statement(participant=participant, text="One more")
    assert "text" in caught.value.message_dict
    services.update_consultation(consultation=world.consultation, allow_participant_statements=False)
    participant.consultation.refresh_from_db()
    newcomer, _secret = services.join_consultation(consultation=world.consultation)
    with pytest.raises(ValidationError) as caught:
        services.submit_statement(participant=newcomer, text="Something new")
    assert caught.value.code == "not_allowed"


def test_next_statement_shows_each_votable_statement_once_then_none(world: World):
    participant, _secret = services.join_consultation(consultation=world.consultation)
    shown = statements(world.consultation)
    services.moderate_statement(statement=shown[0], moderation=Moderation.REJECTED)
    seen = []
    while (statement := selectors.next_statement(participant, random_value=0.5)) is not None:
        seen.append(statement.pk)
        services.cast_vote(participant=participant, statement=statement, value=1)
    assert sorted(seen) == [statement.pk for statement in shown[1:]]
