"""Consultations: a participant votes on a phone; the innovation lead reads the opinion map.

1. A participant opens the public link on a 390 × 844 viewport without an account, agrees with one
   statement and disagrees with the next (htmx swaps the statement card; the new statement takes
   the focus), changes a vote on "your votes", and adds a statement of their own. The page never
   scrolls sideways. The same link also works with JavaScript switched off.
2. The innovation lead opens a consultation with 30 participants in two camps (made through the
   services, the map computed synchronously with ``recompute_opinion``), reads the map, its table of
   groups, consensus and division, and recomputes it.
axe finds no serious or critical violation on any of these pages.
"""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_journey_foundation import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PASSWORD = "northbay-demo"
LEAD = "lead@northbay.example"
SEEDS = [
    "Visits should be possible in the evening.",
    "Weekend visits matter more than weekday ones.",
    "Residents should decide their own visiting hours.",
    "Visits disturb the night shift.",
    "Relatives should be able to book a visit online.",
    "Short visits are better than long ones.",
    "Children should be welcome at any time.",
    "The homes need more staff before longer hours.",
]


@pytest.fixture
def consultation():  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from spaceforchange.consultations import services
    from tests.factories import make_member, make_organization, make_user

    organization = make_organization(name="Northbay Municipality", slug="northbay")
    lead = make_user(email=LEAD, password=PASSWORD, first_name="Lena", last_name="Lead")
    make_member(organization, roles=["member", "innovation_lead"], user=lead)
    return services.create_consultation(
        organization=organization,
        title="How should visiting hours work?",
        description="The nursing homes review their visiting hours.",
        opens_at=timezone.now() - datetime.timedelta(days=1),
        seed_statements=SEEDS,
        actor=lead,
    )


def statement_text(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator("#sfc-statement").inner_text()


def test_a_participant_votes_on_a_phone(page, consultation):  # type: ignore[no-untyped-def]
    from spaceforchange.consultations.models import Statement, Vote

    page.set_viewport_size(PHONE)
    page.goto(f"/c/{consultation.public_token}/")
    assert page.locator("h1").inner_text() == "How should visiting hours work?"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)

    first = statement_text(page)
    page.get_by_role("button", name="Agree", exact=True).click()
    expect(page.locator(".sfc-consult__progress")).to_have_text("You have voted on 1 statement.")
    second = statement_text(page)
    assert second != first
    # htmx swapped the card only, and the new statement has the focus for keyboard and screen readers.
    assert page.evaluate("document.activeElement && document.activeElement.id") == "sfc-statement"
    page.get_by_role("button", name="Disagree", exact=True).click()
    expect(page.locator(".sfc-consult__progress")).to_have_text("You have voted on 2 statements.")
    assert_accessible(page)
    assert dict(Vote.objects.values_list("statement__text", "value")) == {first: 1, second: -1}

    page.get_by_role("link", name="Your votes (change a vote)").click()
    page.wait_for_load_state()
    assert_accessible(page)
    item = page.locator("#vote-list li", has_text=first)
    assert "Your vote: Agree" in item.inner_text()
    item.get_by_role("button", name="Pass").click()
    page.wait_for_load_state()
    assert "Your vote: Pass" in page.locator("#vote-list li", has_text=first).inner_text()
    assert Vote.objects.get(statement__text=first).value == 0

    page.get_by_role("link", name="Back to voting").click()
    page.wait_for_load_state()
    page.get_by_label(re.compile("^Statement")).fill("Visiting hours should be the same in every home.")
    page.get_by_role("button", name="Add the statement").click()
    page.wait_for_load_state()
    assert "Thank you. Your statement is shown to others" in page.locator(".sfc-messages").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    added = Statement.objects.get(text="Visiting hours should be the same in every home.")
    assert added.moderation == "pending" and added.author_participant is not None
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    assert cookies["sfc_participant"]["httpOnly"] and cookies["sfc_participant"]["sameSite"] == "Lax"


def test_the_link_works_without_javascript(browser, live_server, consultation):  # type: ignore[no-untyped-def]
    from spaceforchange.consultations.models import Vote

    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"/c/{consultation.public_token}/")
    first = statement_text(page)
    page.get_by_role("button", name="Disagree", exact=True).click()
    page.wait_for_load_state()
    assert page.locator(".sfc-consult__progress").inner_text() == "You have voted on 1 statement."
    assert statement_text(page) != first
    context.close()
    assert list(Vote.objects.values_list("statement__text", "value")) == [(first, -1)]


def two_camps(consultation, size: int) -> None:  # type: ignore[no-untyped-def]
    from spaceforchange.consultations import services
    from spaceforchange.consultations.models import Statement

    shown = list(Statement.objects.filter(consultation=consultation).order_by("pk"))
    for camp in (1, -1):
        for _number in range(size):
            participant, _secret = services.join_consultation(consultation=consultation)
            for position, statement in enumerate(shown):
                value = 1 if position == len(shown) - 1 else (camp if position < len(shown) // 2 else -camp)
                services.cast_vote(participant=participant, statement=statement, value=value)


def test_the_lead_reads_the_opinion_map(page, consultation):  # type: ignore[no-untyped-def]
    from spaceforchange.consultations import services

    two_camps(consultation, size=15)
    services.recompute_opinion(consultation=consultation)
    sign_in(page, LEAD, PASSWORD)
    page.goto("/o/northbay/consultations/")
    assert_accessible(page)
    page.get_by_role("link", name="How should visiting hours work?").click()
    page.wait_for_load_state()
    assert page.locator("#counts").inner_text().startswith("30")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy the link").click()
    expect(page.locator("#copy-status")).to_have_text("The link was copied.")
    assert page.evaluate("navigator.clipboard.readText()").endswith(f"/c/{consultation.public_token}/")
    assert_accessible(page)
    page.locator("#results-link").click()
    page.wait_for_load_state()
    assert page.locator("#map-chart").is_visible()
    groups = page.locator("#groups-table tbody tr")
    assert groups.count() == 2
    assert [groups.nth(index).locator("td").first.inner_text() for index in range(2)] == ["15", "15"]
    consensus = page.locator("#consensus-agree-table tbody tr").first.locator("th").inner_text()
    assert consensus == SEEDS[-1]
    assert page.locator("#divisive-table tbody tr").count() == len(SEEDS)
    assert "2 opinion groups" in page.locator("#snapshot").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Recompute now").click()
    page.wait_for_load_state()
    assert page.get_by_text(re.compile(r"computed from 240 votes")).is_visible()
