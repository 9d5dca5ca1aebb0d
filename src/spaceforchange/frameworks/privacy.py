"""Pack versions as personal data: each records who created it.

Versions are the organisation's record of how its frameworks changed, so erasure keeps them;
they point at the person's account row, which core's eraser pseudonymises.
"""

from __future__ import annotations

from typing import Any

from spaceforchange.core import privacy
from spaceforchange.core.models import User
from spaceforchange.frameworks.models import PackVersion


def export_pack_versions(user: User) -> list[dict[str, Any]]:
    versions = PackVersion.objects.filter(created_by=user).select_related("pack", "organization").order_by("created_at")
    return [
        {
            "organization": version.organization.slug if version.organization else None,
            "pack": version.pack.key,
            "number": version.number,
            "version": version.version,
            "source": version.source,
            "created_at": version.created_at.isoformat(),
        }
        for version in versions
    ]


def erase_pack_versions(erasure: privacy.Erasure) -> dict[str, int]:
    return {"kept_pseudonymised": PackVersion.objects.filter(created_by=erasure.user).count()}


privacy.register(
    "framework_pack_versions",
    exporter=export_pack_versions,
    eraser=erase_pack_versions,
    description="Framework pack versions the person saved or imported (kept, linked to the pseudonymised account).",
)
