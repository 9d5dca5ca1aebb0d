"""The idea-box pages through the test client, HTML parsed."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from spaceforchange.portfolio import idea_services
from spaceforchange.portfolio.models import Idea, IdeaSettings, IdeaSponsor, IdeaStatus, Initiative
from tests.factories import make_organization, make_unit
from tests.integration.portfolio.conftest import World

BASE = "/o/northbay/initiatives/ideas/"
PARKING = {
    "title": "Shared parking for home-care cars",
    "problem": "Home-care nurses lose time searching for parking near residents' homes.",
    "proposal": "Reserve parking spaces for home-care cars in every district.",
}


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def soup_of(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def submit(world: World, **changes: object) -> Idea:
    return idea_services.submit_idea(
        organization=world.organization,
        submitted_by=world.member,
        **{**PARKING, **changes},  # type: ignore[arg-type]
    )


def test_submit_without_duplicates_goes_straight_through(world: World, as_person: Callable[[str], Client]) -> None:
    response = as_person("member").post(BASE + "new/", {**PARKING, "anonymous": "on"})
    idea = Idea.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}{idea.pk}/"
    assert (idea.submitted_by, idea.anonymous) == (world.member, True)


def test_submit_with_a_duplicate_asks_first_then_accepts(world: World, as_person: Callable[[str], Client]) -> None:
    original = submit(world)
    client = as_person("teammate")
    soup = soup_of(client.post(BASE + "new/", {**PARKING, "title": "Parking for home care"}))
    links = [link["href"] for link in soup.select("#likely-duplicates a")]
    assert links == [f"{BASE}{original.pk}/"]
    assert soup.find("button", string="Submit mine anyway") is not None
    assert soup.select_one("input[name=confirmed]")["value"] == "yes"
    assert Idea.objects.count() == 1
    response = client.post(BASE + "new/", {**PARKING, "title": "Parking for home care", "confirmed": "yes"})
    assert response.status_code == 302
    assert Idea.objects.count() == 2


def test_join_instead_counts_the_supporter(world: World, as_person: Callable[[str], Client]) -> None:
    idea = submit(world)
    response = as_person("teammate").post(f"{BASE}{idea.pk}/join/")
    assert response.status_code == 302
    assert list(idea.supporters.all()) == [world.teammate]
    soup = soup_of(as_person("owner").get(f"{BASE}{idea.pk}/"))
    assert soup.select_one("#idea-supporters").get_text(strip=True) == "1"


def test_join_by_get_changes_nothing(world: World, as_person: Callable[[str], Client]) -> None:
    idea = submit(world)
    assert as_person("teammate").get(f"{BASE}{idea.pk}/join/").status_code == 302
    assert idea.supporters.count() == 0


def test_similar_fragment_lists_matches(world: World, as_person: Callable[[str], Client]) -> None:
    original = submit(world)
    response = as_person("teammate").get(BASE + "similar/", {"title": "parking home care", "problem": "nurses"})
    soup = soup_of(response)
    assert [link["href"] for link in soup.select("#likely-duplicates a")] == [f"{BASE}{original.pk}/"]
    huge = as_person("teammate").get(BASE + "similar/", {"title": "x" * 50_000})
    assert soup_of(huge).select("#likely-duplicates") == []


def test_anonymous_submitter_is_hidden_from_everyone_else(world: World, as_person: Callable[[str], Client]) -> None:
    idea = submit(world, anonymous=True)
    for name in ("lead", "owner", "teammate"):
        page = as_person(name).get(f"{BASE}{idea.pk}/")
        assert soup_of(page).select_one("#idea-submitter").get_text(strip=True) == "Anonymous"
        assert world.member.email not in page.content.decode()
    own = soup_of(as_person("member").get(f"{BASE}{idea.pk}/"))
    assert own.select_one("#idea-submitter").get_text(strip=True).startswith("You")


def test_named_submitter_is_shown(world: World, as_person: Callable[[str], Client]) -> None:
    idea = submit(world)
    page = soup_of(as_person("lead").get(f"{BASE}{idea.pk}/"))
    assert page.select_one("#idea-submitter").get_text(strip=True) == str(world.member)


def test_sponsor_adopts_as_initiative(world: World, as_person: Callable[[str], Client]) -> None:
    idea_services.set_idea_sponsor(organization=world.organization, unit=None, person=world.teammate)
    idea = submit(world)
    client = as_person("teammate")
    assert soup_of(client.get(f"{BASE}{idea.pk}/")).find("a", string="Decide") is not None
    response = client.post(f"{BASE}{idea.pk}/decide/", {"decision": "adopted", "initiative_title": "Care parking"})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.ADOPTED
    assert Initiative.objects.get(pk=idea.initiative_id).title == "Care parking"


def test_plain_member_cannot_decide(world: World, as_person: Callable[[str], Client]) -> None:
    idea = submit(world)
    client = as_person("teammate")
    assert client.get(f"{BASE}{idea.pk}/decide/").status_code == 403
    assert client.post(f"{BASE}{idea.pk}/decide/", {"decision": "declined", "reason": "x"}).status_code == 403
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.SUBMITTED


def test_decline_without_reason_rerenders_with_error(world: World, as_person: Callable[[str], Client]) -> None:
    idea = submit(world)
    soup = soup_of(as_person("lead").post(f"{BASE}{idea.pk}/decide/", {"decision": "declined", "reason": ""}))
    assert soup.select_one("#error-summary") is not None
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.SUBMITTED


def test_merge_into_another_organisations_idea_is_an_invalid_choice(
    world: World, as_person: Callable[[str], Client]
) -> None:
    from tests.factories import make_member

    other = make_organization(slug="elsewhere")
    foreign = idea_services.submit_idea(organization=other, submitted_by=make_member(other).user, **PARKING)
    idea = submit(world)
    data = {"decision": "merged", "merge_into": str(foreign.pk)}
    soup = soup_of(as_person("lead").post(f"{BASE}{idea.pk}/decide/", data))
    assert soup.select_one("#error-summary") is not None
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.SUBMITTED


def test_my_ideas_shows_status_and_reason(world: World, as_person: Callable[[str], Client]) -> None:
    idea = submit(world)
    idea_services.decide_idea(idea=idea, actor=world.lead, decision="declined", reason="Already planned")
    soup = soup_of(as_person("member").get(BASE + "mine/"))
    cells = [cell.get_text(strip=True) for cell in soup.select("tbody tr td")]
    assert cells[1:] == ["Declined", "Already planned"]
    assert soup_of(as_person("teammate").get(BASE + "mine/")).select("tbody tr") == []


def test_waiting_page_lists_overdue_first_for_lead_and_own_for_sponsor(
    world: World, as_person: Callable[[str], Client]
) -> None:
    idea_services.set_idea_sponsor(organization=world.organization, unit=None, person=world.teammate)
    old = submit(world, title="Old one", submitted_at=timezone.now() - datetime.timedelta(days=45))
    idea_services.set_idea_sponsor(organization=world.organization, unit=None, person=world.owner)
    submit(world, title="New one")
    lead_rows = soup_of(as_person("lead").get(BASE + "waiting/")).select("tbody tr")
    assert [row.th.get_text(strip=True) for row in lead_rows] == ["Old one", "New one"]
    assert lead_rows[0].select("td")[-1].get_text(strip=True) == "Overdue"
    sponsor_rows = soup_of(as_person("teammate").get(BASE + "waiting/")).select("tbody tr")
    assert [row.th.get_text(strip=True) for row in sponsor_rows] == [old.title]


def test_sponsor_settings_for_leads_only(world: World, as_person: Callable[[str], Client]) -> None:
    unit = make_unit(world.organization, "Home care")
    assert as_person("member").get(BASE + "sponsors/").status_code == 403
    client = as_person("lead")
    response = client.post(BASE + "sponsors/", {"form": "sponsor", "unit": str(unit.pk), "person": world.owner.pk})
    assert response.status_code == 302
    assert IdeaSponsor.objects.get().person == world.owner
    assert client.post(BASE + "sponsors/", {"form": "days", "answer_days": "14"}).status_code == 302
    assert IdeaSettings.objects.get().answer_days == 14
    soup = soup_of(client.post(BASE + "sponsors/", {"form": "days", "answer_days": "9999"}))
    assert soup.select_one("#error-summary") is not None
    assert IdeaSettings.objects.get().answer_days == 14
    sponsor = IdeaSponsor.objects.get()
    assert client.post(f"{BASE}sponsors/{sponsor.pk}/remove/").status_code == 302
    assert IdeaSponsor.objects.count() == 0


def test_sponsor_form_refuses_another_organisations_unit_and_person(
    world: World, as_person: Callable[[str], Client]
) -> None:
    from tests.factories import make_member

    other = make_organization(slug="elsewhere")
    data = {"form": "sponsor", "unit": str(make_unit(other).pk), "person": make_member(other).user.pk}
    soup = soup_of(as_person("lead").post(BASE + "sponsors/", data))
    assert soup.select_one("#error-summary") is not None
    assert IdeaSponsor.objects.count() == 0


def test_list_filters_by_status_and_hides_other_organisations(world: World, as_person: Callable[[str], Client]) -> None:
    from tests.factories import make_member

    other = make_organization(slug="elsewhere")
    idea_services.submit_idea(organization=other, submitted_by=make_member(other).user, **PARKING)
    parked = submit(world, title="Parked one")
    idea_services.decide_idea(idea=parked, actor=world.lead, decision="parked", reason="Later")
    submit(world, title="Open one")
    client = as_person("member")
    titles = [row.th.get_text(strip=True) for row in soup_of(client.get(BASE)).select("tbody tr")]
    assert sorted(titles) == ["Open one", "Parked one"]
    parked_only = soup_of(client.get(BASE, {"status": "parked"})).select("tbody tr")
    assert [row.th.get_text(strip=True) for row in parked_only] == ["Parked one"]
    bogus = soup_of(client.get(BASE, {"status": "<script>"})).select("tbody tr")
    assert len(bogus) == 2


def test_form_errors_keep_everything_unchanged(world: World, as_person: Callable[[str], Client]) -> None:
    soup = soup_of(as_person("member").post(BASE + "new/", {"title": "", "problem": "x" * 5000, "unit": "abc"}))
    assert soup.select_one("#error-summary") is not None
    assert Idea.objects.count() == 0


@pytest.mark.parametrize("path", ["", "waiting/", "mine/"])
def test_main_pages_do_not_grow_queries_with_ideas(world: World, as_person: Callable[[str], Client], path: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_person("lead" if path == "waiting/" else "member")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(BASE + path).status_code == 200
        return len(queries)

    submit(world, title="First")
    few = count()
    for number in range(10):
        submit(world, title=f"Idea {number}", unit=make_unit(world.organization))
    assert count() == few
