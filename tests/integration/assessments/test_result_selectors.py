"""Reads for the results pages: comments, respondent attributes and the campaigns to compare with."""

from __future__ import annotations

import pytest

from spaceforchange.assessments import response_services, result_selectors, services
from spaceforchange.assessments.models import Response
from tests.factories import make_campaign, make_organization, make_pack, make_response

pytestmark = pytest.mark.django_db

ANSWERS = {"r1": 4, "r2": 2, "o1": 5, "o2": 3}


def respond(campaign, comments, *, submit=True):  # type: ignore[no-untyped-def]
    """A response through the shared link with comments per dimension."""
    token = services.create_shared_link(campaign=campaign)
    response, _resume = response_services.start_response(token=token)
    response = response_services.save_answers(response=response, answers=ANSWERS, comments=comments)
    return response_services.submit_response(response=response) if submit else response


def test_comments_are_the_submitted_ones_per_dimension_in_alphabetical_order():
    pack = make_pack()
    campaign = make_campaign(make_organization(), version=pack)
    respond(campaign, {"room": "rules block us", "openness": "  Nobody listens  "})
    respond(campaign, {"room": "Budget is tight"})
    respond(campaign, {"room": "a draft is not an answer yet"}, submit=False)
    respond(campaign, {"room": "above all, time"})
    # Another campaign of the same pack, and another organisation's, stay out.
    respond(make_campaign(campaign.organization, version=pack), {"room": "other campaign"})
    respond(make_campaign(make_organization(), version=pack), {"room": "other organisation"})

    assert result_selectors.submitted_comments(campaign) == {
        "room": ["above all, time", "Budget is tight", "rules block us"],
        "openness": ["Nobody listens"],
    }
    assert result_selectors.respondent_count(campaign) == 3


def test_a_campaign_without_comments_has_none():
    campaign = make_campaign(make_organization())
    make_response(campaign)
    assert result_selectors.submitted_comments(campaign) == {}


def test_attribute_names_come_from_submitted_responses_only():
    campaign = make_campaign(make_organization())
    submitted, draft = make_response(campaign), make_response(campaign, submit=False)
    Response.objects.filter(pk=submitted.pk).update(attributes={"Agency": "Tax", "age": "30-39"})
    Response.objects.filter(pk=draft.pk).update(attributes={"secret": "x"})
    assert result_selectors.attribute_names(campaign) == ["age", "Agency"]


def test_comparable_campaigns_share_the_organisation_the_pack_and_the_instrument():
    organization, pack = make_organization(), make_pack()
    campaign = make_campaign(organization, version=pack)
    earlier = make_campaign(organization, version=pack, status="closed")
    make_campaign(organization)  # another pack's "scan"
    make_campaign(make_organization(), version=pack)  # another organisation
    assert list(result_selectors.comparable_campaigns(campaign)) == [earlier]
