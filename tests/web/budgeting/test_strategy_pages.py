"""The strategy pages: the strategy, revising it (a formset that works without JavaScript), the
revision history with each version's changes, and a goal's contributions.

Per role, with other organisations' ids (404), bad and hostile input (re-rendered with errors,
nothing changed), and fixed query counts.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from spaceforchange.budgeting.models import GoalContribution, StrategicGoal, Strategy, StrategyRevision
from spaceforchange.portfolio import services as portfolio_services
from tests.factories import make_member
from tests.integration.budgeting.conftest import World
from tests.web.budgeting.helpers import ORG, errors_of, soup_of, table_rows, text_of

pytestmark = pytest.mark.django_db
STRATEGY = ORG + "strategy/"
REVISE = STRATEGY + "revise/"


def revision_data(world: World, rows: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    """A POST of the revision form: the goal rows as the formset names them."""
    data: dict[str, Any] = {
        "vision": "A municipality that learns fast.",
        "cadence_months": "12",
        "summary": "Climate weighs more.",
        "reason": "The council's new plan.",
        "goals-TOTAL_FORMS": str(len(rows)),
        "goals-INITIAL_FORMS": "0",
        "goals-MIN_NUM_FORMS": "0",
        "goals-MAX_NUM_FORMS": "50",
    } | fields
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"goals-{index}-{name}"] = value
    return data


def current_rows(world: World, weights: tuple[int, int, int] = (40, 40, 20)) -> list[dict[str, Any]]:
    return [
        {"id": goal.pk, "title": goal.title, "weight": weight}
        for goal, weight in zip(world.goals, weights, strict=True)
    ]


def test_strategy_page_shows_vision_goals_weights_and_latest_revision(
    world: World, as_person: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    client = as_person("member")
    with django_assert_max_num_queries(8):
        soup = soup_of(client.get(STRATEGY))
    assert text_of(soup, "#vision") == "A municipality that learns."
    assert [row[:2] for row in table_rows(soup, "#goals")] == [
        ["Digital services", "50"],
        ["Climate", "30"],
        ["Early help", "20"],
    ]
    assert "together 100 of 100" in text_of(soup, "#goals caption")
    assert "Version 1" in text_of(soup, "#latest-revisions")
    assert soup.select_one("#overdue") is None
    assert soup.find("a", string="Revise strategy") is None
    assert soup_of(as_person("leader").get(STRATEGY)).find("a", string="Revise strategy") is not None


def test_overdue_revision_shows_a_warning(world: World, as_person: Callable[[str], Client]) -> None:
    Strategy.objects.filter(organization=world.organization).update(next_revision_due=datetime.date(2000, 1, 1))
    soup = soup_of(as_person("member").get(STRATEGY))
    assert "was due for revision on 2000-01-01" in text_of(soup, "#overdue")


def test_empty_strategy_says_so(as_person: Callable[[str], Client], world: World) -> None:
    StrategicGoal.objects.filter(organization=world.organization).update(active=False)
    soup = soup_of(as_person("member").get(STRATEGY))
    assert soup.select_one("#goals") is None and soup.select_one("#no-goals") is not None


@pytest.mark.parametrize(("name", "status"), [("member", 403), ("lead", 403), ("oversight", 403), ("leader", 200)])
def test_who_revises(world: World, as_person: Callable[[str], Client], name: str, status: int) -> None:
    assert as_person(name).get(REVISE).status_code == status
    assert as_person(name).post(REVISE, revision_data(world, current_rows(world))).status_code in (status, 302)
    assert StrategyRevision.objects.count() == (2 if status == 200 else 1)


def test_revise_form_offers_the_goals_and_empty_rows(world: World, as_person: Callable[[str], Client]) -> None:
    soup = soup_of(as_person("leader").get(REVISE))
    titles = [tag.get("value", "") for tag in soup.select("input[name$=-title]")]
    assert titles == ["Digital services", "Climate", "Early help", "", ""]
    assert soup.select_one("input[name=goals-TOTAL_FORMS]")["value"] == "5"
    assert soup.select_one("#goal-row-1 legend").get_text(strip=True) == "Goal: Digital services"


def test_leader_revises_weights_owner_and_adds_a_goal(world: World, as_person: Callable[[str], Client]) -> None:
    rows = [
        {"id": world.goals[0].pk, "title": "Digital services", "weight": "30", "owner": world.lead.pk},
        {"id": world.goals[1].pk, "title": "Climate", "weight": "50"},
        {"id": world.goals[2].pk, "title": "Early help", "weight": "0", "retire": "on"},
        {"title": "Safer roads", "weight": "20", "description": "Fewer accidents."},
        {"title": "", "weight": ""},
    ]
    response = as_person("leader").post(REVISE, revision_data(world, rows))
    assert response.status_code == 302 and response["Location"] == STRATEGY
    active = {goal.title: (goal.weight, goal.owner_id) for goal in StrategicGoal.objects.filter(active=True)}
    assert active == {"Digital services": (30, world.lead.pk), "Climate": (50, None), "Safer roads": (20, None)}
    revision = StrategyRevision.objects.get(number=2)
    assert (revision.summary, revision.reason, revision.revised_by_id) == (
        "Climate weighs more.",
        "The council's new plan.",
        world.leader.pk,
    )
    history = soup_of(as_person("member").get(STRATEGY + "history/"))
    changes = text_of(history, "#revision-2 .sfc-diff")
    assert "Goal added: Safer roads (weight 20)" in changes
    assert "Goal retired: Early help (weight was 20)" in changes
    assert "Digital services: weight 50 → 30" in changes
    assert "Digital services: owner — → lead@northbay.example" in changes
    assert "The vision was rewritten." in changes
    assert "Goal added: Digital services (weight 50)" in text_of(history, "#revision-1 .sfc-diff")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"weights": (40, 40, 10)}, "add up to 90"),
        ({"summary": ""}, "What changed"),
        ({"reason": "x" * 4001}, "Why"),
        ({"cadence_months": "0"}, "Revision cadence"),
        ({"cadence_months": "<script>"}, "Revision cadence"),
        ({"weight0": "101"}, "Row 1, Weight"),
        ({"weight0": "-5"}, "Row 1, Weight"),
        ({"title0": "x" * 201}, "Row 1, Goal"),
        ({"owner0": "999999"}, "Row 1, Owner"),
        ({"duplicate": True}, "used twice"),
        ({"foreign_goal": True}, "no such goal"),
        ({"none": True}, "at least one goal"),
    ],
)
def test_bad_revisions_rerender_with_errors_and_change_nothing(
    world: World, other: World, as_person: Callable[[str], Client], change: dict[str, Any], message: str
) -> None:
    rows = current_rows(world, change.pop("weights", (40, 40, 20)))
    for key in ("weight0", "title0", "owner0"):
        if key in change:
            rows[0][key[:-1]] = change.pop(key)
    if change.pop("duplicate", False):
        rows[2] = {"title": "climate", "weight": 20}
    if change.pop("foreign_goal", False):
        rows[2]["id"] = other.goals[0].pk
    if change.pop("none", False):
        rows = [{"id": goal.pk, "title": goal.title, "weight": 0, "retire": "on"} for goal in world.goals]
    soup = soup_of(as_person("leader").post(REVISE, revision_data(world, rows, **change)))
    assert message in errors_of(soup)
    assert StrategyRevision.objects.filter(organization=world.organization).count() == 1
    assert sorted(StrategicGoal.objects.filter(organization=world.organization).values_list("weight", flat=True)) == [
        20,
        30,
        50,
    ]


def test_more_rows_redraws_what_was_typed_without_saving(world: World, as_person: Callable[[str], Client]) -> None:
    rows = [*current_rows(world), {"title": "Safer roads", "weight": "5"}]
    data = revision_data(world, rows, summary="Draft", more_rows="1")
    soup = soup_of(as_person("leader").post(REVISE, data))
    titles = [tag.get("value", "") for tag in soup.select("input[name$=-title]")]
    assert titles == ["Digital services", "Climate", "Early help", "Safer roads", "", ""]
    assert soup.select_one("#error-summary") is None
    assert soup.select_one("textarea[name=summary]").get_text().strip() == "Draft"
    assert StrategyRevision.objects.count() == 1


def test_history_lists_every_version_newest_first(world: World, as_person: Callable[[str], Client]) -> None:
    as_person("leader").post(REVISE, revision_data(world, current_rows(world)))
    soup = soup_of(as_person("oversight").get(STRATEGY + "history/"))
    assert [tag["id"] for tag in soup.select("section.sfc-revision")] == ["revision-2", "revision-1"]
    assert [row for row in table_rows(soup, "#revision-2 table")] == [
        ["Digital services", "40"],
        ["Climate", "40"],
        ["Early help", "20"],
    ]


def test_goal_page_lists_contributions_and_links_and_unlinks(
    world: World, filled: list[Any], as_person: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    goal = world.goals[0]
    url = f"{STRATEGY}goals/{goal.pk}/"
    initiative = portfolio_services.create_initiative(
        organization=world.organization, title="Chatbot", actor=world.lead
    )
    lead = as_person("lead")
    with django_assert_max_num_queries(14):
        soup = soup_of(lead.get(url))
    assert [row[:2] for row in table_rows(soup, "#contributions-line")] == [
        ["2027 · S-03 Line S-03", "5"],
        ["2027 · H-03 Line H-03", "4"],
        ["2027 · S-01 Line S-01", "2"],
    ]
    assert soup.select_one("#contributions-initiative") is None
    options = {tag["value"] for tag in soup.select("select[name=subject] option")}
    assert f"initiative:{initiative.pk}" in options and f"unit:{world.units[1].pk}" in options
    response = lead.post(url, {"subject": f"initiative:{initiative.pk}", "score": "3", "evidence": "Pilot report."})
    assert response.status_code == 302
    link = GoalContribution.objects.get(goal=goal, initiative=initiative)
    assert (link.score, link.evidence) == (3, "Pilot report.")
    assert lead.post(url, {"subject": f"unit:{world.units[1].pk}", "score": "2"}).status_code == 302
    soup = soup_of(lead.get(url))
    assert table_rows(soup, "#contributions-unit")[0][:2] == ["Health", "2"]
    assert lead.post(url + "unlink/", {"subject": f"initiative:{initiative.pk}"}).status_code == 302
    assert not GoalContribution.objects.filter(goal=goal, initiative=initiative).exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"subject": "line:1", "score": "6"},
        {"subject": "line:1", "score": "-1"},
        {"subject": "line:1", "score": "two"},
        {"subject": "policy:1", "score": "2"},
        {"subject": "line:1", "score": "2", "evidence": "x" * 4001},
    ],
)
def test_bad_contributions_rerender_with_errors(
    world: World, filled: list[Any], as_person: Callable[[str], Client], data: dict[str, str]
) -> None:
    if data.get("subject") == "line:1":
        data = {**data, "subject": f"line:{filled[1].pk}"}
    before = GoalContribution.objects.count()
    soup = soup_of(as_person("lead").post(f"{STRATEGY}goals/{world.goals[0].pk}/", data))
    assert soup.select_one("#error-summary") is not None
    assert GoalContribution.objects.count() == before


def test_contributions_respect_roles_and_tenancy(
    world: World, other: World, filled: list[Any], as_person: Callable[[str], Client]
) -> None:
    url = f"{STRATEGY}goals/{world.goals[0].pk}/"
    member = as_person("member")
    assert soup_of(member.get(url)).select_one("form select[name=subject]") is None
    assert member.post(url, {"subject": f"line:{filled[1].pk}", "score": "3"}).status_code == 403
    assert member.post(url + "unlink/", {"subject": f"line:{filled[0].pk}"}).status_code == 403
    lead = as_person("lead")
    assert lead.get(f"{STRATEGY}goals/{other.goals[0].pk}/").status_code == 404
    foreign_unit = f"unit:{other.units[0].pk}"
    soup = soup_of(lead.post(url, {"subject": foreign_unit, "score": "3"}))
    assert "not one of the available choices" in errors_of(soup)
    assert lead.post(url + "unlink/", {"subject": foreign_unit}).status_code == 404
    assert GoalContribution.objects.filter(unit=other.units[0]).count() == 0
    assert as_person("lead").get("/o/southport/strategy/").status_code == 404


def test_initiative_owner_scores_only_their_own_initiative(world: World, as_person: Callable[[str], Client]) -> None:
    owner = make_member(world.organization, roles=["member", "owner"]).user
    mine = portfolio_services.create_initiative(
        organization=world.organization, title="Mine", owner=owner, actor=world.lead
    )
    theirs = portfolio_services.create_initiative(organization=world.organization, title="Theirs", actor=world.lead)
    client = Client()
    client.force_login(owner)
    url = f"{STRATEGY}goals/{world.goals[1].pk}/"
    soup = soup_of(client.get(url))
    assert [tag["value"] for tag in soup.select("select[name=subject] option")] == ["", f"initiative:{mine.pk}"]
    assert soup.select_one("#contributions-initiative") is None
    assert client.post(url, {"subject": f"initiative:{mine.pk}", "score": "4", "evidence": "Plan."}).status_code == 302
    assert GoalContribution.objects.get(initiative=mine).score == 4
    refused = soup_of(client.post(url, {"subject": f"initiative:{theirs.pk}", "score": "4"}))
    assert "not one of the available choices" in errors_of(refused)
    assert client.post(url + "unlink/", {"subject": f"initiative:{theirs.pk}"}).status_code == 403
    assert not GoalContribution.objects.filter(initiative=theirs).exists()
    assert soup_of(client.get(url)).select_one("#contributions-initiative form") is None
