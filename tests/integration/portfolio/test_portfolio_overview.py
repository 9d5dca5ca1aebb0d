"""The portfolio page's reads and exports over hand-made data (see ``portfolio_data``)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from spaceforchange.analytics import portfolio as rules
from spaceforchange.portfolio import export, overview_selectors, target_services
from spaceforchange.portfolio.models import PortfolioTarget
from spaceforchange.portfolio.terms import pack_terms
from tests.integration.portfolio.portfolio_data import Portfolio, portfolio

__all__ = ["portfolio"]

FORMS = ["incremental_change", "bold_experimentation", "strategic_transformation"]


def _figures(data: Portfolio, **params: str) -> rules.PortfolioFigures:
    filters = overview_selectors.parse_filters(data.organization, params)
    initiatives = overview_selectors.filtered_initiatives(data.organization, filters)
    terms = pack_terms(data.organization, "en")
    target = overview_selectors.target_mix(data.organization, [term.key for term in terms.forms])
    return overview_selectors.figures(overview_selectors.figure_snapshots(initiatives), terms, target)


def test_figures_over_the_whole_organisation(portfolio):
    figures = _figures(portfolio)
    counts = figures.stage_form_counts
    assert counts[rules.Stage.EXPERIMENT]["incremental_change"] == 1
    assert counts[rules.Stage.STOPPED]["incremental_change"] == 1
    assert counts[rules.Stage.SCALING]["bold_experimentation"] == 1
    assert counts[rules.Stage.INTEGRATED]["strategic_transformation"] == 1
    assert counts[rules.Stage.IDEA][None] == 1
    assert sum(sum(row.values()) for row in counts.values()) == 5  # the foreign initiative is not counted
    mix = {share.form: share for share in figures.mix.forms}
    assert (figures.mix.counted, figures.mix.unrecorded) == (2, 1)
    assert mix["incremental_change"].share == pytest.approx(0.5)
    assert mix["strategic_transformation"].share == 0
    assert mix["bold_experimentation"].target == pytest.approx(1 / 3)
    assert mix["incremental_change"].deviation == pytest.approx(0.5 - 1 / 3)
    assert [(step.reached_from, step.reached_to) for step in figures.funnel] == [(5, 4), (4, 2), (2, 1)]
    assert [step.conversion for step in figures.funnel] == [pytest.approx(0.8), 0.5, 0.5]
    assert figures.pilot_to_scale == rules.PilotToScale(2, 1, 1, pytest.approx(2 / 3))
    assert figures.bottom_up == rules.BottomUp(2, 1, 1, 1, 0.5)
    assert figures.triggers["proactive"] == 2
    assert figures.triggers["crisis"] == 2
    assert figures.triggers["budget_cut"] == 0
    assert figures.triggers[None] == 1


def test_unit_filter_counts_lead_and_shared_units(portfolio):
    filters = overview_selectors.parse_filters(portfolio.organization, {"unit": str(portfolio.care.pk)})
    titles = [row.title for row in overview_selectors.filtered_initiatives(portfolio.organization, filters)]
    assert titles == ["Alpha", "Charlie", "Delta"]
    figures = _figures(portfolio, unit=str(portfolio.care.pk))
    assert figures.pilot_to_scale == rules.PilotToScale(0, 1, 1, 0.0)
    assert figures.bottom_up.share == 1.0


def test_goal_filter_and_sorting(portfolio):
    params = {"goal": str(portfolio.goal.pk), "sort": "-title"}
    filters = overview_selectors.parse_filters(portfolio.organization, params)
    assert [row.title for row in overview_selectors.filtered_initiatives(portfolio.organization, filters)] == [
        "Delta",
        "Alpha",
    ]
    filters = overview_selectors.parse_filters(portfolio.organization, {"sort": "stage"})
    stages = [row.stage for row in overview_selectors.filtered_initiatives(portfolio.organization, filters)]
    assert stages == sorted(stages)


@pytest.mark.parametrize(
    "params, ignored",
    [
        ({"unit": "foreign"}, ("unit",)),
        ({"unit": "abc", "goal": "-1"}, ("unit", "goal")),
        ({"goal": "9" * 40}, ("goal",)),
        ({"sort": "owner__password"}, ("sort",)),
        ({"unit": "", "goal": ""}, ()),
    ],
)
def test_bad_filters_are_dropped_and_named(portfolio, params, ignored):
    params = {key: str(portfolio.foreign_unit.pk) if value == "foreign" else value for key, value in params.items()}
    filters = overview_selectors.parse_filters(portfolio.organization, params)
    assert filters.ignored == ignored
    assert (filters.unit, filters.goal, filters.sort) == (None, None, "title")
    assert overview_selectors.filtered_initiatives(portfolio.organization, filters).count() == 5


def test_another_organisations_goal_is_dropped(portfolio):
    filters = overview_selectors.parse_filters(portfolio.organization, {"goal": str(portfolio.foreign_goal.pk)})
    assert filters.goal is None and filters.ignored == ("goal",)


def test_target_mix_is_stored_and_read(portfolio):
    assert overview_selectors.target_mix(portfolio.organization, FORMS) == pytest.approx(dict.fromkeys(FORMS, 1 / 3))
    shares = {"incremental_change": 0.5, "bold_experimentation": 0.3, "strategic_transformation": 0.2}
    target_services.set_portfolio_target(
        organization=portfolio.organization, shares=shares, forms=FORMS, actor=portfolio.lead
    )
    assert overview_selectors.target_mix(portfolio.organization, FORMS) == pytest.approx(shares)
    mix = {share.form: share for share in _figures(portfolio).mix.forms}
    assert mix["incremental_change"].deviation == pytest.approx(0.0)
    # A pack that no longer offers a stored form falls back to equal shares rather than a broken sum.
    assert overview_selectors.target_mix(portfolio.organization, FORMS[:2]) == {FORMS[0]: 0.5, FORMS[1]: 0.5}


@pytest.mark.parametrize(
    "shares",
    [
        {"incremental_change": 0.5, "bold_experimentation": 0.3},
        {"incremental_change": 1.5, "bold_experimentation": -0.5},
        {"incremental_change": 0.5, "unknown_form": 0.5},
    ],
)
def test_bad_target_mix_is_refused_and_changes_nothing(portfolio, shares):
    with pytest.raises(ValidationError):
        target_services.set_portfolio_target(organization=portfolio.organization, shares=shares, forms=FORMS)
    assert not PortfolioTarget.objects.exists()


def test_csv_export_parses_back_and_neutralises_formulas(portfolio):
    alpha = portfolio.initiatives["Alpha"]
    alpha.title = '=HYPERLINK("http://evil.example")'
    alpha.save()
    filters = overview_selectors.parse_filters(portfolio.organization, {})
    body = export.initiatives_csv(overview_selectors.filtered_initiatives(portfolio.organization, filters))
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [row["title"] for row in rows] == [
        '\'=HYPERLINK("http://evil.example")',
        "Bravo",
        "Charlie",
        "Delta",
        "Echo",
    ]
    alpha_row = rows[0]
    assert (alpha_row["stage"], alpha_row["change_form"], alpha_row["unit"], alpha_row["goals"]) == (
        "experiment",
        "incremental_change",
        "Care",
        "Age well",
    )
    assert rows[3]["change_form"] == "" and rows[3]["ai"] == "False"


def test_figures_csv_and_xlsx_parse_back(portfolio):
    filters = overview_selectors.parse_filters(portfolio.organization, {})
    initiatives = list(overview_selectors.filtered_initiatives(portfolio.organization, filters))
    figures = _figures(portfolio)
    rows = list(csv.DictReader(io.StringIO(export.figures_csv(figures).decode("utf-8-sig"))))
    found = {(row["figure"], row["subject"], row["measure"]): row["value"] for row in rows}
    assert found[("pilot_to_scale", "", "scaled")] == "2"
    assert float(found[("funnel", "idea>experiment", "conversion")]) == pytest.approx(0.8)
    assert found[("trigger", "crisis", "count")] == "2"
    workbook = load_workbook(io.BytesIO(export.portfolio_xlsx(initiatives, figures)))
    assert workbook.sheetnames == ["Initiatives", "Figures"]
    sheet = workbook["Initiatives"]
    assert [cell.value for cell in sheet[1]] == list(export.INITIATIVE_COLUMNS)
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Alpha",
        "Bravo",
        "Charlie",
        "Delta",
        "Echo",
    ]
    figure_rows = {
        (row[0], row[1], row[2]): row[3] for row in workbook["Figures"].iter_rows(min_row=2, values_only=True)
    }
    # An empty subject (the whole portfolio) reads back from a workbook as an empty cell.
    assert figure_rows[("bottom_up", None, "share")] == 0.5
    assert figure_rows[("stage_form", "idea/", "count")] == 1


def test_cli_exports_json(portfolio, capsys):
    out = io.StringIO()
    call_command("portfolio", "export", "--org", "northbay", "--format", "json", stdout=out)
    records = json.loads(out.getvalue())
    assert [record["title"] for record in records] == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
    alpha = records[0]
    assert set(alpha) == set(export.INITIATIVE_COLUMNS)
    assert alpha["id"] == portfolio.initiatives["Alpha"].pk
    assert (alpha["stage"], alpha["change_form"], alpha["initiator_level"], alpha["trigger"]) == (
        "experiment",
        "incremental_change",
        "front_line_staff",
        "proactive",
    )
    assert (alpha["unit"], alpha["goals"], alpha["ai"], alpha["owner"]) == ("Care", ["Age well"], False, None)
    assert records[3]["change_form"] is None


def test_cli_exports_csv_and_xlsx_files(portfolio, tmp_path):
    out = io.StringIO()
    call_command("portfolio", "export", "--org", "northbay", "--format", "csv", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [row["title"] for row in rows] == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
    target = tmp_path / "portfolio.xlsx"
    call_command("portfolio", "export", "--org", "northbay", "--format", "xlsx", "--out", str(target))
    workbook = load_workbook(target)
    assert workbook["Initiatives"].max_row == 6
    assert workbook["Figures"]["A2"].value == "stage_form"


def test_cli_refuses_an_unknown_organisation_and_an_unwritable_file(portfolio, tmp_path):
    with pytest.raises(CommandError, match="no organisation"):
        call_command("portfolio", "export", "--org", "nowhere", "--format", "json")
    with pytest.raises(CommandError, match="Cannot write"):
        call_command(
            "portfolio", "export", "--org", "northbay", "--format", "csv", "--out", str(tmp_path / "no" / "x.csv")
        )
