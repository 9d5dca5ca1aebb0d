"""The parts page: milestones, subsystems, supporters and linked initiatives, for every role."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from spaceforchange.budgeting import budget_services
from spaceforchange.change import services
from spaceforchange.change.models import Milestone, Subsystem, Supporter
from spaceforchange.portfolio.services import today_in
from tests.factories import make_unit
from tests.web.change.helpers import errors_of, programme_url, soup_of, table_rows

pytestmark = pytest.mark.django_db

EDITORS = ("lead", "leader", "admin", "owner")


def parts(world):  # type: ignore[no-untyped-def]
    return programme_url(world.programme, "parts")


def milestone(world, title="New routine", **fields):  # type: ignore[no-untyped-def]
    values = {"due_on": datetime.date(2027, 3, 1), "institutionalisation": False} | fields
    return services.add_milestone(programme=world.programme, title=title, actor=world.lead, **values)


@pytest.mark.parametrize("name", EDITORS)
def test_editors_add_a_milestone_with_the_institutionalisation_flag(world, as_person, name):
    response = as_person(name).post(
        parts(world),
        {
            "action": "milestone_add",
            "milestone-title": "Routine in every district",
            "milestone-due_on": "2027-06-30",
            "milestone-institutionalisation": "on",
        },
    )
    assert response.status_code == 302
    added = Milestone.objects.get(programme=world.programme)
    assert (added.title, added.due_on, added.institutionalisation) == (
        "Routine in every district",
        datetime.date(2027, 6, 30),
        True,
    )
    soup = soup_of(as_person(name).get(parts(world)))
    assert table_rows(soup, "#milestone-table")[0][:4] == ["Routine in every district", "2027-06-30", "—", "Yes"]


@pytest.mark.parametrize("name", ("member", "oversight"))
def test_readers_may_not_open_or_post_the_parts_page(world, as_person, name):
    client = as_person(name)
    assert client.get(parts(world)).status_code == 403
    response = client.post(
        parts(world), {"action": "milestone_add", "milestone-title": "Sneaky", "milestone-due_on": "2027-01-01"}
    )
    assert response.status_code == 403
    assert not Milestone.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"milestone-title": "", "milestone-due_on": "2027-01-01"}, "Milestone: This field is required."),
        ({"milestone-title": "x" * 201, "milestone-due_on": "2027-01-01"}, "at most 200 characters"),
        ({"milestone-title": "Step", "milestone-due_on": "next week"}, "Due: Enter a valid date."),
        ({"milestone-title": "Step", "milestone-due_on": "1066-10-14"}, "Due: The date is out of range."),
    ],
)
def test_a_bad_milestone_is_refused(world, as_person, data, message):
    response = as_person("lead").post(parts(world), {"action": "milestone_add", **data})
    assert message in errors_of(response)
    assert not Milestone.objects.exists()


def test_a_milestone_is_marked_done_and_removed(world, as_person):
    step = milestone(world)
    client = as_person("owner")
    day = today_in(world.organization) - datetime.timedelta(days=2)
    future = today_in(world.organization) + datetime.timedelta(days=2)
    refused = client.post(parts(world), {"action": "milestone_done", "done-milestone": step.pk, "done-done_on": future})
    assert "The date lies in the future." in errors_of(refused)
    step.refresh_from_db()
    assert step.done_on is None
    response = client.post(parts(world), {"action": "milestone_done", "done-milestone": step.pk, "done-done_on": day})
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.done_on == day
    assert client.post(parts(world), {"action": "milestone_remove", "item": step.pk}).status_code == 302
    assert not Milestone.objects.filter(pk=step.pk).exists()


def test_another_programmes_parts_are_not_found(world, as_person):
    theirs = services.add_milestone(
        programme=world.foreign_programme,
        title="Theirs",
        due_on=datetime.date(2027, 1, 1),
        institutionalisation=False,
        actor=None,
    )
    client = as_person("admin")
    for action in ("milestone_remove", "subsystem_remove", "supporter_remove", "initiative_unlink"):
        assert client.post(parts(world), {"action": action, "item": theirs.pk}).status_code == 404
    response = client.post(
        parts(world), {"action": "milestone_done", "done-milestone": theirs.pk, "done-done_on": "2027-01-02"}
    )
    assert response.status_code == 404
    for item in ("", "abc", "-4", "9" * 30):
        assert client.post(parts(world), {"action": "milestone_remove", "item": item}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.done_on is None


def test_an_unknown_action_changes_nothing(world, as_person):
    response = as_person("lead").post(parts(world), {"action": "drop_tables"}, follow=True)
    assert "Nothing was changed" in response.content.decode()


def test_subsystems_are_added_and_removed(world, as_person):
    client = as_person("leader")
    data = {"action": "subsystem_add", "subsystem-name": "Rostering", "subsystem-aligned": "on", "subsystem-note": "IT"}
    assert client.post(parts(world), data).status_code == 302
    added = Subsystem.objects.get(programme=world.programme)
    assert (added.name, added.aligned, added.note) == ("Rostering", True, "IT")
    assert client.post(parts(world), {"action": "subsystem_remove", "item": added.pk}).status_code == 302
    assert not Subsystem.objects.exists()


def test_a_duplicate_subsystem_is_refused_with_a_message(world, as_person):
    services.add_subsystem(programme=world.programme, name="Rostering", aligned=False, note="", actor=world.lead)
    response = as_person("lead").post(parts(world), {"action": "subsystem_add", "subsystem-name": "rostering"})
    assert "Rostering" in errors_of(response) or "already" in errors_of(response)
    assert Subsystem.objects.count() == 1


def test_supporters_are_members_or_named_outsiders(world, as_person):
    client = as_person("lead")
    member = {"action": "supporter_add", "supporter-kind": "top_management", "supporter-user": world.leader.pk}
    assert client.post(parts(world), member).status_code == 302
    outsider = {
        "action": "supporter_add",
        "supporter-kind": "external_stakeholder",
        "supporter-name": "Patients' union",
    }
    assert client.post(parts(world), outsider).status_code == 302
    assert sorted(Supporter.objects.values_list("kind", "user", "name")) == [
        ("external_stakeholder", None, "Patients' union"),
        ("top_management", world.leader.pk, "Leader"),
    ]
    removed = Supporter.objects.get(kind="top_management")
    assert client.post(parts(world), {"action": "supporter_remove", "item": removed.pk}).status_code == 302
    assert Supporter.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"supporter-kind": "political"}, "Choose a member or write the supporter's name."),
        ({"supporter-kind": "king", "supporter-name": "Someone"}, "Kind of support: Select a valid choice."),
        ({"supporter-kind": "political", "supporter-name": "x" * 201}, "at most 200 characters"),
    ],
)
def test_a_bad_supporter_is_refused(world, as_person, data, message):
    response = as_person("lead").post(parts(world), {"action": "supporter_add", **data})
    assert message in errors_of(response)
    assert not Supporter.objects.exists()


def test_a_supporter_from_another_organisation_is_refused(world, as_person):
    stranger = world.foreign.memberships.first().user
    data = {"action": "supporter_add", "supporter-kind": "top_management", "supporter-user": stranger.pk}
    assert "Select a valid choice." in errors_of(as_person("lead").post(parts(world), data))
    assert not Supporter.objects.exists()


def test_initiatives_are_linked_and_unlinked(world, as_person):
    client = as_person("owner")
    assert (
        client.post(parts(world), {"action": "initiative_link", "link-initiative": world.initiative.pk}).status_code
        == 302
    )
    assert list(world.programme.initiatives.all()) == [world.initiative]
    soup = soup_of(client.get(parts(world)))
    assert table_rows(soup, "#initiative-table")[0][:2] == ["Digital night watch", "Experiment"]
    assert client.post(parts(world), {"action": "initiative_unlink", "item": world.initiative.pk}).status_code == 302
    assert not world.programme.initiatives.exists()


def test_another_organisations_initiative_cannot_be_linked(world, as_person):
    data = {"action": "initiative_link", "link-initiative": world.foreign_initiative.pk}
    assert "Initiative: Select a valid choice." in errors_of(as_person("lead").post(parts(world), data))
    assert not world.programme.initiatives.exists()
    assert not world.foreign_initiative.change_programmes.exists()


def test_a_subsystem_is_marked_aligned_and_back(world, as_person):
    part = services.add_subsystem(programme=world.programme, name="Rostering", aligned=False, note="", actor=world.lead)
    client = as_person("lead")
    assert (
        client.post(parts(world), {"action": "subsystem_aligned", "item": part.pk, "aligned": "1"}).status_code == 302
    )
    part.refresh_from_db()
    assert part.aligned is True
    assert (
        client.post(parts(world), {"action": "subsystem_aligned", "item": part.pk, "aligned": "0"}).status_code == 302
    )
    part.refresh_from_db()
    assert part.aligned is False


def _budget_line(organization, code: str):  # type: ignore[no-untyped-def]
    cycle = budget_services.create_budget_cycle(
        organization=organization,
        name=f"2027 {code}",
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
        total_budget=Decimal(1000),
    )
    unit = make_unit(organization)
    return budget_services.save_budget_line(
        cycle=cycle, code=code, title=f"Line {code}", unit=unit, amount=Decimal(100), purpose="innovation"
    )


def test_budget_lines_are_linked_and_unlinked(world, as_person):
    line = _budget_line(world.organization, "H-01")
    client = as_person("owner")
    assert client.post(parts(world), {"action": "line_link", "line-line": line.pk}).status_code == 302
    assert list(world.programme.budget_lines.all()) == [line]
    detail = soup_of(client.get(programme_url(world.programme)))
    assert "2027 H-01: H-01 Line H-01" in detail.select_one("#programme-lines").get_text()
    assert client.post(parts(world), {"action": "line_unlink", "item": line.pk}).status_code == 302
    assert not world.programme.budget_lines.exists()


def test_another_organisations_budget_line_cannot_be_linked(world, as_person):
    theirs = _budget_line(world.foreign, "X-01")
    response = as_person("lead").post(parts(world), {"action": "line_link", "line-line": theirs.pk})
    assert "Budget line: Select a valid choice." in errors_of(response)
    assert not world.programme.budget_lines.exists()
    assert as_person("lead").post(parts(world), {"action": "line_unlink", "item": theirs.pk}).status_code == 404
