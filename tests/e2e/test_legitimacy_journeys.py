"""Legitimacy: an owner records judgments and reads the heat map; a tactic is proposed and approved by a second person.

1. The owner of "Digital night watch" opens its legitimacy page from the initiative page and
   records that the County Governor grants conditional legitimacy: sent first without the
   condition, the form says what is missing; with the condition and its review date it is
   recorded. The owner records that the nurses' union judges it illegitimate on normative
   grounds, and reads both in the heat map, the conditional cell marked as gray zone and
   showing its condition.
2. The owner registers a gray-zone tactic (distancing) with its rule, rationale, risks,
   accountable person and review date; the entry is marked as not approved. The owner cannot
   approve their own proposal; the innovation lead approves it, and the mark is gone.
axe finds no serious or critical violation on the subject page, the judgment form (with errors),
the tactic form and the gray-zone entry before and after approval.
"""

from __future__ import annotations

import datetime
import re

import pytest

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_journey_foundation import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "northbay-demo"
OWNER, LEAD = "owner@northbay.example", "lead@northbay.example"
GOVERNOR, UNION = "County Governor", "The nurses' union"


@pytest.fixture
def initiative() -> object:
    from spaceforchange.portfolio import services
    from tests.factories import make_member, make_organization, make_stakeholder, make_user

    organization = make_organization(name="Northbay Municipality", slug="northbay")
    owner = make_member(organization, roles=["owner"], user=make_user(email=OWNER, password=PASSWORD)).user
    lead = make_user(email=LEAD, password=PASSWORD, first_name="Lena", last_name="Lead")
    make_member(organization, roles=["innovation_lead"], user=lead)
    initiative = services.create_initiative(
        organization=organization, title="Digital night watch", owner=owner, actor=lead
    )
    make_stakeholder(organization, GOVERNOR, category="regulator", influence=5, interest=4)
    make_stakeholder(organization, UNION, category="staff_and_unions", influence=4, interest=5)
    return initiative


def judge(page, stakeholder: str, legitimacy_type: str, state: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name="Record a judgment").first.click()
    page.wait_for_load_state()
    page.get_by_label("Stakeholder").select_option(label=stakeholder)
    page.get_by_label("Type of legitimacy").select_option(label=legitimacy_type)
    page.get_by_role("group", name=re.compile("^Judgment")).get_by_label(state, exact=True).check()


def test_owner_records_judgments_and_reads_the_heat_map(page, initiative):  # type: ignore[no-untyped-def]
    sign_in(page, OWNER, PASSWORD)
    page.goto(f"/o/northbay/initiatives/{initiative.pk}/")
    page.locator("#legitimacy-link").click()
    page.wait_for_load_state()
    assert_accessible(page)

    judge(page, GOVERNOR, "Regulatory legitimacy", "Conditional legitimacy")
    page.get_by_role("button", name="Record the judgment").click()
    page.wait_for_load_state()
    assert page.locator("#error-summary").is_visible()  # conditional legitimacy needs its condition
    assert_accessible(page)
    page.get_by_label("If conditionally legitimate: condition 1").fill("Results are reported every quarter.")
    review = (datetime.date.today() + datetime.timedelta(days=90)).isoformat()
    page.get_by_label("Review date of condition 1").fill(review)
    page.get_by_role("button", name="Record the judgment").click()
    page.wait_for_load_state()

    judge(page, UNION, "Normative legitimacy", "Illegitimate")
    page.get_by_label(re.compile("^Evidence")).fill("Letter from the union, 3 March.")
    page.get_by_role("button", name="Record the judgment").click()
    page.wait_for_load_state()

    heat = page.locator("#heat-map")
    governor = heat.locator("tr", has_text=GOVERNOR)
    regulatory = governor.locator('td[data-type="regulatory"]')
    assert regulatory.get_attribute("data-state") == "conditional_legitimacy"
    assert regulatory.locator(".sfc-gray-zone").count() == 1
    assert "Results are reported every quarter." in regulatory.inner_text()
    union = heat.locator("tr", has_text=UNION).locator('td[data-type="normative"]')
    assert union.get_attribute("data-state") == "illegitimate"
    assert_accessible(page)


def test_a_tactic_is_proposed_and_approved_by_a_second_person(page, browser, live_server, initiative):  # type: ignore[no-untyped-def]
    sign_in(page, OWNER, PASSWORD)
    page.goto(f"/o/northbay/legitimacy/initiatives/{initiative.pk}/")
    page.get_by_role("link", name="Register a gray-zone tactic").click()
    page.wait_for_load_state()
    page.get_by_role("group", name=re.compile("^Tactic")).get_by_label("Distancing").check()
    page.get_by_label(re.compile("^The rule concerned")).fill("Night visits must be made in person.")
    page.get_by_label(re.compile("^Rationale")).fill("A trial in one district, outside the regular service.")
    page.get_by_label(re.compile("^Risks")).fill("A fall is found later than on a visit.")
    page.get_by_label("Accountable person").select_option(value=str(initiative.owner_id))
    page.get_by_label(re.compile("^Review date")).fill(
        (datetime.date.today() + datetime.timedelta(days=60)).isoformat()
    )
    assert_accessible(page)
    page.get_by_role("button", name="Register the tactic").click()
    page.wait_for_load_state()
    assert page.locator("#error-summary").count() == 0, page.locator("#error-summary").inner_text()
    page.goto(f"/o/northbay/legitimacy/initiatives/{initiative.pk}/")
    page.locator("#tactic-table").get_by_role("link", name=re.compile("Distancing")).first.click()
    page.wait_for_load_state()
    assert page.locator("#unapproved-alert").is_visible()
    assert page.get_by_role("button", name="Approve").count() == 0  # the proposer cannot approve
    entry_url = page.url
    assert_accessible(page)

    lead = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    sign_in(lead, LEAD, PASSWORD)
    lead.goto(entry_url)
    lead.get_by_role("button", name="Approve").click()
    lead.wait_for_load_state()
    lead.goto(entry_url)
    assert lead.locator("#unapproved-alert").count() == 0
    assert "Approved" in lead.locator("#event-table").inner_text()
    assert_accessible(lead)
