"""The staff pages of consultations: the list, creating and editing, the consultation's page with its
link, invitations, statements and moderation. HTML is parsed, not grepped. Covers permissions per
role, other organisations' ids (404), bad and hostile input (re-rendered with errors, nothing
changed) and that the list takes a fixed number of queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from spaceforchange.consultations import services
from spaceforchange.consultations.models import Consultation, Invitation, Moderation, Statement
from tests.factories import make_member, make_registered_policy

from .conftest import SEEDS, World, rows_of, soup_of, statements, text_of

pytestmark = pytest.mark.django_db
BASE = "/o/northbay/consultations/"


def participant_statement(world: World, text: str = "Visits should end at nine.") -> Statement:
    participant, _secret = services.join_consultation(consultation=world.consultation)
    return services.submit_statement(participant=participant, text=text)


def create(world: World, title: str, **fields: object) -> Consultation:
    return services.create_consultation(organization=world.organization, title=title, actor=world.lead, **fields)


# --- The list -------------------------------------------------------------------------------


def test_list_shows_counts_filters_sorts_and_paginates(
    world: World, as_person: Callable[[str], Client], django_assert_max_num_queries
) -> None:
    participant_statement(world)
    create(world, "Closed one", opens_at=timezone.now() - datetime.timedelta(days=9),
           closes_at=timezone.now() - datetime.timedelta(days=2))  # fmt: skip
    create(world, "Draft one", opens_at=timezone.now() + datetime.timedelta(days=3))
    client = as_person("lead")
    client.get(BASE)
    with django_assert_max_num_queries(12):
        soup = soup_of(client.get(BASE))
    rows = rows_of(soup, "#consultations")
    assert [row[0] for row in rows] == ["Draft one", "How should visiting hours work?", "Closed one"]
    visiting = rows[1]
    assert visiting[1] == "Open" and visiting[2] == "Standard visit times"
    assert visiting[5:] == ["1", "11", "1"]  # participants, statements, waiting for moderation
    assert soup.find("a", string="Create a consultation") is not None
    closed = rows_of(soup_of(client.get(BASE, {"status": "closed"})), "#consultations")
    assert [row[0] for row in closed] == ["Closed one"]
    draft = rows_of(soup_of(client.get(BASE, {"status": "draft", "q": "DRAFT"})), "#consultations")
    assert [row[0] for row in draft] == ["Draft one"]
    by_title = rows_of(soup_of(client.get(BASE, {"sort": "title"})), "#consultations")
    assert [row[0] for row in by_title] == ["Closed one", "Draft one", "How should visiting hours work?"]
    hostile = soup_of(client.get(BASE, {"status": "<script>", "sort": "password", "q": "x" * 5000, "page": "-1"}))
    assert rows_of(soup_of(client.get(BASE, {"q": "visiting\x00"})), "#consultations")[0][0].startswith("How should")
    assert hostile.select_one("#empty") is not None  # the 5000-character search matches nothing, and no error
    nothing = soup_of(client.get(BASE, {"q": "no such question"}))
    assert text_of(nothing, "#empty") == "No consultation matches the filter."


def test_list_paginates_in_a_fixed_number_of_queries(
    world: World, as_person: Callable[[str], Client], django_assert_max_num_queries
) -> None:
    for number in range(30):
        create(world, f"Question {number:02d}", seed_statements=["One.", "Two."])
    client = as_person("lead")
    with django_assert_max_num_queries(12):
        first = soup_of(client.get(BASE, {"sort": "title"}))
    assert len(first.select("#consultations tbody tr")) == 25
    second = soup_of(client.get(BASE, {"sort": "title", "page": "2"}))
    assert len(second.select("#consultations tbody tr")) == 6
    assert "Page 2 of 2" in text_of(second, ".usa-pagination")


def test_list_shows_each_person_what_they_may_see(world: World, as_person: Callable[[str], Client]) -> None:
    def titles(name: str) -> list[str]:
        return [row[0] for row in rows_of(soup_of(as_person(name).get(BASE)), "#consultations")]

    assert titles("leader") == titles("oversight") == ["How should visiting hours work?"]
    assert titles("manager") == ["How should visiting hours work?"]  # linked to the policy they manage
    assert titles("member") == []
    empty = soup_of(as_person("member").get(BASE))
    assert text_of(empty, "#empty") == "No consultations yet."
    assert empty.find("a", string="Create a consultation") is None


# --- Creating and editing -----------------------------------------------------------------------


def test_lead_creates_a_consultation_with_seed_statements(world: World, as_person: Callable[[str], Client]) -> None:
    client = as_person("lead")
    form = soup_of(client.get(BASE + "new/"))
    assert form.select_one("textarea[name=seed_statements]") is not None
    assert [o.get_text() for o in form.select("select[name=policy] option")] == ["No policy", "Standard visit times"]
    response = client.post(
        BASE + "new/",
        {
            "title": "Should the library open on Sundays?",
            "description": "A trial in one branch.",
            "initiative": world.initiative.pk,
            "seed_statements": "Sunday opening helps families.\n\n  Staff need their weekends.  \n"
            "Sunday opening helps families.",
            "opens_at": "2030-01-01T09:00",
            "closes_at": "2030-02-01T09:00",
            "access": "invite",
            "strict_moderation": "on",
            "languages": ["nb"],
        },
    )
    consultation = Consultation.objects.get(title="Should the library open on Sundays?")
    assert response.status_code == 302 and response["Location"] == f"{BASE}{consultation.pk}/"
    assert [s.text for s in statements(consultation)] == [
        "Sunday opening helps families.",
        "Staff need their weekends.",
    ]
    assert all(s.is_seed and s.moderation == Moderation.ACCEPTED for s in statements(consultation))
    assert consultation.initiative == world.initiative and consultation.access == "invite"
    assert consultation.strict_moderation and not consultation.allow_participant_statements
    assert consultation.languages == ["nb"] and consultation.created_by == world.lead
    # 09:00 in the organisation's zone (Europe/Oslo, UTC+1 in January) is 08:00 UTC.
    assert consultation.opens_at == datetime.datetime(2030, 1, 1, 8, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"title": "   "},
        {"title": "x" * 301},
        {"title": "A", "seed_statements": "fine\n" + "y" * 401},
        {"title": "A", "seed_statements": "z\n" * 30000},
        {"title": "A", "policy": "999999"},
        {"title": "A", "access": "everyone"},
        {"title": "A", "opens_at": "not a date"},
        {"title": "A", "opens_at": "1800-01-01T00:00"},
        {"title": "A", "opens_at": "2030-02-01T09:00", "closes_at": "2030-01-01T09:00"},
        {"title": "A", "languages": ["xx"]},
        {"title": "A", "description": "d" * 4001},
    ],
)
def test_bad_consultation_forms_rerender_with_errors(
    world: World, as_person: Callable[[str], Client], data: dict[str, object]
) -> None:
    soup = soup_of(as_person("lead").post(BASE + "new/", data))
    assert soup.select_one("#error-summary") is not None
    assert soup.title is not None and soup.title.get_text().startswith("Error:")
    assert Consultation.objects.count() == 2 and Statement.objects.count() == 11


def test_other_organisations_policies_are_not_valid_choices(world: World, as_person: Callable[[str], Client]) -> None:
    foreign = make_registered_policy(world.other, "Foreign policy")
    soup = soup_of(as_person("lead").post(BASE + "new/", {"title": "A", "policy": foreign.pk, "access": "public"}))
    assert "Linked policy" in text_of(soup, "#error-summary")
    assert Consultation.objects.count() == 2


def test_a_policy_manager_creates_consultations_only_on_their_policy(
    world: World, as_person: Callable[[str], Client]
) -> None:
    client = as_person("manager")
    assert client.get(BASE + "new/").status_code == 200
    refused = soup_of(client.post(BASE + "new/", {"title": "Unlinked", "access": "public", "languages": ["en"]}))
    assert "a policy you manage" in text_of(refused, "#error-summary")
    other = make_registered_policy(world.organization, "Parking permits")
    refused = soup_of(client.post(BASE + "new/", {"title": "Theirs", "policy": other.pk, "access": "public"}))
    assert "a policy you manage" in text_of(refused, "#error-summary")
    assert Consultation.objects.count() == 2
    made = client.post(BASE + "new/", {"title": "Mine", "policy": world.policy.pk, "access": "public"})
    assert made.status_code == 302 and Consultation.objects.get(title="Mine").created_by == world.manager


@pytest.mark.parametrize(
    ("name", "status"),
    [("lead", 200), ("manager", 200), ("leader", 403), ("oversight", 403), ("member", 403), ("admin", 403)],
)
def test_who_creates(world: World, as_person: Callable[[str], Client], name: str, status: int) -> None:
    assert as_person(name).get(BASE + "new/").status_code == status


@pytest.mark.parametrize(
    ("name", "status"),
    [("lead", 200), ("manager", 200), ("leader", 403), ("oversight", 403), ("member", 403), ("owner", 403)],
)
def test_who_edits(world: World, as_person: Callable[[str], Client], name: str, status: int) -> None:
    assert as_person(name).get(world.url("edit/")).status_code == status


def test_editing_saves_and_keeps_the_statements(world: World, as_person: Callable[[str], Client]) -> None:
    client = as_person("manager")
    form = soup_of(client.get(world.url("edit/")))
    assert form.select_one("textarea[name=seed_statements]") is None
    assert form.select_one("input[name=title]")["value"] == "How should visiting hours work?"
    response = client.post(
        world.url("edit/"),
        {"title": "When should visits end?", "policy": world.policy.pk, "access": "public", "languages": ["en"]},
    )
    assert response.status_code == 302
    world.consultation.refresh_from_db()
    assert world.consultation.title == "When should visits end?" and world.consultation.languages == ["en"]
    assert len(statements(world.consultation)) == 10
    refused = soup_of(client.post(world.url("edit/"), {"title": "", "policy": "", "access": "public"}))
    assert refused.select_one("#error-summary") is not None
    world.consultation.refresh_from_db()
    assert world.consultation.title == "When should visits end?" and world.consultation.policy == world.policy


# --- The consultation's page ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status"),
    [("lead", 200), ("leader", 200), ("oversight", 200), ("manager", 200), ("member", 403), ("owner", 403)],
)
def test_who_views(world: World, as_person: Callable[[str], Client], name: str, status: int) -> None:
    assert as_person(name).get(world.url()).status_code == status
    assert as_person(name).get(world.url("results/")).status_code == status


def test_page_shows_link_counts_statements_and_the_moderation_queue(
    world: World, as_person: Callable[[str], Client], django_assert_max_num_queries
) -> None:
    waiting = participant_statement(world, "<script>alert(1)</script> Visits at night")
    client = as_person("lead")
    client.get(world.url())
    with django_assert_max_num_queries(14):
        soup = soup_of(client.get(world.url()))
    link = soup.select_one("input#public-url")
    assert link["readonly"] is not None and link["value"] == f"http://testserver{world.public()}"
    assert soup.select_one("label[for=public-url]") is not None
    figures = [" ".join(li.get_text(" ").split()) for li in soup.select("#counts li")]
    assert figures == ["1 participants", "11 statements", "0 votes", "1 waiting for moderation"]
    queue = rows_of(soup, "#queue-table")
    assert len(queue) == 1 and queue[0][0] == "<script>alert(1)</script> Visits at night"
    assert soup.find("script", string="alert(1)") is None
    table = soup.select("#statement-table tbody tr")
    assert [row["data-moderation"] for row in table] == ["accepted"] * 10 + ["pending"]
    assert table[-1].select_one("td[data-label=Source]").get_text(strip=True) == "Participant"
    accept = soup.select_one(f"#queue-table form[action$='/statements/{waiting.pk}/moderate/'] button[value=accepted]")
    assert accept is not None and accept["aria-label"] == f"Accept statement {waiting.pk}"
    assert soup.select_one("form[action$='/close/']") is not None
    assert soup.select_one("#invitations") is None  # a public consultation has no invitation links


def test_leader_reads_the_page_without_moderating_or_editing(world: World, as_person: Callable[[str], Client]) -> None:
    participant_statement(world)
    soup = soup_of(as_person("leader").get(world.url()))
    assert soup.select_one("#queue-table form") is None and soup.select_one("#statement-table form") is None
    assert soup.select_one("form[action$='/close/']") is None and soup.find("a", string="Edit") is None
    assert soup.select_one("form[action$='/statements/new/']") is None


def test_lead_moderates_a_statement(world: World, as_person: Callable[[str], Client]) -> None:
    waiting = participant_statement(world)
    client = as_person("lead")
    url = world.url(f"statements/{waiting.pk}/moderate/")
    response = client.post(url, {"moderation": "rejected", "from": "queue"})
    assert response.status_code == 302 and response["Location"].endswith("#moderation")
    waiting.refresh_from_db()
    assert waiting.moderation == Moderation.REJECTED
    for bad in ({}, {"moderation": "deleted"}, {"moderation": "x" * 1000}):
        assert client.post(url, bad).status_code == 302
        waiting.refresh_from_db()
        assert waiting.moderation == Moderation.REJECTED
    assert client.post(url, {"moderation": "accepted"}).status_code == 302
    waiting.refresh_from_db()
    assert waiting.moderation == Moderation.ACCEPTED
    assert client.get(url).status_code == 405
    assert as_person("leader").post(url, {"moderation": "rejected"}).status_code == 403
    assert as_person("member").post(url, {"moderation": "rejected"}).status_code == 403
    assert client.post(world.url("statements/999999/moderate/"), {"moderation": "rejected"}).status_code == 404
    waiting.refresh_from_db()
    assert waiting.moderation == Moderation.ACCEPTED


def test_lead_adds_a_statement_and_bad_ones_are_refused(world: World, as_person: Callable[[str], Client]) -> None:
    client = as_person("lead")
    response = client.post(world.url("statements/new/"), {"text": "  Visits should be possible on Sundays.  "})
    assert response.status_code == 302 and response["Location"].endswith("#statements")
    assert statements(world.consultation)[-1].text == "Visits should be possible on Sundays."
    for bad in ({}, {"text": "   "}, {"text": "s" * 401}, {"text": SEEDS[0].upper()}):
        soup = soup_of(client.post(world.url("statements/new/"), bad), status=400)
        assert soup.select_one("#error-summary") is not None
        assert len(statements(world.consultation)) == 11
    assert as_person("leader").post(world.url("statements/new/"), {"text": "New one"}).status_code == 403


def test_invitation_links_for_an_invite_only_consultation(world: World, as_person: Callable[[str], Client]) -> None:
    invited = create(world, "Staff only", access="invite", seed_statements=["One."])
    client = as_person("lead")
    url = f"{BASE}{invited.pk}/invitations/new/"
    assert client.post(url, {"count": "3", "label": "Ward 4"}).status_code == 302
    soup = soup_of(client.get(f"{BASE}{invited.pk}/"))
    links = [row[1] for row in rows_of(soup, "#invitation-table")]
    tokens = set(Invitation.objects.filter(consultation=invited).values_list("token", flat=True))
    assert len(links) == 3 and {link.rsplit("?invitation=", 1)[1] for link in links} == tokens
    assert all(link.startswith(f"http://testserver/c/{invited.public_token}/?invitation=") for link in links)
    assert [row[0] for row in rows_of(soup, "#invitation-table")] == ["Ward 4"] * 3
    for bad in ({"count": "0"}, {"count": "1001"}, {"count": "three"}, {"count": "2", "label": "l" * 201}, {}):
        refused = soup_of(client.post(url, bad), status=400)
        assert refused.select_one("#error-summary") is not None
    assert Invitation.objects.count() == 3
    public = client.post(world.url("invitations/new/"), {"count": "2"}, follow=True)
    assert "needs no invitations" in text_of(soup_of(public), ".sfc-messages")
    assert as_person("leader").post(url, {"count": "1"}).status_code == 403
    assert Invitation.objects.count() == 3


def test_lead_closes_the_consultation(world: World, as_person: Callable[[str], Client]) -> None:
    client = as_person("lead")
    assert as_person("leader").post(world.url("close/")).status_code == 403
    assert client.post(world.url("close/")).status_code == 302
    world.consultation.refresh_from_db()
    assert world.consultation.status == "closed"
    soup = soup_of(client.get(world.url()))
    assert text_of(soup, "#status dd") == "Closed"
    assert soup.select_one("form[action$='/close/']") is None
    again = client.post(world.url("close/"), follow=True)
    assert "already closed" in text_of(soup_of(again), ".sfc-messages")


# --- Tenancy ------------------------------------------------------------------------------------


def test_other_organisations_ids_and_strangers_get_404(world: World, as_person: Callable[[str], Client]) -> None:
    foreign = world.other_consultation
    statement = statements(foreign)[0]
    lead = as_person("lead")
    base = f"{BASE}{foreign.pk}/"
    for url in ("", "edit/", "results/", "results/export.csv", "results/export.xlsx"):
        assert lead.get(base + url).status_code == 404, url
    for url in ("edit/", "close/", "statements/new/", f"statements/{statement.pk}/moderate/", "invitations/new/",
                "results/recompute/"):  # fmt: skip
        assert (
            lead.post(base + url, {"title": "x", "text": "x", "moderation": "rejected", "count": "1"}).status_code
            == 404
        )
    mine = world.url(f"statements/{statement.pk}/moderate/")
    assert lead.post(mine, {"moderation": "rejected"}).status_code == 404  # a foreign statement under my consultation
    foreign.refresh_from_db()
    statement.refresh_from_db()
    assert foreign.title == "Elsewhere" and foreign.status == "open" and statement.moderation == "accepted"
    stranger = Client()
    stranger.force_login(make_member(world.other).user)
    assert stranger.get(BASE).status_code == 404
    assert stranger.get(world.url()).status_code == 404
    anonymous = Client().get(world.url())
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
