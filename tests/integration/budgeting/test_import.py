"""Importing and exporting budget lines: validated as a whole, every bad row reported, round trips."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from auditlog.models import LogEntry

from spaceforchange.budgeting import import_lines, selectors
from spaceforchange.budgeting.models import BudgetLine, FundingOption, GoalContribution, LineDependency, LineImport
from tests.integration.budgeting.conftest import World

HEADER = "code,title,unit,amount,previous_amount,purpose,basis,mandatory,max_change,locked,requires"


def _csv(*rows: str, header: str = HEADER) -> io.BytesIO:
    return io.BytesIO(("\n".join([header, *rows]) + "\n").encode())


def _import(world: World, data: io.BytesIO, format: str = "csv") -> import_lines.ImportSummary:
    return import_lines.import_budget_lines(cycle=world.cycle, file=data, format=format, actor=world.lead)


def test_a_good_file_creates_lines_with_goals_options_and_dependencies(world: World) -> None:
    header = HEADER + ",goal:Digital services,goal:climate,options"
    summary = _import(
        world,
        _csv(
            "A1,Chat service,Schools,1000,800,innovation,re_decided,no,0.5,no,,4,,",
            "A2,Chat support,schools,200,,innovation,,yes,,yes,A1,2,1,none:0:0;basic:100:1;plus:200:2",
            header=header,
        ),
    )
    assert (summary.created, summary.updated) == (2, 0)
    record = LineImport.objects.get()
    assert (record.codes, record.imported_by, record.format) == (["A1", "A2"], world.lead, "csv")
    assert LogEntry.objects.get_for_object(record).count() == 1
    first, second = BudgetLine.objects.order_by("code")
    assert (first.amount, first.previous_amount, first.max_change, first.mandatory) == (1000, 800, 0.5, False)
    assert (second.previous_amount, second.mandatory, second.locked, second.basis) == (None, True, True, "re_decided")
    assert list(LineDependency.objects.values_list("line__code", "requires__code")) == [("A2", "A1")]
    scores = set(GoalContribution.objects.values_list("budget_line__code", "goal__title", "score"))
    assert scores == {("A1", "Digital services", 4), ("A2", "Digital services", 2), ("A2", "Climate", 1)}
    options = {o.key: (o.cost, o.contributions) for o in FundingOption.objects.filter(line=second)}
    digital, climate = str(world.goals[0].pk), str(world.goals[1].pk)
    # A package's score goes to the line's strongest goal; the others scale with the line's scores.
    assert options == {
        "none": (0, {}),
        "basic": (100, {digital: 1.0, climate: 0.5}),
        "plus": (200, {digital: 2.0, climate: 1.0}),
    }
    assert sorted(FundingOption.objects.filter(line=first).values_list("key", flat=True)) == ["full", "half", "none"]


def test_every_bad_row_is_reported_and_nothing_is_written(world: World) -> None:
    world.line("OLD", 5)
    with pytest.raises(import_lines.ImportProblems) as raised:
        _import(
            world,
            _csv(
                "A1,Fine line,Schools,100,,innovation,,,,,",
                "A2,,Nowhere,-5,,parties,habit,maybe,x,,A9",
                "A1,Twice,Schools,1.005,,efficiency,,,,,A1",
            ),
        )
    found = {(problem.line, problem.column) for problem in raised.value.problems}
    assert found == {
        (3, "title"),
        (3, "unit"),
        (3, "amount"),
        (3, "purpose"),
        (3, "basis"),
        (3, "mandatory"),
        (3, "max_change"),
        (3, "requires"),
        (4, "code"),
        (4, "amount"),
        (4, "requires"),
    }
    assert "Line 3, column unit: No unit of the organisation is called “Nowhere”." in raised.value.messages
    assert list(BudgetLine.objects.values_list("code", flat=True)) == ["OLD"]


def test_header_problems_are_reported(world: World) -> None:
    with pytest.raises(import_lines.ImportProblems) as raised:
        _import(world, _csv("A1,T,Schools,1,innovation,x,y", header="code,title,unit,amount,purpose,colour,goal:Peace"))
    assert {(p.line, p.column) for p in raised.value.problems} == {(1, "colour"), (1, "goal:Peace")}
    with pytest.raises(import_lines.ImportProblems) as raised:
        _import(world, _csv("A1,T", header="code,title"))
    assert {p.column for p in raised.value.problems} == {"unit", "amount", "purpose"}


def test_packages_are_checked(world: World) -> None:
    header = HEADER + ",goal:Climate,options"
    with pytest.raises(import_lines.ImportProblems) as raised:
        _import(
            world,
            _csv(
                "A1,T,Schools,100,,innovation,,,,,,3,basic:50:2",
                "A2,T,Schools,100,,innovation,,,,,,,none:0:0;x:5:4",
                "A3,T,Schools,100,,innovation,,,,,,3,none:0:0;bad",
                "A4,T,Schools,100,,innovation,,,,,,9,",
                header=header,
            ),
        )
    messages = {(p.line, p.message) for p in raised.value.problems}
    assert (2, "One package must cost 0 (not funding the line).") in messages
    assert (3, "A package scores, but the line contributes to no goal.") in messages
    message = "Write each package as key:cost:score or key:cost:goal=score|goal=score (scores 0–5)."
    assert (4, message) in messages
    assert (5, "A whole number from 0 to 5.") in messages
    assert not BudgetLine.objects.exists()


def test_an_unreadable_oversized_or_empty_file_is_refused(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(import_lines.ImportProblems, match="no lines"):
        _import(world, _csv())
    with pytest.raises(import_lines.ImportProblems, match="cannot be read"):
        _import(world, io.BytesIO(b"PK\x03\x04 not really a workbook"), "xlsx")
    with pytest.raises(import_lines.ImportProblems, match="Choose CSV or XLSX"):
        _import(world, _csv("A1"), "pdf")
    monkeypatch.setattr(import_lines, "MAX_BYTES", 100)
    with pytest.raises(import_lines.ImportProblems, match="larger than"):
        _import(world, _csv(*[f"A{n},T,Schools,1,,innovation,,,,," for n in range(10)]))
    monkeypatch.setattr(import_lines, "MAX_BYTES", 10_000)
    monkeypatch.setattr(import_lines, "MAX_ROWS", 3)
    with pytest.raises(import_lines.ImportProblems, match="At most 3 lines"):
        _import(world, _csv(*[f"A{n},T,Schools,1,,innovation,,,,," for n in range(10)]))
    assert not BudgetLine.objects.exists()


def test_formulas_are_stored_as_text_and_neutralised_on_export(world: World) -> None:
    _import(world, _csv('A1,"=HYPERLINK(""http://evil.example"",""x"")",Schools,10,,innovation,,,,,'))
    line = BudgetLine.objects.get()
    assert line.title == '=HYPERLINK("http://evil.example","x")'
    exported = selectors.export_lines(world.cycle, "csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in exported
    workbook = openpyxl.load_workbook(io.BytesIO(selectors.export_lines(world.cycle, "xlsx")))
    assert workbook.active["B2"].value == '\'=HYPERLINK("http://evil.example","x")'
    assert workbook.active["B2"].data_type == "s"


def _state(world: World) -> list[tuple[object, ...]]:
    rows = []
    for line in BudgetLine.objects.filter(cycle=world.cycle).order_by("code"):
        options = sorted(FundingOption.objects.filter(line=line).values_list("key", "cost", "contributions"))
        scores = sorted(GoalContribution.objects.filter(budget_line=line).values_list("goal_id", "score"))
        requires = sorted(LineDependency.objects.filter(line=line).values_list("requires__code", flat=True))
        fields = (line.code, line.title, line.unit_id, line.amount, line.previous_amount, line.purpose, line.basis)
        rows.append((*fields, line.mandatory, line.max_change, line.locked, options, scores, requires))
    return rows


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_an_export_imports_back_unchanged(world: World, format: str) -> None:
    first = world.line("A1", 1000, previous_amount=Decimal("900.50"), max_change=0.2, title="=1+1")
    second = world.line("A2", 333, purpose="innovation", mandatory=True, locked=True, requires=[first])
    world.score(first, 0, 4)
    world.score(second, 1, 2)
    from spaceforchange.budgeting import budget_services

    budget_services.set_funding_options(
        line=second, options=[{"key": "none", "cost": 0}, {"key": "pilot", "cost": 100, "scale": 0.5}]
    )
    before = _state(world)
    exported = selectors.export_lines(world.cycle, format)
    summary = _import(world, io.BytesIO(exported), format)
    assert (summary.created, summary.updated) == (0, 2)
    assert _state(world) == before
