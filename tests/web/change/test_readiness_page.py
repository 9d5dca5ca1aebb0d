"""The readiness page: workshop scores, scores from a campaign, evidence checklists, for every role."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from spaceforchange.change import services
from spaceforchange.change.models import EvidenceCheck, ReadinessEntry
from spaceforchange.change.terms import READINESS_INSTRUMENT, READINESS_PACK
from spaceforchange.frameworks.selectors import effective_pack, parsed_pack
from tests.factories import make_response
from tests.web.change.conftest import readiness_campaign
from tests.web.change.helpers import errors_of, programme_url, soup_of, table_rows, text_of

pytestmark = pytest.mark.django_db

EDITORS = ("lead", "leader", "admin", "owner")


def readiness(world):  # type: ignore[no-untyped-def]
    return programme_url(world.programme, "readiness")


def workshop(**changes: object) -> dict[str, object]:
    return {
        "action": "workshop",
        "workshop-factor_key": "ensure_top_management_support",
        "workshop-score": "4",
        "workshop-assessed_on": "2026-11-20",
        "workshop-note": "Management team workshop",
    } | changes


@pytest.mark.parametrize("name", EDITORS)
def test_editors_record_a_workshop_score(world, as_person, name):
    client = as_person(name)
    response = client.post(readiness(world), workshop())
    assert response.status_code == 302
    entry = ReadinessEntry.objects.get(programme=world.programme)
    assert (entry.factor_key, entry.score, entry.source, entry.assessed_on, entry.note) == (
        "ensure_top_management_support",
        Decimal(4),
        "workshop",
        datetime.date(2026, 11, 20),
        "Management team workshop",
    )
    soup = soup_of(client.get(readiness(world)))
    row = soup.select_one('#readiness-table tr[data-factor="ensure_top_management_support"]')
    assert [" ".join(cell.get_text(" ").split()) for cell in row.select("th, td")][:4] == [
        "4. Ensure top-management support and commitment",
        "4.00",
        "Workshop",
        "2026-11-20",
    ]
    assert table_rows(soup, "#history-table")[0][:4] == [
        "2026-11-20",
        "4. Ensure top-management support and commitment",
        "4.00",
        "Workshop",
    ]


@pytest.mark.parametrize("name", ("member", "oversight"))
def test_readers_see_the_page_without_forms_and_may_not_post(world, as_person, name):
    client = as_person(name)
    soup = soup_of(client.get(readiness(world)))
    assert soup.select_one("#workshop-form") is None and soup.select_one("main form[method=post]") is None
    assert len(table_rows(soup, "#readiness-table")) == 8
    assert text_of(soup, "#no-history") == "No score recorded yet."
    assert client.post(readiness(world), workshop()).status_code == 403
    evidence = {
        "action": "evidence",
        "evidence_factor": "ensure_need",
        "evidence-ensure_need-done_case_documented": "on",
    }
    assert client.post(readiness(world), evidence).status_code == 403
    assert not ReadinessEntry.objects.exists() and not EvidenceCheck.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"workshop-score": "0"}, "greater than or equal to 1"),
        ({"workshop-score": "6"}, "less than or equal to 5"),
        ({"workshop-score": "four"}, "Enter a number."),
        ({"workshop-score": "3.333"}, "no more than 2 decimal places"),
        ({"workshop-factor_key": "ensure_profit"}, "Factor: Select a valid choice."),
        ({"workshop-assessed_on": "0001-01-01"}, "The date is out of range."),
        ({"workshop-note": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_a_bad_workshop_score_is_refused(world, as_person, changes, message):
    assert message in errors_of(as_person("lead").post(readiness(world), workshop(**changes)))
    assert not ReadinessEntry.objects.exists()


def test_the_factor_link_preselects_the_factor(world, as_person):
    soup = soup_of(as_person("lead").get(readiness(world), {"factor": "provide_resources"}))
    assert soup.select_one("#id_workshop-factor_key option[selected]")["value"] == "provide_resources"


def test_scores_are_taken_from_a_readiness_campaign(world, as_person):
    campaign = readiness_campaign(world.organization, anonymity_threshold=3)
    for _number in range(3):
        make_response(campaign, answers_scoring(world.organization, 4))
    client = as_person("lead")
    soup = soup_of(client.get(readiness(world)))
    assert campaign.title in text_of(soup, "#id_campaign-campaign")
    response = client.post(readiness(world), {"action": "campaign", "campaign-campaign": campaign.pk})
    assert response.status_code == 302
    entries = ReadinessEntry.objects.filter(programme=world.programme)
    assert entries.count() == 8
    assert {entry.source for entry in entries} == {"campaign"}
    assert {entry.score for entry in entries} == {Decimal(4)}


def answers_scoring(organization, score: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Answers to every statement of the readiness instrument that score ``score`` (reverse items mirrored)."""
    pack = parsed_pack(effective_pack(organization, READINESS_PACK))
    instrument = next(entry for entry in pack.instruments if entry.key == READINESS_INSTRUMENT)
    low, high = instrument.scale.min, instrument.scale.max
    return {item.key: low + high - score if item.reverse else score for item in instrument.statements}


def test_a_campaign_below_its_threshold_is_refused(world, as_person):
    campaign = readiness_campaign(world.organization, anonymity_threshold=5)
    response = as_person("lead").post(readiness(world), {"action": "campaign", "campaign-campaign": campaign.pk})
    assert "Readiness survey campaign" in errors_of(response) or "answers" in errors_of(response)
    assert not ReadinessEntry.objects.exists()


def test_another_organisations_campaign_is_refused(world, as_person):
    data = {"action": "campaign", "campaign-campaign": world.foreign_campaign.pk}
    assert "Select a valid choice." in errors_of(as_person("lead").post(readiness(world), data))
    assert not ReadinessEntry.objects.exists()


def test_without_campaigns_the_page_says_how_to_get_one(world, as_person):
    soup = soup_of(as_person("lead").get(readiness(world)))
    assert "No change-readiness survey campaign yet." in text_of(soup, "#no-campaigns")


def test_evidence_is_ticked_with_a_note(world, as_person):
    client = as_person("owner")
    data = {
        "action": "evidence",
        "evidence_factor": "ensure_need",
        "evidence-ensure_need-done_case_documented": "on",
        "evidence-ensure_need-note_case_documented": "Report of March",
        "evidence-ensure_need-note_vision_written": "",
    }
    assert client.post(readiness(world), data).status_code == 302
    check = EvidenceCheck.objects.get(programme=world.programme)
    assert (check.factor_key, check.item_key, check.done, check.note) == (
        "ensure_need",
        "case_documented",
        True,
        "Report of March",
    )
    soup = soup_of(client.get(readiness(world)))
    assert soup.select_one("#id_evidence-ensure_need-done_case_documented").has_attr("checked")
    row = soup.select_one('#readiness-table tr[data-factor="ensure_need"]')
    assert row.select("td")[-1].get_text(strip=True) == "1 of 4"
    assert text_of(soup, "#evidence-ensure_need summary") == "1. Ensure the need: 1 of 4 in place"
    # Unticking records the change; resubmitting the same answers records nothing new.
    untick = {key: value for key, value in data.items() if "done_" not in key}
    assert client.post(readiness(world), untick).status_code == 302
    check.refresh_from_db()
    assert check.done is False


def test_member_sees_the_checklist_read_only(world, as_person):
    services.check_evidence(
        programme=world.programme, item_key="case_documented", done=True, note="Report", actor=world.lead
    )
    text = soup_of(as_person("member").get(readiness(world))).get_text(" ")
    assert (
        "In place: The problem or opportunity that calls for change is documented with evidence. — Report"
        in " ".join(text.split())
    )


@pytest.mark.parametrize(
    "data",
    [
        {"action": "evidence", "evidence_factor": "ensure_profit"},
        {"action": "evidence"},
        {"action": "explode"},
    ],
)
def test_a_hostile_evidence_post_changes_nothing(world, as_person, data):
    response = as_person("lead").post(readiness(world), data, follow=True)
    assert "Nothing was changed" in response.content.decode()
    assert not EvidenceCheck.objects.exists()


def test_an_oversized_evidence_note_is_refused(world, as_person):
    data = {
        "action": "evidence",
        "evidence_factor": "ensure_need",
        "evidence-ensure_need-note_case_documented": "x" * 2001,
    }
    assert "at most 2000 characters" in errors_of(as_person("lead").post(readiness(world), data))
    assert not EvidenceCheck.objects.exists()


def test_the_readiness_page_takes_a_bounded_number_of_queries(world, as_person):
    client = as_person("lead")
    client.get(readiness(world))
    with CaptureQueriesContext(connection) as few:
        client.get(readiness(world))
    for number in range(8):
        services.record_readiness(
            programme=world.programme,
            factor_key="provide_plan",
            score=Decimal(1 + number % 5),
            assessed_on=datetime.date(2026, 1, 1 + number),
            note="",
            actor=world.lead,
        )
        readiness_campaign(world.organization)
    services.check_evidence(programme=world.programme, item_key="case_documented", done=True, note="", actor=world.lead)
    with CaptureQueriesContext(connection) as many:
        client.get(readiness(world))
    assert len(many) <= len(few) + 2
