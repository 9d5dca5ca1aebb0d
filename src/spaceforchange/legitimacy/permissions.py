"""Who may see and record what in legitimacy management (PRODUCT.md roles).

- **Reading.** Judgments name people and organisations and say how they regard the
  organisation's work, often politically sensitive; they are working material of those who run
  initiatives and policies, not published results. So the registers (stakeholders, map,
  organisation view) are read by innovation leads ("see all registers"), leaders, oversight
  ("reads everything") and owners (who map their initiatives' stakeholders). A plain member sees
  the legitimacy page of a subject they own or are on the team of, nothing else.
- **Recording.** Stakeholders are kept by innovation leads, leaders and owners. Judgments and
  legitimation actions on a subject are recorded by innovation leads, leaders and whoever runs
  the subject: the initiative's owner, the policy's manager.
- **Gray zone.** The whole register is for innovation leads, leaders and oversight. An entry is
  also seen by those who may see its subject (the heat map marks its cells), by its proposer and
  by its accountable person. Whoever records on a subject may propose a tactic for it. Approval
  and rejection follow ``domain.approval_refusals``: an ``innovation_lead`` or ``leader`` who is
  neither the proposer nor the accountable person. Ending follows ``domain.can_end``.
- ``oversight`` changes nothing; ``admin`` administers the organisation, not its content.
"""

from __future__ import annotations

from typing import Any

import rules

from spaceforchange.core.permissions import (
    is_innovation_lead,
    is_leader,
    is_member,
    is_oversight,
    is_owner,
    roles_in,
)
from spaceforchange.legitimacy import domain


def _user_id(user: Any) -> int | None:
    return getattr(user, "pk", None)


def _subject_of(obj: Any) -> Any:
    """The initiative or policy an object is about (the object itself when it is one)."""
    for name in ("initiative", "policy"):
        if getattr(obj, f"{name}_id", None) is not None:
            return getattr(obj, name)
    return obj


@rules.predicate
def runs_subject(user: Any, subject: Any = None) -> bool:
    """The initiative's owner or the policy's manager."""
    subject = _subject_of(subject)
    uid = _user_id(user)
    if subject is None or uid is None:
        return False
    return uid in (getattr(subject, "owner_id", None), getattr(subject, "manager_id", None))


@rules.predicate
def on_subject_team(user: Any, subject: Any = None) -> bool:
    subject = _subject_of(subject)
    uid = _user_id(user)
    if subject is None or uid is None or not hasattr(subject, "team"):
        return False
    return any(person.pk == uid for person in subject.team.all())


@rules.predicate
def proposed_or_accountable(user: Any, entry: Any = None) -> bool:
    uid = _user_id(user)
    return entry is not None and uid is not None and uid in (entry.proposed_by_id, entry.accountable_id)


@rules.predicate
def may_decide_entry(user: Any, entry: Any = None) -> bool:
    if entry is None or _user_id(user) is None:
        return False
    refusals = domain.approval_refusals(
        entry.proposed_by_id or 0, user.pk, roles_in(user, entry), accountable_id=entry.accountable_id
    )
    return not refusals


@rules.predicate
def may_end_entry(user: Any, entry: Any = None) -> bool:
    if entry is None or _user_id(user) is None:
        return False
    return domain.can_end(
        user.pk, roles_in(user, entry), proposer_id=entry.proposed_by_id or 0, accountable_id=entry.accountable_id
    )


reads_registers = is_innovation_lead | is_leader | is_oversight | is_owner
keeps_stakeholders = is_innovation_lead | is_leader | is_owner
records_on_subject = is_innovation_lead | is_leader | (is_member & runs_subject)

rules.add_perm("legitimacy.view_registers", reads_registers)
rules.add_perm("legitimacy.manage_stakeholders", keeps_stakeholders)
rules.add_perm("legitimacy.view_subject", reads_registers | (is_member & (runs_subject | on_subject_team)))
rules.add_perm("legitimacy.record_subject", records_on_subject)
rules.add_perm("legitimacy.view_gray_zone_register", is_innovation_lead | is_leader | is_oversight)
rules.add_perm(
    "legitimacy.view_gray_zone_entry",
    reads_registers | (is_member & (runs_subject | on_subject_team | proposed_or_accountable)),
)
rules.add_perm("legitimacy.propose_tactic", records_on_subject)
rules.add_perm("legitimacy.decide_tactic", is_member & may_decide_entry)
rules.add_perm("legitimacy.end_tactic", is_member & may_end_entry)
