"""``sfc alerts evaluate`` and ``sfc alerts list`` (the ``alerts`` management command)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from spaceforchange.alerts.domain import Firing
from spaceforchange.alerts.models import Alert
from tests.factories import make_organization
from tests.integration.alerts.helpers import IDEA_OVERDUE, PILOT, SCALING

pytestmark = pytest.mark.django_db


def run(*arguments: str) -> str:
    out = io.StringIO()
    call_command("alerts", *arguments, stdout=out)
    return out.getvalue()


def test_evaluate_one_organisation_prints_its_summary(fake_rules):
    organization = make_organization(slug="northbay")
    make_organization(slug="southport")
    fake_rules.firings = [Firing(PILOT, "portfolio", None)]
    lines = run("evaluate", "--org", "northbay").splitlines()
    assert [json.loads(line)["organization"] for line in lines] == ["northbay"]
    assert json.loads(lines[0])["created"] == 1
    assert list(Alert.objects.values_list("organization", flat=True)) == [organization.pk]


def test_evaluate_without_org_evaluates_every_organisation(fake_rules):
    make_organization(slug="b-org"), make_organization(slug="a-org")
    fake_rules.firings = [Firing(PILOT, "portfolio", None)]
    summaries = [json.loads(line) for line in run("evaluate").splitlines()]
    slugs = [summary["organization"] for summary in summaries]
    assert {"a-org", "b-org"} <= set(slugs) and slugs == sorted(slugs)
    assert Alert.objects.filter(organization__slug__in=["a-org", "b-org"]).count() == 2


@pytest.mark.parametrize("action", [["evaluate"], ["list"]])
def test_an_unknown_organisation_is_an_error(action):
    with pytest.raises(CommandError, match="no organisation with the short name nowhere"):
        run(*action, "--org", "nowhere")


def test_a_bad_status_or_format_is_refused():
    make_organization(slug="northbay")
    with pytest.raises(CommandError, match="invalid choice: 'closed'"):
        run("list", "--org", "northbay", "--status", "closed")
    with pytest.raises(CommandError, match="invalid choice: 'xml'"):
        run("list", "--org", "northbay", "--format", "xml")


@pytest.fixture
def three_alerts(fake_rules):  # type: ignore[no-untyped-def]
    organization = make_organization(slug="northbay")
    fake_rules.firings = [
        Firing(PILOT, "portfolio", None, {"started": 6}),
        Firing(SCALING, "initiative", 7, {"senior_backers": 0}, subject_label="=Mailroom"),
        Firing(IDEA_OVERDUE, "idea", 9, {"days": 40}),
    ]
    run("evaluate", "--org", "northbay")
    fake_rules.firings = fake_rules.firings[:2]
    run("evaluate", "--org", "northbay")
    return organization


def test_list_json_has_rule_severity_subject_fired_at_and_status(three_alerts):
    # Most serious first; the warnings fired in the same evaluation, so the newest row comes first.
    rows = json.loads(run("list", "--org", "northbay"))
    assert [(row["rule"], row["severity"], row["subject"], row["status"]) for row in rows] == [
        (SCALING, "critical", "=Mailroom", "open"),
        (IDEA_OVERDUE, "warning", "Idea #9", "resolved"),
        (PILOT, "warning", "The portfolio", "open"),
    ]
    assert all(row["fired_at"].endswith("+00:00") for row in rows)
    assert rows[0]["facts"] == {"senior_backers": 0}
    assert rows[0]["rule_name"] == "Scaling without senior backing"


def test_list_filters_by_status(three_alerts):
    assert [row["rule"] for row in json.loads(run("list", "--org", "northbay", "--status", "resolved"))] == [
        IDEA_OVERDUE
    ]
    assert len(json.loads(run("list", "--org", "northbay", "--status", "open"))) == 2
    assert json.loads(run("list", "--org", "northbay", "--status", "acknowledged")) == []


def test_list_csv_has_a_header_and_neutralises_formulas(three_alerts):
    rows = list(csv.DictReader(io.StringIO(run("list", "--org", "northbay", "--status", "open", "--format", "csv"))))
    assert [row["rule"] for row in rows] == [SCALING, PILOT]
    assert rows[0]["subject"] == "'=Mailroom"
    assert json.loads(rows[0]["facts"]) == {"senior_backers": 0}
    assert rows[1]["subject_id"] == ""
