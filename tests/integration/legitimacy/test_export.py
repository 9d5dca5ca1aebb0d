"""``sfc legitimacy export`` in its three formats, and its refusals."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from spaceforchange.legitimacy import gray_zone_services
from tests.factories import make_judgment, make_stakeholder

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(world):
    holder = make_stakeholder(world.organization, '=HYPERLINK("x")', category="media")
    make_judgment(holder, world.initiative, "regulatory", "legitimate")
    make_judgment(holder, world.initiative, "regulatory", "conditional_legitimacy")
    make_judgment(make_stakeholder(world.other), world.foreign_initiative)
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
    return holder


def run(*args):
    out = io.StringIO()
    call_command("legitimacy", "export", "--org", "northbay", *args, stdout=out)
    return out.getvalue()


def test_json_holds_current_judgments_of_the_organisation_only(recorded):
    body = json.loads(run("--format", "json"))
    assert [row["state"] for row in body["judgments"]] == ["conditional_legitimacy"]
    assert body["judgments"][0]["conditions"][0]["text"] == "Report every quarter"
    assert [row["name"] for row in body["stakeholders"]] == ['=HYPERLINK("x")']
    assert body["tactics"][0]["approved"] is False and body["actions"] == []


def test_csv_rows_name_their_table_and_formulas_are_neutralised(recorded):
    rows = list(csv.reader(io.StringIO(run("--format", "csv"))))
    assert [row[0] for row in rows] == ["table", "stakeholders", "table", "judgments", "table", "table", "tactics"]
    assert rows[1][2].startswith("'=")
    assert "Report every quarter" in rows[3][rows[2].index("conditions")]


def test_xlsx_has_a_sheet_per_table(recorded, tmp_path):
    target = tmp_path / "legitimacy.xlsx"
    run("--format", "xlsx", "--out", str(target))
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["Stakeholders", "Judgments", "Actions", "Tactics"]
    assert workbook["Judgments"].max_row == 2


def test_unknown_organisation_and_unwritable_file(world):
    with pytest.raises(CommandError, match="no organisation"):
        call_command("legitimacy", "export", "--org", "nowhere", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Cannot write"):
        run("--format", "json", "--out", "/nonexistent/dir/file.json")
