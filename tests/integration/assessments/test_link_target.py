"""Where a respondent's link leads, read without starting anything."""

from __future__ import annotations

import pytest

from spaceforchange.assessments import selectors, services
from spaceforchange.assessments.models import Response
from tests.factories import make_campaign, make_organization

pytestmark = pytest.mark.django_db


def test_personal_and_shared_links_lead_to_their_campaign_without_writing():
    campaign = make_campaign(make_organization())
    shared = services.create_shared_link(campaign=campaign)
    [(invitation, personal)] = services.invite_respondents(campaign=campaign, emails=["ada@example.org"])

    by_invitation = selectors.link_target(personal)
    by_shared = selectors.link_target(shared)

    assert by_invitation == selectors.LinkTarget(campaign=campaign, invitation=invitation)
    assert by_shared == selectors.LinkTarget(campaign=campaign, invitation=None)
    assert Response.objects.count() == 0


@pytest.mark.parametrize("token", ["", "x" * 43, "../../etc/passwd", "' OR '1'='1", "é" * 200])
def test_unknown_links_lead_nowhere(token):
    make_campaign(make_organization())
    assert selectors.link_target(token) is None


def test_a_replaced_shared_link_no_longer_leads_anywhere():
    campaign = make_campaign(make_organization())
    old = services.create_shared_link(campaign=campaign)
    new = services.create_shared_link(campaign=campaign)
    assert selectors.link_target(old) is None
    assert selectors.link_target(new) is not None
