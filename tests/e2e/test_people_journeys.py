"""People and teams: who innovates, and whether a team's mix is balanced.

1. A member signs in, opens the archetype self-assessment's shared link, answers all twelve
   statements, submits, and sees their own archetype (Crusader) with its meaning on the thank-you
   page, and that only they see it.
2. An innovation lead opens the teams, then Digital desk's composition: the team's mix against the
   organisation's (80 % Magistrates against 47 %), with the §9 warning "Few Crusaders and
   Revolutionists" naming the practice that answers it.
3. The innovation lead sets up a team: a new team (refused without a name, then saved), a member
   added, two leader roles covered, an exploration share refused as a bad quarter and then
   recorded, and an alignment session; the team page shows them all and the archetype page per
   team and the culture page read without error.
axe finds no serious or critical violation on any page visited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_journey_foundation import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class Survey:
    link: str
    answers: dict[str, int]  # statement text → the value to choose


@pytest.fixture
def survey() -> Survey:
    from spaceforchange.assessments import services
    from spaceforchange.assessments.selectors import instrument_of
    from tests.web.people.helpers import archetype_answers, archetype_campaign, make_world

    world = make_world()
    campaign = archetype_campaign(world.organization, title="Who innovates")
    values = archetype_answers(campaign, "crusader")
    answers = {statement.text.get("en"): values[statement.key] for statement in instrument_of(campaign).statements}
    return Survey(link=f"/respond/{services.create_shared_link(campaign=campaign)}/", answers=answers)  # type: ignore[misc]


@pytest.fixture
def composition() -> object:
    from tests.web.people.helpers import archetype_campaign, fill_desk, make_world

    world = make_world()
    fill_desk(world, archetype_campaign(world.organization))
    return world


def test_member_takes_the_archetype_survey_and_sees_their_archetype(page, survey):  # type: ignore[no-untyped-def]
    from tests.factories import PASSWORD

    sign_in(page, "member@northbay.example", PASSWORD)
    page.goto(survey.link)
    assert page.locator("h1").inner_text() == "Who innovates"
    assert_accessible(page)
    page.get_by_role("button", name="Start").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"0 of {len(survey.answers)} answered").is_visible()
    assert_accessible(page)

    for statement, value in survey.answers.items():
        group = page.get_by_role("group", name=statement)
        group.get_by_text(re.compile(rf"^{value} – ")).click()
    page.get_by_role("button", name="Submit").click()
    page.wait_for_load_state()
    assert re.search(r"/respond/answer/[\w-]+/done/$", page.url), page.url
    assert page.locator("h1").inner_text() == "Thank you"
    result = page.locator("#personal-archetype")
    assert result.get_by_role("heading").inner_text() == "Your innovator archetype: Crusader"
    assert "innovates inside existing frameworks" in result.inner_text()
    assert "Only you can see this result." in result.inner_text()
    assert_accessible(page)


def test_innovation_lead_reads_a_teams_composition_with_a_warning(page, composition):  # type: ignore[no-untyped-def]
    from tests.factories import PASSWORD

    sign_in(page, "lead@northbay.example", PASSWORD)
    page.goto("/o/northbay/people/")
    assert page.locator("#org-mix tbody tr").count() == 4
    assert_accessible(page)
    page.locator("#people-links").get_by_role("link", name="Teams and their enablement").click()
    page.wait_for_load_state()
    assert page.locator("#teams tbody tr").count() == 3
    assert_accessible(page)
    page.get_by_role("link", name="Digital desk", exact=True).click()
    page.wait_for_load_state()
    assert "Routine lock-in" in page.locator("#team-warnings").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Team composition").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Composition of Digital desk"
    magistrates = page.locator("#composition-table tbody tr", has_text="Magistrate").inner_text()
    assert "80 %" in magistrates and "47 %" in magistrates and "+33" in magistrates
    warning = page.locator("#composition-warnings li[data-rule=few_crusaders_and_revolutionists]").inner_text()
    assert warning.startswith("Few Crusaders and Revolutionists")
    assert "Balance the mix of archetypes" in warning
    assert page.locator("#composition-chart").is_visible()
    assert_accessible(page)


def follow(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name=name, exact=True).first.click()
    page.wait_for_load_state()
    assert_accessible(page)


def submit(page, button: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    assert_accessible(page)


def test_innovation_lead_sets_up_a_team(page, composition):  # type: ignore[no-untyped-def]
    from tests.factories import PASSWORD

    sign_in(page, "lead@northbay.example", PASSWORD)
    page.goto("/o/northbay/people/teams/")
    assert_accessible(page)
    follow(page, "New team")
    submit(page, "Save the team")
    assert "Name" in page.locator("#error-summary").inner_text()
    page.get_by_label(re.compile("^Name")).fill("Data lab")
    page.get_by_label(re.compile("^Unit")).select_option(label="Health")
    page.get_by_label(re.compile("^Autonomy level")).select_option(value="3")
    submit(page, "Save the team")
    assert page.locator("h1").inner_text() == "Data lab"

    follow(page, "Add or remove members")
    page.get_by_label(re.compile("^Person to add")).select_option(label="member@northbay.example")
    submit(page, "Add to the team")
    assert page.locator("#members tbody tr").count() == 1
    follow(page, "Back to Data lab")

    follow(page, "Change the leader roles")
    page.get_by_label(re.compile("^Paradoxical leadership: held by a member")).select_option(
        label="leader@northbay.example"
    )
    page.get_by_label(re.compile("^Regular strategic alignment: or held by someone outside")).fill("Kari Nordmann")
    submit(page, "Save the leader roles")
    assert "2 of 4 leader roles covered" in page.locator("#team-roles caption").inner_text()

    follow(page, "Record the exploration share of a quarter")
    page.get_by_label(re.compile("^Quarter")).fill("2026-Q9")
    page.get_by_label(re.compile("^Share of working time")).fill("15")
    submit(page, "Record the share")
    assert "Quarter" in page.locator("#error-summary").inner_text()
    page.get_by_label(re.compile("^Quarter")).fill("2026-Q3")
    submit(page, "Record the share")
    assert page.locator("#team-exploration tbody tr").first.inner_text().split("\t")[:2] == ["2026-Q3", "15 %"]

    follow(page, "Record an alignment session")
    page.get_by_label(re.compile("^Date of the alignment session")).fill("2026-06-01")
    submit(page, "Record the session")
    assert page.locator("#last-alignment").inner_text() == "2026-06-01"

    page.goto("/o/northbay/people/archetypes/?by=team")
    assert page.locator("#mix-table tbody tr").count() == 2
    assert_accessible(page)
    follow(page, "Culture pulse")
    assert page.locator("#no-campaign").is_visible()
