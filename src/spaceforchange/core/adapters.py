from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Open sign-up is off by default: people join through invitations or single sign-on."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        if request.session.get("sfc_invitation_token"):
            return True
        return bool(settings.ACCOUNT_ALLOW_SIGNUPS)
