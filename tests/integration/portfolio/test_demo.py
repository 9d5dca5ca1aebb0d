import io

import pytest
from django.core.management import call_command

from spaceforchange.portfolio.models import Initiative

pytestmark = pytest.mark.django_db


def test_demo_has_initiatives_at_every_stage_and_reseeding_adds_none():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    initiatives = Initiative.objects.filter(organization__slug="northbay")
    assert initiatives.count() == 5
    assert set(initiatives.values_list("stage", flat=True)) == {
        "idea",
        "experiment",
        "scaling",
        "integrated",
        "stopped",
    }
    night_watch = initiatives.get(title="Digital night watch in home care")
    assert (night_watch.unit.name, night_watch.owner.email) == ("Home Care Services", "owner@northbay.example")


def test_demo_initiatives_have_histories_that_passed_the_gates():
    from spaceforchange.portfolio import selectors
    from spaceforchange.portfolio.models import Backing, Constraint, Goal, Setback, StageTransition

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    northbay = Initiative.objects.filter(organization__slug="northbay")
    letters = northbay.get(title="Plain-language decision letters")
    assert [(row.from_stage, row.to_stage) for row in selectors.transitions_of(letters)] == [
        ("", "idea"),
        ("idea", "experiment"),
        ("experiment", "scaling"),
    ]
    assert letters.change_form == "incremental_change" and letters.goals.count() == 1
    night_watch = northbay.get(title="Digital night watch in home care")
    backing = Backing.objects.filter(initiative=night_watch).order_by("recorded_on")
    assert [(entry.level, entry.commitment) for entry in backing] == [
        ("middle_manager", "formal_mandate"),
        ("politician", "verbal"),
        ("politician", ""),
    ]
    assert Setback.objects.filter(initiative=night_watch, support_held=False).count() == 1
    assert Constraint.objects.filter(initiative=night_watch, family="cognitive", status="active").count() == 1
    stopped = northbay.get(title="Predictive road maintenance")
    assert StageTransition.objects.filter(initiative=stopped, to_stage="stopped").get().reason
    assert Goal.objects.filter(organization__slug="northbay").count() == 3
    assert StageTransition.objects.filter(initiative__organization__slug="northbay").count() == 5 + 1 + 2 + 3 + 2
