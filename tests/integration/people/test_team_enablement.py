"""A team's enablement: its members' answers to the team-enablement survey beside everyone's,
hidden below the survey's threshold; members answer through the survey's link while signed in."""

from __future__ import annotations

import pytest

from spaceforchange.assessments import services as assessment_services
from spaceforchange.people import selectors, services
from tests.factories import make_member
from tests.integration.people.conftest import answer_all, make_enablement_campaign, make_team

pytestmark = pytest.mark.django_db


def test_without_a_survey_the_report_is_empty(organization):
    report = selectors.team_enablement(make_team(organization))
    assert (report.campaign, report.dimensions, report.rows()) == (None, (), [])


def test_the_team_means_come_from_its_members_only_and_sit_beside_everyone(organization):
    team = make_team(organization)
    campaign = make_enablement_campaign(organization, threshold=3)
    for _ in range(3):
        person = make_member(organization).user
        services.add_team_member(team=team, user=person, actor=None)
        answer_all(campaign, 5, person)
    for _ in range(3):
        answer_all(campaign, 1, make_member(organization).user)

    report = selectors.team_enablement(team)

    assert report.campaign == campaign
    assert [term.key for term in report.dimensions] == ["risk_taking", "learning_from_mistakes", "strategic_alignment"]
    assert report.team_point.respondents == 3
    # rt5 and lm5 are reverse-worded: answering 5 everywhere gives (4 × 5 + 1) / 5 on those dimensions.
    rows = {term.key: (team_mean, everyone) for term, team_mean, everyone in report.rows()}
    assert rows["risk_taking"][0] == pytest.approx(4.2)
    assert rows["risk_taking"][1] == pytest.approx(3.0)
    assert not report.team_unanswered


def test_a_team_below_the_threshold_shows_no_means(organization):
    team = make_team(organization)
    campaign = make_enablement_campaign(organization, threshold=3)
    for value in (5, 4):
        person = make_member(organization).user
        services.add_team_member(team=team, user=person, actor=None)
        answer_all(campaign, value, person)
    for _ in range(3):
        answer_all(campaign, 2)

    report = selectors.team_enablement(team)

    assert report.team_point.suppressed
    assert all(team_mean is None for _term, team_mean, _everyone in report.rows())
    assert all(everyone is not None for _term, _team_mean, everyone in report.rows())
    assert not report.team_unanswered


def test_a_team_whose_members_did_not_answer_says_so(organization):
    team = make_team(organization)
    campaign = make_enablement_campaign(organization)
    for _ in range(3):
        answer_all(campaign, 3)
    report = selectors.team_enablement(team)
    assert report.team_unanswered
    assert all(team_mean is None for _term, team_mean, _everyone in report.rows())


def test_the_newest_closed_survey_is_read_before_an_open_one(organization):
    team = make_team(organization)
    closed = make_enablement_campaign(organization)
    assessment_services.close_campaign(campaign=closed)
    make_enablement_campaign(organization)
    assert selectors.team_enablement(team).campaign == closed
