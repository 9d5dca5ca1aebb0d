"""The demo municipality's space-for-change scans: four closed ones with recognisable weak spots,
and an open one the demo lead answers through the link ``seed_demo`` prints."""

from __future__ import annotations

import io
import re

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import Client

from spaceforchange.assessments import demo, services
from spaceforchange.assessments.models import Campaign, CampaignStatus, Response, ResponseStatus
from spaceforchange.assessments.results import campaign_results
from spaceforchange.assessments.selectors import instrument_of
from spaceforchange.core.models import User

pytestmark = pytest.mark.django_db

CLOSED_SCANS = [
    "Scan: digital night watch",
    "Scan: plain-language letters",
    "Scan: Home Care Services",
    "Scan: Culture",
]
OPEN_SCAN = "Scan: all of Northbay"
SITE = "http://127.0.0.1:8000"
LINK_LINE = re.compile(r"^Answer the open space-for-change scan: (?P<link>\S+)$", re.MULTILINE)


def seed() -> str:
    """Run the demo command; returns the open scan's link it printed."""
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    found = LINK_LINE.search(out.getvalue())
    assert found, out.getvalue()
    return found["link"]


def path_of(link: str) -> str:
    assert link.startswith(SITE), link
    return link.removeprefix(SITE)


def weakest_dimension(campaign: Campaign) -> str:
    [group] = campaign_results(campaign)["groups"]
    means = {key: figures["mean"] for key, figures in group["dimensions"].items()}
    return min(means, key=means.__getitem__)


def lead_client() -> Client:
    client = Client()
    client.force_login(User.objects.get(email="lead@northbay.example"))
    return client


def test_demo_scans_their_weak_spots_and_reruns_that_keep_the_link_and_duplicate_nothing():
    link = seed()
    scans = {
        campaign.title: campaign
        for campaign in Campaign.objects.filter(organization__slug="northbay", instrument_key=demo.INSTRUMENT)
    }

    assert sorted(scans) == sorted([*CLOSED_SCANS, OPEN_SCAN])
    assert {scans[title].status for title in CLOSED_SCANS} == {CampaignStatus.CLOSED}
    assert scans["Scan: digital night watch"].initiative.title == "Digital night watch in home care"
    assert scans["Scan: Home Care Services"].unit.name == "Home Care Services"
    closed = Response.objects.filter(
        status=ResponseStatus.SUBMITTED,
        campaign__status=CampaignStatus.CLOSED,
        campaign__instrument_key=demo.INSTRUMENT,
    )
    assert closed.count() == 300
    assert weakest_dimension(scans["Scan: digital night watch"]) == "political_backing"
    assert weakest_dimension(scans["Scan: Home Care Services"]) == "resilience"
    client = lead_client()
    answering = client.post(path_of(link))["Location"]

    assert seed() == link
    assert Campaign.objects.filter(instrument_key=demo.INSTRUMENT).count() == 5
    assert Response.objects.filter(campaign__instrument_key=demo.INSTRUMENT).count() == 300 + 8 + 1
    assert client.post(path_of(link))["Location"] == answering

    # Someone trying the demo closes the open scan: the next run opens a new one behind the same link.
    services.close_campaign(campaign=scans[OPEN_SCAN])
    assert seed() == link
    reopened = Campaign.objects.filter(title=OPEN_SCAN).order_by("pk")
    assert [scan.status for scan in reopened] == [CampaignStatus.CLOSED, CampaignStatus.OPEN]
    assert client.post(path_of(link))["Location"] != answering
    assert Response.objects.filter(campaign=reopened[1]).count() == 8 + 1


def test_the_open_scan_is_named_open_listed_and_its_printed_link_leads_to_the_answering_page():
    link = seed()
    scan = Campaign.objects.get(title=OPEN_SCAN)
    assert (scan.status, scan.anonymous, scan.unit, scan.initiative) == (CampaignStatus.OPEN, False, None, None)
    assert scan.created_by.email == "lead@northbay.example"
    submitted = Response.objects.filter(campaign=scan, status=ResponseStatus.SUBMITTED)
    assert submitted.count() == 8
    assert not submitted.filter(respondent__email="lead@northbay.example").exists()
    assert weakest_dimension(scan) == "resources"

    client = lead_client()
    listing = BeautifulSoup(client.get("/o/northbay/assessments/").content, "html.parser")
    row = listing.select_one(f"tr[data-campaign-id='{scan.pk}']")
    assert row.th.get_text(strip=True) == OPEN_SCAN
    assert row.select_one("[data-status]").get_text(strip=True) == "Open"
    assert row.select("td")[-1].get_text(strip=True) == "8"

    assert link.startswith(SITE + "/respond/")
    description = Client().get(path_of(link))
    assert description.status_code == 200
    assert BeautifulSoup(description.content, "html.parser").h1.get_text(strip=True) == OPEN_SCAN
    started = client.post(path_of(link))
    assert started.status_code == 302
    answering = client.get(started["Location"])
    assert answering.status_code == 200
    soup = BeautifulSoup(answering.content, "html.parser")
    assert soup.h1.get_text(strip=True) == OPEN_SCAN
    assert len(soup.select("fieldset")) == len(instrument_of(scan).statements)
    mine = Response.objects.get(campaign=scan, respondent__email="lead@northbay.example")
    assert mine.status == ResponseStatus.DRAFT


def test_the_link_follows_the_site_address_and_the_secret_key(settings):
    seed()
    scan = Campaign.objects.get(title=OPEN_SCAN)
    settings.SITE_URL = "https://demo.example"
    first = demo.demo_link(scan)
    assert first.startswith("https://demo.example/respond/")
    assert demo.demo_link(scan) == first
    settings.SECRET_KEY = "another secret key for this test only, long enough to be a real one"
    second = demo.demo_link(scan)
    assert second != first
    assert Client().get(second.removeprefix("https://demo.example")).status_code == 200
    assert Client().get(first.removeprefix("https://demo.example")).status_code == 404
