"""The lead meets a scaling gate that asks for change readiness, records a workshop score, and passes.

The organisation's scaling gate asks for senior backing and for factors 1–6 of every linked change
programme at 3 or more with a named sponsor. The initiative, in the experiment stage, has a
politician's formal mandate; its programme "Home care reform" scores 2.4 on factor 4. The move to
scaling is refused and the error summary names factor 4. The lead opens the programme, its
readiness page, records a workshop score of 4 for factor 4, and the same move then succeeds. axe
finds no serious or critical violation on any page of the journey, nor on the programme list, the
new-programme form and the parts page.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_journey_foundation import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LEAD_EMAIL = "lead@northbay.example"
LEAD_PASSWORD = "northbay-demo"
FACTOR_4 = "4. Ensure top-management support and commitment"
REFUSAL = (
    "Change readiness of “Home care reform”: factor 4, Ensure top-management support and commitment, "
    "scores 2.4; Scaling needs at least 3."
)
SCORES = {
    "ensure_need": "3.5",
    "provide_plan": "3",
    "build_internal_support": "3.2",
    "ensure_top_management_support": "2.4",
    "build_external_support": "3",
    "provide_resources": "4",
}


@pytest.fixture
def journey() -> dict[str, object]:
    from spaceforchange.analytics.change.readiness import FACTORS
    from spaceforchange.change import services as change_services
    from spaceforchange.portfolio import record_services, services
    from tests.factories import make_member, make_organization, make_user

    organization = make_organization(name="Northbay Municipality", slug="northbay")
    lead = make_user(email=LEAD_EMAIL, password=LEAD_PASSWORD, first_name="Lena")
    make_member(organization, roles=["innovation_lead"], user=lead)
    sponsor = make_member(organization, roles=["leader"], user=make_user(first_name="Siri")).user
    today = services.today_in(organization)
    services.configure_gate(
        organization=organization,
        stage="scaling",
        conditions=[
            {"kind": "senior_backing", "min_commitment_rank": 2},
            {"kind": "change_readiness", "min_score": 3.0, "factors": list(FACTORS[:6]), "require_sponsor": True},
        ],
        actor=lead,
    )
    initiative = services.create_initiative(
        organization=organization, title="Digital night watch", owner=lead, stage="experiment", started_on=today
    )
    record_services.record_backing(
        initiative=initiative, level="politician", commitment="formal_mandate", backer_name="Mayor Lund", actor=lead
    )
    programme = change_services.create_programme(
        organization=organization, name="Home care reform", owner=lead, sponsor=sponsor, actor=lead
    )
    change_services.link_initiative(programme=programme, initiative=initiative, actor=lead)
    for factor, score in SCORES.items():
        change_services.record_readiness(
            programme=programme,
            factor_key=factor,
            score=Decimal(score),
            assessed_on=today - datetime.timedelta(days=14),
            note="Spring workshop",
            actor=lead,
        )
    return {"initiative": initiative, "programme": programme}


def field(page, label: str):  # type: ignore[no-untyped-def]
    # A required field's label ends in an asterisk hidden from screen readers.
    return page.get_by_label(re.compile(rf"^{re.escape(label)}"))


def move_to_scaling(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name="Change the stage").click()
    page.wait_for_load_state()
    assert field(page, "New stage").input_value() == "scaling"
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state()


def test_readiness_blocks_scaling_until_the_weak_factor_is_scored_again(page, journey):  # type: ignore[no-untyped-def]
    initiative, programme = journey["initiative"], journey["programme"]
    sign_in(page, LEAD_EMAIL, LEAD_PASSWORD)
    page.goto(f"/o/northbay/initiatives/{initiative.pk}/")
    assert page.locator("h1").inner_text() == "Digital night watch"
    move_to_scaling(page)
    assert page.locator("h1").inner_text() == "Change the stage"
    summary = page.locator("#error-summary").inner_text()
    assert REFUSAL in summary
    assert_accessible(page)

    page.goto(f"/o/northbay/change/{programme.pk}/")
    assert page.locator("h1").inner_text() == "Home care reform"
    assert "Digital night watch" in page.locator("#blocked-initiatives").inner_text()
    factor_row = page.locator('#readiness-table tr[data-factor="ensure_top_management_support"]').inner_text()
    assert FACTOR_4 in factor_row and "2.40" in factor_row
    assert_accessible(page)

    page.get_by_role("link", name="Readiness", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Readiness of Home care reform"
    assert_accessible(page)
    field(page, "Factor").select_option(label=FACTOR_4)
    field(page, "Score").fill("4")
    field(page, "Note: who took part").fill("Management team workshop with the director")
    page.get_by_role("button", name="Record the score").click()
    page.wait_for_load_state()
    assert f"The score of {FACTOR_4} was recorded." in page.locator("main").inner_text()
    factor_row = page.locator('#readiness-table tr[data-factor="ensure_top_management_support"]').inner_text()
    assert "4.00" in factor_row and "Workshop" in factor_row
    assert_accessible(page)

    page.goto(f"/o/northbay/initiatives/{initiative.pk}/")
    move_to_scaling(page)
    assert page.locator("h1").inner_text() == "Digital night watch"
    assert "The initiative moved to Scaling." in page.locator("main").inner_text()
    assert_accessible(page)


def test_the_lists_and_forms_are_accessible(page, journey):  # type: ignore[no-untyped-def]
    programme = journey["programme"]
    sign_in(page, LEAD_EMAIL, LEAD_PASSWORD)
    page.goto("/o/northbay/change/")
    assert page.locator("h1").inner_text() == "Change programmes"
    assert "Home care reform" in page.locator("#programme-table").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="New change programme").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Create the programme").click()
    page.wait_for_load_state()
    assert "Name: This field is required." in page.locator("#error-summary").inner_text()
    assert_accessible(page)
    page.goto(f"/o/northbay/change/{programme.pk}/parts/")
    page.get_by_role("textbox", name=re.compile("^Milestone")).fill("Night routine in every district")
    field(page, "Due").fill("2027-06-30")
    # The design system hides the box itself and draws it in its label, which takes the click.
    page.get_by_text("This step institutionalises the change").click()
    assert page.get_by_label(re.compile("^This step institutionalises")).is_checked()
    page.get_by_role("button", name="Add the milestone").click()
    page.wait_for_load_state()
    assert "Night routine in every district" in page.locator("#milestone-table").inner_text()
    assert_accessible(page)
