"""The strategy: revisions kept as versions with what changed and why; goal contributions (0–5)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from spaceforchange.budgeting import domain, selectors, services
from spaceforchange.budgeting.models import FundingOption, GoalContribution, StrategyRevision
from spaceforchange.portfolio import services as portfolio_services
from spaceforchange.portfolio.models import Goal, Initiative
from tests.integration.budgeting.conftest import World, revise


def test_a_revision_keeps_a_version_with_what_changed_and_why(world: World) -> None:
    first = StrategyRevision.objects.get(organization=world.organization)
    assert first.number == 1
    assert [goal["title"] for goal in first.changes["goals_added"]] == ["Digital services", "Climate", "Early help"]
    second = revise(
        world.organization,
        {"Digital services": 40, "Climate": 40, "Housing": 20},
        world.leader,
        summary="Housing replaces early help.",
        reason="The housing crisis.",
        vision="A municipality that learns and houses.",
        cadence_months=6,
    )
    assert second.number == 2
    assert second.reason == "The housing crisis."
    changes = second.changes
    assert changes["vision_changed"] is True
    assert changes["cadence"] == [12, 6]
    assert [goal["title"] for goal in changes["goals_added"]] == ["Housing"]
    assert [goal["title"] for goal in changes["goals_retired"]] == ["Early help"]
    weights = {entry["title"]: entry["changes"]["weight"] for entry in changes["goals_changed"]}
    assert weights == {"Digital services": [50, 40], "Climate": [30, 40]}
    assert {goal["title"]: goal["weight"] for goal in second.snapshot["goals"]} == {
        "Digital services": 40,
        "Climate": 40,
        "Housing": 20,
    }
    retired = Goal.objects.get(organization=world.organization, title="Early help")
    assert (retired.active, retired.weight) == (False, 0)
    assert [row.number for row in selectors.revisions(world.organization)] == [2, 1]
    strategy = selectors.strategy_for(world.organization)
    assert strategy is not None
    assert strategy.next_revision_due == domain.add_months(portfolio_services.today_in(world.organization), 6)


@pytest.mark.parametrize(
    ("weights", "field"),
    [
        ({"A": 60, "B": 30}, "goals"),  # adds up to 90
        ({"A": 101, "B": -1}, "goals"),
        ({}, "goals"),
        ({"A": 50, "a": 50}, "goals"),  # the same title twice
    ],
)
def test_a_bad_revision_changes_nothing(world: World, weights: dict[str, int], field: str) -> None:
    before = list(Goal.objects.filter(organization=world.organization).values_list("title", "weight", "active"))
    with pytest.raises(ValidationError) as raised:
        revise(world.organization, weights, world.leader)
    assert field in raised.value.message_dict
    assert StrategyRevision.objects.filter(organization=world.organization).count() == 1
    after = list(Goal.objects.filter(organization=world.organization).values_list("title", "weight", "active"))
    assert after == before


def test_a_revision_needs_a_summary_a_reason_and_a_sane_cadence(world: World) -> None:
    with pytest.raises(ValidationError) as raised:
        revise(world.organization, {"A": 100}, world.leader, summary=" ", reason="", cadence_months=0)
    assert set(raised.value.message_dict) == {"summary", "reason", "cadence_months"}


def test_another_organisations_goal_or_owner_is_refused(world: World, other: World) -> None:
    goals = [{"id": other.goals[0].pk, "title": "Theirs", "weight": 100}]
    with pytest.raises(ValidationError, match="no such goal"):
        services.revise_strategy(organization=world.organization, vision="", goals=goals, summary="s", reason="r")
    goals = [{"title": "Mine", "weight": 100, "owner": other.leader}]
    with pytest.raises(ValidationError, match="owner must be a member"):
        services.revise_strategy(organization=world.organization, vision="", goals=goals, summary="s", reason="r")


def test_overdue_when_the_cadence_has_passed(world: World) -> None:
    strategy = selectors.strategy_for(world.organization)
    assert strategy is not None
    due = strategy.next_revision_due
    assert due is not None
    assert not strategy.is_overdue(due)
    assert strategy.is_overdue(due + datetime.timedelta(days=1))


def test_initiative_goals_are_contribution_rows(world: World) -> None:
    initiative = portfolio_services.create_initiative(
        organization=world.organization, title="Chat service", goals=[world.goals[0]], actor=world.lead
    )
    row = GoalContribution.objects.get(initiative=initiative)
    assert (row.goal, row.score, row.organization_id) == (world.goals[0], None, world.organization.pk)
    services.set_goal_contribution(goal=world.goals[0], subject=initiative, score=4, evidence="Pilot results")
    services.set_goal_contribution(goal=world.goals[1], subject=initiative, score=2)
    assert sorted(goal.title for goal in Initiative.objects.get(pk=initiative.pk).goals.all()) == [
        "Climate",
        "Digital services",
    ]
    assert [(c.goal.title, c.score) for c in selectors.contributions_of(initiative)] == [
        ("Climate", 2),
        ("Digital services", 4),
    ]
    services.set_goal_contribution(goal=world.goals[1], subject=initiative, score=0)
    assert [goal.title for goal in initiative.goals.all()] == ["Digital services"]


def test_scoring_a_line_moves_its_scaled_options(world: World) -> None:
    line = world.line("A1", 1000)
    world.score(line, 0, 4)
    world.score(line, 1, 2)
    options = {option.key: option.contributions for option in FundingOption.objects.filter(line=line)}
    goal_a, goal_b = str(world.goals[0].pk), str(world.goals[1].pk)
    assert options == {"none": {}, "half": {goal_a: 2.0, goal_b: 1.0}, "full": {goal_a: 4.0, goal_b: 2.0}}


@pytest.mark.parametrize("score", [6, -1, True, "3"])
def test_a_score_outside_0_to_5_is_refused(world: World, score: object) -> None:
    line = world.line("A1", 100)
    with pytest.raises(ValidationError) as raised:
        services.set_goal_contribution(goal=world.goals[0], subject=line, score=score)  # type: ignore[arg-type]
    assert "score" in raised.value.message_dict
    assert not GoalContribution.objects.filter(budget_line=line).exists()


def test_a_goal_of_another_organisation_cannot_be_scored(world: World, other: World) -> None:
    line = world.line("A1", 100)
    with pytest.raises(ValidationError) as raised:
        services.set_goal_contribution(goal=other.goals[0], subject=line, score=3)
    assert "goal" in raised.value.message_dict
    services.set_goal_contribution(goal=world.goals[0], subject=world.units[1], score=3, evidence="Annual report")
    assert GoalContribution.objects.get(unit=world.units[1]).evidence == "Annual report"


def test_the_goal_list_adds_goals_of_weight_zero(world: World) -> None:
    goal = portfolio_services.create_goal(organization=world.organization, title="Culture", actor=world.lead)
    assert (goal.weight, goal.active) == (0, True)
    strategy = selectors.strategy_for(world.organization)
    assert strategy is not None and strategy.last_revised_at is not None
    assert strategy.last_revised_at <= timezone.now()
