"""Personal API tokens as personal data: exported without their hashes, deleted on erasure."""

from __future__ import annotations

from typing import Any

from spaceforchange.api.models import ApiToken
from spaceforchange.core import privacy
from spaceforchange.core.models import User


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def export_tokens(user: User) -> list[dict[str, Any]]:
    return [
        {
            "name": token.name,
            "prefix": token.prefix,
            "created_at": _iso(token.created_at),
            "expires_at": _iso(token.expires_at),
            "last_used_at": _iso(token.last_used_at),
            "revoked_at": _iso(token.revoked_at),
        }
        for token in ApiToken.objects.filter(user=user)
    ]


def erase_tokens(erasure: privacy.Erasure) -> dict[str, int]:
    deleted, _by_model = ApiToken.objects.filter(user=erasure.user).delete()
    return {"deleted": deleted}


privacy.register(
    "api_tokens",
    exporter=export_tokens,
    eraser=erase_tokens,
    description="Personal API tokens (names, prefixes and dates; never the token or its hash).",
)
