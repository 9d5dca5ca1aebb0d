"""The register's reads, the policy warning rules through the alerts app, the CLI and the demo."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command

from spaceforchange.alerts.models import Alert
from spaceforchange.alerts.services import evaluate_alerts
from spaceforchange.policies import selectors, services
from spaceforchange.policies.models import TensionSnapshot
from tests.factories import make_registered_policy, make_scrutiny_report
from tests.integration.policies.conftest import World, judge, stakeholder

pytestmark = pytest.mark.django_db


def test_register_filters_sorts_and_shows_the_latest_index(world: World) -> None:
    tense = make_registered_policy(world.organization, "Parking permits", manager=world.manager)
    for reporter in (world.member, world.colleague):
        make_scrutiny_report(tense, reporter)
    unmanaged = make_registered_policy(world.organization, "Age limit")
    rows = {policy.title: policy for policy in selectors.policies_for(world.organization)}
    assert (rows["Parking permits"].current_level, rows["Parking permits"].open_reports) == (2, 2)
    assert rows["Age limit"].current_level == 0
    assert next(p.title for p in selectors.policies_for(world.organization, sort="tension")) == "Parking permits"
    assert [p.pk for p in selectors.policies_for(world.organization, unmanaged=True)] == [unmanaged.pk]
    assert [p.pk for p in selectors.policies_for(world.organization, level=2)] == [tense.pk]
    assert [p.pk for p in selectors.policies_for(world.organization, search="PARK")] == [tense.pk]


def test_my_reports_are_the_reporters_own_anonymous_ones_included(world: World) -> None:
    mine = make_scrutiny_report(world.policy, world.member, anonymous=True)
    make_scrutiny_report(world.policy, world.colleague)
    assert [report.pk for report in selectors.my_reports(world.organization, world.member)] == [mine.pk]


def _alerts(world: World) -> dict[str, set[int | None]]:
    evaluate_alerts(organization=world.organization)
    found: dict[str, set[int | None]] = {}
    for rule, subject in Alert.objects.filter(organization=world.organization, subject_kind="policy").values_list(
        "rule_key", "subject_id"
    ):
        found.setdefault(rule, set()).add(subject)
    return found


def test_policy_warnings_fire_through_the_alerts_app(world: World) -> None:
    orphan = make_registered_policy(
        world.organization, "Age limit", registered_on=world.today - datetime.timedelta(days=45)
    )
    for _ in range(2):
        judge(world.policy, stakeholder(world.organization), "normative", "illegitimate")
    TensionSnapshot.objects.filter(policy=world.policy).update(computed_on=world.today - datetime.timedelta(days=30))
    for reporter in (world.member, world.colleague):
        make_scrutiny_report(world.policy, reporter)
    found = _alerts(world)
    assert found["policy_without_manager"] == {orphan.pk}
    assert found["legitimacy_tension"] == {world.policy.pk}
    assert found["tension_escalating"] == {world.policy.pk}
    alert = Alert.objects.get(rule_key="policy_without_manager")
    assert alert.subject_label == "Age limit"


def test_the_evaluator_stores_the_days_index_of_policies_without_one(world: World) -> None:
    TensionSnapshot.objects.all().delete()
    _alerts(world)
    assert TensionSnapshot.objects.filter(policy=world.policy, computed_on=world.today).exists()


def test_cli_lists_every_policy_in_json_and_csv(world: World) -> None:
    make_scrutiny_report(world.policy, world.member)
    make_scrutiny_report(world.policy, world.colleague)
    other = make_registered_policy(world.organization, "Age limit")
    out = io.StringIO()
    call_command("policies", "tension", "--org", "northbay", "--format", "json", stdout=out)
    records = {record["policy"]: record for record in json.loads(out.getvalue())}
    assert set(records) == {world.policy.pk, other.pk}
    assert (records[world.policy.pk]["level"], records[other.pk]["level"]) == (2, 0)
    assert [c["key"] for c in records[world.policy.pk]["components"]][:2] == ["judgment_gap", "scrutiny_report"]
    out = io.StringIO()
    call_command("policies", "tension", "--org", "northbay", "--format", "csv", "--recompute", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {row["title"]: row["level"] for row in rows} == {"Standard visit times": "2", "Age limit": "0"}
    assert float(rows[0]["scrutiny_report_points"]) >= 0


def test_cli_refuses_an_unknown_organisation(world: World) -> None:
    with pytest.raises(CommandError):
        call_command("policies", "tension", "--org", "nowhere", stdout=io.StringIO())


def test_compute_tension_keeps_one_snapshot_a_day(world: World) -> None:
    services.compute_tension(organization=world.organization)
    services.compute_tension(organization=world.organization)
    assert TensionSnapshot.objects.filter(policy=world.policy).count() == 1


def test_policies_of_an_initiative(world: World) -> None:
    from spaceforchange.portfolio import services as portfolio_services

    initiative = portfolio_services.create_initiative(organization=world.organization, title="Night watch")
    services.update_policy(policy=world.policy, initiatives=[initiative])
    make_registered_policy(world.organization, "Unlinked")
    assert [p.pk for p in selectors.policies_of_initiative(world.organization, initiative.pk)] == [world.policy.pk]
