"""The initiative page with its records, and the pages that add to them: permissions, tenancy, CSRF, bad input."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from spaceforchange.portfolio import record_services, services
from spaceforchange.portfolio.models import Backing, Constraint, Goal, Setback, StageGate, StageTransition
from tests.factories import make_member, make_organization

pytestmark = pytest.mark.django_db


def url(world, suffix=""):
    return f"/o/northbay/initiatives/{world.initiative.pk}/{suffix}"


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def errors_of(response):
    return [node.get_text(" ", strip=True) for node in soup_of(response).select(".usa-error-message")]


def populate(world, scan_of):
    constraint = record_services.record_constraint(
        initiative=world.initiative,
        family="cognitive",
        object="belief",
        effect="dilutes",
        description="Staff think sensors replace care",
        severity=4,
        mitigation="Visits",
        added_on=world.days_ago(40),
    )
    record_services.record_constraint(
        initiative=world.initiative, family="regulatory", description="Consent", severity=4, status="removed"
    )
    record_services.record_backing(
        initiative=world.initiative, backer_name="Mayor Lund", level="politician", commitment="verbal"
    )
    record_services.record_setback(initiative=world.initiative, description="Sensor failed", support_held=False)
    scan_of(world.initiative, 4)
    return constraint


def test_detail_page_shows_records_scan_gate_and_history(world, scan_of, as_person, django_assert_max_num_queries):
    populate(world, scan_of)
    services.move_initiative(
        initiative=world.initiative, target="experiment", decided_by=world.lead, decided_on=world.today
    )
    client = as_person("owner")
    client.get(url(world))  # results are computed and stored on the first visit
    with django_assert_max_num_queries(60):
        response = client.get(url(world))
    soup = soup_of(response)
    assert response.status_code == 200
    scan_rows = soup.select("#scan-table tbody tr")
    assert len(scan_rows) == 8
    assert scan_rows[0].th.get_text(strip=True) == "Regulatory room"
    assert soup.select_one("#relief").get_text(" ", strip=True).startswith("Relief ratio 50 %")
    constraints = [row.th.get_text(strip=True) for row in soup.select("#constraint-table tbody tr")]
    assert constraints == ["Staff think sensors replace care", "Consent"]
    backing = soup.select_one("#backing-table tbody tr")
    assert [cell.get_text(strip=True) for cell in backing.find_all(["th", "td"])][:3] == [
        "Mayor Lund",
        "Politician",
        "Verbal support",
    ]
    assert soup.select_one("#setback-table tbody tr td:nth-of-type(2)").get_text(strip=True) == "No"
    kinds = [item["data-kind"] for item in soup.select("#timeline li")]
    assert (
        kinds[0] == "transition"
        and "scan" in kinds
        and kinds.count("transition") == 2
        and kinds.count("constraint") == 2
    )
    gate = [item.get_text(" ", strip=True) for item in soup.select("#gate-conditions li")]
    assert gate[0].startswith("Not yet: Named senior backing of at least Formal mandate")
    assert gate[1].startswith("Not yet: At most 0 active cognitive constraints")
    start = soup.find("a", string="Start a space-for-change scan")
    assert start["href"] == f"/o/northbay/assessments/new/?initiative={world.initiative.pk}"
    # The link to the results follows the assessments' permission: the lead may read them.
    assert soup.find("a", string="All results of this scan") is None
    lead_page = soup_of(as_person("lead").get(url(world)))
    campaign_id = world.initiative.campaigns.get().pk
    results = lead_page.find("a", string="All results of this scan")
    assert results["href"] == f"/o/northbay/assessments/{campaign_id}/results/"


def test_member_sees_the_page_but_no_actions(world, as_person):
    soup = soup_of(as_person("member").get(url(world)))
    links = {link.get_text(strip=True) for link in soup.find_all("a")}
    assert not links & {"Edit the initiative", "Change the stage", "Record a constraint", "Record backing"}
    assert "Start a space-for-change scan" not in links


@pytest.mark.parametrize("suffix", ["edit/", "move/", "constraints/new/", "backing/new/", "setbacks/new/"])
def test_plain_member_is_forbidden_everywhere(world, as_person, suffix):
    client = as_person("member")
    assert client.get(url(world, suffix)).status_code == 403
    assert client.post(url(world, suffix), {"title": "X", "target": "experiment"}).status_code == 403
    world.initiative.refresh_from_db()
    assert world.initiative.title == "Night watch" and world.initiative.stage == "idea"


def test_teammate_records_but_does_not_move_or_edit(world, as_person):
    client = as_person("teammate")
    assert client.get(url(world, "constraints/new/")).status_code == 200
    assert client.get(url(world, "move/")).status_code == 403
    assert client.get(url(world, "edit/")).status_code == 403


def test_foreign_and_mismatched_ids_are_404(world, as_person):
    other = make_organization()
    foreign = services.create_initiative(organization=other, title="Theirs")
    foreign_constraint = record_services.record_constraint(
        initiative=foreign, family="political", description="x", severity=1
    )
    sibling = services.create_initiative(organization=world.organization, title="Sibling")
    sibling_constraint = record_services.record_constraint(
        initiative=sibling, family="political", description="x", severity=1
    )
    client = as_person("lead")
    for suffix in ("", "edit/", "move/", "constraints/new/", "backing/new/", "setbacks/new/"):
        assert client.get(f"/o/northbay/initiatives/{foreign.pk}/{suffix}").status_code == 404
    for constraint in (foreign_constraint, sibling_constraint):
        assert client.post(url(world, f"constraints/{constraint.pk}/status/"), {"status": "removed"}).status_code == 404
    assert set(Constraint.objects.values_list("status", flat=True)) == {"active"}


def test_move_refused_without_backing_shows_each_condition_then_succeeds(world, as_person):
    client = as_person("owner")
    data = {"target": "experiment", "decided_by": world.lead.pk, "decided_on": world.today.isoformat()}
    assert client.post(url(world, "move/"), data).status_code == 302
    data["target"] = "scaling"
    response = client.post(url(world, "move/"), data)
    assert response.status_code == 200
    assert errors_of(response) == [
        "Scaling needs named senior backing (at least Formal mandate); no senior backer is recorded."
    ]
    record_services.record_backing(
        initiative=world.initiative, backer_name="Mayor Lund", level="politician", commitment="budget"
    )
    response = client.post(url(world, "move/"), data)
    assert response.status_code == 302 and response["Location"] == url(world)
    world.initiative.refresh_from_db()
    assert world.initiative.stage == "scaling"
    assert StageTransition.objects.filter(initiative=world.initiative).count() == 3


@pytest.mark.parametrize(
    "data",
    [
        {"target": "flying", "decided_on": "2020-01-01"},
        {"target": "experiment", "decided_on": "not-a-date"},
        {"target": "experiment", "decided_on": "1066-10-14"},
        {"target": "experiment", "reference": "x" * 201},
        {"target": "idea"},
    ],
)
def test_bad_move_input_rerenders_and_changes_nothing(world, as_person, data):
    response = as_person("lead").post(url(world, "move/"), {"decided_by": world.lead.pk, **data})
    assert response.status_code == 200 and errors_of(response)
    world.initiative.refresh_from_db()
    assert world.initiative.stage == "idea"


def test_foreign_decider_is_not_a_valid_choice(world, as_person):
    stranger = make_member(make_organization()).user
    data = {"target": "experiment", "decided_by": stranger.pk, "decided_on": world.today.isoformat()}
    response = as_person("lead").post(url(world, "move/"), data)
    assert soup_of(response).select_one("#id_decided_by_error") is not None
    assert StageTransition.objects.filter(initiative=world.initiative).count() == 1


def test_terminal_initiative_move_page_redirects(world, as_person):
    services.move_initiative(
        initiative=world.initiative, target="stopped", decided_by=world.lead, decided_on=world.today, reason="Done"
    )
    response = as_person("lead").get(url(world, "move/"))
    assert response.status_code == 302


def test_record_constraint_and_change_its_status(world, as_person):
    client = as_person("owner")
    data = {
        "family": "cognitive",
        "object": "belief",
        "effect": "halts",
        "description": "They think it cannot work",
        "severity": "5",
        "owner_stakeholder": "Union",
        "mitigation": "Study visit",
        "status": "active",
        "added_on": world.days_ago(2).isoformat(),
    }
    assert client.post(url(world, "constraints/new/"), data).status_code == 302
    constraint = Constraint.objects.get()
    assert (constraint.severity, constraint.owner_stakeholder, constraint.created_by) == (5, "Union", world.owner)
    status_url = url(world, f"constraints/{constraint.pk}/status/")
    assert client.get(status_url).status_code == 200
    response = client.post(status_url, {"status": "redefined", "changed_on": world.today.isoformat(), "note": "Agreed"})
    assert response.status_code == 302
    constraint.refresh_from_db()
    assert constraint.status == "redefined" and constraint.status_changes.count() == 2


@pytest.mark.parametrize(
    "changes",
    [
        {"family": "astral"},
        {"severity": "9"},
        {"severity": "<script>"},
        {"description": ""},
        {"description": "x" * 2001},
        {"added_on": "2999-01-01"},
        {"status": "gone"},
    ],
)
def test_bad_constraint_input_changes_nothing(world, as_person, changes):
    data = {"family": "regulatory", "description": "Rules", "severity": "3", "status": "active", **changes}
    response = as_person("owner").post(url(world, "constraints/new/"), data)
    assert response.status_code == 200 and errors_of(response)
    assert not Constraint.objects.exists()


def test_same_status_is_refused_on_the_page(world, as_person):
    constraint = record_services.record_constraint(
        initiative=world.initiative, family="political", description="x", severity=1
    )
    response = as_person("owner").post(url(world, f"constraints/{constraint.pk}/status/"), {"status": "active"})
    assert errors_of(response) == ["The constraint already has this status."]


def test_record_backing_person_named_and_withdrawal(world, as_person):
    client = as_person("teammate")
    base = {"level": "senior_leader", "recorded_on": world.today.isoformat()}
    assert (
        client.post(url(world, "backing/new/"), {**base, "backer": world.lead.pk, "commitment": "budget"}).status_code
        == 302
    )
    assert (
        client.post(url(world, "backing/new/"), {**base, "backer_name": "Dahl", "commitment": "withdrawn"}).status_code
        == 302
    )
    assert list(Backing.objects.order_by("pk").values_list("backer_name", "commitment")) == [
        (str(world.lead), "budget"),
        ("Dahl", ""),
    ]


@pytest.mark.parametrize(
    "data",
    [
        {"level": "politician", "commitment": "verbal"},
        {"backer_name": "A", "level": "emperor", "commitment": "verbal"},
        {"backer_name": "A", "level": "politician", "commitment": "oath"},
        {"backer": "999999", "level": "politician", "commitment": "verbal"},
    ],
)
def test_bad_backing_input_changes_nothing(world, as_person, data):
    response = as_person("owner").post(url(world, "backing/new/"), data)
    assert response.status_code == 200 and errors_of(response) + [
        node.get_text() for node in soup_of(response).select(".usa-alert--error")
    ]
    assert not Backing.objects.exists()


def test_foreign_backer_is_not_a_valid_choice(world, as_person):
    stranger = make_member(make_organization()).user
    data = {"backer": stranger.pk, "level": "politician", "commitment": "verbal"}
    response = as_person("owner").post(url(world, "backing/new/"), data)
    assert soup_of(response).select_one("#id_backer_error") is not None
    assert not Backing.objects.exists()


def test_record_setback(world, as_person):
    client = as_person("owner")
    response = client.post(url(world, "setbacks/new/"), {"description": "Storm", "support_held": "yes"})
    assert response.status_code == 302
    assert list(Setback.objects.values_list("description", "support_held")) == [("Storm", True)]
    response = client.post(url(world, "setbacks/new/"), {"description": "", "support_held": "maybe"})
    assert len(errors_of(response)) == 2 and Setback.objects.count() == 1


def test_csrf_is_enforced(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.lead)
    data = {"target": "experiment", "decided_by": world.lead.pk, "decided_on": world.today.isoformat()}
    assert client.post(url(world, "move/"), data).status_code == 403
    assert client.post(url(world, "setbacks/new/"), {"description": "x"}).status_code == 403
    assert client.post("/o/northbay/initiatives/gates/", {"stage": "scaling"}).status_code == 403
    assert not Setback.objects.exists() and not StageGate.objects.exists()
    world.initiative.refresh_from_db()
    assert world.initiative.stage == "idea"


def test_edit_initiative(world, as_person):
    goal = services.create_goal(organization=world.organization, title="Greener")
    client = as_person("owner")
    page = soup_of(client.get(url(world, "edit/")))
    assert page.select_one("#id_stage") is None
    data = {
        "title": "Night watch 2",
        "change_form": "bold_experimentation",
        "initiator_level": "front_line_staff",
        "trigger": "crisis",
        "goals": [goal.pk],
        "team": [world.teammate.pk, world.member.pk],
        "uses_ai": "on",
        "owner": world.owner.pk,
    }
    assert client.post(url(world, "edit/"), data).status_code == 302
    world.initiative.refresh_from_db()
    assert (world.initiative.title, world.initiative.trigger, world.initiative.uses_ai) == (
        "Night watch 2",
        "crisis",
        True,
    )
    assert set(world.initiative.team.all()) == {world.teammate, world.member}


def test_edit_refuses_foreign_goal_and_unknown_keys(world, as_person):
    foreign_goal = services.create_goal(organization=make_organization(), title="Theirs")
    client = as_person("lead")
    response = client.post(url(world, "edit/"), {"title": "X", "goals": [foreign_goal.pk], "change_form": "revolution"})
    assert {"id_goals_error", "id_change_form_error"} <= {
        node["id"] for node in soup_of(response).select(".usa-error-message")
    }
    world.initiative.refresh_from_db()
    assert world.initiative.title == "Night watch"


def test_goals_page(world, as_person):
    lead = as_person("lead")
    assert lead.post("/o/northbay/initiatives/goals/", {"title": "Greener"}).status_code == 302
    goal = Goal.objects.get()
    assert lead.post(f"/o/northbay/initiatives/goals/{goal.pk}/active/", {"active": "0"}).status_code == 302
    goal.refresh_from_db()
    assert not goal.active
    response = lead.post("/o/northbay/initiatives/goals/", {"title": "greener"})
    assert errors_of(response) == ["A goal with this title already exists."]
    member = as_person("member")
    assert member.get("/o/northbay/initiatives/goals/").status_code == 200
    assert member.post("/o/northbay/initiatives/goals/", {"title": "Mine"}).status_code == 403
    assert member.post(f"/o/northbay/initiatives/goals/{goal.pk}/active/", {"active": "1"}).status_code == 403
    assert lead.get(f"/o/northbay/initiatives/goals/{goal.pk}/active/").status_code == 405
    foreign = services.create_goal(organization=make_organization(), title="Theirs")
    assert lead.post(f"/o/northbay/initiatives/goals/{foreign.pk}/active/", {"active": "0"}).status_code == 404
    assert Goal.objects.filter(organization=world.organization).count() == 1


def test_gate_settings_page(world, as_person):
    assert as_person("owner").get("/o/northbay/initiatives/gates/").status_code == 403
    lead = as_person("lead")
    soup = soup_of(lead.get("/o/northbay/initiatives/gates/"))
    assert [heading.get_text(strip=True) for heading in soup.select("section h2")] == [
        "Entering Experiment",
        "Entering Scaling",
        "Entering Integrated",
    ]
    assert soup.select_one("#id_scaling-senior_backing").has_attr("checked")
    data = {
        "stage": "experiment",
        "experiment-recent_scan": "on",
        "experiment-max_age_days": "90",
        "experiment-decision_reference": "on",
    }
    assert lead.post("/o/northbay/initiatives/gates/", data).status_code == 302
    gate = StageGate.objects.get()
    assert gate.conditions == [{"kind": "recent_scan", "max_age_days": 90}, {"kind": "decision_reference"}]


@pytest.mark.parametrize(
    "data",
    [
        {"stage": "experiment", "experiment-recent_scan": "on", "experiment-max_age_days": ""},
        {"stage": "experiment", "experiment-scan_minimum": "on", "experiment-min_score": "11"},
        {"stage": "experiment", "experiment-senior_backing": "on", "experiment-min_commitment": "oath"},
        {
            "stage": "experiment",
            "experiment-scan_minimum": "on",
            "experiment-min_score": "3",
            "experiment-dimensions": ["vibes"],
        },
        {"stage": "idea"},
    ],
)
def test_bad_gate_input_changes_nothing(world, as_person, data):
    response = as_person("lead").post("/o/northbay/initiatives/gates/", data)
    assert response.status_code == 200
    assert errors_of(response) or soup_of(response).select(".usa-alert--error")
    assert not StageGate.objects.exists()


def test_detail_page_queries_do_not_grow_with_the_records(world, scan_of, as_person):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    populate(world, scan_of)
    client = as_person("owner")
    client.get(url(world))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(world)).status_code == 200
        return len(queries)

    before = count()
    for number in range(5):
        recorded = record_services.record_constraint(
            initiative=world.initiative, family="political", description=f"More {number}", severity=2
        )
        record_services.change_constraint_status(constraint=recorded, status="removed")
        record_services.record_backing(
            initiative=world.initiative, backer=world.teammate, level="front_line_staff", commitment="verbal"
        )
        record_services.record_setback(initiative=world.initiative, description=f"Setback {number}")
    assert count() == before
