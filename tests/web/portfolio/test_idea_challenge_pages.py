"""Challenge pages: innovation leads open them, members submit ideas to open ones."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from bs4 import BeautifulSoup
from django.test import Client

from spaceforchange.portfolio import idea_services
from spaceforchange.portfolio.models import Challenge, Idea
from tests.factories import make_member, make_organization
from tests.integration.portfolio.conftest import World

BASE = "/o/northbay/initiatives/ideas/"


def soup_of(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def test_lead_opens_a_challenge_and_a_member_answers_it(world: World, as_person: Callable[[str], Client]) -> None:
    closes = (world.today + datetime.timedelta(days=10)).isoformat()
    data = {
        "title": "Greener transport",
        "theme": "Travel greener.",
        "closes_on": closes,
        "evaluators": [world.owner.pk],
    }
    assert as_person("member").post(BASE + "challenges/new/", data).status_code == 403
    response = as_person("lead").post(BASE + "challenges/new/", data)
    challenge = Challenge.objects.get()
    assert response["Location"] == f"{BASE}challenges/{challenge.pk}/"
    member = as_person("member")
    page = soup_of(member.get(f"{BASE}challenges/{challenge.pk}/"))
    assert page.select_one("#challenge-status").get_text(strip=True) == "Open"
    form = soup_of(member.get(BASE + "new/", {"challenge": challenge.pk}))
    assert form.select_one("#id_challenge option[selected]")["value"] == str(challenge.pk)
    idea = {"title": "Bikes", "problem": "Cars.", "proposal": "Bikes.", "challenge": challenge.pk}
    assert member.post(BASE + "new/", idea).status_code == 302
    assert Idea.objects.get().challenge == challenge
    rows = soup_of(member.get(BASE + "challenges/")).select("tbody tr td")
    assert [cell.get_text(strip=True) for cell in rows] == [closes, "Open", "1"]


def test_bad_challenge_input_changes_nothing(world: World, as_person: Callable[[str], Client]) -> None:
    other = make_organization(slug="elsewhere")
    data = {"title": "", "theme": "x", "closes_on": "1800-01-01", "evaluators": [make_member(other).user.pk]}
    soup = soup_of(as_person("lead").post(BASE + "challenges/new/", data))
    assert soup.select_one("#error-summary") is not None
    assert Challenge.objects.count() == 0


def test_a_foreign_or_closed_challenge_cannot_be_chosen(world: World, as_person: Callable[[str], Client]) -> None:
    other = make_organization(slug="elsewhere")
    foreign = idea_services.open_challenge(
        organization=other, title="Foreign", theme="x", closes_on=world.today + datetime.timedelta(days=3)
    )
    closed = idea_services.open_challenge(
        organization=world.organization, title="Closed", theme="x", closes_on=world.today
    )
    Challenge.objects.filter(pk=closed.pk).update(closes_on=world.today - datetime.timedelta(days=1))
    for challenge in (foreign, closed):
        idea = {"title": "Bikes", "problem": "Cars.", "proposal": "Bikes.", "challenge": challenge.pk}
        soup = soup_of(as_person("member").post(BASE + "new/", idea))
        assert soup.select_one("#error-summary") is not None
    assert Idea.objects.count() == 0
    assert as_person("member").get(f"{BASE}challenges/{foreign.pk}/").status_code == 404
