"""Export and erasure of a person's survey data (named campaigns, invitations, campaigns created)."""

from __future__ import annotations

import pytest

from spaceforchange.assessments import response_services, services
from spaceforchange.assessments.models import Answer, CampaignInvitation, DimensionComment, Response
from spaceforchange.core.privacy import erase_person, export_person
from tests.factories import make_campaign, make_member, make_organization, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def kari_answered():
    organization = make_organization()
    kari = make_user("kari.nordmann@example.org", first_name="Kari", last_name="Nordmann")
    make_member(organization, user=kari)
    campaign = make_campaign(organization, anonymous=False, created_by=kari)
    [(_invitation, token)] = services.invite_respondents(campaign=campaign, emails=["kari.nordmann@example.org"])
    response, _ = response_services.start_response(token=token, user=kari)
    response = response_services.save_answers(response=response, answers={"r1": 4, "r2": 2, "o1": 5, "o2": 3})
    return kari, campaign, response


def test_export_lists_campaigns_created_answers_and_invitations(kari_answered):
    kari, campaign, _response = kari_answered
    surveys = export_person(user=kari)["sections"]["surveys"]
    assert [entry["title"] for entry in surveys["campaigns_created"]] == [campaign.title]
    [named] = surveys["named_responses"]
    assert named["campaign"] == campaign.title
    assert named["answers"] == {"r1": 4, "r2": 2, "o1": 5, "o2": 3}
    assert [entry["campaign"] for entry in surveys["invitations"]] == [campaign.title]


def test_erasure_keeps_the_answers_but_not_the_person(kari_answered):
    kari, campaign, response = kari_answered
    DimensionComment.objects.create(
        organization=campaign.organization, response=response, dimension_key="risk", text="Kari Nordmann thinks so"
    )

    erase_person(user=kari)

    response.refresh_from_db()
    assert response.respondent is None and response.invitation is None
    assert Answer.objects.filter(response=response).count() == 4
    assert DimensionComment.objects.get(response=response).text == f"erased-{kari.pk} thinks so"
    assert not CampaignInvitation.objects.filter(email__iexact="kari.nordmann@example.org").exists()
    assert CampaignInvitation.objects.filter(campaign=campaign).count() == 1
    assert Response.objects.filter(campaign=campaign).count() == 1
