"""A front-line member reports a problem with a policy; the policy manager answers; the member reads it.

The member applies "Standard visit times" and finds it strains care: they file a scrutiny report
(what happened, the legitimacy type strained, how often, a proposed change), hidden from
colleagues. The policy manager sees the report as anonymous and answers it. The member opens
"My scrutiny reports" and reads the answer. axe finds no serious or critical violation on the
policy page, the report form (with its error summary), the answer page and the member's list.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_journey_foundation import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "northbay-demo"
MEMBER, MANAGER = "nurse@northbay.example", "manager@northbay.example"
ANSWER = "We will allow longer visits for residents with dementia from next month."


@pytest.fixture
def policy() -> object:
    from tests.factories import make_member, make_organization, make_registered_policy, make_user

    organization = make_organization(name="Northbay Municipality", slug="northbay")
    make_member(organization, roles=["member"], user=make_user(email=MEMBER, password=PASSWORD))
    manager = make_user(email=MANAGER, password=PASSWORD, first_name="Mona", last_name="Manager")
    make_member(organization, roles=["member"], user=manager)
    return make_registered_policy(organization, "Standard visit times", manager=manager)


def test_a_member_reports_and_reads_the_managers_answer(page, browser, live_server, policy):  # type: ignore[no-untyped-def]
    base = f"/o/northbay/policies/{policy.pk}/"
    member = page
    sign_in(member, MEMBER, PASSWORD)
    member.goto(base)
    assert_accessible(member)
    member.get_by_role("link", name="Report a problem with this policy").click()
    member.wait_for_load_state()
    member.get_by_role("button", name="Send the report").click()
    member.wait_for_load_state()
    assert "What happened" in member.locator("#error-summary").inner_text()
    assert_accessible(member)
    member.get_by_label(re.compile("^What happened")).fill("A resident with dementia needed forty minutes, not twenty.")
    member.get_by_role("group", name=re.compile("What does it strain")).get_by_label("Normative").check()
    member.get_by_role("group", name=re.compile("How often")).get_by_label("Every week or so").check()
    member.get_by_label(re.compile("^Proposed change")).fill("Let the nurse extend a visit when needed.")
    member.locator("label[for=id_anonymous]").click()
    member.get_by_role("button", name="Send the report").click()
    member.wait_for_load_state()

    manager = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    sign_in(manager, MANAGER, PASSWORD)
    manager.goto(base)
    reports = manager.locator("#reports-table")
    assert "Anonymous" in reports.inner_text()
    assert "nurse@northbay.example" not in manager.content()
    reports.get_by_role("link", name="Answer").click()
    manager.wait_for_load_state()
    assert_accessible(manager)
    manager.get_by_label(re.compile("^Your answer")).fill(ANSWER)
    manager.get_by_role("button", name="Save the answer").click()
    manager.wait_for_load_state()

    member.goto("/o/northbay/policies/reports/mine/")
    assert ANSWER in member.locator("#my-reports").inner_text()
    assert_accessible(member)
