"""A person with data in every corner the core app knows about, and a bystander who must be untouched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialToken
from auditlog.context import set_actor
from django.contrib.admin.models import CHANGE
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from spaceforchange.api import services as token_services
from spaceforchange.core.models import Invitation, Organization, User
from spaceforchange.core.services import add_member, create_unit
from tests.factories import make_organization, make_user

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
SOCIAL_ACCESS_TOKEN = "idp-access-token-that-must-not-leak"


@dataclass
class World:
    kari: User
    ola: User
    north: Organization
    south: Organization
    token_plaintexts: list[str]
    kari_client: Client
    ola_client: Client


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    kari = make_user(
        email="kari.nordmann@example.org", display_name="Kari the Innovator", first_name="Kari", last_name="Nordmann"
    )
    ola = make_user(email="ola.hansen@example.org", display_name="Ola Hansen", first_name="Ola", last_name="Hansen")
    north = make_organization(name="Northtown", slug="northtown")
    south = make_organization(name="Southtown", slug="southtown")
    add_member(organization=north, user=ola, roles=["admin"])

    with set_actor(ola):
        add_member(organization=north, user=kari, roles=["innovation_lead", "owner"], title="Senior adviser")
    with set_actor(kari, remote_addr="192.0.2.10"):
        add_member(organization=south, user=kari, roles=["admin"])
        create_unit(organization=south, name="Innovation lab")
        Invitation.objects.create(
            organization=south,
            email="newcomer@example.org",
            roles=["member"],
            token_hash="a" * 64,
            created_by=kari,
            expires_at=timezone.now() + timedelta(days=14),
        )
    with set_actor(ola):
        Invitation.objects.create(
            organization=north,
            email="kari.nordmann@example.org",
            roles=["member"],
            token_hash="b" * 64,
            created_by=ola,
            expires_at=timezone.now() + timedelta(days=14),
            accepted_by=kari,
            accepted_at=timezone.now(),
        )

    plaintexts = [token_services.create_api_token(user=kari, name="Kari's reporting script").plaintext]
    revoked = token_services.create_api_token(user=kari, name="old")
    token_services.revoke_api_token(user=kari, token_id=revoked.token.pk)
    plaintexts.append(revoked.plaintext)
    token_services.create_api_token(user=ola, name="Ola's script")

    EmailAddress.objects.create(user=kari, email=kari.email, verified=True, primary=True)
    EmailAddress.objects.create(user=ola, email=ola.email, verified=True, primary=True)
    Authenticator.objects.create(user=kari, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET})
    social = SocialAccount.objects.create(
        user=kari,
        provider="keycloak",
        uid="kari-uid-123",
        extra_data={"email": kari.email, "name": "Kari Nordmann", "preferred_username": "kari"},
    )
    _social_token(social)
    AdminLogEntry.objects.create(
        user=ola,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(kari.pk),
        object_repr=kari.email,
        action_flag=CHANGE,
        change_message="Changed Kari Nordmann's title",
    )

    kari_client, ola_client = Client(), Client()
    kari_client.force_login(kari)
    ola_client.force_login(ola)
    return World(kari, ola, north, south, plaintexts, kari_client, ola_client)


def _social_token(account: SocialAccount) -> None:
    from allauth.socialaccount.models import SocialApp

    app = SocialApp.objects.create(provider="openid_connect", provider_id="keycloak", name="Keycloak", client_id="c")
    SocialToken.objects.create(app=app, account=account, token=SOCIAL_ACCESS_TOKEN)
