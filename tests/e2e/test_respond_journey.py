"""Respondent journey on a phone: open a shared survey link, answer, save, reload, submit.

No account: the link is the key. Every page gets an axe scan; the page fixture fails the test
on any script error or Content-Security-Policy violation reported in the browser console.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
ANSWERS = {"Rules leave room.": "4", "Rules block us.": "Don't know", "People listen.": "5 – Agree"}


@pytest.fixture
def shared_link() -> str:
    from spaceforchange.assessments import services
    from tests.factories import make_campaign, make_organization, make_pack

    campaign = make_campaign(make_organization(name="Northbay"), version=make_pack("journey_pack"), title="Room scan")
    return f"/respond/{services.create_shared_link(campaign=campaign)}/"


def choose(page, statement: str, label: str) -> None:  # type: ignore[no-untyped-def]
    group = page.get_by_role("group", name=statement)
    group.get_by_text(label, exact=True).click()


def test_respondent_answers_a_shared_link_on_a_phone(page, shared_link):  # type: ignore[no-untyped-def]
    page.set_viewport_size(PHONE)
    referers: list[str] = []
    page.on("request", lambda request: referers.append(request.headers.get("referer", "")))
    page.goto(shared_link)
    assert page.locator("h1").inner_text() == "Room scan"
    assert_accessible(page)

    page.get_by_role("button", name="Start").click()
    page.wait_for_load_state()
    assert re.search(r"/respond/answer/[\w-]+/$", page.url), page.url
    assert page.get_by_text("0 of 4 answered").is_visible()
    # The page fits the phone: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)

    for statement, label in ANSWERS.items():
        choose(page, statement, label)
    choose(page, "People question habits.", "2")
    page.get_by_label("Comment on Room (optional)").fill("More room for trials.")
    page.get_by_role("button", name="Save and continue later").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your answers are saved.").is_visible()
    assert page.get_by_text("4 of 4 answered").is_visible()

    page.reload()
    assert page.get_by_role("group", name="Rules block us.").get_by_label("Don't know").is_checked()
    assert page.get_by_role("group", name="People question habits.").get_by_label("2", exact=True).is_checked()
    assert page.get_by_label("Comment on Room (optional)").input_value() == "More room for trials."
    assert_accessible(page)

    page.get_by_role("button", name="Submit").click()
    page.wait_for_load_state()
    assert re.search(r"/respond/answer/[\w-]+/done/$", page.url), page.url
    assert page.locator("h1").inner_text() == "Thank you"
    assert_accessible(page)
    # The link's and the resume token never leave in a Referer header, not even to this site.
    assert referers and not any("/respond/" in referer for referer in referers), referers

    from spaceforchange.assessments.models import Answer, Response

    response = Response.objects.get()
    assert response.is_submitted
    assert dict(Answer.objects.values_list("statement_key", "value")) == {"r1": 4, "r2": None, "o1": 5, "o2": 2}


def test_respondent_switches_to_bokmaal_while_answering(page, shared_link):  # type: ignore[no-untyped-def]
    page.set_viewport_size(PHONE)
    page.goto(shared_link)
    page.get_by_role("button", name="Start").click()
    page.wait_for_load_state()
    page.locator("#sfc-language-select").select_option(label="Norsk bokmål")
    page.locator("form.sfc-language button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "nb"
    assert page.get_by_role("group", name="Reglene gir rom.").is_visible()
    assert_accessible(page)
