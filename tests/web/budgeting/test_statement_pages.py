"""Unit contribution statements and the "demonstrate or change" list: a member states their own
unit's contribution, leadership reviews it, and the list shows what is not demonstrated."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from spaceforchange.budgeting import services
from spaceforchange.budgeting.models import BudgetLine, UnitContributionStatement
from tests.factories import make_member
from tests.integration.budgeting.conftest import World
from tests.web.budgeting.helpers import ORG, errors_of, soup_of, table_rows

pytestmark = pytest.mark.django_db


def url(world: World, rest: str) -> str:
    return f"{ORG}budgets/{world.cycle.pk}/{rest}"


def submit(world: World, unit: int = 0, **fields: Any) -> UnitContributionStatement:
    values: dict[str, Any] = {"statement": "We digitise enrolment.", "submitted_by": world.member} | fields
    return services.submit_contribution_statement(cycle=world.cycle, unit=world.units[unit], **values)


def test_member_states_their_units_contribution(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    member = as_person("member")
    form = soup_of(member.get(url(world, "statements/")))
    assert [tag.get_text() for tag in form.select("select[name=unit] option")] == ["Choose a unit", "Schools"]
    data = {
        "unit": world.units[0].pk,
        "statement": "Enrolment online.",
        "evidence": "Pilot, 300 families.",
        "goals": [world.goals[0].pk],
    }
    assert member.post(url(world, "statements/"), data).status_code == 302
    statement = UnitContributionStatement.objects.get()
    assert (statement.unit_id, statement.submitted_by_id, statement.demonstrated) == (
        world.units[0].pk,
        world.member.pk,
        False,
    )
    assert [goal.pk for goal in statement.goals.all()] == [world.goals[0].pk]
    rows = table_rows(soup_of(member.get(url(world, "statements/"))), "#statements")
    assert rows[0][0] == "Schools" and rows[0][5] == "Waiting for review"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"unit": "HEALTH", "statement": "x"},
        {"unit": "SCHOOLS", "statement": ""},
        {"unit": "SCHOOLS", "statement": "x" * 4001},
        {"unit": "SCHOOLS", "statement": "x", "goals": ["999999"]},
    ],
)
def test_bad_statements_rerender_with_errors(
    world: World, as_person: Callable[[str], Client], data: dict[str, Any]
) -> None:
    ids = {"HEALTH": world.units[1].pk, "SCHOOLS": world.units[0].pk}
    data = {key: ids.get(value, value) if isinstance(value, str) else value for key, value in data.items()}
    soup = soup_of(as_person("member").post(url(world, "statements/"), data))
    assert soup.select_one("#error-summary") is not None
    assert UnitContributionStatement.objects.count() == 0


def test_members_see_only_their_units_statements_and_readers_all(
    world: World, as_person: Callable[[str], Client]
) -> None:
    submit(world, 0)
    submit(world, 1, statement="Fewer hospital stays.", submitted_by=world.lead)
    assert [
        row[0] for row in table_rows(soup_of(as_person("member").get(url(world, "statements/"))), "#statements")
    ] == ["Schools"]
    for name in ("oversight", "leader", "lead"):
        rows = table_rows(soup_of(as_person(name).get(url(world, "statements/"))), "#statements")
        assert [row[0] for row in rows] == ["Health", "Schools"], name
    unplaced = Client()
    unplaced.force_login(make_member(world.organization, roles=["member"]).user)
    assert soup_of(unplaced.get(url(world, "statements/"))).select_one("form select[name=unit]") is None
    assert unplaced.post(url(world, "statements/"), {"unit": world.units[0].pk, "statement": "x"}).status_code == 403


def test_leader_reviews_and_the_list_follows(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    schools = submit(world, 0)
    health = submit(world, 1, submitted_by=world.lead)
    leader = as_person("leader")
    review = url(world, f"statements/{schools.pk}/review/")
    assert leader.post(review, {"demonstrated": "yes"}).status_code == 302
    refused = soup_of(leader.post(url(world, f"statements/{health.pk}/review/"), {"demonstrated": "no"}))
    assert "Say what is missing" in errors_of(refused)
    assert (
        leader.post(
            url(world, f"statements/{health.pk}/review/"), {"demonstrated": "no", "note": "No figures."}
        ).status_code
        == 302
    )
    with django_assert_max_num_queries(12):
        soup = soup_of(leader.get(url(world, "demonstrate-or-change/")))
    assert table_rows(soup, "#challenged-units") == [
        ["Health", "290", "Not demonstrated: No figures."],
        ["Roads", "410", "No statement submitted"],
    ]
    assert [row[0] for row in table_rows(soup, "#unlinked-lines")] == ["R-01", "S-02", "R-03"]
    rows = table_rows(soup_of(leader.get(url(world, "statements/"))), "#statements")
    assert [row[5] for row in rows] == ["Not demonstrated : No figures.", "Demonstrated"]


@pytest.mark.parametrize(("name", "status"), [("member", 403), ("lead", 403), ("oversight", 403), ("leader", 200)])
def test_who_reviews(world: World, as_person: Callable[[str], Client], name: str, status: int) -> None:
    statement = submit(world, 0)
    assert as_person(name).get(url(world, f"statements/{statement.pk}/review/")).status_code == status


@pytest.mark.parametrize(("name", "status"), [("member", 403), ("lead", 200), ("oversight", 200), ("leader", 200)])
def test_who_reads_demonstrate_or_change(
    world: World, as_person: Callable[[str], Client], name: str, status: int
) -> None:
    assert as_person(name).get(url(world, "demonstrate-or-change/")).status_code == status


def test_everything_demonstrated_is_an_empty_state(world: World, as_person: Callable[[str], Client]) -> None:
    soup = soup_of(as_person("leader").get(url(world, "demonstrate-or-change/")))
    assert soup.select_one("#no-units") is not None and soup.select_one("#no-unlinked") is not None


def test_other_organisations_statements_are_404(world: World, other: World, as_person: Callable[[str], Client]) -> None:
    foreign = services.submit_contribution_statement(
        cycle=other.cycle, unit=other.units[0], statement="Theirs.", submitted_by=other.member
    )
    leader = as_person("leader")
    assert leader.get(url(world, f"statements/{foreign.pk}/review/")).status_code == 404
    assert leader.get(f"{ORG}budgets/{other.cycle.pk}/statements/").status_code == 404
    assert leader.get(f"{ORG}budgets/{other.cycle.pk}/demonstrate-or-change/").status_code == 404
    assert leader.post(url(world, f"statements/{foreign.pk}/review/"), {"demonstrated": "yes"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.reviewed_at is None
