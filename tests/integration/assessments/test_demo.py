"""The demo municipality's closed space-for-change scans and their recognisable weak spots."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from spaceforchange.assessments.models import Campaign, CampaignStatus, Response, ResponseStatus
from spaceforchange.assessments.results import campaign_results

pytestmark = pytest.mark.django_db


def weakest_dimension(campaign: Campaign) -> str:
    [group] = campaign_results(campaign)["groups"]
    means = {key: figures["mean"] for key, figures in group["dimensions"].items()}
    return min(means, key=means.__getitem__)


def test_demo_scans_are_closed_answered_and_show_their_weak_spots_and_a_rerun_adds_nothing():
    call_command("seed_demo", stdout=io.StringIO())
    scans = {campaign.title: campaign for campaign in Campaign.objects.filter(organization__slug="northbay")}

    assert sorted(scans) == sorted(
        ["Scan: digital night watch", "Scan: plain-language letters", "Scan: Home Care Services", "Scan: Culture"]
    )
    assert {campaign.status for campaign in scans.values()} == {CampaignStatus.CLOSED}
    assert scans["Scan: digital night watch"].initiative.title == "Digital night watch in home care"
    assert scans["Scan: Home Care Services"].unit.name == "Home Care Services"
    assert Response.objects.filter(status=ResponseStatus.SUBMITTED).count() == 300
    assert weakest_dimension(scans["Scan: digital night watch"]) == "political_backing"
    assert weakest_dimension(scans["Scan: Home Care Services"]) == "resilience"

    call_command("seed_demo", stdout=io.StringIO())
    assert Campaign.objects.count() == 4
    assert Response.objects.count() == 300
