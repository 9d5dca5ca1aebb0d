"""The people demo on Northbay: two closed archetype self-assessments and an open one, three culture
pulses, an enablement survey and six teams, with the people warnings they are made to raise."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from spaceforchange.alerts.models import Alert, AlertStatus
from spaceforchange.alerts.services import evaluate_alerts
from spaceforchange.assessments import domain
from spaceforchange.assessments.models import Campaign, CampaignStatus, Response, ResponseStatus
from spaceforchange.core.management.commands.seed_demo import DemoContext
from spaceforchange.core.models import Membership, User
from spaceforchange.people import demo, selectors
from spaceforchange.people.models import Team
from spaceforchange.people.terms import TEAMS_ATTRIBUTE
from spaceforchange.portfolio.services import today_in

pytestmark = pytest.mark.django_db

PEOPLE_RULES = {
    "few_crusaders_and_revolutionists",
    "bohemians_without_strategy",
    "innovator_attrition",
    "routine_lock_in",
    "strategic_drift",
    "unsupported_transition",
}


def _campaign(title: str) -> Campaign:
    return Campaign.objects.get(organization__slug="northbay", title=title)


def _days_ago(moment: datetime.datetime | None) -> int:
    assert moment is not None
    return (datetime.datetime.now(datetime.UTC) - moment).days


def _groups(report: selectors.MixReport) -> dict[str, selectors.MixGroup]:
    return {group.label: group for group in report.groups}


def test_two_closed_self_assessments_ten_and_two_months_ago_hold_a_few_hundred_answers(seeded: DemoContext) -> None:
    earlier, latest = _campaign(demo.EARLIER_TITLE), _campaign(demo.LATEST_TITLE)
    assert (earlier.status, latest.status) == (CampaignStatus.CLOSED, CampaignStatus.CLOSED)
    assert (earlier.unit, earlier.initiative, earlier.anonymous) == (None, None, True)
    assert _days_ago(earlier.closed_at) == demo.EARLIER_CLOSED_DAYS_AGO
    assert _days_ago(latest.closed_at) == demo.LATEST_CLOSED_DAYS_AGO
    assert latest.closed_at == latest.closes_at
    submitted = Response.objects.filter(campaign=latest, status=ResponseStatus.SUBMITTED)
    assert submitted.count() == Response.objects.filter(campaign=latest).count() == 324
    assert Response.objects.filter(campaign=earlier, status=ResponseStatus.SUBMITTED).count() == 325
    window = (latest.opens_at, latest.closes_at)
    assert all(window[0] <= response.submitted_at <= window[1] for response in submitted)

    report = selectors.archetype_mix(latest, by="unit")
    assert report.total.counts == {"magistrate": 164, "bohemian": 63, "crusader": 62, "revolutionist": 35}
    units = _groups(report)
    assert units["Water and Wastewater"].mix.counts == {
        "magistrate": 22,
        "bohemian": 6,
        "crusader": 2,
        "revolutionist": 0,
    }
    assert units["Team North"].mix.counts == {"magistrate": 12, "bohemian": 6, "crusader": 4, "revolutionist": 2}
    # The small unit is hidden, and so is the next smallest, so that it cannot be worked out.
    small = units["Educational Psychology Service"].mix
    assert (small.suppressed, small.counts, small.respondents) == (True, None, None)
    hidden = {label for label, group in units.items() if group.mix.suppressed}
    assert hidden == {"Educational Psychology Service", "Innovation Unit"}
    earlier_units = _groups(selectors.archetype_mix(earlier, by="unit"))
    assert earlier_units["Team North"].mix.counts == {
        "magistrate": 9,
        "bohemian": 4,
        "crusader": 8,
        "revolutionist": 4,
    }


def test_team_members_answered_with_their_unit_and_teams(seeded: DemoContext) -> None:
    latest = _campaign(demo.LATEST_TITLE)
    teams = {team.name: team for team in Team.objects.filter(organization__slug="northbay")}
    north = str(teams[demo.NORTH].pk)
    answered = [
        response
        for response in Response.objects.filter(campaign=latest).select_related("unit")
        if north in response.attributes.get(TEAMS_ATTRIBUTE, [])
    ]
    # Four nurses of Team North, and the health nurse from Public Health who works with them.
    assert sorted(response.unit.name for response in answered) == ["Public Health", *["Team North"] * 4]
    julie = User.objects.get(email="julie.tveit@northbay.example")
    assert Membership.objects.get(user=julie, organization__slug="northbay").unit.name == "Public Health"
    # Every team member answered once, whatever the number of their teams; the list is sorted.
    lists = [response.attributes[TEAMS_ATTRIBUTE] for response in Response.objects.filter(campaign=latest)]
    with_teams = [ids for ids in lists if ids]
    assert len(with_teams) == sum(len(spec.members) for spec in demo.TEAMS)
    assert all(ids == sorted(ids) for ids in with_teams)
    # The earlier self-assessment predates the teams.
    earlier = Response.objects.filter(campaign=_campaign(demo.EARLIER_TITLE))
    assert not any(response.attributes for response in earlier)

    mixes = _groups(selectors.archetype_mix(latest, by="team"))
    assert mixes[demo.SOUTH].mix.counts == {"magistrate": 4, "bohemian": 1, "crusader": 0, "revolutionist": 0}
    assert mixes[demo.STUDIO].mix.counts == {"magistrate": 1, "bohemian": 1, "crusader": 2, "revolutionist": 2}
    small = mixes["Library and culture house"].mix
    assert (small.suppressed, small.counts) == (True, None)


def test_the_open_self_assessment_takes_answers_through_its_shared_link(seeded: DemoContext) -> None:
    campaign = _campaign(demo.OPEN_TITLE)
    assert (campaign.status, campaign.anonymous, campaign.unit) == (CampaignStatus.OPEN, True, None)
    assert campaign.shared_link_token_hash == domain.hash_token(demo.demo_link_token())
    assert not Response.objects.filter(campaign=campaign).exists()
    assert campaign in selectors.archetype_campaigns(campaign.organization)
    label, address = seeded.links[-1]
    assert label == "Find your innovator archetype (only you see the result)"
    assert address.endswith(reverse("respond:start", kwargs={"token": demo.demo_link_token()}))

    member = Client()
    member.force_login(User.objects.get(email="member@northbay.example"))
    start = reverse("respond:start", kwargs={"token": demo.demo_link_token()})
    page = BeautifulSoup(member.get(start).content, "html.parser")
    assert page.h1.get_text(strip=True) == demo.OPEN_TITLE
    answering = member.post(start)
    assert answering.status_code == 302
    assert member.get(answering["Location"]).status_code == 200

    lead = Client()
    lead.force_login(User.objects.get(email="lead@northbay.example"))
    detail = lead.get(reverse("assessments:campaign", kwargs={"org_slug": "northbay", "campaign_id": campaign.pk}))
    form = BeautifulSoup(detail.content, "html.parser").select_one("form[action$='shared-link/']")
    assert form is not None
    assert form.button.get_text(strip=True) == "Replace the shared link"


def test_three_culture_pulses_six_months_apart_show_the_culture_changing(seeded: DemoContext) -> None:
    northbay = seeded.organizations["northbay"]
    report = selectors.culture_trend(northbay)
    titles = [row.campaign.title for row in report.rows]
    assert titles == [title for title, _days, _means in demo.CULTURE_POINTS]
    points = [row.point for row in report.rows]
    assert [point.respondents for point in points] == [195, 195, 195]
    assert [(point.closed_on.toordinal() - points[0].closed_on.toordinal()) for point in points] == [0, 180, 360]
    risk = [point.means["calculated_risk_taking"] for point in points]
    learning = [point.means["learning_from_failure"] for point in points]
    assert risk[0] < risk[1] < risk[2] and risk[2] - risk[0] > 0.4
    assert learning[0] > learning[1] > learning[2] and learning[0] - learning[2] > 0.3
    assert all(value is not None and 1 <= value <= 5 for point in points for value in point.means.values())

    north = northbay.units.get(name="Team North")
    unit_points = [row.point for row in selectors.culture_trend(northbay, unit=north).rows]
    assert [point.respondents for point in unit_points] == [14, 14, 14]
    unit_learning = [point.means["learning_from_failure"] for point in unit_points]
    assert all(mine < theirs for mine, theirs in zip(unit_learning, learning, strict=True))


def test_six_teams_with_their_members_roles_exploration_and_alignment(seeded: DemoContext) -> None:
    northbay = seeded.organizations["northbay"]
    rows = {row.team.name: row for row in selectors.teams_overview(northbay)}
    assert len(rows) == 6
    facts = {
        name: (
            row.unit.name if row.unit else None,
            row.members,
            row.autonomy_level,
            row.transition_status,
            row.self_managed,
            row.roles_covered,
        )
        for name, row in rows.items()
    }
    assert facts == {
        demo.STUDIO: ("Team Service Design", 6, 4, "self_managed", True, 4),
        demo.NORTH: ("Team North", 5, 2, "in_transition", False, 1),
        demo.SOUTH: ("Team South", 5, 4, "self_managed", True, 3),
        demo.PLANNING: ("Planning and Building", 6, 3, "self_managed", True, 3),
        "Early help for families": ("Child Welfare", 6, 2, "not_started", False, 2),
        "Library and culture house": ("Library", 3, 2, "in_transition", False, 2),
    }
    today = today_in(northbay)
    periods = demo.last_quarters(today, 4)
    assert rows[demo.SOUTH].exploration_share == Decimal("0.000")
    assert rows[demo.SOUTH].exploration_period == periods[-1]
    assert rows[demo.STUDIO].exploration_share == Decimal("0.320")
    south = Team.objects.get(organization=northbay, name=demo.SOUTH)
    assert list(south.exploration_shares.order_by("period").values_list("period", "share")) == [
        (period, Decimal(share)) for period, share in zip(periods, ("0.040", "0", "0", "0"), strict=True)
    ]
    assert (today - rows[demo.PLANNING].last_alignment_on).days == 430
    assert (today - rows[demo.STUDIO].last_alignment_on).days == 21
    north = Team.objects.get(organization=northbay, name=demo.NORTH)
    assert (today - north.transition_started_on).days == 150
    library = Team.objects.get(organization=northbay, name="Library and culture house")
    assert library.leader_roles.get(role_key="paradoxical_leadership").holder.email == "jorgen.vik@northbay.example"

    warnings = {name: {firing.rule_key for firing in row.warnings} for name, row in rows.items()}
    assert warnings == {
        demo.STUDIO: set(),
        demo.NORTH: {"unsupported_transition"},
        demo.SOUTH: {"routine_lock_in"},
        demo.PLANNING: {"strategic_drift"},
        "Early help for families": set(),
        "Library and culture house": set(),
    }


def test_the_people_warnings_fire_on_the_units_and_teams_made_for_them(seeded: DemoContext) -> None:
    northbay = seeded.organizations["northbay"]
    summary = evaluate_alerts(organization=northbay)
    assert summary.failed_rules == ()
    live = Alert.objects.filter(organization=northbay, rule_key__in=PEOPLE_RULES).exclude(status=AlertStatus.RESOLVED)
    fired = {(alert.rule_key, alert.subject_kind, alert.subject_label): alert.facts for alert in live}
    assert set(fired) == {
        ("few_crusaders_and_revolutionists", "unit", "Water and Wastewater"),
        ("innovator_attrition", "unit", "Team North"),
        ("unsupported_transition", "team", demo.NORTH),
        ("routine_lock_in", "team", demo.SOUTH),
        ("strategic_drift", "team", demo.PLANNING),
    }
    few = fired[("few_crusaders_and_revolutionists", "unit", "Water and Wastewater")]
    assert (few["respondents"], few["innovator_share"]) == (30, pytest.approx(2 / 30, abs=1e-4))
    attrition = fired[("innovator_attrition", "unit", "Team North")]
    assert (attrition["previous_share"], attrition["current_share"]) == (0.48, 0.25)
    transition = fired[("unsupported_transition", "team", demo.NORTH)]
    assert (transition["roles_covered"], transition["paradoxical_leadership_covered"]) == (1, False)
    assert fired[("routine_lock_in", "team", demo.SOUTH)]["exploration_share"] == 0.0


def test_team_enablement_survey_was_answered_by_every_team_member(seeded: DemoContext) -> None:
    campaign = _campaign(demo.ENABLEMENT_TITLE)
    assert campaign.status == CampaignStatus.CLOSED
    assert _days_ago(campaign.closed_at) == demo.ENABLEMENT_CLOSED_DAYS_AGO
    responses = Response.objects.filter(campaign=campaign, status=ResponseStatus.SUBMITTED)
    assert responses.count() == len({email for spec in demo.TEAMS for email, _kind in spec.members})
    assert all(response.attributes[TEAMS_ATTRIBUTE] and response.unit_id for response in responses)
