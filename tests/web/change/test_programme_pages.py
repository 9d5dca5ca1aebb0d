"""The programme list, the programme page and the create and edit forms, for every role."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from spaceforchange.change import services
from spaceforchange.change.models import ChangeProgramme
from spaceforchange.portfolio import services as portfolio_services
from tests.web.change.helpers import ORG, errors_of, programme_url, soup_of, table_rows, text_of

pytestmark = pytest.mark.django_db

EVERYONE = ("lead", "leader", "admin", "member", "owner", "oversight")
MANAGERS = ("lead", "leader", "admin")


def _form(**changes: object) -> dict[str, object]:
    return {
        "name": "Digital first",
        "status": "under_way",
        "owner": "",
        "sponsor": "",
        "vision": "Residents reach us online first.",
        "causal_theory": "Simpler forms lead to more online use.",
        "institutionalisation_plan": "Online first becomes the standard for every new service.",
        "resource_budget": "250000",
        "resource_fte": "2.5",
        "resource_training": "Two days for every case worker.",
        "resource_time": "Half a day a week.",
    } | changes


# --- The list -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EVERYONE)
def test_every_member_sees_the_list(world, as_person, name):
    soup = soup_of(as_person(name).get(ORG))
    assert table_rows(soup, "#programme-table")[0][:4] == ["Home care reform", "Planned", "Owner", "—"]
    assert bool(soup.select_one(f'a[href="{ORG}new/"]')) == (name in MANAGERS)


def test_the_list_shows_readiness_and_warnings_per_programme(world, as_person):
    services.record_readiness(
        programme=world.programme,
        factor_key="ensure_top_management_support",
        score=Decimal("2.4"),
        assessed_on=datetime.date(2026, 11, 1),
        note="",
        actor=world.lead,
    )
    row = table_rows(soup_of(as_person("member").get(ORG)), "#programme-table")[0]
    assert row[4] == "1 of 8"
    assert row[5] == "4. Ensure top-management support and commitment: 2.4"
    # A programme with no milestones, theory, budget or sponsor fires the programme rules.
    assert int(row[6]) >= 1


def test_the_list_searches_filters_sorts_and_pages(world, as_person):
    for number in range(30):
        services.create_programme(
            organization=world.organization,
            name=f"Programme {number:02d}",
            status="under_way" if number % 2 else "planned",
            actor=world.lead,
        )
    client = as_person("member")
    soup = soup_of(client.get(ORG, {"q": "programme 1", "sort": "-name"}))
    names = [row[0] for row in table_rows(soup, "#programme-table")]
    assert names == [f"Programme {number}" for number in range(19, 9, -1)]
    soup = soup_of(client.get(ORG, {"status": "under_way"}))
    assert text_of(soup, "#programme-table caption") == "15 change programmes"
    assert {row[1] for row in table_rows(soup, "#programme-table")} == {"Under way"}
    first = soup_of(client.get(ORG))
    assert len(table_rows(first, "#programme-table")) == 25
    second = soup_of(client.get(ORG, {"page": 2}))
    assert len(table_rows(second, "#programme-table")) == 6


@pytest.mark.parametrize(
    "query", [{"status": "bogus"}, {"sort": "password"}, {"q": "x" * 5000}, {"page": "-1"}, {"q": "'; DROP TABLE"}]
)
def test_hostile_filters_fall_back_or_find_nothing(world, as_person, query):
    response = as_person("member").get(ORG, query)
    assert response.status_code == 200


def test_empty_states(world, as_person):
    client = as_person("member")
    assert text_of(soup_of(client.get(ORG, {"q": "nothing like this"})), "#no-programmes") == (
        "No change programme matches the filter."
    )
    ChangeProgramme.objects.filter(organization=world.organization).delete()
    assert text_of(soup_of(client.get(ORG)), "#no-programmes") == "No change programmes yet."


def test_the_list_shows_no_other_organisation(world, as_person):
    soup = soup_of(as_person("admin").get(ORG))
    assert "Their reform" not in soup.get_text()


def test_the_list_takes_a_bounded_number_of_queries(world, as_person):
    client = as_person("member")
    client.get(ORG)
    with CaptureQueriesContext(connection) as few:
        client.get(ORG)
    for number in range(12):
        programme = services.create_programme(organization=world.organization, name=f"More {number}", actor=world.lead)
        services.record_readiness(
            programme=programme,
            factor_key="ensure_need",
            score=Decimal(3),
            assessed_on=datetime.date(2026, 11, 1),
            note="",
            actor=world.lead,
        )
    with CaptureQueriesContext(connection) as many:
        client.get(ORG)
    assert len(many) <= len(few) + 3


# --- Creating and editing ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", MANAGERS)
def test_managers_create_a_programme(world, as_person, name):
    response = as_person(name).post(f"{ORG}new/", _form(owner=world.owner.pk, sponsor=world.leader.pk))
    programme = ChangeProgramme.objects.get(organization=world.organization, name="Digital first")
    assert response.status_code == 302 and response["Location"] == programme_url(programme)
    assert (programme.owner, programme.sponsor, programme.status) == (world.owner, world.leader, "under_way")
    assert (programme.resource_budget, programme.resource_fte) == (Decimal("250000"), Decimal("2.5"))
    assert programme.institutionalisation_plan == "Online first becomes the standard for every new service."


@pytest.mark.parametrize("name", ("member", "owner", "oversight"))
def test_others_may_not_create(world, as_person, name):
    client = as_person(name)
    assert client.get(f"{ORG}new/").status_code == 403
    assert client.post(f"{ORG}new/", _form()).status_code == 403
    assert not ChangeProgramme.objects.filter(name="Digital first").exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "Name", "This field is required."),
        ({"name": "x" * 201}, "Name", "Ensure this value has at most 200 characters (it has 201)."),
        ({"vision": "x" * 4001}, "Vision", "at most 4000 characters"),
        ({"resource_budget": "-5"}, "Budget", "greater than or equal to 0"),
        ({"resource_fte": "many"}, "Staff", "Enter a number."),
        ({"status": "finished"}, "Status", "Select a valid choice."),
        ({"name": "home CARE reform"}, "", "name"),
    ],
)
def test_bad_input_is_refused_with_a_message(world, as_person, changes, field, message):
    before = ChangeProgramme.objects.count()
    summary = errors_of(as_person("lead").post(f"{ORG}new/", _form(**changes)))
    assert field in summary and message in summary
    assert ChangeProgramme.objects.count() == before


def test_another_organisations_person_is_not_a_valid_owner(world, as_person):
    stranger = world.foreign_programme.organization.memberships.first().user
    summary = errors_of(as_person("lead").post(f"{ORG}new/", _form(owner=stranger.pk, sponsor=stranger.pk)))
    assert "Owner: Select a valid choice." in summary and "Sponsor: Select a valid choice." in summary
    assert not ChangeProgramme.objects.filter(name="Digital first").exists()


@pytest.mark.parametrize("name", (*MANAGERS, "owner"))
def test_managers_and_the_owner_edit(world, as_person, name):
    client = as_person(name)
    form = soup_of(client.get(programme_url(world.programme, "edit")))
    assert form.select_one("#id_name")["value"] == "Home care reform"
    response = client.post(programme_url(world.programme, "edit"), _form(name="Home care reform", owner=world.owner.pk))
    assert response.status_code == 302
    world.programme.refresh_from_db()
    assert world.programme.vision == "Residents reach us online first."


@pytest.mark.parametrize("name", ("member", "oversight"))
def test_others_may_not_edit(world, as_person, name):
    client = as_person(name)
    assert client.get(programme_url(world.programme, "edit")).status_code == 403
    assert client.post(programme_url(world.programme, "edit"), _form()).status_code == 403
    world.programme.refresh_from_db()
    assert world.programme.name == "Home care reform"


def test_a_manager_archives_and_restores_a_programme_from_its_edit_page(world, as_person):
    client = as_person("lead")
    form = soup_of(client.get(programme_url(world.programme, "edit"))).select_one("#archive-programme")
    assert form.button.get_text(strip=True) == "Archive the programme"
    response = client.post(programme_url(world.programme, "edit"), {"archive": "1"})
    assert response.status_code == 302 and response["Location"] == programme_url(world.programme, "")
    world.programme.refresh_from_db()
    assert world.programme.archived
    assert "Home care reform" not in text_of(soup_of(client.get(ORG)), "main")
    assert text_of(soup_of(client.get(programme_url(world.programme, ""))), "#archived") == "Archived"
    client.post(programme_url(world.programme, "edit"), {"archive": "0"})
    world.programme.refresh_from_db()
    assert not world.programme.archived


@pytest.mark.parametrize("name", ("member", "oversight"))
def test_others_may_not_archive(world, as_person, name):
    assert as_person(name).post(programme_url(world.programme, "edit"), {"archive": "1"}).status_code == 403
    world.programme.refresh_from_db()
    assert not world.programme.archived


@pytest.mark.parametrize("page", ["", "edit", "parts", "readiness"])
def test_another_organisations_programme_is_not_found(world, as_person, page):
    client = as_person("admin")
    assert client.get(programme_url(world.foreign_programme, page)).status_code == 404
    posted = client.post(programme_url(world.foreign_programme, page), {**_form(name="Taken"), "action": "workshop"})
    # The programme page itself takes no posts at all.
    assert posted.status_code == (405 if page == "" else 404)
    world.foreign_programme.refresh_from_db()
    assert world.foreign_programme.name == "Their reform"


def test_an_archived_programme_leaves_the_list_but_keeps_its_page(world, as_person):
    services.archive_programme(programme=world.programme, actor=world.lead)
    client = as_person("member")
    assert soup_of(client.get(ORG)).select_one("#programme-table") is None
    assert text_of(soup_of(client.get(programme_url(world.programme))), "#archived") == "Archived"


# --- The programme page ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EVERYONE)
def test_every_member_reads_the_programme(world, as_person, name):
    soup = soup_of(as_person(name).get(programme_url(world.programme)))
    assert text_of(soup, "h1") == "Home care reform"
    assert bool(soup.select_one(f'a[href="{programme_url(world.programme, "edit")}"]')) == (
        name in (*MANAGERS, "owner")
    )


def test_the_programme_page_shows_everything(world, as_person):
    programme = world.programme
    services.update_programme(programme=programme, sponsor=world.leader, vision="Care at home.", actor=world.lead)
    services.link_initiative(programme=programme, initiative=world.initiative, actor=world.lead)
    services.add_milestone(
        programme=programme,
        title="New routine",
        due_on=datetime.date(2027, 3, 1),
        institutionalisation=True,
        actor=world.lead,
    )
    services.add_subsystem(programme=programme, name="Rostering", aligned=False, note="", actor=world.lead)
    services.add_supporter(
        programme=programme, name="Mayor Lund", kind="political", user=None, note="Council lead", actor=world.lead
    )
    services.record_readiness(
        programme=programme,
        factor_key="ensure_need",
        score=Decimal("3.5"),
        assessed_on=datetime.date(2026, 10, 2),
        note="",
        actor=world.lead,
    )
    services.check_evidence(programme=programme, item_key="case_documented", done=True, note="", actor=world.lead)
    soup = soup_of(as_person("member").get(programme_url(programme)))
    assert "Sponsor Leader" in text_of(soup, "#programme-facts")
    assert table_rows(soup, "#initiative-table") == [["Digital night watch", "Experiment"]]
    assert table_rows(soup, "#milestone-table") == [["New routine", "2027-03-01", "—", "Yes"]]
    assert table_rows(soup, "#subsystem-table") == [["Rostering", "Not yet", "—"]]
    assert table_rows(soup, "#supporter-table") == [["Mayor Lund", "Political overseer", "Council lead"]]
    readiness = table_rows(soup, "#readiness-table")
    assert readiness[0] == ["1. Ensure the need", "3.50", "Workshop", "2026-10-02", "1 of 4"]
    assert readiness[1][1:4] == ["Not scored", "—", "—"]
    assert len(readiness) == 8
    assert soup.select_one("#readiness-chart title") is not None
    assert len(soup.select("#readiness-chart rect")) == 8
    assert text_of(soup, "#evidence-progress").startswith("Evidence checklist: 1 of ")


def test_the_programme_page_names_each_warning_and_its_practice(world, as_person):
    soup = soup_of(as_person("member").get(programme_url(world.programme)))
    warnings = soup.select("#programme-warnings li[data-rule]")
    rules = {item["data-rule"] for item in warnings}
    assert "plan_too_vague" in rules
    assert all("What answers it:" in item.get_text() for item in warnings)


def test_the_programme_page_takes_a_bounded_number_of_queries(world, as_person):
    client = as_person("member")
    client.get(programme_url(world.programme))
    with CaptureQueriesContext(connection) as few:
        client.get(programme_url(world.programme))
    for number in range(6):
        services.add_milestone(
            programme=world.programme,
            title=f"Step {number}",
            due_on=datetime.date(2027, 1, 1 + number),
            institutionalisation=False,
            actor=world.lead,
        )
        services.add_subsystem(
            programme=world.programme, name=f"Part {number}", aligned=True, note="", actor=world.lead
        )
        services.record_readiness(
            programme=world.programme,
            factor_key="provide_plan",
            score=Decimal(2 + number % 3),
            assessed_on=datetime.date(2026, 1, 1 + number),
            note="",
            actor=world.lead,
        )
    with CaptureQueriesContext(connection) as many:
        client.get(programme_url(world.programme))
    assert len(many) <= len(few) + 2


def test_the_programme_page_names_the_initiatives_its_readiness_blocks(world, as_person):
    portfolio_services.configure_gate(
        organization=world.organization,
        stage="scaling",
        conditions=[
            {"kind": "change_readiness", "min_score": 3.0, "factors": ["ensure_need"], "require_sponsor": False}
        ],
        actor=world.admin,
    )
    services.link_initiative(programme=world.programme, initiative=world.initiative, actor=world.lead)
    services.record_readiness(
        programme=world.programme,
        factor_key="ensure_need",
        score=Decimal("2.5"),
        assessed_on=datetime.date(2026, 10, 2),
        note="",
        actor=world.lead,
    )
    client = as_person("member")
    blocked = text_of(soup_of(client.get(programme_url(world.programme))), "#blocked-initiatives")
    assert blocked == (
        "Digital night watch → Scaling Change readiness of “Home care reform”: factor 1, Ensure the need, "
        "scores 2.5; Scaling needs at least 3."
    )
    services.record_readiness(
        programme=world.programme,
        factor_key="ensure_need",
        score=Decimal(3),
        assessed_on=datetime.date(2026, 11, 2),
        note="",
        actor=world.lead,
    )
    blocked = text_of(soup_of(client.get(programme_url(world.programme))), "#blocked-initiatives")
    assert blocked == "The programme's readiness blocks no linked initiative's next stage."


def test_a_completed_programme_raises_no_warning(world, as_person):
    services.update_programme(programme=world.programme, status="completed", actor=world.lead)
    soup = soup_of(as_person("member").get(programme_url(world.programme)))
    assert text_of(soup, "#programme-warnings") == "No warning about this programme."


def test_the_pages_link_the_downloads(world, as_person):
    client = as_person("member")
    links = [a["href"] for a in soup_of(client.get(ORG, {"q": "home"})).select("#programme-downloads a")]
    assert links == [f"{ORG}export/?format=csv&q=home&status=", f"{ORG}export/?format=xlsx&q=home&status="]
    assert client.get(links[0]).status_code == 200
    readiness = soup_of(client.get(programme_url(world.programme, "readiness")))
    links = [a["href"] for a in readiness.select("#readiness-downloads a")]
    assert links == [f"{programme_url(world.programme, 'readiness')}export/?format={kind}" for kind in ("csv", "xlsx")]
    assert client.get(links[1]).status_code == 200


def test_the_pages_keep_a_search_with_odd_characters(world, as_person):
    for number in range(26):
        services.create_programme(organization=world.organization, name=f"R&D {number:02d}", actor=world.lead)
    soup = soup_of(as_person("member").get(ORG, {"q": "R&D"}))
    assert soup.select_one(".usa-pagination a")["href"] == "?q=R%26D&status=&sort=name&page=2"
