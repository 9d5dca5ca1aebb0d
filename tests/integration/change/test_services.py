"""Writes to change programmes: validated, tenancy-checked, and nothing written on a refusal."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from spaceforchange.change import services
from spaceforchange.change.models import (
    ChangeProgramme,
    EvidenceCheck,
    Milestone,
    ReadinessEntry,
    Subsystem,
    Supporter,
)
from tests.integration.change.conftest import World

COUNTED = (ChangeProgramme, Milestone, Subsystem, Supporter, ReadinessEntry, EvidenceCheck)


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in COUNTED)


def refused(call: Any, field: str, text: str) -> None:
    """``call`` raises a ValidationError on ``field`` whose message contains ``text``, and writes nothing."""
    before = counts()
    with pytest.raises(ValidationError) as raised:
        call()
    assert field in raised.value.message_dict, raised.value.message_dict
    assert any(text in message for message in raised.value.message_dict[field]), raised.value.message_dict
    assert counts() == before


# --- Programmes ----------------------------------------------------------------------------------


def test_create_programme_stores_everything_and_owner_defaults_to_the_creator(world: World) -> None:
    programme = world.programme(
        sponsor=world.director,
        vision="  Everyone stays at home longer.  ",
        causal_theory="Rehabilitation builds everyday skills.",
        resource_budget="250000.5",
        resource_fte=1.5,
        status="under_way",
        initiatives=[world.initiative],
        budget_lines=[world.line],
    )
    programme.refresh_from_db()
    assert programme.owner == world.lead
    assert programme.sponsor == world.director
    assert programme.vision == "Everyone stays at home longer."
    assert programme.resource_budget == Decimal("250000.50")
    assert programme.resource_fte == Decimal("1.50")
    assert programme.status == "under_way"
    assert list(programme.initiatives.all()) == [world.initiative]
    assert list(programme.budget_lines.all()) == [world.line]
    assert list(world.initiative.change_programmes.all()) == [programme]


def test_names_are_unique_per_organisation_whatever_the_case(world: World, other: World) -> None:
    world.programme("Home care reform")
    refused(lambda: world.programme("HOME CARE REFORM"), "name", "already exists")
    assert other.programme("Home care reform").organization == other.organization


@pytest.mark.parametrize(
    ("fields", "field", "text"),
    [
        ({"name": ""}, "name", "Give the programme a name"),
        ({"name": "x" * 201}, "name", "At most 200"),
        ({"vision": "v" * 4001}, "vision", "At most 4000"),
        ({"causal_theory": "c" * 4001}, "causal_theory", "At most 4000"),
        ({"resource_training": "t" * 2001}, "resource_training", "At most 2000"),
        ({"resource_budget": -1}, "resource_budget", "from 0"),
        ({"resource_budget": "lots"}, "resource_budget", "Give a number"),
        ({"resource_fte": float("nan")}, "resource_fte", "Give a number"),
        ({"resource_fte": True}, "resource_fte", "Give a number"),
        ({"status": "dreaming"}, "status", "Choose a status"),
    ],
)
def test_bad_programme_fields_are_refused(world: World, fields: dict[str, Any], field: str, text: str) -> None:
    values = {"name": "Home care reform"} | fields
    name = values.pop("name")
    refused(lambda: world.programme(name, **values), field, text)


def test_people_initiatives_and_budget_lines_of_another_organisation_are_refused(world: World, other: World) -> None:
    refused(lambda: world.programme(owner=other.lead), "owner", "member of the organisation")
    refused(lambda: world.programme(sponsor=other.director), "sponsor", "member of the organisation")
    refused(lambda: world.programme(initiatives=[other.initiative]), "initiatives", "another organisation")
    refused(lambda: world.programme(budget_lines=[other.line]), "budget_lines", "another organisation")


def test_update_programme_changes_only_what_is_given(world: World, other: World) -> None:
    programme = world.programme(vision="Stay at home.")
    services.update_programme(programme=programme, sponsor=world.director, budget_lines=[world.line], actor=world.lead)
    programme.refresh_from_db()
    assert (programme.vision, programme.sponsor) == ("Stay at home.", world.director)
    assert list(programme.budget_lines.all()) == [world.line]
    refused(
        lambda: services.update_programme(programme=programme, sponsor=other.director, actor=world.lead),
        "sponsor",
        "member",
    )
    refused(
        lambda: services.update_programme(programme=programme, organization=other.organization),
        "organization",
        "cannot be changed",
    )
    world.programme("Front door")
    refused(lambda: services.update_programme(programme=programme, name="front door"), "name", "already exists")
    programme.refresh_from_db()
    assert programme.sponsor == world.director and programme.name == "Home care reform"


def test_archive_and_restore(world: World) -> None:
    programme = world.programme()
    assert services.archive_programme(programme=programme, actor=world.lead).archived is True
    assert services.archive_programme(programme=programme, archived=False, actor=world.lead).archived is False


def test_link_and_unlink_initiatives_and_budget_lines(world: World, other: World) -> None:
    programme = world.programme()
    services.link_initiative(programme=programme, initiative=world.initiative, actor=world.lead)
    services.link_budget_line(programme=programme, line=world.line, actor=world.lead)
    assert list(programme.initiatives.all()) == [world.initiative]
    assert list(programme.budget_lines.all()) == [world.line]
    refused(lambda: services.link_initiative(programme=programme, initiative=other.initiative), "initiative", "another")
    refused(lambda: services.link_budget_line(programme=programme, line=other.line), "budget_line", "another")
    services.unlink_initiative(programme=programme, initiative=world.initiative, actor=world.lead)
    services.unlink_budget_line(programme=programme, line=world.line, actor=world.lead)
    assert not programme.initiatives.exists() and not programme.budget_lines.exists()
    assert list(other.initiative.change_programmes.all()) == []


# --- Parts ---------------------------------------------------------------------------------------


def test_milestones_are_added_in_order_updated_and_removed(world: World) -> None:
    programme = world.programme()
    first = services.add_milestone(programme=programme, title="Pilot", due_on=world.days_ago(-30))
    second = services.add_milestone(
        programme=programme, title="Into the care plan", due_on=world.days_ago(-90), institutionalisation=True
    )
    assert (first.order, second.order) == (0, 1)
    assert second.institutionalisation is True
    services.update_milestone(milestone=first, done_on=world.today, actor=world.lead)
    first.refresh_from_db()
    assert first.done_on == world.today
    refused(lambda: services.update_milestone(milestone=first, done_on=world.days_ago(-1)), "done_on", "future")
    refused(lambda: services.update_milestone(milestone=first, programme=None), "programme", "cannot be changed")
    refused(lambda: services.add_milestone(programme=programme, title="", due_on=world.today), "title", "title")
    refused(
        lambda: services.add_milestone(programme=programme, title="T" * 201, due_on=world.today), "title", "At most"
    )
    refused(lambda: services.add_milestone(programme=programme, title="Late", due_on=None), "due_on", "due")  # type: ignore[arg-type]
    refused(
        lambda: services.add_milestone(programme=programme, title="Odd", due_on=world.today, order=-1), "order", "0"
    )
    services.remove_milestone(milestone=second, actor=world.lead)
    assert list(programme.milestones.all()) == [first]


def test_subsystems_are_unique_per_programme_and_can_be_aligned(world: World) -> None:
    programme = world.programme()
    rota = services.add_subsystem(programme=programme, name="Rota", note="Visits need room.", actor=world.lead)
    refused(lambda: services.add_subsystem(programme=programme, name="rota"), "name", "already has")
    refused(lambda: services.add_subsystem(programme=programme, name=" "), "name", "Name the subsystem")
    refused(lambda: services.add_subsystem(programme=programme, name="Culture", note="n" * 2001), "note", "At most")
    services.update_subsystem(subsystem=rota, aligned=True, actor=world.lead)
    rota.refresh_from_db()
    assert rota.aligned is True and rota.note == "Visits need room."
    services.remove_subsystem(subsystem=rota, actor=world.lead)
    assert not programme.subsystems.exists()


def test_supporters_take_a_member_or_a_name(world: World, other: World) -> None:
    programme = world.programme()
    director = services.add_supporter(programme=programme, kind="top_management", user=world.director)
    council = services.add_supporter(programme=programme, kind="political", name="Health committee")
    assert director.name == str(world.director)
    assert (council.user, council.name) == (None, "Health committee")
    refused(lambda: services.add_supporter(programme=programme, kind="political"), "name", "Name the supporter")
    refused(lambda: services.add_supporter(programme=programme, kind="friend", name="Ann"), "kind", "kind of support")
    refused(
        lambda: services.add_supporter(programme=programme, kind="top_management", user=other.director),
        "user",
        "member",
    )
    services.remove_supporter(supporter=council, actor=world.lead)
    assert list(programme.supporters.all()) == [director]


# --- Readiness -----------------------------------------------------------------------------------


def test_a_workshop_score_is_appended_with_two_decimals(world: World) -> None:
    programme = world.programme()
    first = services.record_readiness(
        programme=programme, factor_key="provide_plan", score=2.345, note="Workshop", actor=world.lead
    )
    second = services.record_readiness(programme=programme, factor_key="provide_plan", score="4", actor=world.lead)
    assert first.score == Decimal("2.35") and second.score == Decimal("4.00")
    assert (first.source, first.assessed_on, first.recorded_by) == ("workshop", world.today, world.lead)
    assert ReadinessEntry.objects.filter(programme=programme).count() == 2


@pytest.mark.parametrize("score", [0, 0.99, 5.01, 6, -3, "abc", None, True, float("nan"), float("inf"), "1e400"])
def test_scores_outside_one_to_five_are_refused(world: World, score: Any) -> None:
    programme = world.programme()
    refused(
        lambda: services.record_readiness(programme=programme, factor_key="provide_plan", score=score),
        "score",
        "from 1 to 5",
    )


def test_unknown_factors_future_dates_and_long_notes_are_refused(world: World) -> None:
    programme = world.programme()
    refused(lambda: services.record_readiness(programme=programme, factor_key="luck", score=3), "factor_key", "eight")
    refused(
        lambda: services.record_readiness(
            programme=programme, factor_key="ensure_need", score=3, assessed_on=world.days_ago(-1)
        ),
        "assessed_on",
        "future",
    )
    refused(
        lambda: services.record_readiness(programme=programme, factor_key="ensure_need", score=3, note="n" * 2001),
        "note",
        "At most",
    )


def test_readiness_from_a_campaign_records_each_factors_mean(world: World, readiness_survey: Any) -> None:
    programme = world.programme()
    campaign = readiness_survey(
        world.organization, {"ensure_need": 4, "provide_plan": 2, "ensure_top_management_support": 5}, status="closed"
    )
    entries = services.record_readiness_from_campaign(programme=programme, campaign=campaign, actor=world.lead)
    assert {entry.factor_key: entry.score for entry in entries} == {
        "ensure_need": Decimal("4.00"),
        "provide_plan": Decimal("2.00"),
        "ensure_top_management_support": Decimal("5.00"),
    }
    assert all(entry.source == "campaign" and entry.campaign == campaign for entry in entries)


def test_a_campaign_of_another_organisation_or_instrument_is_refused(
    world: World, other: World, readiness_survey: Any
) -> None:
    from tests.factories import make_campaign

    programme = world.programme()
    theirs = readiness_survey(other.organization, {"ensure_need": 4})
    refused(
        lambda: services.record_readiness_from_campaign(programme=programme, campaign=theirs),
        "campaign",
        "another organisation",
    )
    scan = make_campaign(world.organization)
    refused(
        lambda: services.record_readiness_from_campaign(programme=programme, campaign=scan),
        "campaign",
        "change readiness survey",
    )


def test_a_campaign_below_its_anonymity_threshold_is_refused(world: World, readiness_survey: Any) -> None:
    programme = world.programme()
    campaign = readiness_survey(world.organization, {"ensure_need": 4}, respondents=2, threshold=3)
    refused(
        lambda: services.record_readiness_from_campaign(programme=programme, campaign=campaign),
        "campaign",
        "from 3 answers on",
    )


def test_evidence_checks_take_pack_items_and_update_in_place(world: World, other: World) -> None:
    programme = world.programme()
    check = services.check_evidence(
        programme=programme, item_key="champion", done=True, note="Director", actor=world.lead
    )
    assert (check.factor_key, check.done, check.checked_by) == ("ensure_top_management_support", True, world.lead)
    services.check_evidence(programme=programme, item_key="champion", done=False, actor=world.lead)
    assert EvidenceCheck.objects.filter(programme=programme).count() == 1
    assert EvidenceCheck.objects.get(programme=programme).done is False
    refused(lambda: services.check_evidence(programme=programme, item_key="luck", done=True), "item_key", "checklist")
    refused(
        lambda: services.check_evidence(programme=programme, item_key="champion", done=True, note="n" * 2001),
        "note",
        "At most",
    )


def test_every_write_queues_an_alert_evaluation(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    queued: list[int] = []
    monkeypatch.setattr(services, "alerts_may_have_changed", queued.append)
    programme = world.programme()
    services.record_readiness(programme=programme, factor_key="ensure_need", score=3, actor=world.lead)
    services.add_milestone(programme=programme, title="Pilot", due_on=world.today + datetime.timedelta(days=3))
    assert queued == [world.organization.pk] * 3
