"""The respondent's pages under /respond/: start by a link, answer, save, resume, submit.

The test pack's "scan" instrument has four statements on a 1–5 scale: r1, r2 (dimension
"room") and o1, o2 (dimension "openness"); o2 does not allow "don't know".
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from spaceforchange.assessments import domain
from spaceforchange.assessments import services as campaign_services
from spaceforchange.assessments.models import Answer, DimensionComment, Response, ResponseStatus
from tests.factories import make_campaign, make_member, make_organization, make_pack, make_user

pytestmark = pytest.mark.django_db

ALL_ANSWERS = {"answer_r1": "4", "answer_r2": "dk", "answer_o1": "5", "answer_o2": "2"}


@pytest.fixture
def campaign():  # type: ignore[no-untyped-def]
    return make_campaign(make_organization(name="Northbay"), version=make_pack("respond_pack"), title="Room scan")


@pytest.fixture
def shared_token(campaign) -> str:  # type: ignore[no-untyped-def]
    return campaign_services.create_shared_link(campaign=campaign)


def start_url(token: str) -> str:
    return reverse("respond:start", kwargs={"token": token})


def answer_url(token: str) -> str:
    return reverse("respond:answer", kwargs={"resume_token": token})


def done_url(token: str) -> str:
    return reverse("respond:done", kwargs={"resume_token": token})


def begin(client: Client, token: str) -> str:
    """POST the start button; returns the answering page's resume token."""
    response = client.post(start_url(token))
    assert response.status_code == 302
    prefix = reverse("respond:answer", kwargs={"resume_token": "X"}).removesuffix("X/")
    assert response["Location"].startswith(prefix)
    return response["Location"].removeprefix(prefix).removesuffix("/")


def soup_of(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.content, "html.parser")


def checked(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {tag["name"]: tag["value"] for tag in soup_of(response).select("input[type=radio][checked]")}


def saved_answers() -> dict[str, int | None]:
    return dict(Answer.objects.values_list("statement_key", "value"))


def test_opening_the_link_describes_the_survey_and_starts_nothing(client, campaign, shared_token):
    response = client.get(start_url(shared_token))
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.h1.get_text(strip=True) == "Room scan"
    text = soup.main.get_text(" ", strip=True)
    assert "4 statements to rate." in text
    assert "It takes about 1 minute." in text
    assert "at least 5 people" in text
    assert [form["method"] for form in soup.main.find_all("form")] == ["post"]
    assert soup.main.find("button", string="Start") is not None
    assert Response.objects.count() == 0


def test_named_campaign_says_answers_are_named(client):
    campaign = make_campaign(version=make_pack("respond_named"), anonymous=False)
    token = campaign_services.create_shared_link(campaign=campaign)
    text = soup_of(client.get(start_url(token))).main.get_text(" ", strip=True)
    assert "Your answers are named" in text
    assert "can see who gave which answers" in text


def test_start_creates_one_draft_and_shows_the_form(client, campaign, shared_token):
    resume = begin(client, shared_token)
    assert Response.objects.filter(campaign=campaign, status=ResponseStatus.DRAFT).count() == 1
    page = client.get(answer_url(resume))
    assert page.status_code == 200
    soup = soup_of(page)
    assert [h2.get_text(strip=True) for h2 in soup.select("section h2")] == ["Room", "Openness"]
    legends = [legend.get_text(strip=True) for legend in soup.select("fieldset legend")]
    assert legends == ["Rules leave room.", "Rules block us.", "People listen.", "People question habits."]
    assert soup.find(string="0 of 4 answered") is not None
    labels = [label.get_text(strip=True) for label in soup.select("fieldset")[0].select("label")]
    assert labels == ["1 – Disagree", "2", "3", "4", "5 – Agree", "Don't know"]
    assert {textarea["name"] for textarea in soup.select("textarea")} == {"comment_room", "comment_openness"}


def test_shared_link_gives_a_new_draft_each_start(client, shared_token):
    first, second = begin(client, shared_token), begin(Client(), shared_token)
    assert first != second
    assert Response.objects.count() == 2


def test_personal_link_resumes_its_one_response(client, campaign):
    [(_invitation, token)] = campaign_services.invite_respondents(campaign=campaign, emails=["kari@example.org"])
    assert begin(client, token) == token
    client.post(answer_url(token), {"answer_r1": "3", "save": "1"})
    assert begin(Client(), token) == token
    assert Response.objects.count() == 1
    assert checked(client.get(answer_url(token))) == {"answer_r1": "3"}


def test_saving_keeps_answers_and_comments(client, shared_token):
    resume = begin(client, shared_token)
    posted = {**ALL_ANSWERS, "comment_room": "More room, please.", "comment_openness": "", "save": "1"}
    response = client.post(answer_url(resume), posted, follow=True)
    assert response.redirect_chain == [(answer_url(resume), 302)]
    soup = soup_of(response)
    assert "Your answers are saved." in soup.select_one(".sfc-messages").get_text()
    assert checked(response) == {key: value for key, value in ALL_ANSWERS.items()}
    assert soup.find("textarea", attrs={"name": "comment_room"}).get_text() == "More room, please."
    assert soup.find(string="4 of 4 answered") is not None
    assert soup.select_one(".sfc-respond__link a").get_text() == f"http://testserver{answer_url(resume)}"
    assert saved_answers() == {"r1": 4, "r2": None, "o1": 5, "o2": 2}
    assert Response.objects.get().status == ResponseStatus.DRAFT


def test_dont_know_is_offered_only_where_allowed(client, shared_token):
    soup = soup_of(client.get(answer_url(begin(client, shared_token))))
    offered = {tag["name"] for tag in soup.select("input[type=radio][value=dk]")}
    assert offered == {"answer_r1", "answer_r2", "answer_o1"}


@pytest.mark.parametrize(
    "posted",
    [
        {"answer_r1": "9"},
        {"answer_r1": "0"},
        {"answer_r1": "three"},
        {"answer_o2": "dk"},
        {"answer_nope": "3"},
        {"comment_nope": "A comment on no dimension"},
        {"comment_room": "x" * (domain.COMMENT_MAX_LENGTH + 1)},
    ],
    ids=["above", "below", "text", "dont-know-refused", "unknown-statement", "unknown-dimension", "long-comment"],
)
def test_refused_values_get_400_and_nothing_is_saved(client, shared_token, posted):
    resume = begin(client, shared_token)
    response = client.post(answer_url(resume), {"answer_o1": "4", **posted, "save": "1"})
    assert response.status_code == 400
    soup = soup_of(response)
    assert "Nothing was saved" in soup.select_one(".usa-alert--error").get_text()
    assert saved_answers() == {}
    assert DimensionComment.objects.count() == 0


def test_the_error_is_shown_at_its_statement(client, shared_token):
    resume = begin(client, shared_token)
    soup = soup_of(client.post(answer_url(resume), {"answer_r1": "9", "save": "1"}))
    fieldset = soup.select_one("fieldset.usa-form-group--error")
    assert fieldset.legend.get_text(strip=True) == "Rules leave room."
    assert fieldset.select_one(".usa-error-message").get_text(strip=True) == "Choose an answer from 1 to 5."
    assert fieldset["aria-describedby"] == "answer_r1_error"


def test_submitting_nothing_is_refused_with_a_message(client, shared_token):
    resume = begin(client, shared_token)
    response = client.post(answer_url(resume), {"submit": "1"})
    assert response.status_code == 400
    assert "Answer at least one question" in soup_of(response).select_one(".usa-alert--error").get_text()
    assert Response.objects.get().status == ResponseStatus.DRAFT


def test_submitting_twice_keeps_one_submitted_response(client, shared_token):
    resume = begin(client, shared_token)
    first = client.post(answer_url(resume), {**ALL_ANSWERS, "submit": "1"})
    second = client.post(answer_url(resume), {**ALL_ANSWERS, "answer_r1": "1", "submit": "1"})
    assert (first.status_code, first["Location"]) == (302, done_url(resume))
    assert (second.status_code, second["Location"]) == (302, done_url(resume))
    assert Response.objects.filter(status=ResponseStatus.SUBMITTED).count() == 1
    assert Response.objects.count() == 1
    assert saved_answers()["r1"] == 4


def test_submitted_link_shows_thanks_never_the_answers(client, shared_token):
    resume = begin(client, shared_token)
    client.post(answer_url(resume), {**ALL_ANSWERS, "comment_room": "Secret remark", "submit": "1"})
    page = client.get(answer_url(resume), follow=True)
    assert page.redirect_chain == [(done_url(resume), 302)]
    soup = soup_of(page)
    assert soup.h1.get_text(strip=True) == "Thank you"
    assert soup.select("input[type=radio]") == []
    assert "Secret remark" not in page.content.decode()


def test_done_page_of_a_draft_leads_back_to_the_form(client, shared_token):
    resume = begin(client, shared_token)
    response = client.get(done_url(resume))
    assert (response.status_code, response["Location"]) == (302, answer_url(resume))


def test_closing_while_answering_refuses_with_410_and_saves_nothing(client, campaign, shared_token):
    resume = begin(client, shared_token)
    campaign_services.close_campaign(campaign=campaign)
    response = client.post(answer_url(resume), {**ALL_ANSWERS, "save": "1"})
    assert response.status_code == 410
    assert soup_of(response).h1.get_text(strip=True) == "This survey has closed"
    assert "can no longer be given or changed" in soup_of(response).main.get_text()
    assert saved_answers() == {}
    assert client.get(start_url(shared_token)).status_code == 410
    assert client.post(start_url(shared_token)).status_code == 410
    assert Response.objects.count() == 1


def test_survey_not_open_yet_is_403_with_a_message(client):
    campaign = make_campaign(version=make_pack("respond_draft"), status="draft")
    token = campaign_services.create_shared_link(campaign=campaign)
    for response in (client.get(start_url(token)), client.post(start_url(token))):
        assert response.status_code == 403
        assert "has not been opened yet" in soup_of(response).main.get_text()
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    "token",
    ["nonsense", "x" * 5000, "..", "%2e%2e%2fetc%2fpasswd", "..%2F..%2Fsettings", "a%00b", "%F0%9F%98%80"],
)
def test_unknown_or_garbage_tokens_are_404(client, shared_token, token):
    for url in (f"/respond/{token}/", f"/respond/answer/{token}/", f"/respond/answer/{token}/done/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/respond/{token}/").status_code == 404
    assert client.post(f"/respond/answer/{token}/", {**ALL_ANSWERS, "save": "1"}).status_code == 404
    assert Response.objects.count() == 0


def test_unknown_token_page_says_why(client):
    response = client.get(start_url("nonsense"))
    assert "This survey link is not valid" in soup_of(response).main.get_text()


def test_the_link_token_is_not_a_resume_token(client, shared_token):
    begin(client, shared_token)
    assert client.get(answer_url(shared_token)).status_code == 404


def test_pages_are_not_cached_and_send_no_referrer_path(client, shared_token):
    resume = begin(client, shared_token)
    client.post(answer_url(resume), {**ALL_ANSWERS, "submit": "1"})
    for response in (
        client.get(start_url(shared_token)),
        client.get(answer_url(resume), follow=False),
        client.get(done_url(resume)),
        client.get(start_url("nonsense")),
    ):
        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "strict-origin"


def test_csrf_protection_stays_on(shared_token):
    client = Client(enforce_csrf_checks=True)
    assert client.post(start_url(shared_token)).status_code == 403
    page = client.get(start_url(shared_token))
    token = soup_of(page).find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]
    assert client.post(start_url(shared_token), {"csrfmiddlewaretoken": token}).status_code == 302
    assert Response.objects.count() == 1


def test_pages_work_without_an_account_and_with_one(client, shared_token):
    client.force_login(make_user())
    resume = begin(client, shared_token)
    assert client.get(answer_url(resume)).status_code == 200


@pytest.fixture
def named_link():  # type: ignore[no-untyped-def]
    """A named campaign's shared link, with a member of its organisation signed in to answer it."""
    campaign = make_campaign(version=make_pack("respond_named_shared"), anonymous=False, title="Named scan")
    person = make_member(campaign.organization, user=make_user("kari@example.org", first_name="Kari")).user
    return campaign, campaign_services.create_shared_link(campaign=campaign), person


def test_signed_in_person_on_a_named_shared_link_answers_as_themselves(client, named_link):
    campaign, token, person = named_link
    client.force_login(person)
    start_page = soup_of(client.get(start_url(token)))
    assert "You are signed in as Kari" in start_page.main.get_text()
    assert start_page.select_one("form.sfc-respond__start button").get_text(strip=True) == "Start"
    resume = begin(client, token)
    response = Response.objects.get()
    assert (response.campaign, response.respondent, response.status) == (campaign, person, ResponseStatus.DRAFT)
    page = client.get(answer_url(resume))
    assert page.status_code == 200
    assert soup_of(page).h1.get_text(strip=True) == "Named scan"


def test_a_second_visit_resumes_the_same_named_response_and_then_says_already_answered(client, named_link):
    _campaign, token, person = named_link
    client.force_login(person)
    first = begin(client, token)
    client.post(answer_url(first), {"answer_r1": "2", "comment_room": "Tight.", "save": "1"})

    start_page = soup_of(client.get(start_url(token)))
    assert "You have started this survey as Kari" in start_page.main.get_text()
    assert start_page.select_one("form.sfc-respond__start button").get_text(strip=True) == "Continue"
    second = begin(client, token)
    assert second == first
    assert checked(client.get(answer_url(second))) == {"answer_r1": "2"}
    assert Response.objects.count() == 1

    submitted = client.post(answer_url(second), {**ALL_ANSWERS, "submit": "1"})
    assert submitted["Location"] == done_url(second)
    again = client.get(start_url(token))
    assert again.status_code == 200
    text = soup_of(again).main.get_text()
    assert "You have already answered this survey" in text
    assert soup_of(again).select("form.sfc-respond__start") == []
    # Pressing start anyway (an old tab, a replay) leads to the thanks, never to the answers again.
    replay = client.post(start_url(token))
    assert replay["Location"] == answer_url(second)
    assert client.get(answer_url(second))["Location"] == done_url(second)
    assert Response.objects.count() == 1
    assert Response.objects.get().status == ResponseStatus.SUBMITTED


def test_each_signed_in_person_gets_their_own_named_response(client, named_link):
    campaign, token, person = named_link
    client.force_login(person)
    mine = begin(client, token)
    colleague = make_member(campaign.organization).user
    other_client = Client()
    other_client.force_login(colleague)
    theirs = begin(other_client, token)
    stranger = begin(Client(), token)
    assert len({mine, theirs, stranger}) == 3
    assert set(Response.objects.values_list("respondent", flat=True)) == {person.pk, colleague.pk, None}


def test_a_named_response_started_by_a_personal_link_is_not_reopened_by_the_shared_link(client, named_link):
    campaign, token, person = named_link
    [(_invitation, personal)] = campaign_services.invite_respondents(campaign=campaign, emails=["kari@example.org"])
    client.force_login(person)
    begin(client, personal)
    response = client.post(start_url(token))
    assert response.status_code == 409
    assert "another link" in soup_of(response).main.get_text()
    assert Response.objects.count() == 1


def test_the_named_answering_address_needs_no_session_but_is_the_person_s_own(client, named_link):
    _campaign, token, person = named_link
    client.force_login(person)
    resume = begin(client, token)
    # The address is a bearer key like a personal link: it works in another browser, and a
    # made-up one of the same shape does not.
    assert Client().get(answer_url(resume)).status_code == 200
    assert Client().get(answer_url("A" * len(resume))).status_code == 404


def test_norwegian_reader_gets_the_statements_in_bokmaal(client, shared_token):
    resume = begin(client, shared_token)
    client.post(reverse("set_language"), {"language": "nb", "next": answer_url(resume)})
    soup = soup_of(client.get(answer_url(resume)))
    assert soup.html["lang"] == "nb"
    assert [h2.get_text(strip=True) for h2 in soup.select("section h2")] == ["Rom", "Åpenhet"]
    assert soup.select("fieldset legend")[0].get_text(strip=True) == "Reglene gir rom."
    labels = [label.get_text(strip=True) for label in soup.select("fieldset")[0].select("label")]
    assert labels[0] == "1 – Uenig" and labels[-1] == "Vet ikke"


def test_another_respondents_answers_are_never_shown(client, shared_token):
    mine = begin(client, shared_token)
    theirs = begin(Client(), shared_token)
    client.post(answer_url(theirs), {"answer_r1": "1", "comment_room": "Their words", "save": "1"})
    page = client.get(answer_url(mine))
    assert checked(page) == {}
    assert "Their words" not in page.content.decode()
