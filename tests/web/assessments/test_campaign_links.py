"""Shared and personal links: who may make them, that they are shown exactly once, and the mails."""

import pytest
from django.core import mail

from spaceforchange.assessments import response_services, services
from spaceforchange.assessments.domain import hash_token
from spaceforchange.assessments.forms import MAX_INVITATIONS_AT_ONCE
from spaceforchange.assessments.models import CampaignInvitation
from tests.factories import make_response
from tests.web.assessments.conftest import ROLES
from tests.web.core.conftest import soup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("respond_pages")]

CHANGERS = {"innovation_lead", "admin"}


def token_of(link):
    assert link.startswith("http://testserver/respond/")
    return link.rstrip("/").rsplit("/", 1)[1]


def personal_links(response):
    return {
        row.th.get_text(strip=True): row.find("input")["value"]
        for row in soup(response).select("#personal-links tbody tr")
    }


def invitation_rows(response):
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for row in soup(response).select("#invitations tbody tr[data-invitation-id]")
    ]


@pytest.mark.parametrize("role", ROLES)
def test_shared_link_by_role(org, client_as, campaign_in, role):
    campaign = campaign_in(org)
    response = client_as(role).post(org.url("assessments:campaign_shared_link", campaign_id=campaign.pk))
    campaign.refresh_from_db()
    assert response.status_code == (302 if role in CHANGERS else 403)
    assert (campaign.shared_link_token_hash is not None) == (role in CHANGERS)


def test_the_shared_link_is_shown_once_and_a_new_one_replaces_it(org, client_as, campaign_in):
    campaign = campaign_in(org)
    client = client_as("innovation_lead")
    url = org.url("assessments:campaign_shared_link", campaign_id=campaign.pk)
    page = client.post(url, follow=True)
    link = soup(page).select_one("#shared-link")["value"]
    campaign.refresh_from_db()
    assert campaign.shared_link_token_hash == hash_token(token_of(link))
    assert "replaces this one" in soup(page).select_one("#new-shared-link").get_text()
    again = client.get(org.url("assessments:campaign", campaign_id=campaign.pk))
    assert soup(again).select_one("#shared-link") is None
    assert token_of(link) not in again.content.decode()
    assert soup(again).find("button", string="Replace the shared link")
    newer = soup(client.post(url, follow=True)).select_one("#shared-link")["value"]
    assert newer != link
    campaign.refresh_from_db()
    assert campaign.shared_link_token_hash == hash_token(token_of(newer))


def test_the_shared_link_works_for_respondents(org, client_as, campaign_in):
    campaign = campaign_in(org)
    page = client_as("admin").post(org.url("assessments:campaign_shared_link", campaign_id=campaign.pk), follow=True)
    response, _resume = response_services.start_response(token=token_of(soup(page).select_one("#shared-link")["value"]))
    assert response.campaign_id == campaign.pk


def test_a_closed_campaign_gets_no_shared_link(org, client_as, campaign_in):
    campaign = campaign_in(org, status="closed")
    page = client_as("admin").post(org.url("assessments:campaign_shared_link", campaign_id=campaign.pk), follow=True)
    assert [m.message for m in page.context["messages"]] == ["The campaign is closed."]
    assert soup(page).select_one("#shared-link") is None


@pytest.mark.parametrize("role", ROLES)
def test_invite_by_role(org, client_as, campaign_in, role):
    campaign = campaign_in(org)
    response = client_as(role).post(
        org.url("assessments:campaign_invite", campaign_id=campaign.pk), {"emails": "ada@example.org"}
    )
    assert response.status_code == (302 if role in CHANGERS else 403)
    assert campaign.invitations.count() == (1 if role in CHANGERS else 0)


def test_invitations_are_mailed_and_the_links_shown_once(
    org, client_as, campaign_in, django_capture_on_commit_callbacks
):
    campaign = campaign_in(org, title="Winter scan")
    client = client_as("innovation_lead")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            org.url("assessments:campaign_invite", campaign_id=campaign.pk),
            {"emails": "Ada@Example.org, bo@example.org;\n\n cy@example.org\nada@example.org"},
        )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert [m.message for m in page.context["messages"]] == ["3 new invitations, 3 sent by email."]
    links = personal_links(page)
    assert sorted(links) == ["ada@example.org", "bo@example.org", "cy@example.org"]
    stored = dict(CampaignInvitation.objects.filter(campaign=campaign).values_list("email", "token_hash"))
    assert {email: hash_token(token_of(link)) for email, link in links.items()} == stored
    assert sorted(message.to[0] for message in mail.outbox) == sorted(links)
    for message in mail.outbox:
        assert message.subject == "Your views: Winter scan"
        assert links[message.to[0]] in message.body
    again = client.get(org.url("assessments:campaign", campaign_id=campaign.pk))
    assert personal_links(again) == {}
    assert not any(token_of(link) in again.content.decode() for link in links.values())
    rows = invitation_rows(again)
    assert [row[0] for row in rows] == ["ada@example.org", "bo@example.org", "cy@example.org"]
    assert all(len(row) == 2 and row[1] != "Not sent" for row in rows)  # anonymous: no "answered" column


def test_inviting_the_same_people_again_creates_nothing_new(org, client_as, campaign_in):
    campaign = campaign_in(org)
    services.invite_respondents(campaign=campaign, emails=["ada@example.org"])
    client = client_as("admin")
    page = client.post(
        org.url("assessments:campaign_invite", campaign_id=campaign.pk), {"emails": "ada@example.org"}, follow=True
    )
    assert [m.message for m in page.context["messages"]] == [
        "0 new invitations, 0 sent by email. Addresses already invited were skipped."
    ]
    assert campaign.invitations.count() == 1
    assert personal_links(page) == {}


def test_a_named_campaign_shows_who_has_answered(org, client_as, campaign_in):
    campaign = campaign_in(org, anonymous=False)
    (ada, ada_token), (_bo, _bo_token) = services.invite_respondents(
        campaign=campaign, emails=["ada@example.org", "bo@example.org"]
    )
    response, _resume = response_services.start_response(token=ada_token)
    response_services.save_answers(response=response, answers={"r1": 4, "r2": 2, "o1": 5, "o2": 3})
    response_services.submit_response(response=response)
    page = client_as("member").get(org.url("assessments:campaign", campaign_id=campaign.pk))
    assert invitation_rows(page) == [
        ["ada@example.org", "Not sent", "Submitted"],
        ["bo@example.org", "Not sent", "Not yet"],
    ]
    assert ada.pk


def test_an_anonymous_campaign_never_shows_who_has_answered(org, client_as, campaign_in):
    campaign = campaign_in(org)
    [(_ada, token)] = services.invite_respondents(campaign=campaign, emails=["ada@example.org"])
    response, _resume = response_services.start_response(token=token)
    response_services.save_answers(response=response, answers={"r1": 4, "r2": 2, "o1": 5, "o2": 3})
    response_services.submit_response(response=response)
    make_response(campaign)
    page = client_as("admin").get(org.url("assessments:campaign", campaign_id=campaign.pk))
    assert invitation_rows(page) == [["ada@example.org", "Not sent"]]
    assert soup(page).select("[data-answered]") == []
    assert "Submitted" not in soup(page).select_one("#invitations").get_text()


def test_five_hundred_addresses_are_fine(org, client_as, campaign_in):
    campaign = campaign_in(org)
    emails = "\n".join(f"person{number}@example.org" for number in range(500))
    response = client_as("admin").post(
        org.url("assessments:campaign_invite", campaign_id=campaign.pk), {"emails": emails}
    )
    assert response.status_code == 302
    assert campaign.invitations.count() == 500


def test_too_many_addresses_are_refused_with_a_clear_message(org, client_as, campaign_in):
    campaign = campaign_in(org)
    emails = "\n".join(f"person{number}@example.org" for number in range(5000))
    response = client_as("admin").post(
        org.url("assessments:campaign_invite", campaign_id=campaign.pk), {"emails": emails}
    )
    assert response.status_code == 400
    assert MAX_INVITATIONS_AT_ONCE == 1000
    assert soup(response).select_one("#id_emails_error").get_text(strip=True) == (
        "You gave 5,000 addresses; invite at most 1,000 at a time."
    )
    assert campaign.invitations.count() == 0


@pytest.mark.parametrize(
    ("emails", "message"),
    [
        ("", "This field is required."),
        ("ada@example.org, not-an-address", "These are not valid email addresses: not-an-address."),
        ("a@" + "b" * 300 + ".org", "These are not valid email addresses: a@" + "b" * 300 + ".org."),
    ],
)
def test_bad_addresses_are_shown_on_the_form_and_invite_nobody(org, client_as, campaign_in, emails, message):
    campaign = campaign_in(org)
    response = client_as("admin").post(
        org.url("assessments:campaign_invite", campaign_id=campaign.pk), {"emails": emails}
    )
    assert response.status_code == 400
    assert soup(response).select_one("#id_emails_error").get_text(strip=True) == message
    assert soup(response).select_one("#id_emails").get_text().strip() == emails
    assert campaign.invitations.count() == 0
    assert mail.outbox == []


def test_a_closed_campaign_invites_nobody(org, client_as, campaign_in):
    campaign = campaign_in(org, status="closed")
    response = client_as("admin").post(
        org.url("assessments:campaign_invite", campaign_id=campaign.pk), {"emails": "ada@example.org"}
    )
    assert response.status_code == 400
    assert campaign.invitations.count() == 0
