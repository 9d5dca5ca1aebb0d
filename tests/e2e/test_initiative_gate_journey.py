"""The lead moves an initiative through the scaling gate: refused without backing, passed with it.

The lead signs in and opens an initiative in the experiment stage. The page lists what the
scaling gate still lacks. The move to scaling is refused with the unmet condition named; the
lead records a politician's formal mandate, and the same move then succeeds. axe finds no
serious or critical violation on the initiative page, the move page (with its refusal) and the
backing page.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_journey_foundation import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LEAD_EMAIL = "lead@northbay.example"
LEAD_PASSWORD = "northbay-demo"
REFUSAL = "Scaling needs named senior backing (at least Formal mandate); no senior backer is recorded."


@pytest.fixture
def initiative() -> object:
    from spaceforchange.portfolio import services
    from tests.factories import make_member, make_organization, make_user

    organization = make_organization(name="Northbay Municipality", slug="northbay")
    lead = make_user(email=LEAD_EMAIL, password=LEAD_PASSWORD, first_name="Lena")
    make_member(organization, roles=["innovation_lead"], user=lead)
    today = services.today_in(organization)
    return services.create_initiative(
        organization=organization, title="Digital night watch", owner=lead, stage="experiment", started_on=today
    )


def field(page, label: str):  # type: ignore[no-untyped-def]
    # A required field's label ends in an asterisk hidden from screen readers.
    return page.get_by_label(re.compile(rf"^{label}\b"))


def move_to_scaling(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name="Change the stage").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Change the stage"
    assert field(page, "New stage").input_value() == "scaling"
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state()


def test_lead_passes_the_scaling_gate_after_recording_backing(page, initiative):  # type: ignore[no-untyped-def]
    sign_in(page, LEAD_EMAIL, LEAD_PASSWORD)
    page.goto(f"/o/northbay/initiatives/{initiative.pk}/")
    assert page.locator("h1").inner_text() == "Digital night watch"
    assert "Not yet: Named senior backing" in page.locator("#gate-conditions").inner_text()
    assert_accessible(page)

    move_to_scaling(page)
    assert page.locator("h1").inner_text() == "Change the stage"
    assert REFUSAL in page.locator("#error-summary").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Back to the initiative").click()
    page.get_by_role("link", name="Record backing").click()
    page.wait_for_load_state()
    field(page, "Backer outside the organisation").fill("Mayor Lund")
    field(page, "Level").select_option(label="Politician")
    field(page, "Commitment").select_option(label="Formal mandate")
    assert_accessible(page)
    page.get_by_role("button", name="Record the backing").click()
    page.wait_for_load_state()
    assert "Mayor Lund" in page.locator("#backing-table").inner_text()
    assert "Met: Named senior backing" in page.locator("#gate-conditions").inner_text()

    move_to_scaling(page)
    assert page.locator("h1").inner_text() == "Digital night watch"
    assert "The initiative moved to Scaling." in page.locator("main").inner_text()
    history = page.locator("#timeline li").first.inner_text()
    assert "Moved from Experiment to Scaling" in history and "decided by Lena" in history
    assert_accessible(page)


def test_lead_settings_and_edit_pages_are_accessible(page, initiative):  # type: ignore[no-untyped-def]
    sign_in(page, LEAD_EMAIL, LEAD_PASSWORD)
    page.goto("/o/northbay/initiatives/")
    page.get_by_role("link", name="Stage gates").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Stage gates"
    assert_accessible(page)
    page.goto("/o/northbay/initiatives/")
    page.get_by_role("link", name="Strategic goals").click()
    page.wait_for_load_state()
    field(page, "New goal").fill("Good lives for older residents at home")
    page.get_by_role("button", name="Add the goal").click()
    page.wait_for_load_state()
    assert "Good lives for older residents at home" in page.locator("table").inner_text()
    assert_accessible(page)
    page.goto(f"/o/northbay/initiatives/{initiative.pk}/edit/")
    page.get_by_label("Good lives for older residents at home").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "Good lives for older residents at home" in page.locator("main").inner_text()
