"""Walks every URL pattern and API route and proves that a member of organisation A gets 404
for organisation B: for B's slug, and for B's objects addressed through A's slug.

A new route with a path parameter this test does not know fails here on purpose: teach
``FOREIGN_OBJECTS`` how to make B's object for it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from spaceforchange.core import services as core_services
from spaceforchange.core.models import Organization
from tests import factories

pytestmark = pytest.mark.django_db

ORG_PREFIX = "o/<slug:org_slug>/"
API_PREFIX = "api/v1/"


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        else:
            yield route, entry


def organization_routes() -> list[str]:
    return sorted({route for route, _ in _walk(get_resolver().url_patterns) if route.startswith(ORG_PREFIX)})


def api_routes() -> list[str]:
    return sorted(
        {
            route
            for route, _ in _walk(get_resolver().url_patterns)
            if route.startswith(API_PREFIX) and "org_slug" in route
        }
    )


_numbers = itertools.count(1)


def _foreign_initiative(other: Organization) -> Any:
    from spaceforchange.portfolio import services

    return services.create_initiative(organization=other, title=f"Foreign initiative {next(_numbers)}").pk


def _foreign_idea(other: Organization) -> Any:
    from spaceforchange.portfolio import idea_services

    return idea_services.submit_idea(
        organization=other,
        submitted_by=factories.make_member(other).user,
        title=f"Foreign idea {next(_numbers)}",
        problem="A problem",
        proposal="A proposal",
    ).pk


def _foreign_import(other: Organization) -> Any:
    from spaceforchange.assessments import import_services

    campaign = factories.make_campaign(other)
    return import_services.upload_survey_file(campaign=campaign, uploaded_name="a.csv", data=b"r1\n4\n").pk


def _foreign_mapping(other: Organization) -> Any:
    from spaceforchange.assessments import import_services

    key = factories.make_pack(organization=other).pack.key
    mapping = import_services.save_column_mapping(
        organization=other,
        name=f"Foreign {next(_numbers)}",
        pack_key=key,
        instrument_key="scan",
        columns={"statements": {"r1": "r1"}},
    )
    return mapping.pk


# path parameter name -> builds B's object and returns the value to put in the URL
def _foreign_consultation(other: Organization) -> Any:
    from spaceforchange.consultations import services

    return services.create_consultation(
        organization=other, title=f"Foreign consultation {next(_numbers)}", seed_statements=["A foreign statement."]
    )


def _foreign_team(other: Organization) -> Any:
    from spaceforchange.people import services as people_services

    return people_services.create_team(organization=other, name=f"Foreign team {next(_numbers)}", actor=None)


def _foreign_programme(other: Organization) -> Any:
    from spaceforchange.change import services as change_services

    return change_services.create_programme(organization=other, name=f"Foreign programme {next(_numbers)}", actor=None)


def _foreign_programme_part(other: Organization, part: str) -> int:
    import datetime

    from spaceforchange.change import services as change_services

    programme = _foreign_programme(other)
    if part == "milestone":
        made: Any = change_services.add_milestone(programme=programme, title="Plan", due_on=datetime.date(2027, 1, 1))
    elif part == "subsystem":
        made = change_services.add_subsystem(programme=programme, name="Technology")
    else:
        made = change_services.add_supporter(programme=programme, name="Mayor", kind="political")
    return int(made.pk)


def _foreign_cycle(other: Organization) -> Any:
    import datetime

    from spaceforchange.budgeting import budget_services

    return budget_services.create_budget_cycle(
        organization=other,
        name=f"Foreign cycle {next(_numbers)}",
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
        total_budget=1000,
    )


def _foreign_line(other: Organization) -> Any:
    from spaceforchange.budgeting import budget_services

    return budget_services.save_budget_line(
        cycle=_foreign_cycle(other),
        code=f"F{next(_numbers)}",
        title="Foreign line",
        unit=factories.make_unit(other),
        amount=500,
        purpose="innovation",
    )


def _foreign_revision(other: Organization) -> Any:
    from spaceforchange.budgeting import services

    return services.revise_strategy(
        organization=other,
        vision="A foreign vision",
        goals=[{"title": f"Foreign goal {next(_numbers)}", "weight": 100}],
        summary="First strategy",
        reason="A new council",
    )


def _foreign_contribution_statement(other: Organization) -> Any:
    from spaceforchange.budgeting import services

    return services.submit_contribution_statement(
        cycle=_foreign_cycle(other),
        unit=factories.make_unit(other),
        statement="We contribute.",
        submitted_by=factories.make_member(other).user,
    )


FOREIGN_OBJECTS: dict[str, Callable[[Organization], Any]] = {
    "initiative_id": _foreign_initiative,
    "unit_id": lambda other: factories.make_unit(other).pk,
    "membership_id": lambda other: factories.make_member(other).pk,
    "member_id": lambda other: factories.make_member(other).pk,
    # Framework packs: a pack only B has (its key), a version of it, and any item key.
    "key": lambda other: factories.make_pack(organization=other).pack.key,
    "version_id": lambda other: factories.make_pack(organization=other).pk,
    "item_key": lambda other: "room",
    "invitation_id": lambda other: (
        core_services.create_invitation(organization=other, created_by=None, roles=["member"])[0].pk
    ),
    "campaign_id": lambda other: factories.make_campaign(other).pk,
    "import_id": lambda other: _foreign_import(other),
    "mapping_id": lambda other: _foreign_mapping(other),
    "alert_id": lambda other: (
        __import__("tests.integration.alerts.helpers").integration.alerts.helpers.make_alert(other).pk
    ),
    "goal_id": lambda other: (
        __import__("spaceforchange.portfolio.services")
        .portfolio.services.create_goal(organization=other, title=f"Foreign goal {next(_numbers)}")
        .pk
    ),
    "constraint_id": lambda other: (
        __import__("spaceforchange.portfolio.record_services")
        .portfolio.record_services.record_constraint(
            initiative=__import__("spaceforchange.portfolio.models").portfolio.models.Initiative.objects.get(
                pk=_foreign_initiative(other)
            ),
            family="regulatory",
            description="Foreign constraint",
            severity=3,
        )
        .pk
    ),
    "idea_id": lambda other: _foreign_idea(other),
    "policy_id": lambda other: factories.make_registered_policy(other).pk,
    "stakeholder_id": lambda other: factories.make_stakeholder(other).pk,
    "judgment_id": lambda other: factories.make_judgment_in(other).pk,
    "condition_id": lambda other: factories.make_judgment_in(other).conditions.get().pk,
    "action_id": lambda other: factories.make_legitimation_action(other).pk,
    "entry_id": lambda other: factories.make_gray_zone_entry(other).pk,
    "report_id": lambda other: (
        factories.make_scrutiny_report(factories.make_registered_policy(other), factories.make_member(other).user).pk
    ),
    "challenge_id": lambda other: (
        __import__("spaceforchange.portfolio.idea_services")
        .portfolio.idea_services.open_challenge(
            organization=other,
            title=f"Foreign challenge {next(_numbers)}",
            theme="A theme",
            closes_on=__import__("datetime").date(2100, 1, 1),
        )
        .pk
    ),
    "consultation_id": lambda other: _foreign_consultation(other).pk,
    "statement_id": lambda other: _foreign_consultation(other).statements.get().pk,
    "file_format": lambda other: "csv",
    "format": lambda other: "csv",
    "cycle_id": lambda other: _foreign_cycle(other).pk,
    "line_id": lambda other: _foreign_line(other).pk,
    "revision_id": lambda other: _foreign_revision(other).pk,
    "scenario_id": lambda other: (
        __import__("spaceforchange.budgeting.scenario_services")
        .budgeting.scenario_services.run_scenario(cycle=_foreign_line(other).cycle, method="current")
        .pk
    ),
    # A goal contribution's subject: a kind of thing, then that thing's id (an initiative of B).
    "subject": lambda other: "initiative",
    "subject_id": lambda other: _foreign_initiative(other),
    "team_id": lambda other: _foreign_team(other).pk,
    "user_id": lambda other: factories.make_member(other).user.pk,
    # Keys and periods name no object of their own; the foreign team or programme beside them must 404
    # (an evidence item_key is filled with a framework item key, as above).
    "role_key": lambda other: "paradoxical_leadership",
    "period": lambda other: "2026-Q1",
    "programme_id": lambda other: _foreign_programme(other).pk,
    "milestone_id": lambda other: _foreign_programme_part(other, "milestone"),
    "subsystem_id": lambda other: _foreign_programme_part(other, "subsystem"),
    "supporter_id": lambda other: _foreign_programme_part(other, "supporter"),
    "sponsor_id": lambda other: (
        __import__("spaceforchange.portfolio.idea_services")
        .portfolio.idea_services.set_idea_sponsor(
            organization=other, unit=None, person=factories.make_member(other).user
        )
        .pk
    ),
}

PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>|\{(?P<api_name>\w+)\}")


def fill(route: str, values: dict[str, Any]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group("name") or match.group("api_name")
        if name not in values:
            pytest.fail(
                f"route {route!r} has a parameter {name!r} the tenancy test cannot fill; add it to FOREIGN_OBJECTS"
            )
        return str(values[name])

    return "/" + PARAMETER.sub(replace, route).replace("^", "").replace("$", "")


@pytest.fixture
def world(client):
    home, other = factories.make_organization(slug="home-org"), factories.make_organization(slug="other-org")
    member = factories.make_member(home, roles=[role for role, _ in factories_roles()])
    factories.make_member(other)
    client.force_login(member.user)
    return home, other


def factories_roles() -> list[tuple[str, str]]:
    from spaceforchange.core.models import Role

    return list(Role.choices)


def test_routes_were_found():
    assert ORG_PREFIX in organization_routes()
    assert api_routes(), "no organisation-scoped API route found"


@pytest.mark.parametrize("method", ["get", "post"])
def test_other_organizations_slug_is_404_on_every_page(client, world, method):
    _home, other = world
    for route in organization_routes():
        values = {"org_slug": other.slug, **{name: build(other) for name, build in _needed(route).items()}}
        url = fill(route, values)
        response = getattr(client, method)(url)
        assert response.status_code == 404, f"{method.upper()} {url} answered {response.status_code}"


@pytest.mark.parametrize("method", ["get", "post"])
def test_other_organizations_objects_are_404_through_own_slug(client, world, method):
    home, other = world
    for route in organization_routes():
        needed = _needed(route)
        if not needed:
            continue
        url = fill(route, {"org_slug": home.slug, **{name: build(other) for name, build in needed.items()}})
        response = getattr(client, method)(url)
        # 405 means the view refuses the method before it looks anything up: nothing leaks.
        assert response.status_code in {404, 405}, f"{method.upper()} {url} answered {response.status_code}"


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_api_routes_answer_404_problem_for_other_organization(client, world, method):
    home, other = world
    for route in api_routes():
        for slug in (other.slug, home.slug):
            needed = _needed(route)
            if slug == home.slug and not needed:
                continue
            url = fill(route, {"org_slug": slug, **{name: build(other) for name, build in needed.items()}})
            if method in {"get", "delete"}:
                response = getattr(client, method)(url)
            else:
                response = getattr(client, method)(url, data="{}", content_type="application/json")
            if response.status_code == 405:
                continue  # this method is not served on this route at all
            assert response.status_code == 404, f"{method.upper()} {url} answered {response.status_code}"
            assert response["Content-Type"].startswith("application/"), url


# Parameters whose name means another thing under some paths: a budget cycle's statements are units'
# contribution statements, not a consultation's.
ROUTE_OBJECTS: dict[tuple[str, str], Callable[[Organization], Any]] = {
    ("budget", "statement_id"): lambda other: _foreign_contribution_statement(other).pk,
}


def _needed(route: str) -> dict[str, Callable[[Organization], Any]]:
    names = [m.group("name") or m.group("api_name") for m in PARAMETER.finditer(route)]
    return {name: _builder(route, name) for name in names if name != "org_slug"}


def _builder(route: str, name: str) -> Callable[[Organization], Any]:
    for (fragment, parameter), build in ROUTE_OBJECTS.items():
        if parameter == name and fragment in route:
            return build
    return FOREIGN_OBJECTS.get(name, _unknown(route, name))


def _unknown(route: str, name: str) -> Callable[[Organization], Any]:
    def fail(other: Organization) -> Any:
        pytest.fail(f"route {route!r} has a parameter {name!r} the tenancy test cannot fill; add it to FOREIGN_OBJECTS")

    return fail
