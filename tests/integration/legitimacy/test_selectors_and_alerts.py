"""Selectors (register, map, heat map, timeline, organisation view, suggestions) and the five warning
rules through ``evaluate_alerts``, on hand-made data whose figures are worked out here."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from spaceforchange.alerts.models import Alert, AlertStatus
from spaceforchange.alerts.services import evaluate_alerts
from spaceforchange.legitimacy import gray_zone_services, legitimation_services, selectors, services
from spaceforchange.legitimacy import subject_selectors as reads
from spaceforchange.legitimacy.terms import pack_terms
from tests.factories import make_judgment, make_stakeholder

pytestmark = pytest.mark.django_db


def ago(days):
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def holders(world):
    return {
        "governor": make_stakeholder(
            world.organization, "County governor", category="regulator", influence=5, controls_resources=True
        ),
        "union": make_stakeholder(world.organization, "Union", category="staff_and_unions", influence=4, interest=5),
        "paper": make_stakeholder(world.organization, "Paper", category="media", influence=2, notes="Local daily"),
        "gone": make_stakeholder(world.organization, "Gone", influence=1),
    }


def test_register_search_filter_sort_and_judged_counts(world, holders):
    make_judgment(holders["union"], world.initiative)
    make_judgment(holders["union"], world.initiative, "normative")
    make_judgment(holders["union"], world.policy)
    services.archive_stakeholder(stakeholder=holders["gone"])
    names = [s.name for s in selectors.stakeholders_for(world.organization)]
    assert names == ["County governor", "Paper", "Union"]
    assert [s.name for s in selectors.stakeholders_for(world.organization, search="daily")] == ["Paper"]
    assert [s.name for s in selectors.stakeholders_for(world.organization, category="regulator")] == ["County governor"]
    judged = {s.name: s.judged for s in selectors.stakeholders_for(world.organization, sort="judged")}
    assert judged == {"Union": 2, "County governor": 0, "Paper": 0}
    points = selectors.stakeholder_map(world.organization)
    assert [(p.stakeholder.name, p.judged) for p in points] == [("County governor", 0), ("Union", 2), ("Paper", 0)]
    assert len(selectors.stakeholders_for(world.organization, include_archived=True)) == 4


def test_heat_map_timeline_and_suggestions(world, holders):
    terms = pack_terms(world.organization, "en")
    make_judgment(holders["governor"], world.initiative, "regulatory", "legitimate", recorded_at=ago(20))
    make_judgment(holders["governor"], world.initiative, "regulatory", "conditional_illegitimacy", recorded_at=ago(5))
    make_judgment(holders["union"], world.initiative, "normative", "unknown_legitimacy")
    make_judgment(holders["paper"], world.policy, "cognitive", "illegitimate")  # another subject
    with CaptureQueriesContext(connection) as queries:
        legitimacy = reads.subject_legitimacy(world.initiative, terms)
    assert len(queries) <= 5
    rows = {row.stakeholder.name: {cell.type: cell for cell in row.cells} for row in legitimacy.heat.rows}
    assert list(rows) == ["County governor", "Union"]  # by influence
    assert rows["County governor"]["regulatory"].state == "conditional_illegitimacy"
    assert rows["County governor"]["regulatory"].gray_zone_by == ("state",)
    assert rows["Union"]["regulatory"].state is None
    found, challenged = reads.suggestions_for(legitimacy, terms)
    assert challenged == 2 and reads.suggestions_for(legitimacy, terms, limit=1)[0] == found[:1]
    suggestions = {s.cell[2]: s for s in found}
    assert suggestions["regulatory"].goal == "repair" and suggestions["normative"].goal == "acquire"
    assert suggestions["regulatory"].strategies[0] == "engage_in_dialogue"
    events = reads.timeline_for(world.initiative, terms)
    assert [(e.state, e.change) for e in events] == [
        ("legitimate", "first"),
        ("conditional_illegitimacy", "worse"),
        ("unknown_legitimacy", "first"),
    ]
    # A live tactic puts the regulatory column in the gray zone for every row.
    gray_zone_services.propose_tactic(
        initiative=world.initiative,
        tactic="distancing",
        rule_concerned="r",
        rationale="r",
        risks="r",
        accountable=world.owner,
        review_on=world.today,
        actor=world.owner,
    )
    legitimacy = reads.subject_legitimacy(world.initiative, terms)
    union = next(row for row in legitimacy.heat.rows if row.stakeholder.name == "Union")
    assert union.cells[0].gray_zone_by == ("tactic",) and len(legitimacy.unapproved) == 1


def test_organisation_view_ranks_weakest_first(world, holders):
    terms = pack_terms(world.organization, "en")
    make_judgment(holders["governor"], world.initiative, "regulatory", "conditional_legitimacy")
    make_judgment(holders["union"], world.initiative, "normative", "legitimate")
    make_judgment(holders["union"], world.policy, "regulatory", "illegitimate")
    make_judgment(holders["union"], world.initiative, "pragmatic", "legitimate")
    foreign = make_stakeholder(world.other)
    make_judgment(foreign, world.foreign_initiative, "regulatory", "illegitimate")
    with CaptureQueriesContext(connection) as queries:
        page = reads.organisation_view(world.organization, terms)
    assert len(queries) <= 6  # the standings' change marker (2), the ranking, subjects and tactics
    with CaptureQueriesContext(connection) as queries:
        again = reads.organisation_view(world.organization, terms)
    assert len(queries) <= 5  # the ranking is kept until a standing changes
    assert [row.subject for row in again.object_list] == [row.subject for row in page.object_list]
    make_judgment(holders["governor"], world.initiative, "normative", "illegitimate")
    changed = reads.organisation_view(world.organization, terms)
    assert changed.object_list[1].standing.counts["illegitimate"] == 1  # a new judgment is seen at once
    rows = list(page.object_list)
    assert [row.subject for row in rows] == [world.policy, world.initiative]
    assert rows[0].standing.weakest == "illegitimate"
    assert rows[1].standing.counts["legitimate"] == 2 and rows[1].standing.counts["conditional_legitimacy"] == 1


def live(world, rule):
    alerts = Alert.objects.filter(organization=world.organization, rule_key=rule).exclude(status=AlertStatus.RESOLVED)
    return {alert.subject_id: alert for alert in alerts}


def test_the_five_rules_fire_and_resolve(world, holders):
    challenged = make_judgment(
        holders["union"], world.initiative, "normative", "conditional_illegitimacy", recorded_at=ago(40)
    )
    conditional = make_judgment(
        holders["paper"],
        world.policy,
        "regulatory",
        "conditional_legitimacy",
        conditions=[services.ConditionInput("Quarterly report", world.today - datetime.timedelta(days=2))],
    )
    unknown = make_judgment(holders["paper"], world.initiative, "cognitive", "unknown_legitimacy", recorded_at=ago(70))
    rejected = make_judgment(holders["governor"], world.initiative, "regulatory", "illegitimate")
    entry = gray_zone_services.propose_tactic(
        initiative=world.initiative,
        tactic="mystifying",
        rule_concerned="r",
        rationale="r",
        risks="r",
        accountable=world.owner,
        review_on=world.today,
        actor=world.owner,
    )
    type(entry).objects.filter(pk=entry.pk).update(proposed_at=ago(10))
    evaluate_alerts(organization=world.organization)
    assert set(live(world, "challenged_without_action")) == {challenged.pk}
    assert set(live(world, "condition_at_risk_or_overdue")) == {conditional.pk}
    assert set(live(world, "unknown_legitimacy_unresolved")) == {unknown.pk}
    assert set(live(world, "resource_holder_judges_illegitimate")) == {rejected.pk}
    assert set(live(world, "gray_zone_tactic_unaccounted")) == {entry.pk}
    alert = live(world, "challenged_without_action")[challenged.pk]
    assert alert.subject_label == "Union · Night watch · Normative legitimacy"
    # Answering each one resolves it.
    legitimation_services.plan_action(
        initiative=world.initiative,
        strategy="engage_in_dialogue",
        goal="repair",
        mode="conform",
        description="Talk",
        stakeholders=[holders["union"]],
    )
    make_judgment(holders["paper"], world.policy, "regulatory", "legitimate")
    make_judgment(holders["paper"], world.initiative, "cognitive", "legitimate")
    make_judgment(holders["governor"], world.initiative, "regulatory", "conditional_illegitimacy")
    gray_zone_services.approve_tactic(entry=entry, actor=world.lead)
    evaluate_alerts(organization=world.organization)
    for rule in (
        "challenged_without_action",
        "condition_at_risk_or_overdue",
        "unknown_legitimacy_unresolved",
        "resource_holder_judges_illegitimate",
        "gray_zone_tactic_unaccounted",
    ):
        assert live(world, rule) == {}, rule
