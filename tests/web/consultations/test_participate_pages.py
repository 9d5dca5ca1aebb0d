"""The participant pages under /c/<token>/, without an account and without JavaScript: plain POST forms
and redirects. The cookie that keeps the pseudonymous participant, voting and changing a vote, adding
a statement, refusals (closed, not open yet, invite-only without an invitation, unknown links, bad
input) that change nothing, the consultation's languages, and the htmx swap's focus.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from spaceforchange.consultations import selectors, services
from spaceforchange.consultations.models import Consultation, Participant, Statement, Vote
from spaceforchange.consultations.participate_views import COOKIE

from .conftest import World, soup_of, statements, text_of

pytestmark = pytest.mark.django_db


def shown_statement(client: Client, url: str) -> int:
    soup = soup_of(client.get(url))
    field = soup.select_one("#sfc-card input[name=statement]")
    assert field is not None
    return int(field["value"])


def vote(client: Client, world: World, statement: int, value: int, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(world.public("vote/"), {"statement": statement, "value": value, **extra})


def invite_only(world: World) -> Consultation:
    return services.create_consultation(
        organization=world.organization,
        title="Staff only: night shifts",
        access="invite",
        seed_statements=["Night shifts should be shorter.", "Night shifts pay enough."],
        actor=world.lead,
    )


def test_a_visitor_sees_the_question_and_one_statement_and_nothing_is_written(
    world: World, django_assert_max_num_queries
) -> None:
    client = Client()
    with django_assert_max_num_queries(8):
        response = client.get(world.public())
    soup = soup_of(response)
    assert text_of(soup, "h1") == "How should visiting hours work?"
    assert "The nursing homes review" in text_of(soup, ".sfc-consult__description")
    legend = text_of(soup, "#sfc-card legend")
    assert legend in [s.text for s in statements(world.consultation)]
    buttons = [(b["name"], b["value"], b.get_text(strip=True)) for b in soup.select("#sfc-card button")]
    assert buttons == [("value", "1", "Agree"), ("value", "-1", "Disagree"), ("value", "0", "Pass")]
    form = soup.select_one("#sfc-card form")
    assert form["method"] == "post" and form["action"] == world.public("vote/") and form["hx-post"] == form["action"]
    assert form.select_one("input[name=csrfmiddlewaretoken]") is not None
    assert soup.select_one("#add-statement textarea[name=text]") is not None
    assert soup.select_one("main#main-content") is not None and soup.html["lang"] == "en"
    assert COOKIE not in response.cookies and Participant.objects.filter(consultation=world.consultation).count() == 0
    assert "no-cache" in response["Cache-Control"] and response["Referrer-Policy"] == "strict-origin"


def test_voting_without_javascript_sets_the_cookie_and_moves_on(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    page = soup_of(client.get(world.public()))
    token = page.select_one("#sfc-card input[name=csrfmiddlewaretoken]")["value"]
    first = int(page.select_one("#sfc-card input[name=statement]")["value"])
    response = client.post(world.public("vote/"), {"statement": first, "value": "1", "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == world.public()
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == world.public()
    assert int(cookie["max-age"]) > 30 * 24 * 3600
    participant = selectors.participant_by_secret(world.consultation, cookie.value)
    assert participant is not None
    assert selectors.votes_of(participant) == {first: 1}
    after = soup_of(client.get(world.public()))
    assert int(after.select_one("#sfc-card input[name=statement]")["value"]) != first
    assert text_of(after, ".sfc-consult__progress") == "You have voted on 1 statement."
    second = int(after.select_one("#sfc-card input[name=statement]")["value"])
    again = client.post(world.public("vote/"), {"statement": second, "value": "-1", "csrfmiddlewaretoken": token})
    assert again.status_code == 302 and COOKIE not in again.cookies  # the same participant, the cookie kept
    assert selectors.votes_of(participant) == {first: 1, second: -1}
    assert Participant.objects.filter(consultation=world.consultation).count() == 1


def test_a_vote_without_the_csrf_token_is_refused(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    statement = shown_statement(client, world.public())
    assert vote(client, world, statement, 1).status_code == 403
    assert Vote.objects.count() == 0


def test_a_participant_votes_on_every_statement_then_is_thanked(world: World) -> None:
    client = Client()
    for _number in range(10):
        assert vote(client, world, shown_statement(client, world.public()), 0).status_code == 302
    soup = soup_of(client.get(world.public()))
    assert text_of(soup, "#sfc-card h2") == "You have voted on every statement"
    assert soup.select_one("#sfc-card form") is None
    assert Vote.objects.filter(value=0).count() == 10


def test_the_votes_page_lists_votes_and_a_vote_can_be_changed(world: World) -> None:
    client = Client()
    first = shown_statement(client, world.public())
    vote(client, world, first, 1)
    soup = soup_of(client.get(world.public("votes/")))
    item = soup.select_one(f"#vote-list li[data-statement='{first}']")
    assert item["data-value"] == "1" and "Your vote: Agree" in " ".join(item.get_text(" ").split())
    options = [button["value"] for button in item.select("button[name=value]")]
    assert options == ["-1", "0"]
    assert item.select_one("input[name=next]")["value"] == "votes"
    changed = vote(client, world, first, -1, next="votes")
    assert changed.status_code == 302 and changed["Location"] == world.public("votes/")
    assert list(Vote.objects.values_list("statement_id", "value")) == [(first, -1)]
    assert soup_of(client.get(world.public("votes/"))).select_one(f"li[data-statement='{first}']")["data-value"] == "-1"
    assert text_of(soup_of(Client().get(world.public("votes/"))), "#no-votes") == "You have not voted yet."


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"statement": "abc", "value": "1"},
        {"statement": "1", "value": "2"},
        {"statement": "1", "value": "agree"},
        {"statement": "-5", "value": "1"},
        {"statement": "9" * 40, "value": "1"},
        {"statement": "999999", "value": "1"},
    ],
)
def test_bad_votes_are_refused_and_change_nothing(world: World, data: dict[str, str]) -> None:
    response = Client().post(world.public("vote/"), data)
    soup = soup_of(response, status=400)
    assert "could not be read" in text_of(soup, "#refusal")
    assert Vote.objects.count() == 0 and Participant.objects.count() == 0


def test_a_statement_of_another_consultation_cannot_be_voted_on(world: World) -> None:
    foreign = statements(world.other_consultation)[0]
    assert vote(Client(), world, foreign.pk, 1).status_code == 400
    assert Vote.objects.count() == 0


def test_a_refused_vote_leaves_no_participant_behind(world: World) -> None:
    rejected = statements(world.consultation)[0]
    services.moderate_statement(statement=rejected, moderation="rejected")
    response = vote(Client(), world, rejected.pk, 1)
    assert response.status_code == 400 and "not open for votes" in text_of(soup_of(response, 400), "#refusal")
    assert COOKIE not in response.cookies
    assert Participant.objects.count() == 0 and Vote.objects.count() == 0


def test_a_participant_adds_a_statement(world: World) -> None:
    client = Client()
    response = client.post(world.public("statements/new/"), {"text": "  Visits should be possible at night.  "})
    assert response.status_code == 302 and response["Location"] == world.public() + "#add-statement"
    assert COOKIE in response.cookies  # adding a statement joins, as a first vote does
    added = Statement.objects.get(text="Visits should be possible at night.")
    assert added.moderation == "pending" and not added.is_seed and added.language == "en"
    page = soup_of(client.get(world.public()))
    assert "shown to others while it waits for moderation" in text_of(page, ".sfc-messages")


@pytest.mark.parametrize("text", ["", "   ", "s" * 401, "STATEMENT NUMBER 1 ABOUT VISITING HOURS."])
def test_bad_statements_rerender_with_errors(world: World, text: str) -> None:
    soup = soup_of(Client().post(world.public("statements/new/"), {"text": text}), status=400)
    assert soup.select_one("#error-summary") is not None and soup.title.get_text().startswith("Error:")
    assert soup.select_one("#add-statement textarea[name=text]") is not None
    assert Statement.objects.filter(consultation=world.consultation).count() == 10
    assert Participant.objects.filter(consultation=world.consultation).count() == 0


def test_strict_moderation_and_no_participant_statements(world: World) -> None:
    services.update_consultation(consultation=world.consultation, strict_moderation=True)
    client = Client()
    client.post(world.public("statements/new/"), {"text": "A statement for the moderator."})
    assert "once a moderator accepts it" in text_of(soup_of(client.get(world.public())), ".sfc-messages")
    services.update_consultation(consultation=world.consultation, allow_participant_statements=False)
    assert soup_of(client.get(world.public())).select_one("#add-statement") is None
    refused = client.post(world.public("statements/new/"), {"text": "Another one."})
    assert refused.status_code == 400 and "does not take statements" in text_of(soup_of(refused, 400), "#refusal")
    assert not Statement.objects.filter(text="Another one.").exists()


def test_a_closed_consultation_shows_a_message_and_refuses_votes(world: World) -> None:
    client = Client()
    statement = shown_statement(client, world.public())
    vote(client, world, statement, 1)
    services.close_consultation(consultation=world.consultation)
    soup = soup_of(client.get(world.public()))
    assert text_of(soup, "#closed h2") == "This consultation has closed"
    assert soup.select_one("#sfc-card") is None and soup.select_one("#add-statement") is None
    refused = vote(client, world, statement, -1)
    refusal = soup_of(refused, 410)
    assert refused.status_code == 410 and "closed" in text_of(refusal, "#refusal")
    assert refusal.find("a", string="Back to the consultation")["href"] == world.public()
    assert client.post(world.public("statements/new/"), {"text": "Late."}).status_code == 410
    votes_page = soup_of(client.get(world.public("votes/")))
    assert votes_page.select_one(f"li[data-statement='{statement}']")["data-value"] == "1"
    assert votes_page.select_one("#vote-list form") is None
    assert list(Vote.objects.values_list("value", flat=True)) == [1]


def test_a_consultation_not_open_yet_is_refused(world: World) -> None:
    services.update_consultation(consultation=world.consultation, opens_at=timezone.now() + datetime.timedelta(days=2))
    soup = soup_of(Client().get(world.public()), status=403)
    assert text_of(soup, "#refusal") == "This consultation has not opened yet."
    assert vote(Client(), world, statements(world.consultation)[0].pk, 1).status_code == 403
    assert Vote.objects.count() == 0


@pytest.mark.parametrize("token", ["nope", "x" * 129, "%00", "a%00b", "../../etc", "é"])
def test_unknown_links_are_404(world: World, token: str) -> None:
    assert Client().get(f"/c/{token}/").status_code == 404
    assert Client().post(f"/c/{token}/vote/", {"statement": 1, "value": 1}).status_code == 404


def test_invite_only_needs_the_invitation_link(world: World) -> None:
    consultation = invite_only(world)
    invitation = services.create_invitations(consultation=consultation, count=1)[0]
    url = world.public(consultation=consultation)
    for address in (url, f"{url}?invitation=wrong", f"{url}?invitation={'i' * 500}", f"{url}?invitation=%00"):
        soup = soup_of(Client().get(address), status=403)
        assert "by invitation only" in text_of(soup, "#refusal")
    first = statements(consultation)[0].pk
    refused = Client().post(url + "vote/", {"statement": first, "value": 1})
    assert refused.status_code == 403 and Vote.objects.count() == 0
    client = Client()
    page = soup_of(client.get(f"{url}?invitation={invitation.token}"))
    assert page.select_one("#sfc-card input[name=invitation]")["value"] == invitation.token
    statement = int(page.select_one("#sfc-card input[name=statement]")["value"])
    response = client.post(url + "vote/", {"statement": statement, "value": 1, "invitation": invitation.token})
    assert response.status_code == 302 and response.cookies[COOKIE].value == invitation.token
    invitation.refresh_from_db()
    assert invitation.used_at is not None and invitation.participant.votes.count() == 1
    later = soup_of(client.get(url))  # the cookie now opens the page without the invitation
    assert later.select_one("#sfc-card input[name=invitation]") is None
    assert text_of(later, ".sfc-consult__progress") == "You have voted on 1 statement."
    other_device = Client()
    assert soup_of(other_device.get(f"{url}?invitation={invitation.token}")).select_one("#sfc-card") is not None
    assert Participant.objects.filter(consultation=consultation).count() == 1


def test_the_pages_follow_the_consultations_languages(world: World) -> None:
    services.update_consultation(consultation=world.consultation, languages=["nb"])
    soup = soup_of(Client().get(world.public(), HTTP_ACCEPT_LANGUAGE="en"))
    assert soup.html["lang"] == "nb"
    services.update_consultation(consultation=world.consultation, languages=["en", "nb"])
    assert soup_of(Client().get(world.public(), HTTP_ACCEPT_LANGUAGE="nb")).html["lang"] == "nb"
    assert soup_of(Client().get(world.public(), HTTP_ACCEPT_LANGUAGE="en")).html["lang"] == "en"


def test_htmx_swaps_put_the_focus_on_the_next_statement(world: World) -> None:
    client = Client()
    assert soup_of(client.get(world.public())).select_one("#sfc-statement[autofocus]") is None
    swapped = soup_of(client.get(world.public(), HTTP_HX_REQUEST="true"))
    legend = swapped.select_one("#sfc-card #sfc-statement")
    assert legend.has_attr("autofocus") and legend["tabindex"] == "-1"


def test_statement_texts_are_escaped(world: World) -> None:
    client = Client()
    client.post(world.public("statements/new/"), {"text": "<img src=x onerror=alert(1)> Visits"})
    for statement in statements(world.consultation)[:10]:
        vote(client, world, statement.pk, 1)
    soup = soup_of(client.get(world.public()))
    assert soup.select_one("#sfc-card img") is None
    assert text_of(soup, "#sfc-card legend") == "<img src=x onerror=alert(1)> Visits"
