"""Every write to an initiative's records: constraints and their status history, backing, setbacks.

All three are histories: a constraint's status changes are appended rows, a backer's change of
mind (a withdrawal included) is a new backing entry, and setbacks are never edited. Dates may lie
in the past (recording what happened) but never in the future.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from spaceforchange.alerts.tasks import alerts_may_have_changed
from spaceforchange.core.models import User
from spaceforchange.portfolio.models import (
    SEVERITY_MAX,
    SEVERITY_MIN,
    Backing,
    Constraint,
    ConstraintStatusChange,
    Initiative,
    Setback,
)
from spaceforchange.portfolio.services import Errors, check_key, check_length, is_member, today_in
from spaceforchange.portfolio.terms import pack_terms

TEXT_MAX, NAME_MAX = 2000, 200
DEFAULT_STATUS = "active"
_SEVERITY_RANGE = {"low": SEVERITY_MIN, "high": SEVERITY_MAX}


def _check_date(errors: Errors, name: str, value: datetime.date | None, initiative: Initiative) -> None:
    if value is None:
        errors.setdefault(name, []).append(_("Give a date."))
    elif value > today_in(initiative.organization):
        errors.setdefault(name, []).append(_("The date lies in the future."))


def _check_text(errors: Errors, name: str, value: str, limit: int, *, required: bool) -> None:
    if required and not value:
        errors.setdefault(name, []).append(_("This field is required."))
    check_length(errors, name, value, limit)


def _finish(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_constraint(
    *,
    initiative: Initiative,
    family: str,
    description: str,
    severity: int,
    object: str = "",
    effect: str = "",
    owner_stakeholder: str = "",
    mitigation: str = "",
    status: str = DEFAULT_STATUS,
    added_on: datetime.date | None = None,
    actor: User | None = None,
) -> Constraint:
    """Add a constraint to the inventory; its first status is recorded as its first history row."""
    terms = pack_terms(initiative.organization, get_language() or "en")
    added_on = added_on or today_in(initiative.organization)
    description, owner_stakeholder, mitigation = description.strip(), owner_stakeholder.strip(), mitigation.strip()
    errors: Errors = {}
    check_key(errors, terms, "families", "family", family, required=True)
    check_key(errors, terms, "objects", "object", object, required=False)
    check_key(errors, terms, "effects", "effect", effect, required=False)
    check_key(errors, terms, "statuses", "status", status, required=True)
    _check_text(errors, "description", description, TEXT_MAX, required=True)
    _check_text(errors, "owner_stakeholder", owner_stakeholder, NAME_MAX, required=False)
    _check_text(errors, "mitigation", mitigation, TEXT_MAX, required=False)
    if isinstance(severity, bool) or not isinstance(severity, int) or not SEVERITY_MIN <= severity <= SEVERITY_MAX:
        errors["severity"] = [_("Severity is a whole number from %(low)d to %(high)d.") % _SEVERITY_RANGE]
    _check_date(errors, "added_on", added_on, initiative)
    _finish(errors)
    constraint = Constraint.objects.create(
        organization=initiative.organization,
        initiative=initiative,
        family=family,
        object=object,
        effect=effect,
        description=description,
        severity=severity,
        owner_stakeholder=owner_stakeholder,
        mitigation=mitigation,
        status=status,
        added_on=added_on,
        created_by=actor,
    )
    ConstraintStatusChange.objects.create(
        organization=initiative.organization,
        constraint=constraint,
        to_status=status,
        changed_on=added_on,
        changed_by=actor,
    )
    alerts_may_have_changed(initiative.organization_id)
    return constraint


@transaction.atomic
def change_constraint_status(
    *,
    constraint: Constraint,
    status: str,
    changed_on: datetime.date | None = None,
    note: str = "",
    mitigation: str | None = None,
    actor: User | None = None,
) -> ConstraintStatusChange:
    """Record a constraint's new status (removed, deprioritised, redefined … or active again)."""
    initiative = constraint.initiative
    terms = pack_terms(initiative.organization, get_language() or "en")
    changed_on = changed_on or today_in(initiative.organization)
    note = note.strip()
    errors: Errors = {}
    check_key(errors, terms, "statuses", "status", status, required=True)
    if status == constraint.status:
        errors.setdefault("status", []).append(_("The constraint already has this status."))
    _check_text(errors, "note", note, TEXT_MAX, required=False)
    if mitigation is not None:
        _check_text(errors, "mitigation", mitigation.strip(), TEXT_MAX, required=False)
    _check_date(errors, "changed_on", changed_on, initiative)
    if changed_on < constraint.added_on:
        errors.setdefault("changed_on", []).append(_("The date is before the constraint was recorded."))
    _finish(errors)
    change = ConstraintStatusChange.objects.create(
        organization=initiative.organization,
        constraint=constraint,
        from_status=constraint.status,
        to_status=status,
        changed_on=changed_on,
        note=note,
        changed_by=actor,
    )
    constraint.status = status
    if mitigation is not None:
        constraint.mitigation = mitigation.strip()
    constraint.save(update_fields=["status", "mitigation"])
    alerts_may_have_changed(initiative.organization_id)
    return change


@transaction.atomic
def record_backing(
    *,
    initiative: Initiative,
    level: str,
    commitment: str | None,
    backer: User | None = None,
    backer_name: str = "",
    recorded_on: datetime.date | None = None,
    note: str = "",
    actor: User | None = None,
) -> Backing:
    """Append a backer's commitment; ``commitment=None`` records that the backer withdrew."""
    organization = initiative.organization
    terms = pack_terms(organization, get_language() or "en")
    recorded_on = recorded_on or today_in(organization)
    backer_name, note = backer_name.strip(), note.strip()
    errors: Errors = {}
    if backer is None and not backer_name:
        errors["backer"] = [_("Name the backer: a person of the organisation or someone outside it.")]
    if backer is not None and not is_member(organization, backer):
        errors["backer"] = [_("The backer must be a member of the organisation; name others instead.")]
    check_key(errors, terms, "initiators", "level", level, required=True)
    if commitment is not None:
        check_key(errors, terms, "commitments", "commitment", commitment, required=True)
    _check_text(errors, "backer_name", backer_name, NAME_MAX, required=False)
    _check_text(errors, "note", note, TEXT_MAX, required=False)
    _check_date(errors, "recorded_on", recorded_on, initiative)
    _finish(errors)
    alerts_may_have_changed(organization.pk)
    return Backing.objects.create(
        organization=organization,
        initiative=initiative,
        backer=backer,
        # A person's name is kept with the entry so that it reads the same after the account goes.
        backer_name=backer_name or str(backer),
        level=level,
        commitment=commitment or "",
        recorded_on=recorded_on,
        note=note,
        recorded_by=actor,
    )


@transaction.atomic
def record_setback(
    *,
    initiative: Initiative,
    description: str,
    occurred_on: datetime.date | None = None,
    support_held: bool | None = None,
    actor: User | None = None,
) -> Setback:
    """Record a setback and, when known, whether the support held (FRAMEWORKS.md §1, resilience)."""
    occurred_on = occurred_on or today_in(initiative.organization)
    description = description.strip()
    errors: Errors = {}
    _check_text(errors, "description", description, TEXT_MAX, required=True)
    _check_date(errors, "occurred_on", occurred_on, initiative)
    _finish(errors)
    alerts_may_have_changed(initiative.organization_id)
    return Setback.objects.create(
        organization=initiative.organization,
        initiative=initiative,
        occurred_on=occurred_on,
        description=description,
        support_held=support_held,
        recorded_by=actor,
    )
