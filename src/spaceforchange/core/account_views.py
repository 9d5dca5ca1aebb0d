"""The signed-in person's own pages: profile (name, language, security, organisations) and API tokens."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from spaceforchange.api import domain as token_domain
from spaceforchange.api import selectors as token_selectors
from spaceforchange.api import services as token_services
from spaceforchange.core import account_selectors, account_services
from spaceforchange.core.account_forms import ApiTokenForm, ProfileForm
from spaceforchange.core.models import User


def _person(request: HttpRequest) -> User:
    """The signed-in person; every view here is behind ``login_required``."""
    return cast(User, request.user)


def _copy_errors(form: Any, error: ValidationError) -> None:
    for field, field_errors in error.message_dict.items():
        for message in field_errors:
            form.add_error(field if field in form.fields else None, message)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = _person(request)
    initial = {
        "display_name": user.display_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "language": translation.get_language() or settings.LANGUAGE_CODE,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data.pop("language")
        try:
            account_services.update_profile(user=user, **form.cleaned_data)
        except ValidationError as error:
            _copy_errors(form, error)
        else:
            translation.activate(language)
            messages.success(request, _("Your profile has been saved."))
            response = redirect("profile")
            _remember_language(response, language)
            return response
    context = {
        "form": form,
        "memberships": [
            (membership, account_selectors.ordered_roles(membership))
            for membership in account_selectors.memberships_of(user=user)
        ],
        "two_factor_enabled": account_selectors.has_two_factor(user=user),
        "has_password": user.has_usable_password(),
        "active_token_count": token_selectors.tokens_of(user=user).active().count(),
    }
    return render(request, "account/profile.html", context)


def _remember_language(response: HttpResponse, language: str) -> None:
    """The same cookie Django's set_language view writes, so LocaleMiddleware picks it up."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = token_services.create_api_token(
                user=_person(request),
                name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
            )
        except ValidationError as error:
            _copy_errors(form, error)
        else:
            form = ApiTokenForm()
    context = {
        "form": form,
        "issued": issued,
        "tokens": token_selectors.tokens_of(user=_person(request)),
        "max_tokens": token_domain.MAX_ACTIVE_TOKENS,
        "site_url": settings.SITE_URL,
    }
    # The new token is in this page only: answer the POST directly and keep it out of every cache.
    response = render(request, "account/api_tokens.html", context)
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def revoke_api_token(request: HttpRequest, token_id: int) -> HttpResponse:
    token = token_services.revoke_api_token(user=_person(request), token_id=token_id)
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("api_tokens")
