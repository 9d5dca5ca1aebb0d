"""CSV and XLSX downloads of a campaign's results, with the same rights and tenancy as the page."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from spaceforchange.assessments.models import Response, ResultSnapshot
from spaceforchange.assessments.results import campaign_results
from tests.factories import make_campaign, make_response, make_unit
from tests.web.assessments.conftest import ROLES
from tests.web.core.conftest import soup

pytestmark = pytest.mark.django_db

RESULT_READERS = {"innovation_lead", "leader", "oversight", "admin"}
ANSWERS = (
    {"r1": 5, "r2": 1, "o1": 4, "o2": 2},
    {"r1": 4, "r2": 2, "o1": 3, "o2": 3},
    {"r1": 2, "r2": 5, "o1": 3, "o2": 3},
)


@pytest.fixture
def answered(org, pack):  # type: ignore[no-untyped-def]
    campaign = make_campaign(org.organization, version=pack, anonymity_threshold=2, title="@Pulse 2026")
    for answers in ANSWERS:
        make_response(campaign, answers)
    return campaign


def csv_url(org, campaign):  # type: ignore[no-untyped-def]
    return org.url("assessments:campaign_results_csv", campaign_id=campaign.pk)


def xlsx_url(org, campaign):  # type: ignore[no-untyped-def]
    return org.url("assessments:campaign_results_xlsx", campaign_id=campaign.pk)


def rows_of(response):  # type: ignore[no-untyped-def]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_download_has_the_figures(org, client_as, answered):
    response = client_as("admin").get(csv_url(org, answered))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="campaign-{answered.pk}-results.csv"'
    assert "no-store" in response["Cache-Control"]
    rows = rows_of(response)
    expected = campaign_results(answered)["groups"][0]
    room = next(row for row in rows if row["kind"] == "dimension" and row["key"] == "room")
    assert float(room["mean"]) == pytest.approx(expected["dimensions"]["room"]["mean"])
    assert float(room["mean"]) == pytest.approx((5 + 4 + 1.5) / 3)  # r1 with the flipped r2, per respondent
    assert room["name"] == "Room"
    assert room["campaign"] == "'@Pulse 2026"
    o1 = next(row for row in rows if row["key"] == "o1")
    assert (o1["kind"], o1["name"], o1["n"]) == ("item", "People listen.", "3")


def test_the_names_follow_the_language(org, client_as, answered):
    rows = rows_of(client_as("admin").get(csv_url(org, answered), HTTP_ACCEPT_LANGUAGE="nb"))
    assert next(row for row in rows if row["key"] == "room")["name"] == "Rom"


def test_the_download_follows_the_grouping_and_hides_small_groups(org, client_as, answered):
    ids = list(Response.objects.filter(campaign=answered).order_by("pk").values_list("pk", flat=True))
    Response.objects.filter(pk__in=ids[:2]).update(unit=make_unit(org.organization, "=Finance"))
    Response.objects.filter(pk=ids[2]).update(unit=make_unit(org.organization, "Care"))
    response = client_as("admin").get(csv_url(org, answered), {"group_by": "unit"})
    assert response["Content-Disposition"].endswith('-results-unit.csv"')
    rows = rows_of(response)
    assert [(row["group"], row["status"]) for row in rows] == [("'=Finance", "suppressed"), ("Care", "suppressed")]
    assert all(row["mean"] == "" for row in rows)


def test_the_xlsx_download_has_both_sheets_with_numbers(org, client_as, answered):
    response = client_as("admin").get(xlsx_url(org, answered))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == f'attachment; filename="campaign-{answered.pk}-results.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    dimensions = workbook["Dimensions"]
    header = [cell.value for cell in dimensions[1]]
    room = dict(zip(header, (cell.value for cell in dimensions[2]), strict=True))
    assert room["dimension_key"] == "room"
    assert room["mean"] == pytest.approx((5 + 4 + 1.5) / 3)  # r1 with the flipped r2, per respondent
    assert room["n"] == 3
    assert room["campaign"] == "'@Pulse 2026"
    assert dimensions["A1"].font.bold
    assert workbook["Items"].max_row == 5  # header and four statements


def test_the_page_links_to_both_downloads_with_its_grouping(org, client_as, answered):
    Response.objects.filter(campaign=answered).update(attributes={"agency": "Tax"})
    page = soup(client_as("admin").get(org.url("assessments:campaign_results", campaign_id=answered.pk)))
    assert page.select_one("[data-download=csv]")["href"] == csv_url(org, answered)
    page = soup(
        client_as("admin").get(
            org.url("assessments:campaign_results", campaign_id=answered.pk), {"group_by": "attribute:agency"}
        )
    )
    assert page.select_one("[data-download=xlsx]")["href"] == xlsx_url(org, answered) + "?group_by=attribute%3Aagency"


@pytest.mark.parametrize("group_by", ["team", "attribute:", "attribute:unknown", "unit;drop", "x" * 500])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_bad_grouping_is_400_with_a_message_and_stores_nothing(org, client_as, answered, group_by, kind):
    before = ResultSnapshot.objects.filter(campaign=answered).count()
    url = csv_url(org, answered) if kind == "csv" else xlsx_url(org, answered)
    response = client_as("admin").get(url, {"group_by": group_by})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "Content-Disposition" not in response
    assert response.content
    assert ResultSnapshot.objects.filter(campaign=answered).count() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_only_result_readers_download(org, client_as, answered, role, kind):
    url = csv_url(org, answered) if kind == "csv" else xlsx_url(org, answered)
    assert client_as(role).get(url).status_code == (200 if role in RESULT_READERS else 403)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_another_organisations_campaign_is_404(org, other_org, client_as, campaign_in, kind):
    foreign = campaign_in(other_org)
    make_response(foreign)
    url = csv_url(org, foreign) if kind == "csv" else xlsx_url(org, foreign)
    assert client_as("admin").get(url).status_code == 404


def test_only_get_is_served(org, client_as, answered):
    assert client_as("admin").post(csv_url(org, answered)).status_code == 405
