"""Importing and exporting a cycle's lines through the pages: the upload lists every bad row with
its line and column and writes nothing; a good file is imported; the export is CSV or XLSX in the
import's columns with formulas neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from spaceforchange.budgeting import budget_services
from spaceforchange.budgeting.models import BudgetLine
from tests.integration.budgeting.conftest import World
from tests.web.budgeting.helpers import ORG, errors_of, soup_of, table_rows

pytestmark = pytest.mark.django_db
HEADER = "code,title,unit,amount,previous_amount,purpose,basis,mandatory,max_change,locked,requires"


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def import_url(world: World) -> str:
    return f"{ORG}budgets/{world.cycle.pk}/import/"


def test_a_good_file_is_imported(world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]) -> None:
    text = "\n".join(
        [
            HEADER,
            "A1,Chat service,Schools,1000,800,innovation,re_decided,no,0.5,no,",
            "S-01,Renamed,Schools,120,,service_delivery,,yes,,,",
        ]
    )
    lead = as_person("lead")
    assert soup_of(lead.get(import_url(world))).select_one("input[type=file][name=file]") is not None
    response = lead.post(import_url(world), {"file": upload("lines.csv", text)})
    assert response.status_code == 302 and response["Location"] == f"{ORG}budgets/{world.cycle.pk}/"
    assert BudgetLine.objects.filter(cycle=world.cycle).count() == 11
    assert BudgetLine.objects.get(code="S-01").title == "Renamed"
    page = soup_of(lead.get(response["Location"]))
    assert "1 lines added, 1 lines updated" in page.get_text()


def test_every_bad_row_is_listed_and_nothing_is_written(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    text = "\n".join(
        [
            HEADER,
            "A1,Fine line,Schools,100,,innovation,,,,,",
            "A2,Bad amount,Schools,-5,,innovation,,,,,",
            "A3,Unknown unit,Nowhere,10,,innovation,,,,,",
            "A4,Bad purpose,Schools,10,,fun,,,,,",
            "=HYPERLINK(1),<script>alert(1)</script>,Schools,10,,innovation,,,,,",
        ]
    )
    soup = soup_of(as_person("lead").post(import_url(world), {"file": upload("lines.csv", text)}))
    assert "fix the rows listed below" in errors_of(soup)
    rows = table_rows(soup, "#import-problems")
    lines = [row[0] for row in rows]
    assert {"3", "4", "5"} <= set(lines), rows
    assert any(row[1] == "amount" for row in rows) and any(row[1] == "unit" for row in rows)
    assert any(row[1] == "purpose" for row in rows)
    assert soup.select_one("#import-problems script") is None
    assert BudgetLine.objects.filter(cycle=world.cycle).count() == 10
    assert not BudgetLine.objects.filter(code="A1").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("lines.txt", b"code\n", "Upload a .csv or .xlsx file."),
        ("lines.csv", b"", "The submitted file is empty."),
        ("lines.xlsx", b"not a workbook", "cannot be read"),
        ("lines.csv", b"title\nNo code\n", "missing"),
        ("lines.csv", b"x" * (20 * 1024 * 1024 + 1), "larger than 20 MiB"),
    ],
)
def test_bad_files_are_refused_with_a_message(
    world: World, as_person: Callable[[str], Client], name: str, content: bytes, message: str
) -> None:
    soup = soup_of(as_person("lead").post(import_url(world), {"file": SimpleUploadedFile(name, content)}))
    assert message in soup.get_text(" "), soup.get_text(" ")[:2000]
    assert BudgetLine.objects.count() == 0


def test_missing_file_is_refused(world: World, as_person: Callable[[str], Client]) -> None:
    soup = soup_of(as_person("lead").post(import_url(world), {}))
    assert "This field is required." in errors_of(soup)


def _hostile(world: World, filled: list[BudgetLine]) -> None:
    budget_services.save_budget_line(
        cycle=world.cycle,
        line=filled[1],
        code="S-02",
        title='=HYPERLINK("http://evil.example")',
        unit=world.units[0],
        amount=Decimal(80),
        previous_amount=Decimal(80),
        purpose="service_delivery",
        basis="carried_over",
    )


def test_csv_export_has_every_line_and_neutralises_formulas(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    _hostile(world, filled)
    response = as_person("member").get(f"{ORG}budgets/{world.cycle.pk}/export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="2027-lines.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["code"] for row in rows] == [
        "H-01",
        "H-02",
        "H-03",
        "R-01",
        "R-02",
        "R-03",
        "R-04",
        "S-01",
        "S-02",
        "S-03",
    ]
    by_code = {row["code"]: row for row in rows}
    assert by_code["S-02"]["title"] == '\'=HYPERLINK("http://evil.example")'
    assert (by_code["R-04"]["requires"], by_code["S-03"]["goal:Digital services"]) == ("H-03", "5")
    assert Decimal(by_code["H-01"]["amount"]) == Decimal(150)


def test_xlsx_export_reads_back(world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]) -> None:
    _hostile(world, filled)
    response = as_person("oversight").get(f"{ORG}budgets/{world.cycle.pk}/export.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:4] == ["code", "title", "unit", "amount"]
    titles = {row[0]: row[1] for row in rows[1:]}
    assert titles["S-02"] == '\'=HYPERLINK("http://evil.example")'
    assert len(rows) == 11


def test_unknown_export_format_is_404(world: World, as_person: Callable[[str], Client]) -> None:
    assert as_person("member").get(f"{ORG}budgets/{world.cycle.pk}/export.pdf").status_code == 404


def test_exported_file_imports_back_unchanged(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    _hostile(world, filled)
    lead = as_person("lead")
    exported = lead.get(f"{ORG}budgets/{world.cycle.pk}/export.xlsx").content
    before = sorted(BudgetLine.objects.values_list("code", "title", "amount", "purpose"))
    response = lead.post(import_url(world), {"file": SimpleUploadedFile("lines.xlsx", exported)})
    assert response.status_code == 302
    assert sorted(BudgetLine.objects.values_list("code", "title", "amount", "purpose")) == before
