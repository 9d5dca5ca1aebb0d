"""The people downloads behind the pages: the same permission as the pages (every member), CSV or XLSX,
a 400 for any other format, and aggregates only: hidden groups are marked and carry no counts."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from spaceforchange.people import services
from tests.factories import make_member, make_organization, make_unit
from tests.web.api.people.conftest import Answered
from tests.web.people.helpers import World, archetype_campaign

pytestmark = pytest.mark.django_db

PEOPLE = "/o/northbay/people"
EXPORTS = [f"{PEOPLE}/archetypes/export/", f"{PEOPLE}/teams/export/", f"{PEOPLE}/culture/export/"]


def rows_of(response: Any, table: str) -> list[list[str]]:
    assert response.status_code == 200, response.content
    return [row[1:] for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) if row[0] == table]


@pytest.mark.parametrize("name", ["member", "lead", "leader", "oversight", "admin"])
def test_every_member_downloads_every_file(answered: Answered, as_person: Callable[[str], Client], name: str) -> None:
    client = as_person(name)
    for url in EXPORTS:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="northbay-')


def test_outsiders_get_no_file(world: World, answered: Answered) -> None:
    stranger = Client()
    stranger.force_login(make_member(make_organization(slug="elsewhere")).user)
    for url in EXPORTS:
        assert stranger.get(url).status_code == 404, url
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and "login" in anonymous["Location"], url


def test_the_archetype_file_marks_hidden_groups_and_holds_no_counts_for_them(
    world: World, answered: Answered, as_person: Callable[[str], Client]
) -> None:
    response = as_person("member").get(f"{PEOPLE}/archetypes/export/?campaign={answered.campaign.pk}&format=csv")
    rows = {row[2]: row for row in rows_of(response, "archetype_mix")}
    assert rows["Northbay"][:2] == ["organisation", ""]
    assert rows["Schools"][3:5] == ["10", "False"]
    assert rows["Digital desk"][6:10] == ["8", "1", "1", "0"]
    for name, note in (("Health", "Fewer than 5 answers"), ("Home care", "Fewer than 5 answers")):
        assert rows[name][3:6] == ["", "True", note]
        assert set(rows[name][6:]) == {""}
    assert rows["Roads"][4] == "True" and set(rows["Roads"][6:]) == {""}
    assert rows_of(response, "campaign")[0][:3] == [str(answered.campaign.pk), "Archetypes 2026", "5"]


def test_an_unknown_campaign_or_unit_is_not_found(
    world: World, answered: Answered, as_person: Callable[[str], Client]
) -> None:
    client = as_person("member")
    theirs = archetype_campaign(make_organization(slug="elsewhere"))
    assert client.get(f"{PEOPLE}/archetypes/export/?campaign={theirs.pk}").status_code == 404
    assert client.get(f"{PEOPLE}/archetypes/export/?campaign={answered.culture.pk}").status_code == 404
    assert client.get(f"{PEOPLE}/archetypes/export/?campaign=abc").status_code == 404
    foreign = make_unit(make_organization(slug="faraway"), "Theirs")
    assert client.get(f"{PEOPLE}/culture/export/?unit={foreign.pk}").status_code == 404
    assert client.get(f"{PEOPLE}/culture/export/?unit=x").status_code == 404
    assert client.get(f"{PEOPLE}/culture/export/?unit={world.units[0].pk}").status_code == 200


def test_without_a_self_assessment_there_is_no_archetype_file(world: World, as_person: Callable[[str], Client]) -> None:
    assert as_person("member").get(f"{PEOPLE}/archetypes/export/").status_code == 404


@pytest.mark.parametrize("file_format", ["pdf", "json", "XLSX", ""])
def test_other_formats_are_a_400_that_names_the_offered_ones(
    answered: Answered, as_person: Callable[[str], Client], file_format: str
) -> None:
    client = as_person("member")
    for url in EXPORTS:
        response = client.get(url, {"format": file_format})
        assert response.status_code == 400, url
        assert "csv or xlsx" in response.content.decode()


def test_the_files_come_as_xlsx(world: World, answered: Answered, as_person: Callable[[str], Client]) -> None:
    client = as_person("oversight")
    expected = {
        f"{PEOPLE}/archetypes/export/": ["Campaign", "Archetype mix"],
        f"{PEOPLE}/teams/export/": ["Teams"],
        f"{PEOPLE}/culture/export/": ["Culture trend"],
    }
    for url, sheets in expected.items():
        response = client.get(url, {"format": "xlsx"})
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        assert response["Content-Disposition"].endswith('.xlsx"')
        assert load_workbook(io.BytesIO(response.content)).sheetnames == sheets


def test_the_teams_file_holds_the_overview_and_archived_teams_on_request(
    world: World, as_person: Callable[[str], Client]
) -> None:
    services.archive_team(team=world.teams["roads"], actor=world.lead)
    client = as_person("member")
    rows = rows_of(client.get(f"{PEOPLE}/teams/export/"), "teams")
    assert [row[1:7] for row in rows] == [
        ["Digital desk", "Schools", "1", "4", "self_managed", ""],
        ["Home care", "Health", "0", "2", "in_transition", rows[1][6]],
    ]
    assert [row[13] for row in rows] == ["routine_lock_in; strategic_drift", "unsupported_transition"]
    archived = rows_of(client.get(f"{PEOPLE}/teams/export/?archived=1"), "teams")
    assert [(row[1], row[14]) for row in archived][-1] == ("Road works", "True")


def test_text_a_spreadsheet_would_run_is_neutralised(world: World, as_person: Callable[[str], Client]) -> None:
    services.update_team(
        team=world.teams["roads"],
        name='=HYPERLINK("http://evil")',
        unit=world.units[2],
        description="",
        autonomy_level=1,
        transition_status="not_started",
        actor=world.lead,
    )
    rows = rows_of(as_person("member").get(f"{PEOPLE}/teams/export/"), "teams")
    assert '\'=HYPERLINK("http://evil")' in [row[1] for row in rows]
