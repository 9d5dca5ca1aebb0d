import datetime

import pytest

from spaceforchange.portfolio.services import create_initiative
from tests.factories import make_response, make_unit
from tests.web.assessments.conftest import ROLES
from tests.web.core.conftest import soup

pytestmark = pytest.mark.django_db

ADDERS = {"innovation_lead", "owner", "admin"}


def rows(response):
    return [
        {
            "title": row.th.get_text(strip=True),
            "cells": [cell.get_text(" ", strip=True) for cell in row.find_all("td")],
        }
        for row in soup(response).select("tbody tr[data-campaign-id]")
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_member_sees_the_list_and_only_adders_the_new_button(org, client_as, role):
    response = client_as(role).get(org.url("assessments:campaigns"))
    assert response.status_code == 200
    new_button = soup(response).find("a", string="New campaign")
    assert (new_button is not None) == (role in ADDERS)
    if new_button is not None:
        assert new_button["href"] == org.url("assessments:campaign_new")


def test_empty_state(org, client_as):
    page = soup(client_as("member").get(org.url("assessments:campaigns")))
    assert page.select_one("tbody").get_text(strip=True) == "No survey campaigns yet."


def test_list_shows_this_organisations_campaigns_with_their_facts(org, other_org, client_as, campaign_in):
    unit = make_unit(org.organization, "Home care")
    opens = datetime.datetime(2030, 1, 15, 11, 0, tzinfo=datetime.UTC)
    campaign = campaign_in(
        org,
        title="Winter scan",
        unit=unit,
        include_subunits=True,
        opens_at=opens,
        closes_at=opens + datetime.timedelta(days=3),
        status="draft",
    )
    campaign_in(other_org, title="Foreign scan")
    found = rows(client_as("member").get(org.url("assessments:campaigns")))
    assert [row["title"] for row in found] == ["Winter scan"]
    instrument, target, status, window, submitted = found[0]["cells"]
    assert instrument == "Framework scan_pack — Scan"
    assert target == "Home care (with sub-units)"
    assert status == "Draft"
    # 11:00 UTC is noon in Oslo, the organisation's time zone.
    assert window.startswith("01/15/2030 noon")
    assert submitted == "0"
    assert campaign.pk


def test_target_of_initiative_and_whole_organisation_and_submitted_count(org, client_as, campaign_in):
    initiative = create_initiative(organization=org.organization, title="Night watch")
    by_initiative = campaign_in(org, title="B initiative", initiative=initiative)
    whole = campaign_in(org, title="A whole")
    make_response(whole)
    make_response(whole)
    make_response(whole, submit=False)
    found = {row["title"]: row["cells"] for row in rows(client_as("member").get(org.url("assessments:campaigns")))}
    assert found["B initiative"][1] == "Initiative: Night watch"
    assert found["A whole"][1] == "The whole organisation"
    assert (found["A whole"][4], found["B initiative"][4]) == ("2", "0")
    assert by_initiative.pk


def test_filter_by_status_and_search_by_title(org, client_as, campaign_in):
    campaign_in(org, title="Spring pulse", status="draft")
    campaign_in(org, title="Autumn pulse", status="open")
    campaign_in(org, title="Autumn scan", status="closed")
    client = client_as("member")
    url = org.url("assessments:campaigns")
    assert [row["title"] for row in rows(client.get(url, {"status": "open"}))] == ["Autumn pulse"]
    assert sorted(row["title"] for row in rows(client.get(url, {"q": "autumn"}))) == ["Autumn pulse", "Autumn scan"]
    assert [row["title"] for row in rows(client.get(url, {"q": "pulse", "status": "draft"}))] == ["Spring pulse"]
    nothing = client.get(url, {"q": "winter"})
    assert soup(nothing).select_one("tbody").get_text(strip=True) == "No campaign matches these filters."


def test_an_unknown_status_is_an_error_and_shows_everything(org, client_as, campaign_in):
    campaign_in(org, title="One")
    response = client_as("member").get(org.url("assessments:campaigns"), {"status": "flying"})
    assert response.status_code == 400
    assert [row["title"] for row in rows(response)] == ["One"]
    assert soup(response).select_one("#id_status_error") is not None


def test_newest_first_and_pagination(org, client_as, campaign_in):
    start = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    for day in range(30):
        opens = start + datetime.timedelta(days=day)
        campaign_in(
            org, title=f"Scan {day:02d}", opens_at=opens, closes_at=opens + datetime.timedelta(days=60), status="draft"
        )
    client = client_as("member")
    first = client.get(org.url("assessments:campaigns"))
    assert [row["title"] for row in rows(first)] == [f"Scan {day:02d}" for day in range(29, 4, -1)]
    assert soup(first).select_one(".usa-pagination [aria-current=page]").get_text(strip=True) == "1"
    second = client.get(org.url("assessments:campaigns"), {"page": 2})
    assert [row["title"] for row in rows(second)] == [f"Scan {day:02d}" for day in range(4, -1, -1)]
    assert soup(second).select_one("caption").get_text(strip=True) == "30 campaigns, newest first"


def test_the_navigation_marks_assessments_as_current(org, client_as):
    page = soup(client_as("member").get(org.url("assessments:campaigns")))
    nav = page.find("nav", attrs={"aria-label": "Primary navigation"})
    assert [link.get_text(strip=True) for link in nav.find_all(attrs={"aria-current": "page"})] == ["Assessments"]


def test_the_list_costs_the_same_queries_for_more_campaigns(org, client_as, campaign_in):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("member")
    initiative = create_initiative(organization=org.organization, title="Night watch")
    campaign_in(org, unit=make_unit(org.organization))
    client.get(org.url("assessments:campaigns"))  # warm the parsed-pack cache
    with CaptureQueriesContext(connection) as few:
        client.get(org.url("assessments:campaigns"))
    for _ in range(5):
        campaign_in(org, unit=make_unit(org.organization))
        campaign_in(org, initiative=initiative)
    with CaptureQueriesContext(connection) as many:
        client.get(org.url("assessments:campaigns"))
    assert len(many) == len(few)
