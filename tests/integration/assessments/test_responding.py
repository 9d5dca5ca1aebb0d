"""Answering by link: starting, resuming, saving, submitting, and what anonymity keeps out of the tables."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from spaceforchange.assessments import domain, response_services, selectors, services
from spaceforchange.assessments.models import (
    Answer,
    Campaign,
    DimensionComment,
    Response,
    ResponseSource,
    ResponseStatus,
)
from tests.factories import make_campaign, make_member, make_organization, make_response

pytestmark = pytest.mark.django_db

FULL = {"r1": 4, "r2": 2, "o1": 5, "o2": 3}


@pytest.fixture
def campaign():
    return make_campaign(make_organization())


def invite(campaign, email="ada@example.org"):
    [(invitation, token)] = services.invite_respondents(campaign=campaign, emails=[email])
    return invitation, token


def test_a_shared_link_starts_a_new_draft_with_its_own_resume_token(campaign):
    link = services.create_shared_link(campaign=campaign)
    first, first_resume = response_services.start_response(token=link)
    second, second_resume = response_services.start_response(token=link)
    assert first.pk != second.pk
    assert first_resume and second_resume and first_resume != second_resume
    assert first.resume_token_hash == domain.resume_hash(first_resume)
    assert (first.status, first.submitted_at, first.source, first.weight) == (ResponseStatus.DRAFT, None, "web", 1.0)
    assert (first.organization_id, first.campaign_id, first.unit, first.attributes) == (
        campaign.organization_id,
        campaign.pk,
        None,
        {},
    )
    assert response_services.resume_response(resume_token=first_resume) == first


def test_a_personal_link_leads_to_its_one_response_every_time(campaign):
    _invitation, token = invite(campaign)
    response, resume = response_services.start_response(token=token)
    again, _ = response_services.start_response(token=token)
    assert resume is None
    assert again.pk == response.pk
    assert response_services.resume_response(resume_token=token) == response
    assert Response.objects.count() == 1


def test_a_used_personal_link_leads_back_to_the_submitted_response(campaign):
    _invitation, token = invite(campaign)
    response, _ = response_services.start_response(token=token)
    response_services.save_answers(response=response, answers=FULL)
    response_services.submit_response(response=response)
    again, _ = response_services.start_response(token=token)
    assert again.pk == response.pk and again.is_submitted
    with pytest.raises(ValidationError) as error:
        response_services.save_answers(response=again, answers={"r1": 1})
    assert error.value.code == "submitted"
    assert Response.objects.count() == 1
    assert selectors.answers_of(again)["r1"] == 4


@pytest.mark.parametrize("token", ["", "nonsense", "x" * 43])
def test_unknown_links_are_refused(campaign, token):
    with pytest.raises(ValidationError) as error:
        response_services.start_response(token=token)
    assert error.value.code == "invalid"
    assert error.value.messages == ["This survey link is not valid. Check that you copied the whole link."]
    with pytest.raises(ValidationError) as error:
        response_services.resume_response(resume_token=token)
    assert error.value.code == "invalid"
    assert not Response.objects.exists()


def test_a_replaced_shared_link_and_a_link_token_used_as_resume_token_are_refused(campaign):
    old = services.create_shared_link(campaign=campaign)
    services.create_shared_link(campaign=campaign)
    with pytest.raises(ValidationError) as error:
        response_services.start_response(token=old)
    assert error.value.code == "invalid"
    with pytest.raises(ValidationError) as error:
        response_services.resume_response(resume_token=old)
    assert error.value.code == "invalid"
    _response, resume = response_services.start_response(token=services.create_shared_link(campaign=campaign))
    with pytest.raises(ValidationError):
        response_services.start_response(token=resume)  # a resume token is no link to start with


def test_a_draft_campaign_and_one_not_yet_started_refuse_answers():
    organization = make_organization()
    draft = make_campaign(organization, status="draft")
    with pytest.raises(ValidationError) as error:
        response_services.start_response(token=services.create_shared_link(campaign=draft))
    assert (error.value.code, error.value.messages) == ("not_opened", ["This survey has not been opened yet."])
    opens = timezone.make_aware(datetime.datetime(2099, 5, 1, 7, 30), datetime.UTC)
    later = make_campaign(organization, opens_at=opens, closes_at=opens + datetime.timedelta(days=3))
    with pytest.raises(ValidationError) as error:
        response_services.start_response(token=services.create_shared_link(campaign=later))
    assert (error.value.code, error.value.messages) == ("not_started", ["This survey opens on 2099-05-01 09:30."])
    assert not Response.objects.exists()


def test_closing_freezes_drafts_and_refuses_new_answers(campaign):
    link = services.create_shared_link(campaign=campaign)
    response, resume = response_services.start_response(token=link)
    response_services.save_answers(response=response, answers={"r1": 2})
    services.close_campaign(campaign=campaign)
    closed_message = ["This survey has closed, so answers can no longer be given or changed."]
    for attempt in (
        lambda: response_services.start_response(token=link),
        lambda: response_services.resume_response(resume_token=resume),
        lambda: response_services.save_answers(response=response, answers={"r1": 5}),
        lambda: response_services.submit_response(response=response),
    ):
        with pytest.raises(ValidationError) as error:
            attempt()
        assert (error.value.code, error.value.messages) == ("closed", closed_message)
    assert selectors.answers_of(response) == {"r1": 2}
    assert Response.objects.get().status == ResponseStatus.DRAFT


def test_answers_after_the_closing_time_are_refused_even_while_the_status_is_open(campaign):
    link = services.create_shared_link(campaign=campaign)
    response, _ = response_services.start_response(token=link)
    Campaign.objects.filter(pk=campaign.pk).update(
        opens_at=timezone.now() - datetime.timedelta(days=9), closes_at=timezone.now() - datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError) as error:
        response_services.save_answers(response=response, answers={"r1": 5})
    assert error.value.code == "closed"
    assert not Answer.objects.exists()


def test_save_answers_upserts_and_keeps_dont_know(campaign):
    response, _ = response_services.start_response(token=services.create_shared_link(campaign=campaign))
    response_services.save_answers(
        response=response, answers={"r1": 1, "o1": None}, comments={"room": "  Too many rules. "}
    )
    response_services.save_answers(response=response, answers={"r1": 5, "r2": 3}, comments={"openness": "Good."})
    assert selectors.answers_of(response) == {"r1": 5, "o1": None, "r2": 3}
    assert selectors.comments_of(response) == {"room": "Too many rules.", "openness": "Good."}
    assert Answer.objects.filter(response=response).count() == 3
    assert {a.organization_id for a in Answer.objects.all()} == {campaign.organization_id}
    response_services.save_answers(response=response, answers={}, comments={"room": "  ", "openness": "Better."})
    assert selectors.comments_of(response) == {"openness": "Better."}
    assert DimensionComment.objects.get().organization_id == campaign.organization_id


@pytest.mark.parametrize(
    ("answers", "comments", "errors"),
    [
        ({"r1": 6}, {}, {"r1": ["Choose an answer from 1 to 5."]}),
        ({"r1": 0}, {}, {"r1": ["Choose an answer from 1 to 5."]}),
        ({"r1": "4"}, {}, {"r1": ["Choose one of the answers on the scale."]}),
        ({"r1": True}, {}, {"r1": ["Choose one of the answers on the scale."]}),
        ({"zz": 3}, {}, {"zz": ["This question is not part of the survey."]}),
        ({"o2": None}, {}, {"o2": ["This question needs an answer on the scale."]}),
        ({}, {"room": "x" * 2001}, {"comment_room": ["Use at most 2000 characters."]}),
        ({}, {"r1": "text"}, {"comment_r1": ["Comments can be given only on the survey's dimensions."]}),
        ({}, {"room": "a\x00b"}, {"comment_room": ["The text contains a character that is not allowed."]}),
        (
            {"r1": 3, "r2": 9, "o2": None},
            {"nowhere": "hi"},
            {
                "r2": ["Choose an answer from 1 to 5."],
                "o2": ["This question needs an answer on the scale."],
                "comment_nowhere": ["Comments can be given only on the survey's dimensions."],
            },
        ),
    ],
)
def test_invalid_answers_are_refused_and_nothing_is_saved(campaign, answers, comments, errors):
    response, _ = response_services.start_response(token=services.create_shared_link(campaign=campaign))
    response_services.save_answers(response=response, answers={"r1": 2})
    with pytest.raises(ValidationError) as error:
        response_services.save_answers(response=response, answers=answers, comments=comments)
    assert error.value.message_dict == errors
    assert selectors.answers_of(response) == {"r1": 2}
    assert not DimensionComment.objects.exists()


def test_a_comment_of_exactly_the_limit_is_kept(campaign):
    response, _ = response_services.start_response(token=services.create_shared_link(campaign=campaign))
    response_services.save_answers(response=response, answers={}, comments={"room": "x" * 2000})
    assert len(selectors.comments_of(response)["room"]) == 2000


def test_submit_is_idempotent(campaign):
    response = make_response(campaign, FULL, submit=False)
    first = response_services.submit_response(response=response)
    submitted_at = first.submitted_at
    assert first.status == ResponseStatus.SUBMITTED and submitted_at is not None
    second = response_services.submit_response(response=response)  # the stale draft object, as a replayed request holds
    assert (second.pk, second.status, second.submitted_at) == (first.pk, ResponseStatus.SUBMITTED, submitted_at)
    assert Response.objects.filter(status=ResponseStatus.SUBMITTED).count() == 1


def test_submit_re_reads_the_row_it_locks(campaign, monkeypatch):
    """A submit that loses the race finds the row submitted once it holds the lock, and changes nothing."""
    response = make_response(campaign, FULL, submit=False)
    winner_time = timezone.now() - datetime.timedelta(seconds=5)
    real = response_services._locked_response

    def locked_after_the_other_request(stale):
        Response.objects.filter(pk=stale.pk).update(status=ResponseStatus.SUBMITTED, submitted_at=winner_time)
        return real(stale)

    monkeypatch.setattr(response_services, "_locked_response", locked_after_the_other_request)
    result = response_services.submit_response(response=response)
    assert (result.status, result.submitted_at) == (ResponseStatus.SUBMITTED, winner_time)
    assert Response.objects.get().submitted_at == winner_time


def test_an_empty_response_cannot_be_submitted(campaign):
    response, _ = response_services.start_response(token=services.create_shared_link(campaign=campaign))
    with pytest.raises(ValidationError) as error:
        response_services.submit_response(response=response)
    assert (error.value.code, error.value.messages) == ("empty", ["Answer at least one question before you submit."])
    assert Response.objects.get().status == ResponseStatus.DRAFT


def test_anonymous_campaigns_store_no_respondent_no_invitation_and_no_audit_entries(campaign):
    person = make_member(campaign.organization).user
    invitation, token = invite(campaign)
    from_invitation, _ = response_services.start_response(token=token, user=person)
    from_link, _ = response_services.start_response(token=services.create_shared_link(campaign=campaign), user=person)
    for response in (from_invitation, from_link):
        response_services.save_answers(response=response, answers=FULL, comments={"room": "Fine."})
        response_services.submit_response(response=response)
    assert list(Response.objects.values_list("respondent", "invitation")) == [(None, None), (None, None)]
    assert not Response.objects.filter(invitation=invitation).exists()
    respondent_models = [Response, Answer, DimensionComment]
    types = [ContentType.objects.get_for_model(model) for model in respondent_models]
    assert not LogEntry.objects.filter(content_type__in=types).exists()


def test_named_campaigns_store_the_person_and_audit_their_answers():
    campaign = make_campaign(make_organization(), anonymous=False)
    person = make_member(campaign.organization).user
    invitation, token = invite(campaign)
    response, resume = response_services.start_response(token=token, user=person)
    assert resume is None
    assert (response.respondent, response.invitation) == (person, invitation)
    response_services.save_answers(response=response, answers={"r1": 3})
    assert LogEntry.objects.get_for_model(Answer).count() == 1
    assert LogEntry.objects.get_for_model(Response).count() == 1


def test_a_signed_in_person_gets_their_own_response_back_through_a_named_shared_link():
    campaign = make_campaign(make_organization(), anonymous=False)
    person = make_member(campaign.organization).user
    link = services.create_shared_link(campaign=campaign)
    first, first_resume = response_services.start_response(token=link, user=person)
    second, second_resume = response_services.start_response(token=link, user=person)
    assert (first.pk, first.respondent, first.invitation) == (second.pk, person, None)
    assert first_resume is not None and first_resume == second_resume
    assert response_services.resume_response(resume_token=first_resume) == first
    stranger, stranger_resume = response_services.start_response(token=link, user=AnonymousUser())
    assert stranger.respondent is None and stranger_resume not in (None, first_resume)
    _invitation, token = invite(campaign)
    with pytest.raises(ValidationError) as error:
        response_services.start_response(token=token, user=person)
    assert error.value.code == "already_started"
    assert Response.objects.count() == 2


def test_a_named_response_is_resumed_after_saving_and_stays_submitted():
    campaign = make_campaign(make_organization(), anonymous=False)
    person = make_member(campaign.organization).user
    link = services.create_shared_link(campaign=campaign)
    response, resume = response_services.start_response(token=link, user=person)
    response_services.save_answers(response=response, answers={"r1": 2}, comments={"room": "Tight."})
    again, again_resume = response_services.start_response(token=link, user=person)
    assert (again.pk, again_resume) == (response.pk, resume)
    assert (selectors.answers_of(again), selectors.comments_of(again)) == ({"r1": 2}, {"room": "Tight."})
    response_services.save_answers(response=again, answers=FULL)
    response_services.submit_response(response=again)
    after, after_resume = response_services.start_response(token=link, user=person)
    assert (after.pk, after.is_submitted, after_resume) == (response.pk, True, resume)
    with pytest.raises(ValidationError) as error:
        response_services.save_answers(response=after, answers={"r1": 5})
    assert error.value.code == "submitted"
    assert selectors.answers_of(after) == FULL
    assert Response.objects.count() == 1


def test_the_named_resume_token_is_per_response_and_follows_a_new_secret_key(settings):
    campaign = make_campaign(make_organization(), anonymous=False)
    ada, bea = make_member(campaign.organization).user, make_member(campaign.organization).user
    link = services.create_shared_link(campaign=campaign)
    ada_response, ada_resume = response_services.start_response(token=link, user=ada)
    _bea_response, bea_resume = response_services.start_response(token=link, user=bea)
    assert ada_resume != bea_resume
    settings.SECRET_KEY = "another secret key for this test only, long enough to be a real one"
    _same, new_resume = response_services.start_response(token=link, user=ada)
    assert new_resume != ada_resume
    assert response_services.resume_response(resume_token=new_resume) == ada_response
    with pytest.raises(ValidationError):
        response_services.resume_response(resume_token=ada_resume)


def test_a_closed_named_campaign_refuses_the_shared_link_even_for_its_respondent():
    campaign = make_campaign(make_organization(), anonymous=False)
    person = make_member(campaign.organization).user
    link = services.create_shared_link(campaign=campaign)
    response_services.start_response(token=link, user=person)
    services.close_campaign(campaign=campaign)
    with pytest.raises(ValidationError) as error:
        response_services.start_response(token=link, user=person)
    assert error.value.code == "closed"


def test_responses_belong_to_their_campaigns_organisation():
    organization, other = make_organization(), make_organization()
    mine, theirs = make_campaign(organization), make_campaign(other)
    make_response(mine)
    make_response(theirs)
    assert Response.objects.filter(organization=organization, campaign=mine).count() == 1
    assert Response.objects.filter(organization=organization, campaign=theirs).count() == 0
    assert set(Response.objects.values_list("source", flat=True)) == {ResponseSource.WEB}
