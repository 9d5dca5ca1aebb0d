"""Deleting a budget line from its edit page: those who manage budgets, while the cycle is not decided."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from spaceforchange.budgeting.models import BudgetCycle, BudgetLine, CycleStatus, FundingOption, LineDependency
from tests.integration.budgeting.conftest import World
from tests.web.budgeting.helpers import ORG, soup_of

pytestmark = pytest.mark.django_db


def edit_url(world: World, line: BudgetLine) -> str:
    return f"{ORG}budgets/{world.cycle.pk}/lines/{line.pk}/edit/"


def delete_url(world: World, line: BudgetLine) -> str:
    return f"{ORG}budgets/{world.cycle.pk}/lines/{line.pk}/delete/"


def test_lead_deletes_a_line_with_its_options_and_dependencies(
    world: World, as_person: Callable[[str], Client]
) -> None:
    first = world.line("A1", 100)
    second = world.line("A2", 200, requires=[first])
    lead = as_person("lead")
    form = soup_of(lead.get(edit_url(world, first))).select_one(f'form[action="{delete_url(world, first)}"]')
    assert form is not None and form.select_one("button").get_text(strip=True) == "Delete line A1"
    response = lead.post(delete_url(world, first))
    assert response.status_code == 302 and response["Location"] == f"{ORG}budgets/{world.cycle.pk}/"
    assert list(BudgetLine.objects.filter(cycle=world.cycle).values_list("code", flat=True)) == ["A2"]
    assert not FundingOption.objects.filter(line_id=first.pk).exists()
    assert not LineDependency.objects.filter(line=second).exists()
    assert "The budget line A1 was deleted." in soup_of(lead.get(response["Location"])).get_text()


@pytest.mark.parametrize(("name", "status"), [("member", 403), ("oversight", 403), ("admin", 403)])
def test_only_those_who_manage_budgets_delete(
    world: World, as_person: Callable[[str], Client], name: str, status: int
) -> None:
    line = world.line("A1", 100)
    assert as_person(name).post(delete_url(world, line)).status_code == status
    assert BudgetLine.objects.filter(pk=line.pk).exists()


def test_a_get_another_organisations_line_and_a_decided_cycle_delete_nothing(
    world: World, other: World, as_person: Callable[[str], Client]
) -> None:
    line = world.line("A1", 100)
    theirs = other.line("B1", 100)
    lead = as_person("lead")
    assert lead.get(delete_url(world, line)).status_code == 405
    assert lead.post(f"{ORG}budgets/{world.cycle.pk}/lines/{theirs.pk}/delete/").status_code == 404
    assert lead.post(f"{ORG}budgets/{other.cycle.pk}/lines/{theirs.pk}/delete/").status_code == 404
    BudgetCycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.DECIDED)
    assert soup_of(lead.get(edit_url(world, line))).select_one(f'form[action="{delete_url(world, line)}"]') is None
    response = lead.post(delete_url(world, line), follow=True)
    assert "The cycle is decided: its lines can no longer be removed." in soup_of(response).get_text()
    assert BudgetLine.objects.filter(pk__in=[line.pk, theirs.pk]).count() == 2
