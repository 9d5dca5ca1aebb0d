"""A challenge's evaluator scores its ideas and reads the ranking.

An innovation lead opened "Greener travel" with two ideas and named an evaluator. The evaluator
opens the challenge, scores both ideas on the pack's criteria (one radio group per criterion),
is refused once for a missing score, and reads the ranking, where the better-scored idea comes
first. axe finds no serious or critical violation on the challenge page, the scoring page (with
its error summary) and the ranking.
"""

from __future__ import annotations

import datetime

import pytest

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_journey_foundation import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "northbay-demo"
EVALUATOR = "evaluator@northbay.example"
BIKES, CARS = "Electric bikes for short visits", "Car sharing for staff"


@pytest.fixture
def challenge() -> object:
    from spaceforchange.portfolio import idea_services, services
    from tests.factories import make_member, make_organization, make_user

    organization = make_organization(name="Northbay Municipality", slug="northbay")
    evaluator = make_member(organization, roles=["member"], user=make_user(email=EVALUATOR, password=PASSWORD)).user
    lead = make_member(organization, roles=["innovation_lead"]).user
    challenge = idea_services.open_challenge(
        organization=organization,
        title="Greener travel",
        theme="How can staff travel between visits with less driving?",
        closes_on=services.today_in(organization) + datetime.timedelta(days=14),
        evaluators=[evaluator],
        actor=lead,
    )
    for title in (CARS, BIKES):
        idea_services.submit_idea(
            organization=organization,
            submitted_by=lead,
            title=title,
            problem="Cars are slow in the town centre.",
            proposal=f"{title}, tried in one district first.",
            challenge=challenge,
        )
    return challenge


def score(page, title: str, public_value: str, feasibility: str, strategic_fit: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name=f"Score {title}").click()
    page.wait_for_load_state()
    for legend, value in (
        ("Public value", public_value),
        ("Feasibility", feasibility),
        ("Strategic fit", strategic_fit),
    ):
        page.get_by_role("group", name=legend).get_by_label(value, exact=False).first.check()
    page.get_by_role("button", name="Save my scores").click()
    page.wait_for_load_state()


def test_an_evaluator_scores_the_ideas_and_reads_the_ranking(page, challenge):  # type: ignore[no-untyped-def]
    sign_in(page, EVALUATOR, PASSWORD)
    page.goto(f"/o/northbay/initiatives/ideas/challenges/{challenge.pk}/")
    assert page.locator("#evaluator-note").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name=f"Score {BIKES}").click()
    page.wait_for_load_state()
    page.get_by_role("group", name="Public value").get_by_label("5 – strong").check()
    page.get_by_role("button", name="Save my scores").click()
    page.wait_for_load_state()
    summary = page.locator("#error-summary")
    assert "Feasibility" in summary.inner_text()
    assert_accessible(page)
    page.goto(f"/o/northbay/initiatives/ideas/challenges/{challenge.pk}/")

    score(page, BIKES, "5 – strong", "4", "4")
    assert "Your scores were saved." in page.content()
    score(page, CARS, "2", "3", "3")
    assert page.get_by_role("link", name=f"Change your scores for {CARS}").count() == 1

    page.get_by_role("link", name="Ranking").click()
    page.wait_for_load_state()
    rows = page.locator("#ranking tbody tr")
    assert rows.nth(0).locator("th").inner_text() == BIKES
    assert rows.nth(0).locator("td").nth(0).inner_text() == "1"
    assert rows.nth(1).locator("th").inner_text() == CARS
    assert_accessible(page)
