"""The audit log: which models it follows, and which organisation each entry belongs to.

Every organisation-owned model is registered with django-auditlog (core's here, other apps' in
their own ``ready()``). Whatever the app, an entry is scoped to an organisation when it is
written: ``scope_entry`` reads the organisation id from the changed object and stores it in
``AuditScope``, so the audit page filters on one indexed column and still finds the entries of
deleted objects. A model needs nothing for this but an ``organization`` foreign key.
"""

from __future__ import annotations

from typing import Any

from django.db import models

# Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def register_models() -> None:
    from auditlog.registry import auditlog
    from auditlog.signals import post_log

    from spaceforchange.core import models as core_models

    auditlog.register(core_models.Organization)
    auditlog.register(core_models.Unit)
    auditlog.register(core_models.Membership)
    auditlog.register(core_models.MembershipRole)
    auditlog.register(core_models.Invitation, exclude_fields=["token_hash"])
    post_log.connect(scope_entry, dispatch_uid="sfc_scope_audit_entry")


def organization_id_of(instance: models.Model) -> int | None:
    """The id of the organisation that owns ``instance``, or None for rows no organisation owns."""
    from spaceforchange.core.models import Organization

    if isinstance(instance, Organization):
        return instance.pk
    organization_id = getattr(instance, "organization_id", None)
    return organization_id if isinstance(organization_id, int) else None


def scope_entry(sender: Any, instance: models.Model, log_entry: Any = None, **kwargs: Any) -> None:
    """Receiver of auditlog's ``post_log``: remember which organisation the new entry belongs to."""
    from spaceforchange.core.models import AuditScope

    if log_entry is None:
        return
    organization_id = organization_id_of(instance)
    if organization_id is not None:
        AuditScope.objects.create(log_entry=log_entry, organization_id=organization_id)


def audited_models() -> list[type[models.Model]]:
    """Registered models whose entries can belong to an organisation (for the object-type filter)."""
    from auditlog.registry import auditlog

    from spaceforchange.core.models import Organization

    return [
        model
        for model in auditlog.get_models()
        if model is Organization
        or any(
            field.name == "organization" and field.related_model is Organization for field in model._meta.get_fields()
        )
    ]


def csv_safe(value: object) -> str:
    """A cell value that a spreadsheet shows as text instead of evaluating as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text
