"""Selectors: archetype mixes with suppression, team composition, teams overview, culture trend."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from spaceforchange.analytics.people.archetypes import BELOW_THRESHOLD, COMPLEMENTARY, NO_ANSWERS
from spaceforchange.people import selectors, services
from tests.factories import make_campaign, make_member, make_organization, make_unit
from tests.integration.people.conftest import (
    answer,
    answer_as,
    make_archetype_campaign,
    make_culture_campaign,
    make_team,
)

pytestmark = pytest.mark.django_db


def member_in(organization, unit=None, teams=()):
    user = make_member(organization, unit=unit).user
    for team in teams:
        services.add_team_member(team=team, user=user, actor=None)
    return user


def queries(function, *args, **kwargs):
    with CaptureQueriesContext(connection) as captured:
        function(*args, **kwargs)
    return len(captured)


@pytest.fixture
def landscape(organization):
    """Threshold 3. Unit A: 4 (3 crusaders, 1 magistrate); unit B: 3 magistrates; unit C: 1 bohemian.
    Team X: the 4 of unit A; team Y: 2 of unit B."""
    units = {name: make_unit(organization, name) for name in ("A", "B", "C")}
    x, y = make_team(organization, "X"), make_team(organization, "Y")
    campaign = make_archetype_campaign(organization, threshold=3)
    for archetype in ("crusader", "crusader", "crusader", "magistrate"):
        answer_as(campaign, archetype, member_in(organization, units["A"], [x]))
    for index in range(3):
        answer_as(campaign, "magistrate", member_in(organization, units["B"], [y] if index < 2 else []))
    answer_as(campaign, "bohemian", member_in(organization, units["C"]))
    return campaign, units, x, y


def test_the_organisation_mix(landscape):
    campaign, *_rest = landscape
    report = selectors.archetype_mix(campaign)
    assert [term.key for term in report.archetypes] == ["magistrate", "bohemian", "crusader", "revolutionist"]
    assert report.total.respondents == 8
    assert report.total.counts == {"magistrate": 4, "bohemian": 1, "crusader": 3, "revolutionist": 0}
    assert report.total.shares["crusader"] == pytest.approx(0.375)
    assert report.groups == ()


def test_units_are_suppressed_with_their_complement(landscape):
    campaign, _units, *_teams = landscape
    report = selectors.archetype_mix(campaign, by="unit")
    groups = {group.label: group for group in report.groups}
    assert list(groups) == ["A", "B", "C"]
    assert groups["A"].mix.counts == {"magistrate": 1, "bohemian": 0, "crusader": 3, "revolutionist": 0}
    assert groups["A"].difference["crusader"] == pytest.approx(75 - 37.5)
    # C (1) is below the threshold; B (3) is hidden too, or C = total - A - B.
    assert (groups["C"].mix.suppressed, groups["C"].mix.reason, groups["C"].mix.respondents) == (
        True,
        BELOW_THRESHOLD,
        None,
    )
    assert (groups["B"].mix.suppressed, groups["B"].mix.reason, groups["B"].mix.counts) == (True, COMPLEMENTARY, None)
    assert groups["B"].difference == {}


def test_teams_get_primary_suppression_only(landscape):
    campaign, _units, x, y = landscape
    report = selectors.archetype_mix(campaign, by="team")
    groups = {group.key: group for group in report.groups}
    assert groups[str(x.pk)].mix.counts["crusader"] == 3
    assert (groups[str(y.pk)].mix.suppressed, groups[str(y.pk)].mix.reason) == (True, BELOW_THRESHOLD)


def test_the_whole_campaign_is_suppressed_below_the_threshold(organization):
    campaign = make_archetype_campaign(organization, threshold=3)
    answer_as(campaign, "crusader", member_in(organization, make_unit(organization)))
    answer_as(campaign, "crusader")
    report = selectors.archetype_mix(campaign, by="unit")
    assert report.total.suppressed and report.total.counts is None
    assert all(group.mix.suppressed for group in report.groups)
    empty = selectors.archetype_mix(make_archetype_campaign(organization, title="Empty"))
    assert (empty.total.suppressed, empty.total.reason) == (True, NO_ANSWERS)


def test_bad_groupings_and_other_instruments_are_refused(landscape, organization):
    campaign, *_rest = landscape
    with pytest.raises(ValueError, match="unit or team"):
        selectors.archetype_mix(campaign, by="person")
    with pytest.raises(ValueError, match="archetype self-assessment"):
        selectors.archetype_mix(make_campaign(organization))


def test_team_ids_of_another_organisation_in_attributes_are_ignored(landscape, organization):
    campaign, *_rest = landscape
    foreign = make_team(make_organization(), "Foreign")
    response = answer_as(campaign, "revolutionist")
    type(response).objects.filter(pk=response.pk).update(attributes={"teams": [str(foreign.pk), "junk", 3]})
    report = selectors.archetype_mix(campaign, by="team")
    assert str(foreign.pk) not in {group.key for group in report.groups}


def test_mix_queries_do_not_grow_with_responses(landscape, organization):
    campaign, units, x, _y = landscape
    selectors.archetype_mix(campaign)  # loads the campaign's pack version once
    before = {by: queries(selectors.archetype_mix, campaign, by=by) for by in (None, "unit", "team")}
    for _index in range(3):
        answer_as(campaign, "revolutionist", member_in(organization, units["C"], [x]))
    assert {by: queries(selectors.archetype_mix, campaign, by=by) for by in (None, "unit", "team")} == before


def test_team_composition_against_the_organisation(landscape):
    campaign, _units, x, y = landscape
    report = selectors.team_composition(x)
    assert report.campaign == campaign and not report.suppressed
    assert report.team_mix.counts["crusader"] == 3
    assert report.organization_mix.respondents == 8
    assert report.gaps["crusader"] == pytest.approx(37.5)
    assert report.warnings == ()  # 4 respondents: below the rules' min_respondents of 10
    hidden = selectors.team_composition(y, campaign)
    assert hidden.suppressed and hidden.gaps == {} and hidden.warnings == ()


def test_team_composition_warns_about_a_mix_without_innovators(organization):
    team = make_team(organization, "Routine")
    campaign = make_archetype_campaign(organization, threshold=3)
    for archetype in ["magistrate"] * 6 + ["bohemian"] * 4:
        answer_as(campaign, archetype, member_in(organization, teams=[team]))
    report = selectors.team_composition(team)
    assert [(firing.rule_key, firing.subject_kind, firing.subject_id) for firing in report.warnings] == [
        ("few_crusaders_and_revolutionists", "team", team.pk),
        ("bohemians_without_strategy", "team", team.pk),
    ]


def test_team_composition_without_campaigns_and_with_a_foreign_campaign(organization):
    team = make_team(organization)
    empty = selectors.team_composition(team)
    assert (empty.campaign, empty.team_mix, empty.warnings) == (None, None, ())
    foreign = make_archetype_campaign(make_organization())
    with pytest.raises(ValueError, match="organisation"):
        selectors.team_composition(team, foreign)


def test_archetype_campaigns_are_the_organisations_opened_self_assessments(landscape, organization):
    campaign, *_rest = landscape
    make_archetype_campaign(make_organization())
    make_culture_campaign(organization)
    assert selectors.archetype_campaigns(organization) == [campaign]


def test_teams_overview_and_detail(organization):
    unit = make_unit(organization, "Care")
    today = datetime.date.today()
    locked = make_team(organization, "Locked", unit=unit, autonomy_level=4, transition_status="self_managed")
    services.record_alignment_session(team=locked, held_on=today, actor=None)
    services.record_exploration_share(team=locked, period="2026-Q1", share="0.3", actor=None)
    services.record_exploration_share(team=locked, period="2026-Q2", share="0.02", actor=None)
    lonely = make_team(
        organization,
        "Lonely",
        transition_status="in_transition",
        transition_started_on=today - datetime.timedelta(days=40),
    )
    services.assign_leader_role(team=lonely, role_key="protect_exploration", holder_name="Kari", actor=None)
    services.assign_leader_role(team=lonely, role_key="paradoxical_leadership", actor=None)
    member_in(organization, teams=[locked, lonely])
    archived = make_team(organization, "Gone")
    services.archive_team(team=archived, actor=None)
    rows = {row.team.name: row for row in selectors.teams_overview(organization)}
    assert list(rows) == ["Locked", "Lonely"]
    assert (rows["Locked"].unit, rows["Locked"].members, rows["Locked"].exploration_share) == (
        unit,
        1,
        Decimal("0.020"),
    )
    assert rows["Locked"].exploration_period == "2026-Q2"
    assert [firing.rule_key for firing in rows["Locked"].warnings] == ["routine_lock_in"]
    assert (rows["Lonely"].roles_covered, rows["Lonely"].roles_total) == (1, 4)
    assert [firing.rule_key for firing in rows["Lonely"].warnings] == ["unsupported_transition"]
    assert "Gone" in {row.team.name for row in selectors.teams_overview(organization, include_archived=True)}
    detail = selectors.team_detail(lonely)
    assert [(role.key, role.covered, role.holder_label) for role in detail.roles] == [
        ("paradoxical_leadership", False, ""),
        ("protect_exploration", True, "Kari"),
        ("regular_strategic_alignment", False, ""),
        ("shape_risk_and_learning_climate", False, ""),
    ]
    assert len(detail.members) == 1 and detail.row.members == 1
    assert [entry.period for entry in selectors.team_detail(locked).exploration] == ["2026-Q2", "2026-Q1"]


def test_teams_overview_queries_do_not_grow_with_teams(organization):
    def add_team(number):
        team = make_team(organization, f"T{number}", unit=make_unit(organization), autonomy_level=3)
        services.record_exploration_share(team=team, period="2026-Q1", share="0.01", actor=None)
        services.assign_leader_role(team=team, role_key="protect_exploration", holder_name="K", actor=None)
        member_in(organization, teams=[team])

    add_team(1)
    one = queries(selectors.teams_overview, organization)
    for number in range(2, 6):
        add_team(number)
    assert queries(selectors.teams_overview, organization) == one


def test_the_team_lookup_is_tenant_bound(organization):
    team = make_team(organization)
    with pytest.raises(type(team).DoesNotExist):
        selectors.team(make_organization(), team.pk)
    assert selectors.team(organization, team.pk) == team


def culture_answers(value):
    from spaceforchange.frameworks.selectors import effective_pack, parsed_pack

    pack = parsed_pack(effective_pack(None, "innovator_archetypes"))
    instrument = next(entry for entry in pack.instruments if entry.key == "culture_pulse")
    return {statement.key: (6 - value if statement.reverse else value) for statement in instrument.statements}


def test_culture_trend_for_the_organisation_and_a_unit(organization):
    big, small = make_unit(organization, "Big"), make_unit(organization, "Small")
    first = make_culture_campaign(organization, title="Pulse 1")
    for _index in range(4):
        answer(first, culture_answers(3), member_in(organization, big))
    answer(first, culture_answers(5), member_in(organization, small))
    second = make_culture_campaign(organization, title="Pulse 2")
    for _index in range(4):
        answer(second, culture_answers(4), member_in(organization, big))
    report = selectors.culture_trend(organization)
    assert [term.key for term in report.dimensions] == [
        "calculated_risk_taking",
        "experimentation",
        "learning_from_failure",
        "responsibility",
        "autonomy",
        "trust",
    ]
    assert [term.name for term in report.dimensions][3:] == ["Responsibility", "Autonomy", "Trust"]
    assert [row.campaign for row in report.rows] == [first, second]
    assert report.rows[0].point.means["trust"] == pytest.approx(3.4)
    assert report.rows[1].point.means["trust"] == pytest.approx(4.0)
    assert report.rows[1].point.changes["trust"].change == pytest.approx(0.6)
    assert report.rows[0].point.respondents == 5
    unit_report = selectors.culture_trend(organization, big)
    # With "Small" hidden below the threshold, "Big" is hidden too in the first pulse, or Small = total - Big.
    assert unit_report.rows[0].point.suppressed and unit_report.rows[0].point.means["trust"] is None
    assert unit_report.rows[1].point.means["trust"] == pytest.approx(4.0)
    assert selectors.culture_trend(organization, small).rows[0].point.suppressed
    with pytest.raises(ValueError, match="another organisation"):
        selectors.culture_trend(organization, make_unit(make_organization()))


def test_culture_trend_queries_do_not_grow_with_campaigns(organization):
    unit = make_unit(organization)
    campaign = make_culture_campaign(organization, title="Pulse 1")
    answer(campaign, culture_answers(3), member_in(organization, unit))
    one = queries(selectors.culture_trend, organization, unit)
    for number in (2, 3):
        answer(
            make_culture_campaign(organization, title=f"Pulse {number}"),
            culture_answers(4),
            member_in(organization, unit),
        )
    assert queries(selectors.culture_trend, organization, unit) == one
    assert selectors.culture_trend(make_organization()).rows == ()
