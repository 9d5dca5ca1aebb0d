"""How allauth decides who may create an account.

Open sign-up is off by default: people join through an invitation link or single sign-on. The
invitation page puts the invitation's token in the session (``sfc_invitation_token``) before
sending the person to sign up; only then is the sign-up form open to them.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.http import HttpRequest

INVITATION_SESSION_KEY = "sfc_invitation_token"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        if request.session.get(INVITATION_SESSION_KEY):
            return True
        return bool(settings.ACCOUNT_ALLOW_SIGNUPS)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Whoever the organisation's identity provider lets through may have an account.

    An account alone shows nothing: organisations are joined by invitation or by an
    administrator, so access is still decided inside the application. Deployments that want
    fewer accounts restrict who may use the application in the identity provider.
    """

    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        return True
