"""CSV and XLSX exports of a campaign's results: every figure, suppressed groups without any, and
no formula smuggled in through a title, a unit name or an attribute value."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from spaceforchange.assessments import results_export
from spaceforchange.assessments.models import Response
from spaceforchange.assessments.results import DIMENSION_FIGURES, campaign_results
from tests.factories import make_campaign, make_organization, make_response

pytestmark = pytest.mark.django_db

NAMES = {
    "dimension": {"room": "Room", "openness": "Openness"},
    "item": {"r1": "Rules leave room.", "r2": "Rules block us.", "o1": "People listen.", "o2": "=People question"},
}
ANSWERS = [
    {"r1": 5, "r2": 1, "o1": 4, "o2": 2},
    {"r1": 4, "r2": 2, "o1": 3, "o2": 3},
    {"r1": 2, "r2": 5, "o1": 3, "o2": 3},
    {"r1": 3, "r2": 4, "o1": 5, "o2": 1},
]


@pytest.fixture
def campaign():  # type: ignore[no-untyped-def]
    campaign = make_campaign(make_organization(), title='=HYPERLINK("http://evil")', anonymity_threshold=2)
    responses = [make_response(campaign, answers) for answers in ANSWERS]
    # Three respondents say "+tax", one says "@small": that one is suppressed, and so is another.
    Response.objects.filter(pk__in=[r.pk for r in responses[:3]]).update(attributes={"agency": "+tax"})
    Response.objects.filter(pk=responses[3].pk).update(attributes={"agency": "-small"})
    return campaign


def parse_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # Excel needs the byte order mark to read UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_has_every_figure_of_every_dimension_and_statement(campaign):
    results = campaign_results(campaign)
    rows = parse_csv(results_export.csv_bytes(results, NAMES))
    assert list(rows[0]) == list(results_export.CSV_COLUMNS)
    assert [(row["kind"], row["key"]) for row in rows] == [
        ("dimension", "room"),
        ("dimension", "openness"),
        ("item", "r1"),
        ("item", "r2"),
        ("item", "o1"),
        ("item", "o2"),
    ]
    figures = results["groups"][0]["dimensions"]["room"]
    room = rows[0]
    assert room["group"] == "all"
    assert room["status"] == "shown"
    assert room["name"] == "Room"
    for name in DIMENSION_FIGURES:
        expected = figures[name]
        assert room[name] == ("" if expected is None else str(expected))
    # Each respondent's room score is the mean of r1 and the flipped r2 (6 - r2).
    assert float(room["mean"]) == pytest.approx((5 + 4 + 1.5 + 2.5) / 4)
    assert rows[2]["alpha"] == ""  # statements have no alpha


def test_csv_neutralises_formulas_in_texts(campaign):
    rows = parse_csv(results_export.csv_bytes(campaign_results(campaign), NAMES))
    assert {row["campaign"] for row in rows} == {'\'=HYPERLINK("http://evil")'}
    assert rows[-1]["name"] == "'=People question"


def test_csv_suppressed_groups_have_one_row_and_no_figures(campaign):
    rows = parse_csv(results_export.csv_bytes(campaign_results(campaign, group_by="attribute:agency"), NAMES))
    # "-small" (1) is below 2 and would be derivable from the total, so "+tax" goes too.
    assert [(row["group"], row["status"], row["kind"]) for row in rows] == [
        ("'+tax", "suppressed", ""),
        ("'-small", "suppressed", ""),
    ]
    for row in rows:
        assert all(row[name] == "" for name in ("key", "name", *DIMENSION_FIGURES))


def test_xlsx_has_a_dimensions_and_an_items_sheet_with_numbers(campaign):
    results = campaign_results(campaign)
    workbook = load_workbook(io.BytesIO(results_export.xlsx_bytes(results, NAMES)))
    assert workbook.sheetnames == ["Dimensions", "Items"]
    dimensions, items = workbook["Dimensions"], workbook["Items"]
    header = [cell.value for cell in dimensions[1]]
    assert header == ["campaign", "group", "status", "dimension_key", "dimension", *DIMENSION_FIGURES]
    assert all(cell.font.bold for cell in dimensions[1])
    room = {name: cell for name, cell in zip(header, dimensions[2], strict=True)}
    expected = results["groups"][0]["dimensions"]["room"]
    assert room["dimension_key"].value == "room"
    assert room["campaign"].value == '\'=HYPERLINK("http://evil")'
    assert room["campaign"].data_type == "s"
    assert room["mean"].data_type == "n"
    assert room["mean"].value == pytest.approx(expected["mean"])
    assert room["n"].value == expected["n"] == 4
    assert room["share_favourable"].value == pytest.approx(expected["share_favourable"])
    assert room["share_favourable"].number_format == "0.0%"
    item_header = [cell.value for cell in items[1]]
    assert "alpha" not in item_header
    assert [row[3].value for row in items.iter_rows(min_row=2)] == ["r1", "r2", "o1", "o2"]
    o2 = [cell.value for cell in items[5]]
    assert o2[4] == "'=People question"


def test_xlsx_suppressed_groups_appear_in_both_sheets_without_figures(campaign):
    results = campaign_results(campaign, group_by="attribute:agency")
    workbook = load_workbook(io.BytesIO(results_export.xlsx_bytes(results, NAMES)))
    for sheet in workbook:
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
        assert [row[1:3] for row in rows] == [["'+tax", "suppressed"], ["'-small", "suppressed"]]
        assert all(value is None for row in rows for value in row[3:])


def test_control_characters_cannot_break_the_workbook(campaign):
    results = campaign_results(campaign)
    results["groups"][0]["group"] = "bell\x07 and \x1b escape"
    workbook = load_workbook(io.BytesIO(results_export.xlsx_bytes(results, NAMES)))
    assert workbook["Dimensions"]["B2"].value == "bell and  escape"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("plain", "plain"),
        ("", ""),
        (-1.5, -1.5),
        (3, 3),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert results_export.neutralise(value) == expected


@pytest.mark.parametrize(
    ("group_by", "extension", "expected"),
    [
        (None, "csv", "campaign-7-results.csv"),
        ("unit", "xlsx", "campaign-7-results-unit.xlsx"),
        ('attribute:"; rm -rf /\r\nX: y', "csv", "campaign-7-results-attribute-rm-rf-x-y.csv"),
        ("attribute:Ålesund", "csv", "campaign-7-results-attribute-alesund.csv"),
    ],
)
def test_filename_is_safe(group_by, extension, expected):
    assert results_export.filename(7, group_by, extension) == expected
