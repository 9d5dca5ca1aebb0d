"""The portfolio page: figures, filters, sorting, pagination, downloads, the target mix and tenancy."""

from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from openpyxl import load_workbook

from spaceforchange.portfolio import services
from spaceforchange.portfolio.models import PortfolioTarget
from tests.factories import make_member
from tests.integration.portfolio.portfolio_data import Portfolio, portfolio

__all__ = ["portfolio"]

URL = "/o/northbay/initiatives/portfolio/"


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def page(client: Client, query: str = "") -> BeautifulSoup:
    response = client.get(URL + query)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def table(soup: BeautifulSoup, table_id: str) -> list[list[str]]:
    return [
        [cell.get_text(strip=True) for cell in row.find_all(["th", "td"])]
        for row in soup.select(f"#{table_id} tbody tr")
    ]


def titles(soup: BeautifulSoup) -> list[str]:
    return [row[0] for row in table(soup, "initiative-table")]


def test_member_sees_every_figure_with_its_table(portfolio: Portfolio):
    soup = page(signed_in(portfolio.member))
    assert soup.h1.get_text(strip=True) == "Portfolio"
    stages = {row[0]: row for row in table(soup, "stage-form-table")}
    assert stages["Experiment"][-1] == "1" and stages["Stopped"][-1] == "1" and stages["Idea"][-1] == "1"
    assert len(soup.select("svg[role=img] title")) == 2  # stages and triggers, each followed by its table
    mix = {row[0]: row[1:] for row in table(soup, "mix-table")}
    assert mix["Incremental change"] == ["1", "50.0", "33.3", "16.7"]
    funnel = table(soup, "funnel-table")
    assert funnel[0] == ["Idea", "Experiment", "5", "4", "80.0"]
    assert "66.7 per cent (2 scaled, 1 stopped as a pilot)" in soup.select_one("#pilot-to-scale").get_text()
    assert "50.0 per cent" in soup.select_one("#bottom-up").get_text()
    triggers = {row[0]: row[1] for row in table(soup, "trigger-table")}
    assert (triggers["Crisis"], triggers["Not recorded"]) == ("2", "1")
    assert titles(soup) == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
    assert "Foreign" not in soup.get_text()
    assert soup.select_one("#id_incremental_change") is None  # members do not set the target


def test_filters_by_unit_and_goal(portfolio: Portfolio):
    client = signed_in(portfolio.member)
    soup = page(client, f"?unit={portfolio.care.pk}")
    assert titles(soup) == ["Alpha", "Charlie", "Delta"]
    assert table(soup, "funnel-table")[0][2] == "3"
    soup = page(client, f"?unit={portfolio.care.pk}&goal={portfolio.goal.pk}")
    assert titles(soup) == ["Alpha", "Delta"]


@pytest.mark.parametrize("query", ["?unit=FOREIGN_UNIT", "?goal=FOREIGN_GOAL", "?unit=abc", "?goal=" + "9" * 30])
def test_foreign_or_malformed_filters_are_ignored_with_a_message(portfolio: Portfolio, query):
    query = query.replace("FOREIGN_UNIT", str(portfolio.foreign_unit.pk)).replace(
        "FOREIGN_GOAL", str(portfolio.foreign_goal.pk)
    )
    soup = page(signed_in(portfolio.member), query)
    assert "filter was ignored" in soup.get_text()
    assert titles(soup) == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
    assert "Foreign" not in soup.get_text()


def test_sorting_reverses_and_bad_sort_falls_back(portfolio: Portfolio):
    client = signed_in(portfolio.member)
    soup = page(client, "?sort=-title")
    assert titles(soup) == ["Echo", "Delta", "Charlie", "Bravo", "Alpha"]
    heading = soup.select_one("#initiative-table thead th[aria-sort]")
    assert heading.get_text(strip=True) == "Title" and heading["aria-sort"] == "descending"
    assert heading.a["href"].endswith("sort=title")
    soup = page(client, "?sort=unit")
    # Care, Care, Roads, then the initiatives without a lead unit by title.
    assert titles(soup) == ["Alpha", "Charlie", "Bravo", "Delta", "Echo"]
    assert titles(page(client, "?sort=-unit")) == ["Bravo", "Alpha", "Charlie", "Delta", "Echo"]
    soup = page(client, "?sort=owner__password")
    assert "cannot be sorted that way" in soup.get_text()
    assert titles(soup) == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]


def test_pagination_keeps_filters(portfolio: Portfolio):
    for number in range(30):
        services.create_initiative(
            organization=portfolio.organization, title=f"Zulu {number:02d}", unit=portfolio.roads
        )
    client = signed_in(portfolio.member)
    soup = page(client, f"?unit={portfolio.roads.pk}&sort=title&page=2")
    assert titles(soup) == [f"Zulu {number:02d}" for number in range(24, 30)]
    previous = soup.select_one(".usa-pagination a")
    assert f"unit={portfolio.roads.pk}" in previous["href"] and "page=1" in previous["href"]
    assert titles(page(client, "?page=999"))[-1] == "Zulu 29"
    assert titles(page(client, "?page=abc"))[0] == "Alpha"


def test_downloads_parse_back(portfolio: Portfolio):
    client = signed_in(portfolio.member)
    response = client.get(URL + f"?unit={portfolio.care.pk}&download=csv")
    assert response["Content-Disposition"] == 'attachment; filename="portfolio-initiatives.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["title"] for row in rows] == ["Alpha", "Charlie", "Delta"]
    response = client.get(URL + "?download=figures.csv")
    figures = {
        (row["figure"], row["subject"], row["measure"]): row["value"]
        for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    }
    assert figures[("pilot_to_scale", "", "stopped_as_pilot")] == "1"
    response = client.get(URL + f"?goal={portfolio.foreign_goal.pk}&download=xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert [row[1] for row in workbook["Initiatives"].iter_rows(min_row=2, values_only=True)] == [
        "Alpha",
        "Bravo",
        "Charlie",
        "Delta",
        "Echo",
    ]
    assert client.get(URL + "?download=exe").status_code == 200  # an unknown download is the page


def test_lead_sets_the_target_mix(portfolio: Portfolio):
    client = signed_in(portfolio.lead)
    data = {"incremental_change": "50", "bold_experimentation": "30", "strategic_transformation": "20"}
    response = client.post(URL, data)
    assert response.status_code == 302
    assert PortfolioTarget.objects.get().shares == {
        "incremental_change": 0.5,
        "bold_experimentation": 0.3,
        "strategic_transformation": 0.2,
    }
    mix = {row[0]: row[1:] for row in table(page(client), "mix-table")}
    assert mix["Incremental change"] == ["1", "50.0", "50.0", "0.0"]


@pytest.mark.parametrize(
    "data",
    [
        {"incremental_change": "50", "bold_experimentation": "30", "strategic_transformation": "30"},
        {"incremental_change": "150", "bold_experimentation": "-30", "strategic_transformation": "-20"},
        {"incremental_change": "x", "bold_experimentation": "30", "strategic_transformation": "20"},
        {"incremental_change": "1" * 500},
        {},
    ],
)
def test_bad_target_mix_changes_nothing(portfolio: Portfolio, data):
    response = signed_in(portfolio.lead).post(URL, data)
    assert response.status_code == 400
    assert "The target mix was not saved" in response.content.decode()
    assert not PortfolioTarget.objects.exists()


@pytest.mark.parametrize("roles", [["member"], ["owner"]])
def test_members_and_initiative_owners_may_not_set_the_target_mix(portfolio: Portfolio, roles):
    # An initiative owner could otherwise tilt the organisation's target towards their own work.
    person = make_member(portfolio.organization, roles=roles).user
    data = {"incremental_change": "50", "bold_experimentation": "30", "strategic_transformation": "20"}
    assert signed_in(person).post(URL, data).status_code == 403
    assert not PortfolioTarget.objects.exists()


def test_an_administrator_may_set_the_target_mix(portfolio: Portfolio):
    admin = make_member(portfolio.organization, roles=["admin"]).user
    data = {"incremental_change": "40", "bold_experimentation": "40", "strategic_transformation": "20"}
    assert signed_in(admin).post(URL, data).status_code == 302
    assert PortfolioTarget.objects.get().shares["bold_experimentation"] == 0.4


def test_other_organisations_people_and_strangers_get_nothing(portfolio: Portfolio):
    outsider = make_member(portfolio.foreign.organization, roles=["innovation_lead"]).user
    client = signed_in(outsider)
    assert client.get(URL).status_code == 404
    assert client.get(URL + "?download=csv").status_code == 404
    data = {"incremental_change": "100", "bold_experimentation": "0", "strategic_transformation": "0"}
    assert client.post(URL, data).status_code == 404
    assert not PortfolioTarget.objects.exists()
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and "Alpha" not in anonymous.content.decode()


def test_initiative_list_links_to_the_portfolio(portfolio: Portfolio):
    soup = BeautifulSoup(signed_in(portfolio.member).get("/o/northbay/initiatives/").content, "html.parser")
    assert soup.find("a", href=URL) is not None
