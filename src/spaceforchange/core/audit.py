"""Which models the audit log follows. Every organisation-owned model is registered here."""

from __future__ import annotations


def register_models() -> None:
    from auditlog.registry import auditlog

    from spaceforchange.core import models

    auditlog.register(models.Organization)
    auditlog.register(models.Unit)
    auditlog.register(models.Membership)
    auditlog.register(models.MembershipRole)
    auditlog.register(models.Invitation, exclude_fields=["token_hash"])
