"""The results page and its downloads: the opinion map with its table of groups, consensus, group-aware
consensus, the most divisive statements, participation over time; empty states; "recompute now";
CSV and XLSX content with formula neutralisation; a number of queries that does not grow with the
participants.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.test import Client
from openpyxl import load_workbook

from spaceforchange.consultations import services
from spaceforchange.consultations.models import Moderation, OpinionSnapshot

from .conftest import World, rows_of, soup_of, statements, text_of, two_camps

pytestmark = pytest.mark.django_db
HOSTILE = '=HYPERLINK("http://evil.example","click")'


def test_without_votes_the_page_says_so(world: World, as_person: Callable[[str], Client]) -> None:
    soup = soup_of(as_person("lead").get(world.url("results/")))
    assert "No opinion map yet" in text_of(soup, "#no-snapshot")
    assert text_of(soup, "#no-participation") == "Nobody has taken part yet."
    assert soup.select_one("#map-chart") is None and soup.select_one("#recompute") is not None
    assert soup.select_one("#export-csv")["href"] == world.url("results/export.csv")
    assert soup_of(as_person("leader").get(world.url("results/"))).select_one("#recompute") is None


def test_the_lead_recomputes_and_reads_the_map(
    world: World, as_person: Callable[[str], Client], django_assert_max_num_queries
) -> None:
    two_camps(world.consultation, size=3)
    client = as_person("lead")
    response = client.post(world.url("results/recompute/"))
    assert response.status_code == 302 and response["Location"] == world.url("results/")
    client.get(world.url("results/"))
    with django_assert_max_num_queries(12) as small:
        client.get(world.url("results/"))
    two_camps(world.consultation, size=12)
    services.recompute_opinion(consultation=world.consultation)
    with django_assert_max_num_queries(12) as large:
        soup = soup_of(client.get(world.url("results/")))
    assert len(large.captured_queries) == len(small.captured_queries)  # the same queries for 6 or 30 participants

    assert "from 300 votes; 30 participants in the map, in 2 opinion groups" in text_of(soup, "#snapshot")
    chart = soup.select_one("svg#map-chart")
    assert chart["role"] == "img" and chart.title is not None
    layers = chart.select("path.sfc-map-dots")
    assert [layer["fill"] for layer in layers] == ["#005ea2", "#b50909"]  # one path of dots per group
    assert all(layer["d"].startswith("M") and layer["d"].count("a") >= 2 for layer in layers)
    assert sorted(label["data-group"] for label in chart.select("g.sfc-map-label")) == ["A", "B"]
    groups = rows_of(soup, "#groups-table")
    assert [row[:2] for row in groups] == [["Group A", "15"], ["Group B", "15"]]
    shown = statements(world.consultation)
    assert "15 of 15 agree" in groups[0][2] and "15 of 15 disagree" in groups[0][2]
    agreed = rows_of(soup, "#consensus-agree-table")
    assert agreed[0][0] == shown[-1].text and agreed[0][2] == "30 of 30"
    assert float(agreed[0][1]) > 0.9
    assert soup.select_one("#consensus-disagree-table") is None
    assert "No statement is broadly rejected yet." in soup.get_text()
    aware = rows_of(soup, "#group-aware-table")
    assert aware[0][0] == shown[-1].text
    divisive = rows_of(soup, "#divisive-table")
    assert len(divisive) == 10 and divisive[-1][0] == shown[-1].text  # the consensus divides least
    assert float(divisive[-1][1]) < float(divisive[0][1])
    participation = rows_of(soup, "#participation-table")
    assert len(participation) == 1 and participation[0][1:] == ["30", "300", "30", "300"]
    assert soup.select_one("svg#participation-chart rect") is not None


def test_recompute_is_for_those_who_run_the_consultation(world: World, as_person: Callable[[str], Client]) -> None:
    assert as_person("leader").post(world.url("results/recompute/")).status_code == 403
    assert as_person("member").post(world.url("results/recompute/")).status_code == 403
    assert as_person("lead").get(world.url("results/recompute/")).status_code == 405
    assert OpinionSnapshot.objects.count() == 0
    manager = as_person("manager")
    assert manager.post(world.url("results/recompute/")).status_code == 302
    assert OpinionSnapshot.objects.count() == 1
    soup = soup_of(manager.get(world.url("results/")))
    assert "The opinion map was computed from 0 votes" in text_of(soup, ".sfc-messages")
    assert soup.select_one("#map-chart") is None and soup.select_one("#groups-table") is None
    assert "Nobody has voted on enough statements" in soup.get_text()


def _hostile_statement(world: World) -> None:
    participant, _secret = services.join_consultation(consultation=world.consultation)
    statement = services.submit_statement(participant=participant, text=HOSTILE)
    services.moderate_statement(statement=statement, moderation=Moderation.ACCEPTED)


def test_csv_export_holds_every_table_and_neutralises_formulas(
    world: World, as_person: Callable[[str], Client]
) -> None:
    two_camps(world.consultation, size=4)
    _hostile_statement(world)
    services.recompute_opinion(consultation=world.consultation)
    response = as_person("oversight").get(world.url("results/export.csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="consultation-{world.consultation.pk}-results-how-should-visiting-hours-work.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    tables: dict[str, list[list[str]]] = {}
    for row in rows:
        tables.setdefault(row[0], []).append(row[1:])
    assert list(tables) == [
        "table", "summary", "groups", "representative", "consensus", "group_aware_consensus", "divisive",
        "statements", "participation",
    ]  # fmt: skip
    summary = dict(tables["summary"])
    assert summary["question"] == "How should visiting hours work?" and summary["groups"] == "2"
    assert sorted(tables["groups"]) == [["A", "4"], ["B", "4"]]
    texts = [row[1] for row in tables["statements"]]
    assert f"'{HOSTILE}" in texts and HOSTILE not in texts
    hostile_row = next(row for row in tables["statements"] if row[1] == f"'{HOSTILE}")
    assert hostile_row[2:] == ["accepted", "0", "0", "0"]
    last = tables["statements"][9]
    assert last[2:] == ["accepted", "8", "0", "0"]
    assert tables["participation"][0][1:] == ["9", "80", "9", "80"]


def test_xlsx_export_has_a_sheet_per_table_and_neutralises_formulas(
    world: World, as_person: Callable[[str], Client]
) -> None:
    _hostile_statement(world)
    response = as_person("lead").get(world.url("results/export.xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Summary", "Groups", "Representative", "Consensus", "Group aware consensus", "Divisive", "Statements",
        "Participation",
    ]  # fmt: skip
    sheet = workbook["Statements"]
    assert [cell.value for cell in sheet[1]] == ["statement_id", "statement", "moderation", "agree", "disagree", "pass"]
    values = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert f"'{HOSTILE}" in values and all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet.max_row == 12  # the header and 11 statements
    assert workbook["Groups"].max_row == 1  # no map yet: only the header


@pytest.mark.parametrize("name", ["member", "owner"])
def test_downloads_need_the_right_to_view(world: World, as_person: Callable[[str], Client], name: str) -> None:
    assert as_person(name).get(world.url("results/export.csv")).status_code == 403


def test_unknown_download_formats_are_404(world: World, as_person: Callable[[str], Client]) -> None:
    client = as_person("lead")
    for file_format in ("json", "pdf", "csv%00", "xlsx.exe"):
        assert client.get(world.url(f"results/export.{file_format}")).status_code == 404
