"""The change-readiness gate: configured per organisation, read from the change programmes that carry
an initiative, refusing a move with the failing factor named, and shown on the initiative page."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from spaceforchange.analytics.portfolio.stages import ChangeReadiness
from spaceforchange.change import services as change_services
from spaceforchange.change.models import ChangeProgramme
from spaceforchange.change.terms import FACTORS
from spaceforchange.portfolio import gate_inputs, selectors, services
from spaceforchange.portfolio.domain import Naming, describe_condition
from spaceforchange.portfolio.models import StageGate
from tests.integration.change.conftest import World, make_world

GATE = ChangeReadiness(min_score=3.0, factors=FACTORS[:6], require_sponsor=True).as_dict()
REFUSAL = (
    "Change readiness of “Home care reform”: factor 4, Ensure top-management support and commitment, "
    "scores 2.4; Scaling needs at least 3."
)


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return make_world("northbay")


def gated(world: World) -> None:
    services.configure_gate(organization=world.organization, stage="scaling", conditions=[GATE], actor=world.lead)


def ready_except_top_management(world: World, *, sponsor: bool = False) -> ChangeProgramme:
    programme = world.programme(initiatives=[world.initiative], sponsor=world.director if sponsor else None)
    for factor in FACTORS:
        score = "2.4" if factor == "ensure_top_management_support" else "3.5"
        change_services.record_readiness(programme=programme, factor_key=factor, score=score, actor=world.lead)
    return programme


def scale(world: World) -> None:
    services.move_initiative(
        initiative=world.initiative, target="scaling", decided_by=world.leader, decided_on=world.today, actor=world.lead
    )


def refusal(world: World) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        scale(world)
    return raised.value.message_dict["target"]


def test_the_change_app_registers_its_readiness_source(world: World) -> None:
    assert gate_inputs.readiness_of(world.initiative) == ()
    programme = ready_except_top_management(world, sponsor=True)
    [readiness] = gate_inputs.readiness_of(world.initiative)
    assert (readiness.programme_id, readiness.name, readiness.sponsor_named) == (programme.pk, "Home care reform", True)
    assert readiness.scores["ensure_top_management_support"] == 2.4
    assert readiness.factor_names["ensure_need"] == "Ensure the need"
    assert selectors.initiative_snapshot(world.initiative).readiness == (readiness,)
    assert gate_inputs.readiness_factors(world.organization, "en")[3] == (
        "ensure_top_management_support",
        "4. Ensure top-management support and commitment",
    )


def test_configure_gate_accepts_the_condition_and_refuses_malformed_ones(world: World) -> None:
    gated(world)
    assert StageGate.objects.get(organization=world.organization).conditions == [GATE]
    assert selectors.gates_for(world.organization)[selectors.GATED_STAGES[1]] == (ChangeReadiness(),)
    for bad in ({**GATE, "factors": ["luck"]}, {**GATE, "min_score": 7}, {**GATE, "require_sponsor": "yes"}):
        with pytest.raises(ValidationError, match="A condition is invalid"):
            services.configure_gate(organization=world.organization, stage="scaling", conditions=[bad])
    assert StageGate.objects.get(organization=world.organization).conditions == [GATE]


def test_a_refused_move_to_scaling_names_the_failing_factor(world: World) -> None:
    gated(world)
    ready_except_top_management(world)
    assert refusal(world) == [
        REFUSAL,
        "Change readiness of “Home care reform”: Scaling needs a named sponsor; the programme names none.",
    ]
    world.initiative.refresh_from_db()
    assert world.initiative.stage == "experiment"


def test_the_move_passes_once_the_score_is_raised_and_a_sponsor_named(world: World) -> None:
    gated(world)
    programme = ready_except_top_management(world)
    change_services.record_readiness(programme=programme, factor_key="ensure_top_management_support", score=3)
    assert refusal(world) == [
        "Change readiness of “Home care reform”: Scaling needs a named sponsor; the programme names none."
    ]
    change_services.update_programme(programme=programme, sponsor=world.director, actor=world.lead)
    scale(world)
    world.initiative.refresh_from_db()
    assert world.initiative.stage == "scaling"


def test_an_initiative_without_a_programme_is_refused_and_archived_programmes_do_not_count(world: World) -> None:
    gated(world)
    message = (
        "Scaling needs the change readiness of a change programme carrying the initiative; "
        "no active change programme is linked to it."
    )
    assert refusal(world) == [message]
    programme = ready_except_top_management(world, sponsor=True)
    change_services.archive_programme(programme=programme)
    assert refusal(world) == [message]


def test_an_unscored_factor_is_named_and_the_factor_name_follows_the_language(world: World) -> None:
    gated(world)
    world.programme(initiatives=[world.initiative], sponsor=world.director)
    messages = refusal(world)
    assert len(messages) == 6
    assert messages[0] == (
        "Change readiness of “Home care reform”: factor 1, Ensure the need, has no score yet; Scaling needs at least 3."
    )
    with translation.override("nb"):
        assert "Synliggjør behovet" in refusal(world)[0]


def test_stepping_back_is_never_blocked_by_readiness(world: World) -> None:
    services.configure_gate(organization=world.organization, stage="experiment", conditions=[GATE])
    services.move_initiative(
        initiative=world.initiative,
        target="idea",
        decided_by=world.leader,
        decided_on=world.today,
        reason="Back to the drawing board.",
    )
    world.initiative.refresh_from_db()
    assert world.initiative.stage == "idea"


def test_the_condition_is_described_with_factor_numbers() -> None:
    naming = Naming({}, {})
    assert describe_condition(ChangeReadiness(), naming) == (
        "Change readiness: every linked change programme scores at least 3 on factors 1–6 and names a sponsor"
    )
    assert describe_condition(ChangeReadiness(3.5, ("ensure_need", "provide_resources"), False), naming) == (
        "Change readiness: every linked change programme scores at least 3.5 on factors 1, 6"
    )
    assert describe_condition(ChangeReadiness(3, (), True), naming) == (
        "Change readiness: every linked change programme names a sponsor"
    )


def soup(client: Client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_the_initiative_page_shows_the_condition_met_or_not_yet(world: World) -> None:
    gated(world)
    programme = ready_except_top_management(world)
    client = Client()
    client.force_login(world.member)
    url = f"/o/northbay/initiatives/{world.initiative.pk}/"
    [item] = soup(client, url).select("#gate-conditions li")
    text = item.get_text(" ", strip=True)
    assert text.startswith("Not yet:")
    assert REFUSAL in text
    change_services.record_readiness(programme=programme, factor_key="ensure_top_management_support", score=4)
    change_services.update_programme(programme=programme, sponsor=world.director)
    [item] = soup(client, url).select("#gate-conditions li")
    assert item.get_text(" ", strip=True).startswith("Met:")


def test_the_gate_settings_offer_and_save_the_condition(world: World) -> None:
    lead = Client()
    lead.force_login(world.lead)
    page = soup(lead, "/o/northbay/initiatives/gates/")
    boxes = page.select("input[name='scaling-readiness_factors']")
    assert [box["value"] for box in boxes] == list(FACTORS)
    label = page.select_one(f"label[for='{boxes[3]['id']}']")
    assert label is not None and label.get_text(strip=True) == "4. Ensure top-management support and commitment"
    data = {
        "stage": "scaling",
        "scaling-change_readiness": "on",
        "scaling-readiness_min_score": "3.5",
        "scaling-readiness_factors": ["provide_resources", "ensure_need"],
    }
    assert lead.post("/o/northbay/initiatives/gates/", data).status_code == 302
    assert StageGate.objects.get(stage="scaling").conditions == [
        {
            "kind": "change_readiness",
            "min_score": 3.5,
            "factors": ["ensure_need", "provide_resources"],
            "require_sponsor": False,
        }
    ]
    page = soup(lead, "/o/northbay/initiatives/gates/")
    assert page.select_one("#id_scaling-change_readiness").has_attr("checked")
    assert not page.select_one("#id_scaling-readiness_sponsor").has_attr("checked")


@pytest.mark.parametrize(
    "data",
    [
        {"scaling-change_readiness": "on", "scaling-readiness_min_score": ""},
        {"scaling-change_readiness": "on", "scaling-readiness_min_score": "6"},
        {"scaling-change_readiness": "on", "scaling-readiness_min_score": "3", "scaling-readiness_factors": ["luck"]},
        {"scaling-change_readiness": "on", "scaling-readiness_min_score": "3"},
    ],
)
def test_bad_gate_settings_change_nothing(world: World, data: dict[str, object]) -> None:
    lead = Client()
    lead.force_login(world.lead)
    response = lead.post("/o/northbay/initiatives/gates/", {"stage": "scaling", **data})
    assert response.status_code == 200
    assert BeautifulSoup(response.content, "html.parser").select(".usa-error-message, .usa-alert--error")
    assert not StageGate.objects.exists()
