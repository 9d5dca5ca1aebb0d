"""The demo's legitimacy pages render for the demo logins (journey 3 of PRODUCT.md)."""

from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from spaceforchange.core.management.commands.seed_demo import SEED_STEPS, DemoContext, run_steps
from spaceforchange.legitimacy import demo
from spaceforchange.legitimacy.models import GrayZoneEntry
from spaceforchange.portfolio.models import Initiative

pytestmark = pytest.mark.django_db


def test_demo_heat_map_register_and_overview():
    steps = [step for step in SEED_STEPS if "legitimacy" not in step]
    context = run_steps(DemoContext(stdout=io.StringIO()), [*steps, demo.seed])
    night_watch = Initiative.objects.get(organization__slug="northbay", title=demo.CONTESTED)
    client = Client()
    client.force_login(context.people["lead@northbay.example"])
    base = "/o/northbay/legitimacy/"
    soup = BeautifulSoup(client.get(f"{base}initiatives/{night_watch.pk}/").content, "html.parser")
    governor = next(row for row in soup.select("#heat-map tbody tr") if "County Governor" in row.th.get_text())
    regulatory = governor.select_one("td[data-type=regulatory]")
    assert regulatory["data-state"] == "conditional_legitimacy" and "Written consent" in regulatory.get_text()
    assert soup.select_one("#unapproved-alert") is not None
    assert len(soup.select("#log-table tbody tr")) == 1 and len(soup.select("#plan-table tbody tr")) == 2
    for page in ("", "stakeholders/", "stakeholders/map/", "gray-zone/", f"initiatives/{night_watch.pk}/timeline/"):
        assert client.get(base + page).status_code == 200, page
    unapproved = GrayZoneEntry.objects.get(status="proposed")
    leader = Client()
    leader.force_login(context.people["leader@northbay.example"])
    detail = BeautifulSoup(leader.get(f"{base}gray-zone/{unapproved.pk}/").content, "html.parser")
    assert detail.select_one("#decision-form") is not None
