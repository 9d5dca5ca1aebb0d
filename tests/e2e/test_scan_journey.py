"""Staff journey of a space-for-change scan: the lead starts it in the browser, a respondent answers
it on a phone, and the lead reads the radar and its table.

The lead signs in, creates the scan from the new-campaign form (anonymity threshold 2, the lowest
allowed), opens it and copies the shared link from the page. A respondent in a separate browser
context (no cookies of the lead) answers every statement on a 390 × 844 viewport, with some
"don't know" and one comment, and submits. A second respondent answers through the service layer,
which keeps the test quick and takes the campaign to its threshold. The lead's results page then
shows the mean of the first dimension that the test works out from both sets of answers.

axe finds no violation at all on the new-campaign page, the campaign page, the answering page on
the phone and the results page.
"""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import format_violations
from tests.e2e.test_journey_foundation import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LEAD_EMAIL = "lead@northbay.example"
LEAD_PASSWORD = "northbay-demo"
PHONE = {"width": 390, "height": 844}
INSTRUMENT = "space_for_change:space_for_change_scan"
CHECKED_DIMENSION = "regulatory_room"
# The phone respondent's answers cycle through these; some statements get "don't know" (DONT_KNOW_AT).
CYCLE = (4, 5, 2, 3, 4, 1, 5)
DONT_KNOW_AT = frozenset({1, 9, 22})


@pytest.fixture
def northbay() -> object:
    from tests.factories import make_member, make_organization, make_user

    organization = make_organization(name="Northbay Municipality", slug="northbay")
    make_member(organization, roles=["innovation_lead"], user=make_user(email=LEAD_EMAIL, password=LEAD_PASSWORD))
    return organization


def assert_no_violations(page) -> None:  # type: ignore[no-untyped-def]
    """Stricter than ``assert_accessible``: no axe violation of any impact."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    assert violations == [], f"axe found violations on {page.url}:\n{format_violations(violations)}"


def local_input(moment: datetime.datetime, zone: str) -> str:
    """A ``datetime-local`` value, in the organisation's time zone as the form reads it."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def create_scan(page, organization) -> None:  # type: ignore[no-untyped-def]
    def field(label: str):  # type: ignore[no-untyped-def]
        # A required field's label ends in an asterisk hidden from screen readers.
        return page.get_by_label(re.compile(rf"^{label}\b"))

    page.goto("/o/northbay/assessments/")
    page.get_by_role("link", name="New campaign").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "New campaign"
    assert_no_violations(page)
    now = datetime.datetime.now(datetime.UTC)
    zone = organization.time_zone
    field("Title").fill("Spring scan")
    field("Instrument").select_option(INSTRUMENT)
    field("Opens").fill(local_input(now - datetime.timedelta(hours=1), zone))
    field("Closes").fill(local_input(now + datetime.timedelta(days=14), zone))
    field("Anonymity threshold").fill("2")
    page.get_by_role("button", name="Create the campaign").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Spring scan"


def open_and_share(page) -> str:  # type: ignore[no-untyped-def]
    """Open the campaign and create its shared link; returns the link as the page shows it."""
    page.get_by_role("button", name="Open the campaign").click()
    page.wait_for_load_state()
    assert page.locator("[data-status]").text_content().strip() == "Open"
    page.get_by_role("button", name="Create shared link").click()
    page.wait_for_load_state()
    link = page.get_by_role("textbox", name="Shared link").input_value()
    assert re.fullmatch(r"http://[^/]+/respond/[\w-]+/", link), link
    assert_no_violations(page)
    return link


def answer_on_a_phone(browser, live_server, link: str) -> dict[str, int | None]:  # type: ignore[no-untyped-def]
    """A respondent without an account answers every statement; returns what they chose."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=PHONE)
    context.set_default_timeout(10_000)
    phone = context.new_page()
    try:
        phone.goto(link)
        phone.get_by_role("button", name="Start").click()
        phone.wait_for_load_state()
        assert re.search(r"/respond/answer/[\w-]+/$", phone.url), phone.url
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert_no_violations(phone)
        chosen = choose_every_answer(phone)
        phone.locator("textarea").first.fill("Legal advice comes late.")
        phone.get_by_role("button", name="Submit").click()
        phone.wait_for_load_state()
        assert re.search(r"/respond/answer/[\w-]+/done/$", phone.url), phone.url
        assert phone.locator("h1").inner_text() == "Thank you"
    finally:
        context.close()
    return chosen


def choose_every_answer(phone) -> dict[str, int | None]:  # type: ignore[no-untyped-def]
    questions = phone.locator("fieldset.sfc-respond__question")
    total = questions.count()
    chosen: dict[str, int | None] = {}
    for index in range(total):
        question = questions.nth(index)
        key = question.locator("input[type=radio]").first.get_attribute("name").removeprefix("answer_")
        dont_know = question.locator("input[value=dk]")
        if index in DONT_KNOW_AT and dont_know.count():
            question.locator("input[value=dk] + label").click()
            chosen[key] = None
        else:
            value = CYCLE[index % len(CYCLE)]
            question.locator(f"input[value='{value}'] + label").click()
            chosen[key] = value
    return chosen


def answer_through_the_service(link: str) -> dict[str, int | None]:
    from spaceforchange.assessments import response_services
    from spaceforchange.assessments.models import Campaign
    from spaceforchange.assessments.selectors import instrument_of

    token = link.rstrip("/").rsplit("/", 1)[1]
    response, _resume = response_services.start_response(token=token)
    statements = instrument_of(Campaign.objects.get(title="Spring scan")).statements
    answers: dict[str, int | None] = {
        statement.key: 3 + (number % 3) - 1 for number, statement in enumerate(statements)
    }
    response_services.save_answers(response=response, answers=answers)
    response_services.submit_response(response=response)
    return answers


def dimension_mean(answer_sets: list[dict[str, int | None]], dimension: str) -> float:
    """Each respondent's mean of the dimension's statements (reverse ones flipped), then their mean."""
    from spaceforchange.assessments.models import Campaign
    from spaceforchange.assessments.selectors import instrument_of

    instrument = instrument_of(Campaign.objects.get(title="Spring scan"))
    low, high = instrument.scale.min, instrument.scale.max
    per_person = []
    for answers in answer_sets:
        scores = [
            low + high - answers[statement.key] if statement.reverse else answers[statement.key]
            for statement in instrument.statements
            if statement.dimension == dimension and answers.get(statement.key) is not None
        ]
        per_person.append(sum(scores) / len(scores))
    return sum(per_person) / len(per_person)


def test_lead_starts_a_scan_a_respondent_answers_on_a_phone_and_the_lead_reads_the_radar(  # type: ignore[no-untyped-def]
    page, browser, live_server, northbay
):
    sign_in(page, LEAD_EMAIL, LEAD_PASSWORD)
    create_scan(page, northbay)
    link = open_and_share(page)

    on_phone = answer_on_a_phone(browser, live_server, link)
    assert len(on_phone) == 40
    assert sum(value is None for value in on_phone.values()) >= 2
    by_service = answer_through_the_service(link)

    page.reload()
    assert page.locator("[data-count=submitted]").inner_text() == "2"
    page.get_by_role("link", name="See the results").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Results of Spring scan"
    assert page.locator("[data-respondents]").inner_text() == "2"
    radar = page.locator("svg.sfc-radar").first
    assert radar.is_visible()
    assert radar.locator("[data-radar-values]").get_attribute("points")
    row = page.locator(f"table[data-dimensions] tr[data-dimension={CHECKED_DIMENSION}]").first
    expected = dimension_mean([on_phone, by_service], CHECKED_DIMENSION)
    assert row.locator("[data-figure=mean]").inner_text() == f"{expected:.2f}"
    assert row.locator("[data-figure=n]").inner_text() == "2"
    assert_no_violations(page)

    from spaceforchange.assessments.models import Answer, DimensionComment

    assert DimensionComment.objects.get().text == "Legal advice comes late."
    assert Answer.objects.filter(response__status="submitted").count() == 80
