"""Personal links: creating them for email addresses and mailing them."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from spaceforchange.assessments import domain, selectors, services
from spaceforchange.assessments.models import CampaignInvitation
from tests.factories import make_campaign, make_organization

pytestmark = pytest.mark.django_db


def link_for(token: str) -> str:
    return f"https://sfc.example/respond/{token}/"


@pytest.fixture
def campaign():
    closes = timezone.make_aware(datetime.datetime(2099, 3, 1, 12, 0), datetime.UTC)
    return make_campaign(make_organization(name="Northbay"), title="Spring scan", closes_at=closes)


def test_invite_returns_one_link_per_new_address_and_stores_only_hashes(campaign):
    created = services.invite_respondents(
        campaign=campaign, emails=[" Ada@Example.org ", "bo@example.org", "ada@example.org", ""]
    )
    assert [invitation.email for invitation, _token in created] == ["ada@example.org", "bo@example.org"]
    for invitation, token in created:
        assert invitation.token_hash == domain.hash_token(token)
        assert (invitation.organization_id, invitation.campaign_id, invitation.sent_at) == (
            campaign.organization_id,
            campaign.pk,
            None,
        )
    assert len({token for _invitation, token in created}) == 2
    assert not CampaignInvitation.objects.filter(token_hash=created[0][1]).exists()


def test_addresses_already_invited_are_skipped(campaign):
    services.invite_respondents(campaign=campaign, emails=["ada@example.org"])
    created = services.invite_respondents(campaign=campaign, emails=["ADA@example.org", "cy@example.org"])
    assert [invitation.email for invitation, _token in created] == ["cy@example.org"]
    assert sorted(selectors.invitations_of(campaign).values_list("email", flat=True)) == [
        "ada@example.org",
        "cy@example.org",
    ]


@pytest.mark.parametrize(
    ("emails", "message"),
    [
        (["ada@example.org", "not-an-email", "b@"], "These are not valid email addresses: not-an-email, b@."),
        (["a@" + "b" * 250 + ".org"], "These are not valid email addresses: a@" + "b" * 250 + ".org."),
        (["x" * 250 + "@example.org"], "These are not valid email addresses: " + "x" * 250 + "@example.org."),
        ([], "Give at least one email address."),
        (["  ", ""], "Give at least one email address."),
    ],
)
def test_bad_addresses_refuse_the_whole_list(campaign, emails, message):
    with pytest.raises(ValidationError) as error:
        services.invite_respondents(campaign=campaign, emails=emails)
    assert error.value.message_dict == {"emails": [message]}
    assert not CampaignInvitation.objects.exists()


def test_a_closed_campaign_invites_no_one(campaign):
    services.close_campaign(campaign=campaign)
    with pytest.raises(ValidationError) as error:
        services.invite_respondents(campaign=campaign, emails=["ada@example.org"])
    assert error.value.code == "closed"
    assert not CampaignInvitation.objects.exists()


def test_links_are_mailed_after_commit_and_marked_sent(campaign, django_capture_on_commit_callbacks):
    created = services.invite_respondents(campaign=campaign, emails=["ada@example.org", "bo@example.org"])
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_invitation_emails(campaign=campaign, invitations_with_tokens=created, link_for=link_for)
    assert sent == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["ada@example.org", "bo@example.org"]
    by_address = {message.to[0]: message for message in mail.outbox}
    for invitation, token in created:
        message = by_address[invitation.email]
        assert message.subject == "Your views: Spring scan"
        assert link_for(token) in message.body
        assert "Northbay" in message.body
        assert "groups of at least 5 people" in message.body
        assert "2099-03-01 13:00" in message.body  # the close time in the organisation's zone (Oslo)
        invitation.refresh_from_db()
        assert invitation.sent_at is not None


def test_the_mail_is_in_the_organisations_language_when_the_campaign_offers_it(monkeypatch):
    from django.utils import translation

    from spaceforchange.core.services import create_organization

    used = []
    real = translation.override

    def recording(language, *args, **kwargs):
        used.append(language)
        return real(language, *args, **kwargs)

    monkeypatch.setattr(services.translation, "override", recording)
    for default_language, languages, expected in [
        ("nb", ["en", "nb"], "nb"),
        ("nb", ["en"], "en"),
        ("en", ["nb"], "nb"),
    ]:
        organization = create_organization(
            name="Sørby", slug=f"sorby-{len(languages)}-{default_language}", default_language=default_language
        )
        campaign = make_campaign(organization, languages=languages)
        created = services.invite_respondents(campaign=campaign, emails=["ada@example.org"])
        used.clear()
        services.send_invitation_emails(campaign=campaign, invitations_with_tokens=created, link_for=link_for)
        assert used == [expected]


def test_a_token_that_is_not_the_invitations_own_is_refused(campaign):
    [(first, _first_token), (_second, second_token)] = services.invite_respondents(
        campaign=campaign, emails=["ada@example.org", "bo@example.org"]
    )
    with pytest.raises(ValidationError) as error:
        services.send_invitation_emails(
            campaign=campaign, invitations_with_tokens=[(first, second_token)], link_for=link_for
        )
    assert error.value.code == "wrong_token"
    assert not CampaignInvitation.objects.filter(sent_at__isnull=False).exists()


def test_nothing_is_mailed_when_the_transaction_rolls_back(campaign, django_capture_on_commit_callbacks):
    from spaceforchange.assessments.models import Campaign

    created = services.invite_respondents(campaign=campaign, emails=["ada@example.org"])
    foreign = make_campaign(campaign.organization)
    other = services.invite_respondents(campaign=foreign, emails=["bo@example.org"])
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        services.send_invitation_emails(
            campaign=campaign, invitations_with_tokens=[*created, *other], link_for=link_for
        )
    assert error.value.code == "other_campaign"
    assert mail.outbox == []
    assert CampaignInvitation.objects.filter(sent_at__isnull=False).count() == 0
    assert Campaign.objects.count() == 2
