"""The idea box: a member sees a likely duplicate while typing and on submit; the sponsor adopts an idea.

A member starts typing an idea about parking for home-care cars; an idea about the same thing
already exists, and the page lists it while the member types (htmx) and again when the form is
sent, with "Join this idea instead" and "Submit mine anyway". The member submits anyway. The
sponsor then opens another waiting idea and adopts it as an initiative, which opens at stage
Idea. axe finds no serious or critical violation on the submit page (with its duplicates), the
idea page, the waiting list and the decision page.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_journey_foundation import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "northbay-demo"
MEMBER, SPONSOR = "member@northbay.example", "sponsor@northbay.example"
PARKING = "Shared parking for home-care cars"
BIKES = "Electric bikes for short visits"


@pytest.fixture
def ideas() -> dict[str, object]:
    from spaceforchange.portfolio import idea_services
    from tests.factories import make_member, make_organization, make_user

    organization = make_organization(name="Northbay Municipality", slug="northbay")
    member = make_member(organization, roles=["member"], user=make_user(email=MEMBER, password=PASSWORD)).user
    sponsor = make_user(email=SPONSOR, password=PASSWORD, first_name="Sara", last_name="Sponsor")
    make_member(organization, roles=["member"], user=sponsor)
    colleague = make_member(organization, roles=["member"]).user
    idea_services.set_idea_sponsor(organization=organization, unit=None, person=sponsor)
    common = {"organization": organization, "submitted_by": colleague}
    parking = idea_services.submit_idea(
        **common,
        title=PARKING,
        problem="Home-care nurses lose time searching for parking near residents' homes.",
        proposal="Reserve parking spaces for home-care cars in every district.",
    )
    bikes = idea_services.submit_idea(
        **common,
        title=BIKES,
        problem="Cars are slow in the town centre.",
        proposal="Lend electric bikes to nurses for visits within two kilometres.",
    )
    return {"parking": parking, "bikes": bikes, "member": member}


def field(page, label: str):  # type: ignore[no-untyped-def]
    return page.get_by_label(re.compile(rf"^{label}"))


def test_member_sees_a_duplicate_and_the_sponsor_adopts_an_idea(page, ideas):  # type: ignore[no-untyped-def]
    sign_in(page, MEMBER, PASSWORD)
    page.goto("/o/northbay/initiatives/ideas/new/")
    field(page, "Title").fill("Parking for home care")
    field(page, "The problem").fill("Nurses search for parking spaces at every visit.")
    field(page, "Your proposal").fill("Reserved parking for home-care cars.")
    duplicates = page.locator("#similar #likely-duplicates")
    duplicates.wait_for()  # filled in by htmx while typing
    assert PARKING in duplicates.inner_text()
    assert_accessible(page)

    page.get_by_role("button", name="Submit the idea").click()
    page.wait_for_load_state()
    assert PARKING in page.locator("#likely-duplicates").inner_text()
    assert page.get_by_role("button", name=re.compile("Join this idea instead")).count() == 1
    assert_accessible(page)
    page.get_by_role("button", name="Submit mine anyway").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Parking for home care"
    assert page.locator("#idea-status").inner_text() == "Waiting for an answer"
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, SPONSOR, PASSWORD)
    page.goto("/o/northbay/initiatives/ideas/waiting/")
    assert_accessible(page)
    page.get_by_role("link", name=BIKES).click()
    page.get_by_role("link", name="Decide").click()
    page.wait_for_load_state()
    page.get_by_label("Adopt it as an initiative").check()
    assert_accessible(page)
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state()
    assert page.locator("#idea-status").inner_text() == "Adopted as an initiative"
    page.locator("main").get_by_role("link", name=BIKES).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == BIKES
