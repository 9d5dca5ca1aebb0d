"""Who sees and runs which consultation; staff reads stay in their organisation."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from spaceforchange.consultations import selectors, services
from spaceforchange.consultations.models import Moderation
from tests.factories import make_member, make_registered_policy

from .conftest import World, statements, two_camps


def test_the_permission_matrix(world: World):
    consultation = world.consultation
    unlinked = services.create_consultation(organization=world.organization, title="Unlinked", actor=world.lead)
    expected = {
        # person: (view linked, view unlinked, change linked, change unlinked, add, add for policy)
        "lead": (True, True, True, True, True, True),
        "leader": (True, True, False, False, False, False),
        "oversight": (True, True, False, False, False, False),
        "manager": (True, False, True, False, True, True),
        "member": (False, False, False, False, False, False),
        "admin": (False, False, False, False, False, False),
    }
    for name, answers in expected.items():
        person = getattr(world, name)
        got = (
            person.has_perm("consultations.view_consultation", consultation),
            person.has_perm("consultations.view_consultation", unlinked),
            person.has_perm("consultations.change_consultation", consultation),
            person.has_perm("consultations.moderate_consultation", unlinked),
            person.has_perm("consultations.add_consultation", world.organization),
            person.has_perm("consultations.add_consultation_for", world.policy),
        )
        assert got == answers, name
    assert world.lead.has_perm("consultations.add_consultation_for", world.organization)
    assert not world.manager.has_perm("consultations.add_consultation_for", world.organization)
    assert not world.lead.has_perm("consultations.view_consultation", world.other_consultation)


def test_a_creator_runs_their_own_consultation_while_a_member(world: World):
    consultation = services.create_consultation(organization=world.organization, title="Mine", actor=world.member)
    assert world.member.has_perm("consultations.change_consultation", consultation)
    assert world.member.has_perm("consultations.view_consultation", consultation)
    assert not world.member.has_perm("consultations.change_consultation", world.consultation)


def test_the_list_shows_each_person_what_they_may_see_with_counts(world: World, django_assert_num_queries):
    other_policy = make_registered_policy(world.organization, "Parking", manager=world.member)
    services.create_consultation(organization=world.organization, title="Parking", policy=other_policy)
    participant, _secret = services.join_consultation(consultation=world.consultation)
    services.submit_statement(participant=participant, text="Weekend visits please")
    with django_assert_num_queries(2):  # roles, then the list with its counts
        rows = list(selectors.consultations_for(world.organization, world.leader))
    assert [(row.title, row.participant_count, row.statement_count, row.pending_count) for row in rows] == [
        ("Parking", 0, 0, 0),
        ("How should visiting hours work?", 1, 11, 1),
    ]
    assert {row.title for row in selectors.consultations_for(world.organization, world.manager)} == {
        "How should visiting hours work?"
    }
    assert {row.title for row in selectors.consultations_for(world.organization, world.member)} == {"Parking"}
    outsider = make_member(world.other).user
    assert list(selectors.consultations_for(world.organization, outsider)) == []


def test_detail_and_links_are_found_only_where_they_belong(world: World):
    assert selectors.consultation_detail(world.organization, world.consultation.pk) == world.consultation
    with pytest.raises(Http404):
        selectors.consultation_detail(world.organization, world.other_consultation.pk)
    assert selectors.consultation_by_token(world.consultation.public_token) == world.consultation
    with pytest.raises(Http404):
        selectors.consultation_by_token("not-a-token")
    invitation = services.create_invitations(consultation=world.consultation, count=1)[0]
    assert selectors.invitation_by_token(invitation.token).consultation == world.consultation
    participant, secret = services.join_consultation(consultation=world.consultation)
    assert selectors.participant_by_secret(world.consultation, secret) == participant
    assert selectors.participant_by_secret(world.other_consultation, secret) is None
    assert selectors.participant_by_secret(world.consultation, "") is None


def test_statements_carry_their_vote_counts_and_the_queue_holds_pending_ones(world: World):
    two_camps(world.consultation, size=3)
    rows = list(selectors.statements_of(world.consultation))
    assert [(row.agrees, row.disagrees, row.passes) for row in rows][:1] == [(3, 3, 0)]
    assert (rows[-1].agrees, rows[-1].disagrees) == (6, 0)
    services.moderate_statement(statement=statements(world.consultation)[0], moderation=Moderation.PENDING)
    assert [row.pk for row in selectors.moderation_queue(world.consultation)] == [rows[0].pk]


def test_participation_over_time_counts_joins_and_first_votes_per_local_day(world: World):
    participants = two_camps(world.consultation, size=2)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    participants[0].__class__.objects.filter(pk=participants[0].pk).update(created_at=yesterday)
    days = selectors.participation_over_time(world.consultation)
    assert [(day.joined, day.votes, day.participants_total, day.votes_total) for day in days] == [
        (1, 0, 1, 0),
        (3, 40, 4, 40),
    ]
    assert days[1].day - days[0].day == datetime.timedelta(days=1)
