"""The change-programme downloads, behind the pages and through the API: the same permission as the pages
(every member), CSV or XLSX, a 400 for any other format, readiness per factor, history and evidence."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from spaceforchange.change import services
from tests.factories import make_member, make_organization
from tests.web.api.helpers import assert_problem
from tests.web.change.conftest import World

pytestmark = pytest.mark.django_db

PAGES = "/o/northbay/change"
API = "/api/v1/organizations/northbay/change-programmes"


def rows_of(response: Any, table: str) -> list[list[str]]:
    assert response.status_code == 200, response.content
    return [row[1:] for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) if row[0] == table]


@pytest.fixture
def scored(world: World) -> World:
    programme = world.programme
    services.update_programme(programme=programme, sponsor=world.leader, resource_budget=Decimal("1200"))
    services.record_readiness(programme=programme, factor_key="ensure_need", score=Decimal("4"), actor=world.lead)
    services.record_readiness(
        programme=programme, factor_key="ensure_top_management_support", score=Decimal("2.4"), actor=world.lead
    )
    services.check_evidence(programme=programme, item_key="case_documented", done=True, note="Memo", actor=None)
    services.add_milestone(programme=programme, title="Pilot", due_on=programme.created_at.date())
    return world


def readiness_urls(world: World) -> list[str]:
    return [f"{PAGES}/{world.programme.pk}/readiness/export/", f"{API}/{world.programme.pk}/readiness/export"]


@pytest.mark.parametrize("name", ["member", "owner", "lead", "leader", "oversight", "admin"])
def test_every_member_downloads_the_programmes_with_readiness_per_factor(
    scored: World, as_person: Callable[[str], Client], name: str
) -> None:
    for address in (f"{PAGES}/export/", f"{API}/export"):
        response = as_person(name).get(address)
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="northbay-change-programmes-20')
        header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert header[12:14] == ["f1_ensure_need", "f2_provide_plan"]
        [row] = rows_of(response, "programmes")
        assert row[0] == str(scored.programme.pk)
        assert row[1:9] == ["Home care reform", "planned", "Owner", "Leader", "0", "1200.0", "", "1"]
        assert row[9:11] == ["2", "3.2"]
        assert row[11:19] == ["4.0", "", "", "2.4", "", "", "", ""]


def test_one_programmes_readiness_file_holds_current_history_and_evidence(
    scored: World, as_person: Callable[[str], Client]
) -> None:
    for address in readiness_urls(scored):
        response = as_person("member").get(address)
        assert response["Content-Disposition"].startswith(
            f'attachment; filename="northbay-change-programme-{scored.programme.pk}-readiness-'
        )
        current = rows_of(response, "current")
        assert [row[:5] for row in current[:4]] == [
            ["1", "ensure_need", "Ensure the need", "4.0", "workshop"],
            ["2", "provide_plan", "Provide a plan", "", ""],
            ["3", "build_internal_support", "Build internal support and overcome resistance", "", ""],
            ["4", "ensure_top_management_support", "Ensure top-management support and commitment", "2.4", "workshop"],
        ]
        assert current[0][6:] == ["1", "4"]
        history = rows_of(response, "history")
        assert sorted((row[2], row[4]) for row in history) == [
            ("ensure_need", "4.0"),
            ("ensure_top_management_support", "2.4"),
        ]
        evidence = rows_of(response, "evidence")
        assert len(evidence) == 32
        assert evidence[0][3:7] == ["case_documented", evidence[0][4], "True", "Memo"]
        assert {row[5] for row in evidence[1:]} == {"False"}


def test_the_files_come_as_xlsx(scored: World, as_person: Callable[[str], Client]) -> None:
    client = as_person("oversight")
    for address, sheets in (
        (f"{PAGES}/export/?format=xlsx", ["Programmes"]),
        (f"{API}/export?format=xlsx", ["Programmes"]),
        (readiness_urls(scored)[0] + "?format=xlsx", ["Current", "History", "Evidence"]),
        (readiness_urls(scored)[1] + "?format=xlsx", ["Current", "History", "Evidence"]),
    ):
        response = client.get(address)
        assert response.status_code == 200, address
        assert response["Content-Disposition"].endswith('.xlsx"')
        workbook = load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames == sheets
    workbook = load_workbook(io.BytesIO(client.get(readiness_urls(scored)[0] + "?format=xlsx").content))
    assert list(workbook["Current"].values)[1][:4] == (1, "ensure_need", "Ensure the need", 4)


@pytest.mark.parametrize("file_format", ["pdf", "json", "XLSX", ""])
def test_other_formats_are_a_400(scored: World, as_person: Callable[[str], Client], file_format: str) -> None:
    client = as_person("member")
    for address in (f"{PAGES}/export/", readiness_urls(scored)[0]):
        response = client.get(address, {"format": file_format})
        assert response.status_code == 400, address
        assert "csv or xlsx" in response.content.decode()
    for address in (f"{API}/export", readiness_urls(scored)[1]):
        assert "csv or xlsx" in assert_problem(client.get(address, {"format": file_format}), 400)["detail"]


def test_the_list_file_takes_the_list_filters(scored: World, as_person: Callable[[str], Client]) -> None:
    services.create_programme(organization=scored.organization, name="Archive reform", status="under_way")
    client = as_person("member")
    assert [row[1] for row in rows_of(client.get(f"{PAGES}/export/?status=under_way"), "programmes")] == [
        "Archive reform"
    ]
    assert [row[1] for row in rows_of(client.get(f"{API}/export?q=home"), "programmes")] == ["Home care reform"]
    services.archive_programme(programme=scored.programme)
    assert [row[1] for row in rows_of(client.get(f"{PAGES}/export/?archived=1"), "programmes")] == ["Home care reform"]


def test_outsiders_and_other_organisations_programmes_get_no_file(
    scored: World, as_person: Callable[[str], Client]
) -> None:
    stranger = Client()
    stranger.force_login(make_member(make_organization(slug="elsewhere")).user)
    assert stranger.get(f"{PAGES}/export/").status_code == 404
    assert stranger.get(readiness_urls(scored)[0]).status_code == 404
    assert_problem(stranger.get(f"{API}/export"), 404)
    anonymous = Client().get(f"{PAGES}/export/")
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    client = as_person("admin")
    assert client.get(f"{PAGES}/{scored.foreign_programme.pk}/readiness/export/").status_code == 404
    assert_problem(client.get(f"{API}/{scored.foreign_programme.pk}/readiness/export"), 404)
