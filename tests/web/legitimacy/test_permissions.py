"""Who may open and post what, as matrices over the roles; foreign ids and strangers get 404."""

from __future__ import annotations

import pytest

from spaceforchange.legitimacy import gray_zone_services, legitimation_services
from spaceforchange.legitimacy.models import GrayZoneEntry
from spaceforchange.portfolio import services as portfolio_services
from tests.factories import make_judgment, make_stakeholder

pytestmark = pytest.mark.django_db

BASE = "/o/northbay/legitimacy/"
PEOPLE = ("lead", "leader", "owner", "manager", "member", "oversight", "admin")

# page → the people who get 200 (everyone else 403). The owner runs the initiative; the manager (a
# plain member) manages the policy.
PAGES = {
    "": {"lead", "leader", "owner", "oversight"},
    "stakeholders/": {"lead", "leader", "owner", "oversight"},
    "stakeholders/map/": {"lead", "leader", "owner", "oversight"},
    "stakeholders/new/": {"lead", "leader", "owner"},
    "initiatives/{initiative}/": {"lead", "leader", "owner", "oversight"},
    "initiatives/{initiative}/timeline/": {"lead", "leader", "owner", "oversight"},
    "initiatives/{initiative}/judge/": {"lead", "leader", "owner"},
    "initiatives/{initiative}/actions/new/": {"lead", "leader", "owner"},
    "initiatives/{initiative}/tactics/new/": {"lead", "leader", "owner"},
    "policies/{policy}/": {"lead", "leader", "owner", "oversight", "manager"},
    "policies/{policy}/judge/": {"lead", "leader", "manager"},
    "gray-zone/": {"lead", "leader", "oversight"},
    "gray-zone/{entry}/": {"lead", "leader", "owner", "oversight"},
}


@pytest.fixture
def entry(world):
    return gray_zone_services.propose_tactic(
        initiative=world.initiative,
        tactic="distancing",
        rule_concerned="r",
        rationale="r",
        risks="r",
        accountable=world.owner,
        review_on=world.today,
        actor=world.owner,
    )


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_matrix(world, entry, as_person, page):
    url = BASE + page.format(initiative=world.initiative.pk, policy=world.policy.pk, entry=entry.pk)
    seen = {person: as_person(person).get(url).status_code for person in PEOPLE}
    assert seen == {person: 200 if person in PAGES[page] else 403 for person in PEOPLE}


# who approves (proposer: the owner; accountable: the manager) → allowed?
APPROVERS = {"lead": True, "leader": True, "owner": False, "manager": False, "member": False, "oversight": False}


@pytest.mark.parametrize("person", sorted(APPROVERS))
def test_approval_matrix_through_the_page(world, as_person, person):
    entry = gray_zone_services.propose_tactic(
        initiative=world.initiative,
        tactic="circumventing",
        rule_concerned="r",
        rationale="r",
        risks="r",
        accountable=world.manager,
        review_on=world.today,
        actor=world.owner,
    )
    response = as_person(person).post(f"{BASE}gray-zone/{entry.pk}/approve/", {"note": ""})
    entry.refresh_from_db()
    if APPROVERS[person]:
        assert response.status_code == 302 and entry.status == "approved"
    else:
        assert response.status_code in (403, 404) and entry.status == "proposed"


def test_the_accountable_member_may_see_and_end_their_entry(world, as_person):
    entry = gray_zone_services.propose_tactic(
        initiative=world.initiative,
        tactic="circumventing",
        rule_concerned="r",
        rationale="r",
        risks="r",
        accountable=world.member,
        review_on=world.today,
        actor=world.owner,
    )
    client = as_person("member")
    assert client.get(f"{BASE}gray-zone/{entry.pk}/").status_code == 200
    assert client.get(f"{BASE}gray-zone/").status_code == 403
    assert client.post(f"{BASE}gray-zone/{entry.pk}/end/", {"reason": "Stop"}).status_code == 302
    assert GrayZoneEntry.objects.get(pk=entry.pk).status == "ended"


def test_oversight_changes_nothing(world, entry, as_person):
    client = as_person("oversight")
    assert client.post(f"{BASE}gray-zone/{entry.pk}/approve/", {}).status_code == 403
    assert client.post(f"{BASE}gray-zone/{entry.pk}/end/", {"reason": "x"}).status_code == 403
    assert client.post(f"{BASE}stakeholders/new/", {"name": "X"}).status_code == 403
    entry.refresh_from_db()
    assert entry.status == "proposed"


def test_foreign_ids_and_strangers_get_404(world, as_person):
    other = world.other
    theirs = make_stakeholder(other, "Theirs")
    judgment = make_judgment(theirs, world.foreign_initiative, state="conditional_legitimacy")
    action = legitimation_services.plan_action(
        initiative=world.foreign_initiative, strategy="storytelling", goal="acquire", mode="shape", description="x"
    )
    tactic = gray_zone_services.propose_tactic(
        initiative=world.foreign_initiative,
        tactic="distancing",
        rule_concerned="r",
        rationale="r",
        risks="r",
        accountable=world.stranger,
        review_on=world.today,
        actor=world.stranger,
    )
    mine = portfolio_services.create_initiative(organization=world.organization, title="Mine")
    condition = judgment.conditions.get()
    lead = as_person("lead")
    for url in (
        f"stakeholders/{theirs.pk}/",
        f"stakeholders/{theirs.pk}/edit/",
        f"initiatives/{world.foreign_initiative.pk}/",
        f"initiatives/{world.foreign_initiative.pk}/judge/",
        f"policies/{world.foreign_policy.pk}/",
        f"initiatives/{mine.pk}/actions/{action.pk}/done/",
        f"judgments/{judgment.pk}/",
        f"gray-zone/{tactic.pk}/",
    ):
        assert lead.get(BASE + url).status_code == 404, url
    for url in (
        f"stakeholders/{theirs.pk}/archive/",
        f"initiatives/{mine.pk}/conditions/{condition.pk}/risk/",
        f"gray-zone/{tactic.pk}/approve/",
        f"gray-zone/{tactic.pk}/end/",
    ):
        assert lead.post(BASE + url, {"reason": "x"}).status_code == 404, url
    stranger = as_person("stranger")
    assert stranger.get(BASE).status_code == 404
    assert stranger.get(f"{BASE}initiatives/{world.initiative.pk}/").status_code == 404
