"""Reads of personal API tokens."""

from __future__ import annotations

from spaceforchange.api import domain
from spaceforchange.api.models import ApiToken, ApiTokenQuerySet
from spaceforchange.core.models import User


def tokens_of(*, user: User) -> ApiTokenQuerySet:
    """All of a person's tokens, newest first, revoked and expired ones included."""
    return ApiToken.objects.filter(user=user)


def token_for_secret(plaintext: str) -> ApiToken | None:
    """The token with this secret, whatever its state, with its owner; ``None`` when unknown."""
    if not domain.looks_like_token(plaintext):
        return None
    return ApiToken.objects.select_related("user").filter(token_hash=domain.hash_token(plaintext)).first()
