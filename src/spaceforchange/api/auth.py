"""Who is calling the API: a personal token (``Authorization: Bearer sfc_…``) or the browser session.

A request that carries an ``Authorization`` header is judged by that header alone: a bad token is
refused even when a session cookie would have let the caller in, so a script never silently runs
as whoever is signed in to the browser.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf

from spaceforchange.api import domain, selectors, services


class TokenAuth(HttpBearer):
    """Personal API token sent as ``Authorization: Bearer sfc_…``."""

    openapi_bearerFormat = "sfc_…"
    openapi_description = "A personal API token, created on your profile page under API tokens."

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header)
        if not header:
            return None
        scheme, _sep, credentials = header.partition(" ")
        if scheme.lower() != self.openapi_scheme or not credentials.strip():
            raise AuthenticationError(message=_("Send the token as “Authorization: Bearer <token>”."))
        return self.authenticate(request, credentials.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = selectors.token_for_secret(token)
        if api_token is None:
            raise AuthenticationError(message=_("The API token is not valid."))
        if api_token.revoked_at is not None:
            raise AuthenticationError(message=_("The API token has been revoked."))
        if domain.is_expired(api_token.expires_at, timezone.now()):
            raise AuthenticationError(message=_("The API token has expired."))
        user = api_token.user
        if not user.is_active:
            raise AuthenticationError(message=_("The API token's owner can no longer sign in."))
        services.record_token_use(token=api_token)
        # Views check permissions with request.user, and the audit log reads its actor from there.
        request.user = user
        request.api_token = api_token  # type: ignore[attr-defined]
        _make_audit_actor(user)
        return user


class SessionAuth(NinjaSessionAuth):
    """The signed-in browser session; unsafe methods need the CSRF token (``X-CSRFToken`` header)."""

    openapi_description = (
        "The browser session of a signed-in person. POST, PUT, PATCH and DELETE also need the "
        "CSRF token in the X-CSRFToken header."
    )

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("Authorization"):
            return None
        if not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, _("The CSRF check failed. Send the CSRF token in the X-CSRFToken header."))
        return request.user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover - __call__ decides
        return request.user if request.user.is_authenticated else None


def _make_audit_actor(user: Any) -> None:
    """Auditlog's middleware took its actor before the token was read; name the token's owner now.

    The middleware keeps its context in a dict inside a context variable for the whole request,
    so changing the dict reaches every audit entry this request writes.
    """
    from auditlog.context import auditlog_value

    try:
        context = auditlog_value.get()
    except LookupError:
        return
    if isinstance(context, dict) and context.get("actor") is None:
        context["actor"] = user


token_auth = TokenAuth()
session_auth = SessionAuth()
