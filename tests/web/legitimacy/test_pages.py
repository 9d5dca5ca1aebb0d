"""The legitimacy pages: what they show (HTML parsed), forms with good and bad input, query counts."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup

from spaceforchange.legitimacy.models import GrayZoneEntry, Judgment, LegitimationAction, Stakeholder
from tests.factories import make_stakeholder

pytestmark = pytest.mark.django_db

BASE = "/o/northbay/legitimacy/"


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def errors_of(response):
    return [node.get_text(" ", strip=True) for node in soup_of(response).select(".usa-error-message")]


def subject_url(world, suffix=""):
    return f"{BASE}initiatives/{world.initiative.pk}/{suffix}"


def test_heat_map_shows_states_gray_zone_and_unapproved_tactic(world, filled, as_person, django_assert_max_num_queries):
    client = as_person("owner")
    client.get(subject_url(world))
    with django_assert_max_num_queries(16):
        response = client.get(subject_url(world))
    assert response.status_code == 200
    soup = soup_of(response)
    table = soup.select_one("table#heat-map")
    assert table.caption is not None
    headers = [th.get_text(strip=True) for th in table.select("thead th[scope=col]")]
    assert headers == [
        "Stakeholder",
        "Regulatory legitimacy",
        "Normative legitimacy",
        "Cognitive legitimacy",
        "Pragmatic legitimacy",
    ]
    rows = table.select("tbody tr")
    assert [row.th.a.get_text(strip=True) for row in rows] == ["County governor", "Nurses' union", "Local paper"]
    governor = {td["data-type"]: td for td in rows[0].find_all("td")}
    regulatory = governor["regulatory"]
    assert regulatory["data-state"] == "conditional_legitimacy"
    assert regulatory.select_one(".sfc-state").get_text(strip=True) == "Conditional legitimacy"
    assert "sfc-state--2" in regulatory.select_one(".sfc-state")["class"]
    assert regulatory.select_one(".sfc-gray-zone")["data-gray-zone"] == "state tactic"
    assert "Consent from every resident" in regulatory.get_text()
    assert governor["pragmatic"].select_one(".sfc-gray-zone") is None
    assert soup.select_one("#unapproved-alert") is not None
    statuses = [row["data-status"] for row in soup.select("#tactic-table tbody tr")]
    assert sorted(statuses) == ["approved", "proposed"]
    assert soup.select_one("#tactic-table span[data-status=proposed]").get_text(strip=True) == "Not approved"
    suggested = [row.th.get_text(strip=True) for row in soup.select("#suggestion-table tbody tr")]
    assert suggested == ["Nurses' union", "Local paper", "County governor"]
    link = soup.select_one("#suggestion-table tbody tr a")["href"]
    assert link.startswith(subject_url(world, "actions/new/?strategy=engage_in_dialogue&goal=acquire"))
    assert [row.th.get_text(strip=True) for row in soup.select("#plan-table tbody tr")] == [
        "Meet the union's safety delegates"
    ]


def test_plain_member_sees_no_buttons_but_oversight_reads(world, filled, as_person):
    soup = soup_of(as_person("oversight").get(subject_url(world)))
    links = {a.get_text(strip=True) for a in soup.find_all("a")}
    assert "Record a judgment" not in links and "Register a gray-zone tactic" not in links
    assert soup.select_one("#heat-map") is not None


def test_record_judgment_form_with_conditions(world, filled, as_person):
    client = as_person("owner")
    page = soup_of(client.get(subject_url(world, f"judge/?stakeholder={filled.press.pk}&type=normative")))
    assert page.select_one("#id_stakeholder option[selected]")["value"] == str(filled.press.pk)
    assert page.select_one("#id_legitimacy_type option[selected]")["value"] == "normative"
    review = (world.today + datetime.timedelta(days=30)).isoformat()
    response = client.post(
        subject_url(world, "judge/"),
        {
            "stakeholder": filled.press.pk,
            "legitimacy_type": "normative",
            "state": "conditional_legitimacy",
            "condition_1": "Publish the evaluation",
            "review_1": review,
            "evidence": "Editorial",
        },
    )
    assert response.status_code == 302 and response["Location"] == subject_url(world)
    judgment = Judgment.objects.get(stakeholder=filled.press, legitimacy_type="normative")
    assert judgment.recorded_by == world.owner and judgment.conditions.get().text == "Publish the evaluation"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, ["This field is required.", "This field is required.", "This field is required."]),
        (
            {"legitimacy_type": "regulatory", "state": "conditional_legitimacy"},
            ["Name at least one condition, with its review date."],
        ),
        (
            {"legitimacy_type": "regulatory", "state": "legitimate", "condition_1": "x"},
            ["Give the condition a review date."],
        ),
        (
            {"legitimacy_type": "regulatory", "state": "legitimate", "review_1": "1800-01-01", "condition_1": "x"},
            ["The date is out of range."],
        ),
        ({"legitimacy_type": "spiritual", "state": "legitimate"}, None),
        ({"legitimacy_type": "regulatory", "state": "legitimate", "evidence": "e" * 4001}, None),
        ({"legitimacy_type": "regulatory", "state": "<script>alert(1)</script>"}, None),
    ],
)
def test_bad_judgments_change_nothing(world, filled, as_person, data, expected):
    before = Judgment.objects.count()
    values = {"stakeholder": filled.press.pk, **data} if data else {}
    response = as_person("owner").post(subject_url(world, "judge/"), values)
    assert response.status_code == 200
    if expected is not None:
        messages = errors_of(response) or [
            li.get_text(strip=True) for li in soup_of(response).select("#error-summary li")
        ]
        assert all(any(text in message for message in messages) for text in expected), messages
    assert soup_of(response).select_one("#error-summary") is not None
    assert Judgment.objects.count() == before
    assert b"<script>alert(1)</script>" not in response.content


def test_foreign_stakeholder_in_form_is_not_a_choice(world, filled, as_person):
    foreign = make_stakeholder(world.other, "Theirs")
    response = as_person("lead").post(
        subject_url(world, "judge/"),
        {"stakeholder": foreign.pk, "legitimacy_type": "regulatory", "state": "legitimate"},
    )
    assert response.status_code == 200 and not Judgment.objects.filter(stakeholder=foreign).exists()
    assert any("valid choice" in message for message in errors_of(response))


def test_stakeholder_create_edit_archive(world, as_person):
    client = as_person("lead")
    response = client.post(
        f"{BASE}stakeholders/new/",
        {
            "name": "Harbour board",
            "kind": "organization",
            "category": "partner",
            "influence": "3",
            "interest": "2",
            "initiatives": [world.initiative.pk],
        },
    )
    holder = Stakeholder.objects.get(name="Harbour board")
    assert response["Location"] == f"{BASE}stakeholders/{holder.pk}/"
    response = client.post(
        f"{BASE}stakeholders/{holder.pk}/edit/",
        {"name": "Harbour board", "kind": "organization", "category": "partner", "influence": "5", "interest": "2"},
    )
    holder.refresh_from_db()
    assert response.status_code == 302 and holder.influence == 5 and not holder.initiatives.exists()
    bad = client.post(
        f"{BASE}stakeholders/new/",
        {"name": "harbour BOARD", "kind": "x", "category": "partner", "influence": "9", "interest": "2"},
    )
    assert bad.status_code == 200 and len(errors_of(bad)) == 2
    client.post(f"{BASE}stakeholders/{holder.pk}/archive/")
    holder.refresh_from_db()
    assert holder.active is False
    detail = soup_of(client.get(f"{BASE}stakeholders/{holder.pk}/"))
    assert "Archived" in detail.h1.get_text()
    assert client.get(f"{BASE}stakeholders/{holder.pk}/archive/").status_code == 405


def test_register_search_sort_paginate_and_bad_params(world, as_person, django_assert_max_num_queries):
    for number in range(30):
        make_stakeholder(world.organization, f"Holder {number:02d}", category="media" if number % 2 else "other")
    client = as_person("leader")
    with django_assert_max_num_queries(12):
        response = client.get(f"{BASE}stakeholders/?category=media&sort=influence")
    soup = soup_of(response)
    assert soup.select_one("#stakeholder-table caption").get_text(strip=True) == "15 stakeholders"
    page2 = soup_of(client.get(f"{BASE}stakeholders/?page=2"))
    assert len(page2.select("#stakeholder-table tbody tr")) == 5
    for query in ("?sort=DROP%20TABLE", "?category=%00", "?q=" + "x" * 500, "?page=-1", "?page=abc"):
        assert client.get(f"{BASE}stakeholders/{query}").status_code == 200


def test_map_has_a_chart_and_an_equal_table(world, filled, as_person, django_assert_max_num_queries):
    client = as_person("owner")
    with django_assert_max_num_queries(12):
        soup = soup_of(client.get(f"{BASE}stakeholders/map/"))
    circles = soup.select("#stakeholder-map-chart circle")
    rows = soup.select("#map-table tbody tr")
    assert len(circles) == len(rows) == 3
    assert soup.select_one("#stakeholder-map-chart")["role"] == "img"
    governor = next(row for row in rows if row.th.get_text(strip=True) == "County governor")
    assert [td.get_text(strip=True) for td in governor.find_all("td")] == ["Regulator", "5", "4", "Yes", "1"]


def test_timeline_chart_and_table(world, filled, as_person, django_assert_max_num_queries):
    client = as_person("lead")
    with django_assert_max_num_queries(12):
        soup = soup_of(client.get(subject_url(world, "timeline/")))
    assert len(soup.select("#timeline-table tbody tr")) == 4
    assert len(soup.select("#timeline-chart polyline")) == 4


def test_organisation_view_lists_weakest_first_and_marks_unapproved(world, filled, as_person):
    client = as_person("lead")
    client.get(BASE)
    soup = soup_of(client.get(BASE))
    rows = soup.select("#standing-table tbody tr")
    assert [row.th.get_text(strip=True) for row in rows] == ["Parking permits", "Night watch"]
    assert "1 not approved" in rows[1].get_text()


def test_action_plan_and_done(world, filled, as_person):
    client = as_person("owner")
    response = client.post(
        subject_url(world, "actions/new/"),
        {
            "strategy": "storytelling",
            "goal": "acquire",
            "mode": "shape",
            "description": "Op-ed",
            "stakeholders": [filled.press.pk],
        },
    )
    assert response.status_code == 302
    action = LegitimationAction.objects.get(description="Op-ed")
    assert list(action.stakeholders.all()) == [filled.press]
    response = client.post(
        subject_url(world, f"actions/{action.pk}/done/"), {"done_on": world.today.isoformat(), "outcome": "Printed"}
    )
    action.refresh_from_db()
    assert response.status_code == 302 and action.outcome == "Printed"
    log = soup_of(client.get(subject_url(world))).select("#log-table tbody tr")
    assert [row.th.get_text(strip=True) for row in log] == ["Op-ed"]


def test_condition_marked_at_risk(world, filled, as_person):
    condition = filled.judgment.conditions.get()
    client = as_person("owner")
    assert client.post(subject_url(world, f"conditions/{condition.pk}/risk/"), {"at_risk": "1"}).status_code == 302
    condition.refresh_from_db()
    assert condition.at_risk is True
    assert client.get(subject_url(world, f"conditions/{condition.pk}/risk/")).status_code == 405


def test_register_detail_and_decisions(world, filled, as_person, django_assert_max_num_queries):
    client = as_person("leader")
    with django_assert_max_num_queries(15):
        soup = soup_of(client.get(f"{BASE}gray-zone/"))
    assert soup.select_one("#unapproved-count") is not None
    tags = [row.select_one("span[data-status]").get_text(strip=True) for row in soup.select("#register-table tbody tr")]
    assert sorted(tags) == ["Approved", "Not approved"]
    detail = soup_of(client.get(f"{BASE}gray-zone/{filled.proposed.pk}/"))
    assert detail.select_one("#unapproved-alert") is not None and detail.select_one("#decision-form") is not None
    response = client.post(f"{BASE}gray-zone/{filled.proposed.pk}/approve/", {"note": "OK for a month"})
    assert response.status_code == 302
    assert GrayZoneEntry.objects.get(pk=filled.proposed.pk).status == "approved"
    bad = client.post(f"{BASE}gray-zone/{filled.approved.pk}/end/", {"reason": ""})
    assert bad.status_code == 400 and GrayZoneEntry.objects.get(pk=filled.approved.pk).status == "approved"
    client.post(f"{BASE}gray-zone/{filled.approved.pk}/end/", {"reason": "Rule changed"})
    entry = GrayZoneEntry.objects.get(pk=filled.approved.pk)
    assert entry.status == "ended" and entry.ended_reason == "Rule changed"
    events = soup_of(client.get(f"{BASE}gray-zone/{entry.pk}/")).select("#event-table tbody tr")
    assert len(events) == 3


def test_propose_tactic_page(world, as_person):
    client = as_person("owner")
    response = client.post(
        subject_url(world, "tactics/new/"),
        {
            "tactic": "mystifying",
            "rule_concerned": "Reporting rule",
            "rationale": "Why",
            "risks": "Risk",
            "accountable": world.owner.pk,
            "review_on": (world.today + datetime.timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 302
    entry = GrayZoneEntry.objects.get()
    assert (entry.status, entry.proposed_by) == ("proposed", world.owner)
    missing = client.post(subject_url(world, "tactics/new/"), {"tactic": "mystifying"})
    assert missing.status_code == 200 and len(errors_of(missing)) == 5


def test_judgment_link_redirects_to_the_subject(world, filled, as_person):
    response = as_person("lead").get(f"{BASE}judgments/{filled.judgment.pk}/")
    assert response["Location"] == f"{subject_url(world)}#judgment-{filled.judgment.pk}"


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "page", ["initiatives/{i}/", "initiatives/{i}/timeline/", "", "stakeholders/", "stakeholders/map/", "gray-zone/"]
)
def test_no_query_per_row(world, filled, as_person, page):
    """More stakeholders, judgments, conditions, actions and tactics cost no extra query."""
    from spaceforchange.legitimacy import gray_zone_services, legitimation_services, subject_selectors
    from spaceforchange.portfolio import services as portfolio_services

    client = as_person("lead")
    url = BASE + page.format(i=world.initiative.pk)
    client.get(url)
    subject_selectors._ranked.clear()  # the organisation view keeps its ranking: measure it cold both times
    before = _count_queries(client, url)
    for number in range(6):
        holder = make_stakeholder(world.organization, f"Extra {number}", contact_owner=world.lead)
        other = portfolio_services.create_initiative(organization=world.organization, title=f"Other {number}")
        for subject in (world.initiative, other):
            from tests.factories import make_judgment

            make_judgment(holder, subject, "regulatory", "conditional_legitimacy")
            make_judgment(holder, subject, "normative", "illegitimate")
        legitimation_services.plan_action(
            initiative=world.initiative,
            strategy="storytelling",
            goal="acquire",
            mode="shape",
            description=f"Action {number}",
            stakeholders=[holder, filled.press],
            owner=world.owner,
        )
        gray_zone_services.propose_tactic(
            initiative=other,
            tactic="distancing",
            rule_concerned="r",
            rationale="r",
            risks="r",
            accountable=world.owner,
            review_on=world.today,
            actor=world.lead,
        )
    subject_selectors._ranked.clear()
    assert _count_queries(client, url) == before


def test_policy_pages_work_like_initiative_pages(world, filled, as_person):
    client = as_person("manager")
    url = f"{BASE}policies/{world.policy.pk}/"
    response = client.post(
        url + "judge/",
        {
            "stakeholder": filled.governor.pk,
            "legitimacy_type": "normative",
            "state": "unknown_legitimacy",
            "unknown_cause": "conflicting_views",
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    soup = soup_of(client.get(url))
    rows = [row.th.a.get_text(strip=True) for row in soup.select("#heat-map tbody tr")]
    assert rows == ["County governor", "Nurses' union"]
    assert soup.find("a", string="Back to the policy")["href"] == f"/o/northbay/policies/{world.policy.pk}/"
    assert client.get(url + "timeline/").status_code == 200
    assert client.get(f"{BASE}initiatives/{world.initiative.pk}/").status_code == 403
