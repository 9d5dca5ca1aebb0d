"""Foundation journey: sign in, the dashboard, switching language, the framework library.

Every page visited gets an axe scan; the page fixture fails the test on any script error or
Content-Security-Policy violation reported in the browser console.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from django.core.management import call_command, get_commands

from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LEAD_EMAIL = "lead@northbay.example"
LEAD_PASSWORD = "northbay-demo"
DIMENSIONS = [
    "Regulatory room",
    "Political backing",
    "Institutional fit",
    "Organizational support",
    "Cognitive openness",
    "Resources",
    "Stakeholder backing",
    "Resilience",
]


@pytest.fixture
def demo_data() -> None:
    """The demo organisations from ``seed_demo`` when it exists, else the lead alone."""
    if "seed_demo" in get_commands():
        call_command("seed_demo")
        return
    from tests.factories import make_member, make_organization, make_user

    organization = make_organization(name="Northbay Municipality", slug="northbay")
    make_member(organization, roles=["innovation_lead"], user=make_user(email=LEAD_EMAIL, password=LEAD_PASSWORD))


def sign_in(page, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    assert re.search(r"/accounts/login/", page.url), page.url
    assert_accessible(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password")).fill(password)
    page.locator("main").get_by_role("button", name=re.compile("sign in", re.I)).click()
    page.wait_for_load_state()
    if urlparse(page.url).path == "/":  # a member of several organisations chooses one
        assert_accessible(page)
        page.locator("main").get_by_role("link", name=re.compile("Northbay")).click()
        page.wait_for_load_state()


def switch_language(page, language_label: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("#sfc-language-select").select_option(label=language_label)
    page.locator("form.sfc-language button[type=submit]").click()
    page.wait_for_load_state()


def test_lead_signs_in_switches_language_and_reads_the_framework_library(page, demo_data):  # type: ignore[no-untyped-def]
    sign_in(page, LEAD_EMAIL, LEAD_PASSWORD)
    assert re.search(r"/o/northbay/$", page.url), page.url
    # htmx and the design system's script loaded from our own files, and htmx added no <style>.
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    navigation = page.get_by_role("navigation", name="Primary navigation")
    assert navigation.get_by_role("link", name="Dashboard").get_attribute("aria-current") == "page"
    assert_accessible(page)

    switch_language(page, "Norsk bokmål")
    assert page.locator("html").get_attribute("lang") == "nb"
    assert re.search(r"/o/northbay/$", page.url), page.url
    assert page.locator("#sfc-language-select").input_value() == "nb"
    assert_accessible(page)

    switch_language(page, "English")
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page)

    page.get_by_role("navigation", name="Primary navigation").get_by_role("link", name="Framework library").click()
    page.wait_for_load_state()
    assert re.search(r"/o/northbay/frameworks/", page.url), page.url
    assert_accessible(page)

    page.locator("main").get_by_role("link", name=re.compile(r"^Space for change", re.I)).first.click()
    page.wait_for_load_state()
    main = page.locator("main")
    for dimension in DIMENSIONS:
        assert main.get_by_text(dimension, exact=True).count() >= 1, f"dimension {dimension!r} not shown"
    assert_accessible(page)
