"""Personal API tokens as values: how a token looks, how it is hashed, when it may be used.

A token is ``sfc_`` followed by 43 URL-safe characters from 32 random bytes. Only its SHA-256
is stored: the secret has enough entropy that a salt or a slow hash would add nothing, and a
plain digest lets each request find its token with one indexed lookup.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

TOKEN_SCHEME = "sfc_"  # noqa: S105 - the public prefix of every token, not a secret
PREFIX_LENGTH = 12  # "sfc_" and eight characters: enough to tell a person's tokens apart
SECRET_BYTES = 32
MAX_ACTIVE_TOKENS = 20
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_NAME_LENGTH = 100


@dataclass(frozen=True)
class NewToken:
    """A freshly generated token. ``plaintext`` is shown to its owner once and never stored."""

    plaintext: str
    prefix: str
    digest: str


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def generate_token() -> NewToken:
    plaintext = TOKEN_SCHEME + secrets.token_urlsafe(SECRET_BYTES)
    return NewToken(plaintext=plaintext, prefix=plaintext[:PREFIX_LENGTH], digest=hash_token(plaintext))


def looks_like_token(candidate: str) -> bool:
    return candidate.startswith(TOKEN_SCHEME) and len(candidate) > PREFIX_LENGTH


def is_expired(expires_at: datetime | None, now: datetime) -> bool:
    return expires_at is not None and expires_at <= now


def needs_last_used_update(last_used_at: datetime | None, now: datetime) -> bool:
    """Writing on every request would turn each API read into a write; once a minute is enough."""
    return last_used_at is None or now - last_used_at >= LAST_USED_RESOLUTION
