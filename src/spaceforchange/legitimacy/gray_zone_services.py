"""Every write to the gray-zone register: proposing a tactic, deciding it, ending it, updating it.

FRAMEWORKS.md §4: working in the gray zone is legitimate only when it is registered with the
rule concerned, the rationale, the risks, an accountable person, a second person's approval and a
review date. The rules of who may decide and which status may follow which are the pure
``domain.approval_refusals``, ``domain.can_end`` and ``domain.transition_refusals``; this module
applies them and appends a ``GrayZoneEvent`` for every change of status. Nothing is deleted: an
entry is ended with a reason. Every change is in the audit log (``apps.py`` registers the models).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spaceforchange.alerts.tasks import alerts_may_have_changed
from spaceforchange.core.models import Organization, User
from spaceforchange.core.permissions import roles_in
from spaceforchange.legitimacy import domain
from spaceforchange.legitimacy.models import GrayZoneEntry, GrayZoneEvent, GrayZoneStatus
from spaceforchange.legitimacy.services import (
    TEXT_MAX,
    Errors,
    add_error,
    check_key,
    check_person,
    check_subject,
    check_text,
    finish,
    subject_fields,
)
from spaceforchange.legitimacy.terms import pack_terms
from spaceforchange.policies.models import Policy
from spaceforchange.portfolio.models import Initiative
from spaceforchange.portfolio.services import today_in

RULE_MAX = 2000
REFUSALS = {
    "role_not_permitted": gettext_lazy("Only an innovation lead or a leader may approve or reject a gray-zone tactic."),
    "proposer_cannot_approve": gettext_lazy("The person who proposed the tactic may not approve or reject it."),
    "accountable_cannot_approve": gettext_lazy("The person accountable for the tactic may not approve or reject it."),
    "transition_not_allowed": gettext_lazy("An entry in this status cannot move to that status."),
    "reason_required": gettext_lazy("Give the reason for ending it."),
}


def refusal_text(code: str) -> str:
    return str(REFUSALS.get(code, code))


def _check_entry(organization: Organization, fields: dict[str, Any], *, new: bool) -> None:
    errors: Errors = {}
    check_key(errors, pack_terms(organization), "tactics", "tactic", fields["tactic"])
    check_text(errors, "rule_concerned", fields["rule_concerned"], RULE_MAX, required=True)
    check_text(errors, "rationale", fields["rationale"], TEXT_MAX, required=True)
    check_text(errors, "risks", fields["risks"], TEXT_MAX, required=True)
    if fields["accountable"] is None:
        add_error(errors, "accountable", _("Name the person accountable for the tactic."))
    check_person(errors, organization, "accountable", fields["accountable"])
    review_on = fields["review_on"]
    if review_on is None:
        add_error(errors, "review_on", _("Give the date the tactic is to be reviewed."))
    elif new and review_on < today_in(organization):
        add_error(errors, "review_on", _("The review date lies in the past."))
    finish(errors)


def _event(
    entry: GrayZoneEntry, status: str, actor: User | None, note: str = "", at: datetime.datetime | None = None
) -> GrayZoneEvent:
    return GrayZoneEvent.objects.create(
        organization=entry.organization, entry=entry, status=status, actor=actor, note=note, at=at or timezone.now()
    )


@transaction.atomic
def propose_tactic(
    *,
    tactic: str,
    rule_concerned: str,
    rationale: str,
    risks: str,
    accountable: User | None,
    review_on: datetime.date | None,
    initiative: Initiative | None = None,
    policy: Policy | None = None,
    proposed_at: datetime.datetime | None = None,
    actor: User | None = None,
) -> GrayZoneEntry:
    """Register a tactic on a subject; it stays *proposed, not approved* until a second person approves it.

    ``proposed_at`` records a tactic registered earlier (not in the future); default now."""
    subject = initiative if initiative is not None else policy
    errors: Errors = {}
    if subject is None:
        add_error(errors, "subject", _("Name either an initiative or a policy."))
        finish(errors)
    assert subject is not None
    organization = subject.organization
    check_subject(errors, organization, initiative, policy)
    finish(errors)
    fields: dict[str, Any] = {
        "tactic": tactic,
        "rule_concerned": rule_concerned.strip(),
        "rationale": rationale.strip(),
        "risks": risks.strip(),
        "accountable": accountable,
        "review_on": review_on,
    }
    proposed_at = proposed_at or timezone.now()
    if proposed_at > timezone.now():
        add_error(errors, "proposed_at", _("The time lies in the future."))
        finish(errors)
    _check_entry(organization, fields, new=True)
    entry = GrayZoneEntry.objects.create(
        organization=organization, proposed_by=actor, proposed_at=proposed_at, **fields, **subject_fields(subject)
    )
    _event(entry, GrayZoneStatus.PROPOSED, actor, at=proposed_at)
    alerts_may_have_changed(organization.pk)
    return entry


def _locked(entry: GrayZoneEntry) -> GrayZoneEntry:
    """The entry re-read under a row lock, so two people deciding at once cannot both win."""
    return GrayZoneEntry.objects.select_for_update().select_related("organization").get(pk=entry.pk)


def _decide(entry: GrayZoneEntry, status: str, actor: User, note: str) -> GrayZoneEntry:
    entry = _locked(entry)
    codes = domain.approval_refusals(
        entry.proposed_by_id or 0, actor.pk, roles_in(actor, entry), accountable_id=entry.accountable_id
    ) + domain.transition_refusals(entry.status, status)
    errors: Errors = {}
    for code in codes:
        add_error(errors, "status", refusal_text(code))
    check_text(errors, "note", note, TEXT_MAX)
    finish(errors)
    entry.status, entry.decided_by, entry.decided_at = status, actor, timezone.now()
    entry.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    _event(entry, status, actor, note.strip())
    alerts_may_have_changed(entry.organization_id)
    return entry


@transaction.atomic
def approve_tactic(*, entry: GrayZoneEntry, actor: User, note: str = "") -> GrayZoneEntry:
    """A second person (innovation lead or leader, neither proposer nor accountable) approves the tactic."""
    return _decide(entry, GrayZoneStatus.APPROVED, actor, note)


@transaction.atomic
def reject_tactic(*, entry: GrayZoneEntry, actor: User, note: str = "") -> GrayZoneEntry:
    """A second person (as for approval) rejects the tactic; a rejected entry stays in the register."""
    return _decide(entry, GrayZoneStatus.REJECTED, actor, note)


@transaction.atomic
def end_tactic(*, entry: GrayZoneEntry, actor: User, reason: str) -> GrayZoneEntry:
    """Stop using the tactic (or withdraw the proposal), with the reason; the entry stays in the register."""
    entry = _locked(entry)
    reason = reason.strip()
    errors: Errors = {}
    may = domain.can_end(
        actor.pk, roles_in(actor, entry), proposer_id=entry.proposed_by_id or 0, accountable_id=entry.accountable_id
    )
    if not may:
        add_error(errors, "status", _("Only the proposer, the accountable person or an approver may end the tactic."))
    for code in domain.transition_refusals(entry.status, GrayZoneStatus.ENDED, reason=reason):
        add_error(errors, "reason" if code == "reason_required" else "status", refusal_text(code))
    check_text(errors, "reason", reason, TEXT_MAX)
    finish(errors)
    entry.status, entry.ended_reason, entry.ended_at = GrayZoneStatus.ENDED, reason, timezone.now()
    entry.save(update_fields=["status", "ended_reason", "ended_at", "updated_at"])
    _event(entry, GrayZoneStatus.ENDED, actor, reason)
    alerts_may_have_changed(entry.organization_id)
    return entry


# What an approval covers may not change after it: only the risks, the accountable person and the
# review date stay open (risks become better known; people leave; reviews are rescheduled).
OPEN_WHILE_PROPOSED = ("tactic", "rule_concerned", "rationale", "risks", "accountable", "review_on")
OPEN_WHILE_APPROVED = ("risks", "accountable", "review_on")


@transaction.atomic
def update_tactic(*, entry: GrayZoneEntry, actor: User | None = None, **changes: Any) -> GrayZoneEntry:
    """Change a live entry: any field while proposed; risks, accountable person and review date once approved."""
    entry = _locked(entry)
    open_fields = {
        GrayZoneStatus.PROPOSED: OPEN_WHILE_PROPOSED,
        GrayZoneStatus.APPROVED: OPEN_WHILE_APPROVED,
    }.get(GrayZoneStatus(entry.status), ())
    errors: Errors = {}
    for name in sorted(set(changes) - set(open_fields)):
        add_error(errors, name, _("This field cannot be changed in the entry's status."))
    finish(errors)
    fields: dict[str, Any] = {name: getattr(entry, name) for name in OPEN_WHILE_PROPOSED}
    fields.update({name: value.strip() if isinstance(value, str) else value for name, value in changes.items()})
    _check_entry(entry.organization, fields, new=False)
    accountable = fields["accountable"]
    if entry.status == GrayZoneStatus.APPROVED and accountable is not None and accountable.pk == entry.decided_by_id:
        add_error(errors, "accountable", _("The person who approved the tactic cannot be accountable for it."))
        finish(errors)
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.save()
    alerts_may_have_changed(entry.organization_id)
    return entry
