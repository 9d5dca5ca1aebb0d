"""The policy pages: register, forms, policy page, reports and answers, signals, my reports.

HTML is parsed, not grepped. Covers permissions, tenancy (404 for another organisation's ids),
anonymity of reporters, bad input, and that the main pages take a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from spaceforchange.policies.models import Policy, PolicySignal, ScrutinyReport
from tests.factories import make_member, make_organization, make_registered_policy, make_scrutiny_report, make_unit
from tests.integration.policies.conftest import World, judge, stakeholder

pytestmark = pytest.mark.django_db
BASE = "/o/northbay/policies/"


def soup_of(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def text_of(soup: BeautifulSoup, selector: str) -> str:
    found = soup.select_one(selector)
    assert found is not None, selector
    return " ".join(found.get_text(" ").split())


def test_register_lists_policies_with_level_and_filters(world: World, as_person: Callable[[str], Client]) -> None:
    tense = make_registered_policy(world.organization, "Parking permits")
    make_scrutiny_report(tense, world.member)
    make_scrutiny_report(tense, world.colleague)
    soup = soup_of(as_person("member").get(BASE))
    rows = [
        [" ".join(cell.get_text(" ").split()) for cell in row.select("th, td")]
        for row in soup.select("#policies tbody tr")
    ]
    assert [row[0] for row in rows] == ["Parking permits", "Standard visit times"]
    assert rows[0][1] == "No manager" and rows[0][3].startswith("2 ")
    assert soup.find("a", string="Register a policy") is None
    filtered = soup_of(as_person("member").get(BASE, {"level": "2", "unmanaged": "1", "q": "park", "sort": "tension"}))
    assert len(filtered.select("#policies tbody tr")) == 1
    hostile = soup_of(as_person("member").get(BASE, {"level": "99<script>", "sort": "drop", "page": "x" * 500}))
    assert len(hostile.select("#policies tbody tr")) == 2


def test_lead_registers_a_policy_and_sees_it(world: World, as_person: Callable[[str], Client]) -> None:
    unit = make_unit(world.organization, "Library")
    client = as_person("lead")
    assert soup_of(client.get(BASE + "new/")).select_one("form input[name=title]") is not None
    response = client.post(
        BASE + "new/", {"title": "Age limit", "manager": world.manager.pk, "enforcing_units": [unit.pk]}
    )
    policy = Policy.objects.get(title="Age limit")
    assert response.status_code == 302 and response["Location"] == f"{BASE}{policy.pk}/"
    assert [u.pk for u in policy.enforcing_units.all()] == [unit.pk]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"title": "x" * 201},
        {"title": "Standard visit times"},
        {"title": "A", "manager": "999999"},
        {"title": "A", "last_reviewed_on": "1800-01-01"},
        {"title": "A", "next_review_on": "not a date"},
    ],
)
def test_bad_policy_forms_rerender_with_errors(
    world: World, as_person: Callable[[str], Client], data: dict[str, object]
) -> None:
    soup = soup_of(as_person("lead").post(BASE + "new/", data))
    assert soup.select_one("#error-summary") is not None
    assert Policy.objects.count() == 1


def test_other_organisations_units_and_people_are_not_valid_choices(
    world: World, as_person: Callable[[str], Client]
) -> None:
    other = make_organization()
    soup = soup_of(
        as_person("lead").post(
            BASE + "new/",
            {"title": "A", "manager": make_member(other).user.pk, "enforcing_units": [make_unit(other).pk]},
        )
    )
    assert soup.select_one("#error-summary") is not None
    assert Policy.objects.count() == 1


@pytest.mark.parametrize(("name", "status"), [("member", 403), ("oversight", 403), ("lead", 200), ("leader", 200)])
def test_who_registers(world: World, as_person: Callable[[str], Client], name: str, status: int) -> None:
    assert as_person(name).get(BASE + "new/").status_code == status


@pytest.mark.parametrize(("name", "status"), [("member", 403), ("manager", 200), ("admin", 200), ("oversight", 403)])
def test_who_edits(world: World, as_person: Callable[[str], Client], name: str, status: int) -> None:
    assert as_person(name).get(f"{BASE}{world.policy.pk}/edit/").status_code == status


def test_manager_removes_themselves_and_the_page_warns(world: World, as_person: Callable[[str], Client]) -> None:
    client = as_person("manager")
    response = client.post(f"{BASE}{world.policy.pk}/edit/", {"title": "Standard visit times", "manager": ""})
    assert response.status_code == 302
    world.policy.refresh_from_db()
    assert world.policy.unmanaged_since == world.today
    soup = soup_of(client.get(f"{BASE}{world.policy.pk}/"))
    assert "no policy manager" in text_of(soup, "#no-manager")


def test_policy_page_shows_index_components_ladder_history_and_reasons(
    world: World, as_person: Callable[[str], Client]
) -> None:
    union = stakeholder(world.organization, "The nurses' union", influence=4)
    judge(world.policy, union, "normative", "illegitimate")
    for reporter in (world.member, world.colleague):
        make_scrutiny_report(world.policy, reporter)
    soup = soup_of(as_person("lead").get(f"{BASE}{world.policy.pk}/"))
    assert "escalation level 2" in text_of(soup, "#current")
    components = {
        row.select_one("th").get_text(strip=True): row.select("td")[-1].get_text(" ", strip=True)
        for row in soup.select("#components-table tbody tr")
    }
    assert "The strongest objection: The nurses' union, Normative" in components["Gap in legitimacy judgments"]
    assert components["Enforcers' scrutiny reports"].startswith("2 in the last 3 months")
    current = soup.select_one("#ladder-steps li[aria-current=step]")
    assert current is not None and "counted 2 times" in current.get_text(" ")
    assert soup.select_one("svg[role=img] polyline") is not None
    assert len(soup.select("#history-table tbody tr")) == 1


def test_anonymous_reporters_are_hidden_from_everyone_but_themselves(
    world: World, as_person: Callable[[str], Client]
) -> None:
    report = make_scrutiny_report(world.policy, world.member, anonymous=True, what_happened="Late again.")
    for name in ("manager", "lead", "oversight"):
        soup = soup_of(as_person(name).get(f"{BASE}{world.policy.pk}/"))
        assert text_of(soup, "#reports-table tbody tr td") == "Anonymous"
        assert "member@northbay.example" not in soup.get_text()
    answer_page = soup_of(as_person("manager").get(f"{BASE}{world.policy.pk}/reports/{report.pk}/answer/"))
    assert "member@northbay.example" not in answer_page.get_text()
    own = soup_of(as_person("member").get(f"{BASE}{world.policy.pk}/"))
    assert "Anonymous" not in text_of(own, "#reports-table tbody tr td")


def test_plain_members_see_only_their_own_reports_on_the_policy_page(
    world: World, as_person: Callable[[str], Client]
) -> None:
    make_scrutiny_report(world.policy, world.colleague, what_happened="The colleague's report.")
    soup = soup_of(as_person("member").get(f"{BASE}{world.policy.pk}/"))
    assert soup.select_one("#reports-table") is None
    assert "The colleague's report." not in soup.get_text()


def test_member_files_a_report_and_reads_the_answer(world: World, as_person: Callable[[str], Client]) -> None:
    member = as_person("member")
    form = soup_of(member.get(f"{BASE}{world.policy.pk}/reports/new/"))
    assert {tag["value"] for tag in form.select("input[name=legitimacy_type]")} == {
        "regulatory",
        "normative",
        "cognitive",
        "pragmatic",
    }
    response = member.post(
        f"{BASE}{world.policy.pk}/reports/new/",
        {"what_happened": "Too little time.", "legitimacy_type": "pragmatic", "frequency": "daily", "anonymous": "on"},
    )
    assert response.status_code == 302 and response["Location"] == f"{BASE}reports/mine/"
    report = ScrutinyReport.objects.get()
    assert report.anonymous and report.reported_by_id == world.member.pk
    mine = soup_of(member.get(BASE + "reports/mine/"))
    assert "Waiting for an answer" in text_of(mine, "#my-reports tbody tr")
    manager = as_person("manager")
    answer_url = f"{BASE}{world.policy.pk}/reports/{report.pk}/answer/"
    assert manager.post(answer_url, {"answer": "We add ten minutes."}).status_code == 302
    mine = soup_of(member.get(BASE + "reports/mine/"))
    assert "We add ten minutes." in text_of(mine, "#my-reports tbody tr")


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"what_happened": "x", "legitimacy_type": "feelings", "frequency": "daily"},
        {"what_happened": "x" * 4001, "legitimacy_type": "pragmatic", "frequency": "daily"},
        {"what_happened": "x", "legitimacy_type": "pragmatic", "frequency": "hourly"},
    ],
)
def test_bad_reports_rerender_with_errors(
    world: World, as_person: Callable[[str], Client], data: dict[str, object]
) -> None:
    soup = soup_of(as_person("member").post(f"{BASE}{world.policy.pk}/reports/new/", data))
    assert soup.select_one("#error-summary") is not None
    assert not ScrutinyReport.objects.exists()


@pytest.mark.parametrize("name", ["member", "lead", "oversight", "admin"])
def test_only_the_manager_answers(world: World, as_person: Callable[[str], Client], name: str) -> None:
    report = make_scrutiny_report(world.policy, world.colleague)
    url = f"{BASE}{world.policy.pk}/reports/{report.pk}/answer/"
    assert as_person(name).post(url, {"answer": "No."}).status_code == 403
    report.refresh_from_db()
    assert report.answer == ""


def test_empty_answer_rerenders(world: World, as_person: Callable[[str], Client]) -> None:
    report = make_scrutiny_report(world.policy, world.colleague)
    soup = soup_of(as_person("manager").post(f"{BASE}{world.policy.pk}/reports/{report.pk}/answer/", {"answer": ""}))
    assert soup.select_one("#error-summary") is not None


def test_manager_records_a_signal_from_the_policy_page(world: World, as_person: Callable[[str], Client]) -> None:
    client = as_person("manager")
    page = soup_of(client.get(f"{BASE}{world.policy.pk}/"))
    form = page.select_one("#record-signal + form")
    assert form is not None
    options = {tag["value"] for tag in form.select("select[name=signal] option") if tag["value"]}
    assert options == {"complaints", "media_attention", "litigation", "non_compliance"}
    response = client.post(
        form["action"], {"signal": "complaints", "period_start": world.today.isoformat(), "count": "4"}
    )
    assert response.status_code == 302
    assert PolicySignal.objects.get().count == 4
    soup = soup_of(client.get(f"{BASE}{world.policy.pk}/"))
    assert text_of(soup, "#signals-table tbody tr td") == "Complaints"
    assert soup_of(as_person("member").get(f"{BASE}{world.policy.pk}/")).select_one("#record-signal") is None


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"signal": "scrutiny_report", "period_start": "2026-01-01", "count": "1"},
        {"signal": "complaints", "period_start": "2999-01-01", "count": "1"},
        {"signal": "complaints", "period_start": "2026-01-01", "count": "-3"},
        {"signal": "complaints", "period_start": "2026-01-01", "count": "99999999999"},
    ],
)
def test_bad_signals_rerender(world: World, as_person: Callable[[str], Client], data: dict[str, object]) -> None:
    soup = soup_of(as_person("manager").post(f"{BASE}{world.policy.pk}/signals/new/", data))
    assert soup.select_one("#error-summary") is not None
    assert not PolicySignal.objects.exists()


def test_signals_are_for_managers_and_leads(world: World, as_person: Callable[[str], Client]) -> None:
    url = f"{BASE}{world.policy.pk}/signals/new/"
    assert (
        as_person("member").post(url, {"signal": "complaints", "period_start": "2026-01-01", "count": "1"}).status_code
        == 403
    )
    assert as_person("lead").get(url).status_code == 200


def test_another_organisations_ids_are_404(world: World, as_person: Callable[[str], Client]) -> None:
    other = make_organization()
    foreign = make_registered_policy(other, manager=make_member(other).user)
    report = make_scrutiny_report(foreign, foreign.manager)
    own_report = make_scrutiny_report(world.policy, world.member)
    client = as_person("manager")
    for url in (
        f"{BASE}{foreign.pk}/",
        f"{BASE}{foreign.pk}/edit/",
        f"{BASE}{foreign.pk}/reports/new/",
        f"{BASE}{foreign.pk}/signals/new/",
        f"{BASE}{foreign.pk}/reports/{report.pk}/answer/",
        f"{BASE}{world.policy.pk}/reports/{report.pk}/answer/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(f"{BASE}{world.policy.pk}/reports/{own_report.pk}/answer/").status_code == 200
    assert Client().get(BASE).status_code in (302, 404)


def test_main_pages_take_a_fixed_number_of_queries(world: World, as_person: Callable[[str], Client]) -> None:
    client = as_person("lead")

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    judge(world.policy, stakeholder(world.organization), "normative", "illegitimate")
    make_scrutiny_report(world.policy, world.lead)
    urls = (BASE, f"{BASE}{world.policy.pk}/", BASE + "reports/mine/")
    before = [count(url) for url in urls]
    for number in range(6):
        policy = make_registered_policy(
            world.organization, manager=world.manager, enforcing_units=[make_unit(world.organization)]
        )
        make_scrutiny_report(policy, world.lead)
        make_scrutiny_report(world.policy, world.lead, anonymous=bool(number % 2))
        judge(world.policy, stakeholder(world.organization), "normative", "illegitimate")
    assert [count(url) for url in urls] == before


def test_policy_page_renders_in_norwegian_with_plain_numbers_in_the_chart(
    world: World, as_person: Callable[[str], Client]
) -> None:
    make_scrutiny_report(world.policy, world.member)
    client = as_person("lead")
    client.cookies["django_language"] = "nb"
    soup = soup_of(client.get(f"{BASE}{world.policy.pk}/"))
    assert soup.html is not None and soup.html["lang"] == "nb"
    circle = soup.select_one("svg circle")
    assert circle is not None and "," not in circle["cx"]


def test_initiative_fragment_lists_linked_policies(world: World) -> None:
    from django.template.loader import render_to_string

    from spaceforchange.policies import selectors, services
    from spaceforchange.portfolio import services as portfolio_services

    initiative = portfolio_services.create_initiative(organization=world.organization, title="Night watch")
    services.update_policy(policy=world.policy, initiatives=[initiative])
    html = render_to_string(
        "policies/_initiative_policies.html",
        {
            "organization": world.organization,
            "policies": selectors.policies_of_initiative(world.organization, initiative.pk),
        },
    )
    link = BeautifulSoup(html, "html.parser").select_one("#linked-policies + ul a")
    assert link is not None and link["href"] == f"{BASE}{world.policy.pk}/"
