"""The people and team warnings through the alerts app: firings, labels, subject pages, suppression."""

from __future__ import annotations

import datetime

import pytest

from spaceforchange.alerts.models import Alert
from spaceforchange.alerts.registry import registry
from spaceforchange.alerts.services import evaluate_alerts
from spaceforchange.analytics.people.rules import RULE_KEYS
from spaceforchange.people import alerts as people_alerts
from spaceforchange.people import services
from tests.factories import make_member, make_unit
from tests.integration.people.conftest import answer_as, make_archetype_campaign, make_team

pytestmark = pytest.mark.django_db


def evaluate_people(organization, today=None):
    with registry.isolated():
        registry.register(*RULE_KEYS)(people_alerts.people_rules)
        evaluate_alerts(organization=organization, today=today)
    return {
        (alert.rule_key, alert.subject_kind, alert.subject_id): alert
        for alert in Alert.objects.filter(organization=organization, resolved_at__isnull=True)
    }


def test_the_six_rules_are_registered_with_the_alerts_app():
    registered = {key for entry in registry.registrations() for key in entry.rule_keys}
    assert set(RULE_KEYS) <= registered
    subject = registry.subject("team")
    assert subject.labels is not None and subject.responsible is not None and subject.url is not None


def test_team_warnings_fire_with_the_teams_name_and_responsible_people(organization):
    today = datetime.date.today()
    locked = make_team(organization, "Locked in", autonomy_level=3)
    services.record_exploration_share(team=locked, period="2026-Q1", share="0.05", actor=None)
    services.record_alignment_session(team=locked, held_on=today, actor=None)
    lonely = make_team(
        organization,
        "On its own",
        transition_status="in_transition",
        transition_started_on=today - datetime.timedelta(days=31),
    )
    leader = make_member(organization, roles=("leader",)).user
    services.assign_leader_role(team=lonely, role_key="protect_exploration", holder=leader, actor=None)
    drifting = make_team(organization, "Drifting", transition_status="self_managed")
    fine = make_team(organization, "Fine", autonomy_level=2)
    archived = make_team(organization, "Archived", autonomy_level=5)
    services.archive_team(team=archived, actor=None)
    alerts = evaluate_people(organization)
    assert set(alerts) == {
        ("routine_lock_in", "team", locked.pk),
        ("unsupported_transition", "team", lonely.pk),
        ("strategic_drift", "team", drifting.pk),
    }
    assert alerts[("routine_lock_in", "team", locked.pk)].subject_label == "Locked in"
    assert alerts[("unsupported_transition", "team", lonely.pk)].facts["roles_covered"] == 1
    assert people_alerts._team_responsible(organization, [lonely.pk]) == {lonely.pk: {leader.pk}}
    assert people_alerts._team_url(organization.slug, lonely.pk).endswith(f"/people/teams/{lonely.pk}/")
    assert fine.pk not in {subject_id for _rule, _kind, subject_id in alerts}
    # Fixing the record resolves the warning at the next evaluation.
    services.record_exploration_share(team=locked, period="2026-Q2", share="0.2", actor=None)
    assert ("routine_lock_in", "team", locked.pk) not in evaluate_people(organization)


def test_unit_warnings_name_the_unit_and_skip_units_the_archetype_page_hides(organization):
    home, tiny = make_unit(organization, "Home care"), make_unit(organization, "Tiny")
    campaign = make_archetype_campaign(organization, threshold=3)
    for archetype in ["magistrate"] * 9 + ["crusader"]:
        answer_as(campaign, archetype, make_member(organization, unit=home).user)
    # Tiny's single answer is hidden, and Home care's would reveal it (total - Home care = Tiny),
    # so with both in the campaign neither may be judged.
    answer_as(campaign, "magistrate", make_member(organization, unit=tiny).user)
    assert evaluate_people(organization) == {}
    for archetype in ["magistrate"] * 2:
        answer_as(campaign, archetype, make_member(organization, unit=tiny).user)
    alerts = evaluate_people(organization)
    assert set(alerts) == {("few_crusaders_and_revolutionists", "unit", home.pk)}
    alert = alerts[("few_crusaders_and_revolutionists", "unit", home.pk)]
    assert alert.subject_label == "Home care"
    assert alert.facts["respondents"] == 10 and alert.facts["innovator_share"] == 0.1
