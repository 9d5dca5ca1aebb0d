"""The people app's hooks into surveys: respondent groups and the personal archetype result."""

from __future__ import annotations

import pytest
from django.urls import reverse

from spaceforchange.assessments import response_services
from spaceforchange.assessments import services as assessment_services
from spaceforchange.assessments.personal_results import personal_result
from spaceforchange.assessments.respondent_groups import RespondentGroups, groups_of
from spaceforchange.people import services
from spaceforchange.people.respondent_hooks import archetype_result
from spaceforchange.people.selectors import personal_archetype
from spaceforchange.people.terms import ARCHETYPE_INSTRUMENT, ARCHETYPE_PACK
from tests.factories import make_campaign, make_member, make_organization, make_response
from tests.integration.people.conftest import (
    answer,
    answer_as,
    archetype_answers,
    make_archetype_campaign,
    make_team,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(organization, unit):
    return make_member(organization, unit=unit).user


@pytest.fixture
def teams(organization, member):
    first, second, archived = make_team(organization), make_team(organization), make_team(organization)
    for team in (first, second, archived):
        services.add_team_member(team=team, user=member, actor=None)
    services.archive_team(team=archived, actor=None)
    return first, second


@pytest.mark.parametrize("anonymous", [True, False])
def test_a_signed_in_members_response_records_their_unit_and_active_teams(organization, unit, member, teams, anonymous):
    campaign = make_archetype_campaign(organization, anonymous=anonymous)
    response = answer_as(campaign, "crusader", member)
    assert response.unit == unit
    assert response.attributes == {"teams": sorted(str(team.pk) for team in teams)}
    assert (response.respondent is None) is anonymous


def test_invited_respondents_signed_in_get_their_groups_too(organization, unit, member, teams):
    campaign = make_archetype_campaign(organization)
    [(_invitation, token)] = assessment_services.invite_respondents(campaign=campaign, emails=[member.email])
    response, _resume = response_services.start_response(token=token, user=member)
    assert (response.unit, response.attributes["teams"]) == (unit, sorted(str(team.pk) for team in teams))


def test_no_groups_without_a_signed_in_member_of_the_organisation(organization, member, teams):
    campaign = make_archetype_campaign(organization)
    assert answer_as(campaign, "crusader").attributes == {}
    outsider = make_member(make_organization()).user
    response = answer_as(campaign, "crusader", outsider)
    assert (response.unit, response.attributes) == (None, {})
    assert groups_of(campaign, outsider) == RespondentGroups(None, {})


def test_a_member_without_unit_or_teams_records_an_empty_team_list(organization):
    campaign = make_archetype_campaign(organization)
    loner = make_member(organization).user
    response = answer_as(campaign, "magistrate", loner)
    assert (response.unit, response.attributes) == (None, {"teams": []})


def test_the_personal_result_names_the_archetype_and_the_axis_means(organization, member):
    campaign = make_archetype_campaign(organization)
    response = answer_as(campaign, "revolutionist", member)
    mine = personal_archetype(response)
    assert mine is not None
    assert (mine.key, mine.name) == ("revolutionist", "Revolutionist")
    assert "rule challenger" in mine.description
    assert [(axis.key, axis.mean, axis.high) for axis in mine.axes] == [
        ("stance_towards_rules", 5.0, True),
        ("innovation_drive", 5.0, True),
    ]
    result = personal_result(ARCHETYPE_PACK, ARCHETYPE_INSTRUMENT, response)
    assert result is not None and result.template == "people/personal_archetype.html"
    assert result.context["archetype_result"] == mine


def test_no_personal_result_for_drafts_incomplete_answers_or_other_instruments(organization):
    campaign = make_archetype_campaign(organization)
    token = assessment_services.create_shared_link(campaign=campaign)
    draft, _resume = response_services.start_response(token=token)
    draft = response_services.save_answers(response=draft, answers=archetype_answers("crusader"))
    assert personal_archetype(draft) is None
    partial, _resume = answer(campaign, {"sr1": 5, "sr2": 5, "id1": 5, "id2": 5, "id3": 5})
    assert archetype_result(partial) is None
    other = make_response(make_campaign(organization))
    assert personal_archetype(other) is None


def test_the_thank_you_page_shows_the_respondent_their_archetype(client, organization, member):
    campaign = make_archetype_campaign(organization)
    _response, resume = answer(campaign, archetype_answers("bohemian"), member)
    page = client.get(reverse("respond:done", kwargs={"resume_token": resume}))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Your innovator archetype: Bohemian" in text
    assert "Questions rules and established ways of doing things" in text
    assert "Only you can see this result." in text
    assert "<caption>Your mean scores on the two axes</caption>" in text
    assert "5.00" in text and "1.00" in text


def test_the_thank_you_page_of_another_instrument_shows_no_personal_result(client, organization):
    campaign = make_campaign(organization)
    token = assessment_services.create_shared_link(campaign=campaign)
    response, resume = response_services.start_response(token=token)
    response_services.save_answers(response=response, answers={"r1": 4, "r2": 2, "o1": 5, "o2": 3})
    response_services.submit_response(response=response)
    page = client.get(reverse("respond:done", kwargs={"resume_token": resume}))
    assert page.status_code == 200
    assert "innovator archetype" not in page.content.decode()
