"""Every write to personal API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from spaceforchange.api import domain
from spaceforchange.api.models import ApiToken
from spaceforchange.core.models import User


@dataclass(frozen=True)
class IssuedToken:
    """The stored token and its plaintext, which the caller shows once and then forgets."""

    token: ApiToken
    plaintext: str


@transaction.atomic
def create_api_token(*, user: User, name: str, expires_at: datetime | None = None) -> IssuedToken:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, so that you can recognise it later.")})
    if len(name) > domain.MAX_NAME_LENGTH:
        raise ValidationError(
            {"name": _("Keep the name to %(limit)d characters or fewer.") % {"limit": domain.MAX_NAME_LENGTH}}
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry date must be in the future.")})
    # Lock the person's row so that two simultaneous requests cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.filter(user=user).active().count() >= domain.MAX_ACTIVE_TOKENS:
        raise ValidationError(
            {
                "name": _("You already have %(limit)d active tokens. Revoke one before creating another.")
                % {"limit": domain.MAX_ACTIVE_TOKENS}
            }
        )
    new = domain.generate_token()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=new.prefix, token_hash=new.digest, expires_at=expires_at
    )
    return IssuedToken(token=token, plaintext=new.plaintext)


@transaction.atomic
def revoke_api_token(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s tokens. Another person's token id is treated as unknown."""
    token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
    if token is None:
        raise Http404("No such token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def record_token_use(*, token: ApiToken) -> None:
    """Stamp ``last_used_at`` at most once a minute; an update query keeps reads cheap and unaudited."""
    now = timezone.now()
    if domain.needs_last_used_update(token.last_used_at, now):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
