"""Budget cycles, lines, funding options, dependencies, envelopes and contribution statements."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from spaceforchange.budgeting import budget_services, selectors, services
from spaceforchange.budgeting.models import BudgetCycle, BudgetLine, FundingOption, LineDependency, UnitEnvelope
from tests.integration.budgeting.conftest import World


def test_a_new_line_gets_none_half_and_full(world: World) -> None:
    line = world.line("A1", 1001, purpose="innovation", previous_amount=Decimal(800), max_change=0.25)
    options = {option.key: option.cost for option in FundingOption.objects.filter(line=line)}
    assert options == {"none": Decimal(0), "half": Decimal("500.50"), "full": Decimal(1001)}
    budget_services.save_budget_line(
        cycle=world.cycle, line=line, code="A1", title="Renamed", unit=world.units[1], amount=2000, purpose="efficiency"
    )
    line.refresh_from_db()
    assert (line.title, line.unit, line.purpose, line.amount) == ("Renamed", world.units[1], "efficiency", 2000)
    assert FundingOption.objects.get(line=line, key="half").cost == Decimal(1000)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": Decimal(-1)}, "amount"),
        ({"amount": "1.005"}, "amount"),
        ({"amount": "lots"}, "amount"),
        ({"purpose": "parties"}, "purpose"),
        ({"basis": "habit"}, "basis"),
        ({"max_change": -0.1}, "max_change"),
        ({"previous_amount": "x"}, "previous_amount"),
        ({"code": ""}, "code"),
        ({"title": ""}, "title"),
    ],
)
def test_a_bad_line_is_refused_and_nothing_is_written(world: World, fields: dict[str, object], field: str) -> None:
    values: dict[str, object] = {
        "cycle": world.cycle,
        "code": "B1",
        "title": "Buses",
        "unit": world.units[0],
        "amount": Decimal(10),
        "purpose": "service_delivery",
    } | fields
    with pytest.raises(ValidationError) as raised:
        budget_services.save_budget_line(**values)  # type: ignore[arg-type]
    assert field in raised.value.message_dict
    assert not BudgetLine.objects.exists()


def test_codes_are_unique_per_cycle_and_units_must_be_the_organisations(world: World, other: World) -> None:
    world.line("A1", 10)
    with pytest.raises(ValidationError, match="code"):
        world.line("A1", 20)
    with pytest.raises(ValidationError) as raised:
        budget_services.save_budget_line(
            cycle=world.cycle, code="A2", title="T", unit=other.units[0], amount=1, purpose="innovation"
        )
    assert "unit" in raised.value.message_dict
    assert other.line("A1", 10).code == "A1"  # the same code in another organisation's cycle


def test_dependencies_stay_within_the_cycle_and_never_on_the_line_itself(world: World) -> None:
    first = world.line("A1", 10)
    second = world.line("A2", 10, requires=[first])
    assert list(LineDependency.objects.filter(line=second).values_list("requires__code", flat=True)) == ["A1"]
    later = budget_services.create_budget_cycle(
        organization=world.organization,
        name="2028",
        starts_on=datetime.date(2028, 1, 1),
        ends_on=datetime.date(2028, 12, 31),
        total_budget=10,
    )
    with pytest.raises(ValidationError, match="same cycle"):
        world.line("C1", 10, cycle=later, requires=[first])
    with pytest.raises(ValidationError, match="itself"):
        budget_services.save_budget_line(
            cycle=world.cycle,
            line=second,
            code="A2",
            title="T",
            unit=world.units[0],
            amount=1,
            purpose="innovation",
            requires=[second],
        )
    budget_services.save_budget_line(
        cycle=world.cycle, line=second, code="A2", title="Kept", unit=world.units[0], amount=1, purpose="innovation"
    )
    assert list(LineDependency.objects.filter(line=second).values_list("requires__code", flat=True)) == ["A1"]
    budget_services.delete_budget_line(line=first)
    assert not LineDependency.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ends_on": datetime.date(2026, 1, 1)}, "ends_on"),
        ({"total_budget": -5}, "total_budget"),
        ({"target_purpose_mix": {"innovation": 0.5}}, "target_purpose_mix"),
        ({"target_purpose_mix": {"parties": 1.0}}, "target_purpose_mix"),
        ({"purpose_bounds": {"innovation": {"min": 0.5, "max": 0.1}}}, "purpose_bounds"),
        ({"purpose_bounds": {"innovation": {"least": 0.5}}}, "purpose_bounds"),
        ({"name": "2027"}, "name"),
    ],
)
def test_a_bad_cycle_is_refused(world: World, fields: dict[str, object], field: str) -> None:
    values: dict[str, object] = {
        "organization": world.organization,
        "name": "2030",
        "starts_on": datetime.date(2030, 1, 1),
        "ends_on": datetime.date(2030, 12, 31),
        "total_budget": 100,
    } | fields
    with pytest.raises(ValidationError) as raised:
        budget_services.create_budget_cycle(**values)  # type: ignore[arg-type]
    assert field in raised.value.message_dict
    assert BudgetCycle.objects.filter(organization=world.organization).count() == 1


def test_update_cycle_and_envelopes(world: World, other: World) -> None:
    budget_services.update_budget_cycle(cycle=world.cycle, purpose_bounds={"innovation": {"min": 0.05}})
    assert world.cycle.purpose_bounds == {"innovation": {"min": 0.05}}
    with pytest.raises(ValidationError):
        budget_services.update_budget_cycle(cycle=world.cycle, organization=other.organization)
    envelope = budget_services.set_unit_envelope(cycle=world.cycle, unit=world.units[0], floor=100, ceiling=500)
    assert (envelope.floor, envelope.ceiling) == (100, 500)
    with pytest.raises(ValidationError, match="ceiling"):
        budget_services.set_unit_envelope(cycle=world.cycle, unit=world.units[0], floor=600, ceiling=500)
    with pytest.raises(ValidationError):
        budget_services.set_unit_envelope(cycle=world.cycle, unit=other.units[0], floor=1)
    assert UnitEnvelope.objects.get().floor == 100


def test_custom_funding_options(world: World) -> None:
    line = world.line("A1", 1000)
    world.score(line, 0, 4)
    budget_services.set_funding_options(
        line=line,
        options=[{"key": "none", "cost": 0}, {"key": "pilot", "label": "Pilot", "cost": "300", "scale": 0.5}],
    )
    options = {option.key: (option.cost, option.contributions) for option in FundingOption.objects.filter(line=line)}
    assert options == {"none": (0, {}), "pilot": (300, {str(world.goals[0].pk): 2.0})}
    with pytest.raises(ValidationError, match="costs 0"):
        budget_services.set_funding_options(line=line, options=[{"key": "all", "cost": 5}])
    with pytest.raises(ValidationError, match="twice"):
        budget_services.set_funding_options(line=line, options=[{"key": "a", "cost": 0}, {"key": "a", "cost": 1}])
    assert FundingOption.objects.filter(line=line).count() == 2


def test_statements_are_submitted_then_reviewed(world: World, other: World) -> None:
    statement = services.submit_contribution_statement(
        cycle=world.cycle,
        unit=world.units[0],
        statement="We run the chat pilots.",
        submitted_by=world.member,
        goals=[world.goals[0]],
    )
    assert [goal.title for goal in statement.goals.all()] == ["Digital services"]
    with pytest.raises(ValidationError, match="missing"):
        services.review_contribution_statement(statement=statement, demonstrated=False, reviewed_by=world.leader)
    services.review_contribution_statement(statement=statement, demonstrated=True, reviewed_by=world.leader)
    assert statement.demonstrated
    again = services.submit_contribution_statement(
        cycle=world.cycle, unit=world.units[0], statement="Updated.", submitted_by=world.member
    )
    assert (again.pk, again.demonstrated, again.reviewed_at) == (statement.pk, False, None)
    with pytest.raises(ValidationError) as raised:
        services.submit_contribution_statement(
            cycle=world.cycle, unit=other.units[0], statement="x", submitted_by=other.member, goals=[other.goals[0]]
        )
    assert set(raised.value.message_dict) == {"unit", "submitted_by", "goals"}
    assert [row.unit.name for row in selectors.statements_for(world.cycle)] == ["Schools"]


def test_selectors_refuse_other_organisations_ids(world: World, other: World) -> None:
    from django.http import Http404

    line = other.line("X1", 5)
    for read, pk in (
        (selectors.cycle_detail, other.cycle.pk),
        (selectors.line_of, line.pk),
        (selectors.goal_of, other.goals[0].pk),
    ):
        with pytest.raises(Http404):
            read(world.organization, pk)


def test_lines_are_searched_filtered_and_sorted(world: World) -> None:
    world.line("A1", 30, title="Bus lanes", unit=2)
    world.line("A2", 10, title="School meals", purpose="innovation")
    linked = world.line("A3", 20, title="Bus tickets", basis="carried_over")
    world.score(linked, 0, 3)
    assert [line.code for line in selectors.lines_for(world.cycle, search="bus")] == ["A1", "A3"]
    assert [line.code for line in selectors.lines_for(world.cycle, sort="amount")] == ["A1", "A3", "A2"]
    assert [line.code for line in selectors.lines_for(world.cycle, filters={"linked": False})] == ["A1", "A2"]
    assert [line.code for line in selectors.lines_for(world.cycle, filters={"linked": True})] == ["A3"]
    assert [line.code for line in selectors.lines_for(world.cycle, filters={"purpose": "innovation"})] == ["A2"]
    assert [line.code for line in selectors.lines_for(world.cycle, filters={"unit": world.units[2].pk})] == ["A1"]
    assert [line.code for line in selectors.lines_for(world.cycle, filters={"basis": "carried_over"})] == ["A3"]
    cycle = selectors.cycles_for(world.organization).get()
    assert (cycle.line_count, cycle.lines_total) == (3, 60)
