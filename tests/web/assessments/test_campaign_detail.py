import pytest

from spaceforchange.assessments import services
from tests.factories import make_response, make_unit
from tests.web.assessments.conftest import ROLES
from tests.web.core.conftest import soup

pytestmark = pytest.mark.django_db

CHANGERS = {"innovation_lead", "admin"}
ACTIONS = ("campaign_open", "campaign_close", "campaign_shared_link", "campaign_invite")


def facts(response):
    page = soup(response)
    return {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True) for dt in page.select("dl dt")
    }


def counts(response):
    return {cell["data-count"]: int(cell.get_text(strip=True)) for cell in soup(response).select("[data-count]")}


@pytest.mark.parametrize("role", ROLES)
def test_every_member_sees_the_campaign_and_only_changers_its_controls(org, client_as, campaign_in, role):
    campaign = campaign_in(org, title="Winter scan", status="draft", unit=make_unit(org.organization, "Library"))
    response = client_as(role).get(org.url("assessments:campaign", campaign_id=campaign.pk))
    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text(strip=True) == "Winter scan"
    found = facts(response)
    assert found["Instrument"] == "Framework scan_pack — Scan"
    assert found["Framework pack version"] == "scan_pack 1.0.0 (#1)"
    assert found["Asked about"] == "Library"
    assert found["Status"] == "Draft"
    buttons = {button.get_text(strip=True) for button in page.select("main form button")}
    expected = {"Open the campaign", "Create shared link", "Invite"} if role in CHANGERS else set()
    assert buttons == expected


def test_the_creator_may_change_their_own_campaign(org, client_as, campaign_in):
    own = campaign_in(org, status="draft", created_by=org.people["owner"].user)
    client = client_as("owner")
    assert soup(client.get(org.url("assessments:campaign", campaign_id=own.pk))).find(
        "button", string="Open the campaign"
    )
    assert client.post(org.url("assessments:campaign_open", campaign_id=own.pk)).status_code == 302
    other = campaign_in(org, status="draft")
    assert client.post(org.url("assessments:campaign_open", campaign_id=other.pk)).status_code == 403


def test_counts_of_invitations_drafts_and_submissions(org, client_as, campaign_in):
    campaign = campaign_in(org)
    services.invite_respondents(campaign=campaign, emails=["a@example.org", "b@example.org"])
    make_response(campaign)
    make_response(campaign, submit=False)
    make_response(campaign, submit=False)
    response = client_as("member").get(org.url("assessments:campaign", campaign_id=campaign.pk))
    assert counts(response) == {"invited": 2, "drafts": 2, "submitted": 1}


@pytest.mark.parametrize("role", ROLES)
def test_open_and_close_by_role(org, client_as, campaign_in, role):
    campaign = campaign_in(org, status="draft")
    client = client_as(role)
    opened = client.post(org.url("assessments:campaign_open", campaign_id=campaign.pk))
    campaign.refresh_from_db()
    assert (opened.status_code, campaign.status) == ((302, "open") if role in CHANGERS else (403, "draft"))
    if role not in CHANGERS:
        services.open_campaign(campaign=campaign)
    closed = client.post(org.url("assessments:campaign_close", campaign_id=campaign.pk))
    campaign.refresh_from_db()
    assert (closed.status_code, campaign.status) == ((302, "closed") if role in CHANGERS else (403, "open"))


def test_open_and_close_explain_themselves_and_closed_cannot_reopen(org, client_as, campaign_in):
    campaign = campaign_in(org, status="draft")
    client = client_as("innovation_lead")
    url = org.url("assessments:campaign", campaign_id=campaign.pk)
    page = client.post(org.url("assessments:campaign_open", campaign_id=campaign.pk), follow=True)
    assert [m.message for m in page.context["messages"]] == [
        "The campaign is open: respondents can answer from its opening time."
    ]
    assert soup(page).find("button", string="Close the campaign now")
    client.post(org.url("assessments:campaign_close", campaign_id=campaign.pk))
    page = client.get(url)
    assert facts(page)["Status"] == "Closed"
    assert {b.get_text(strip=True) for b in soup(page).select("main form button")} == set()
    again = client.post(org.url("assessments:campaign_open", campaign_id=campaign.pk), follow=True)
    assert [m.message for m in again.context["messages"]] == ["A closed campaign cannot be opened again."]
    campaign.refresh_from_db()
    assert campaign.status == "closed"


@pytest.mark.parametrize("action", ["campaign", *ACTIONS])
def test_another_organisations_campaign_is_404(org, other_org, client_as, campaign_in, action):
    foreign = campaign_in(other_org)
    client = client_as("admin")
    url = org.url(f"assessments:{action}", campaign_id=foreign.pk)
    response = client.get(url) if action == "campaign" else client.post(url, {"emails": "a@example.org"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert (foreign.status, foreign.shared_link_token_hash, foreign.invitations.count()) == ("open", None, 0)


@pytest.mark.parametrize("action", ACTIONS)
def test_actions_refuse_get(org, client_as, campaign_in, action):
    campaign = campaign_in(org)
    assert client_as("admin").get(org.url(f"assessments:{action}", campaign_id=campaign.pk)).status_code == 405


def test_a_missing_campaign_is_404(org, client_as):
    assert client_as("admin").get(org.url("assessments:campaign", campaign_id=999999)).status_code == 404
