"""The gray-zone register's rules: who may approve, reject and end an entry, and its status table.

See the package docstring for the decisions these rules take."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from spaceforchange.legitimacy.domain.vocabulary import (
    APPROVED,
    ENDED,
    PROPOSED,
    REJECTED,
)

# --- Gray-zone register: who may do what ---------------------------------------------------------

APPROVER_ROLES = frozenset({"innovation_lead", "leader"})
# Statuses move forward only; nothing is deleted. A proposer withdraws a proposal by ending it.
TRANSITIONS: Mapping[str, frozenset[str]] = {
    PROPOSED: frozenset({APPROVED, REJECTED, ENDED}),
    APPROVED: frozenset({ENDED}),
    REJECTED: frozenset(),
    ENDED: frozenset(),
}
REASON_REQUIRED = frozenset({ENDED})


def approval_refusals(
    proposer_id: int, approver_id: int, approver_roles: Collection[str], *, accountable_id: int | None = None
) -> tuple[str, ...]:
    """Why this person may not approve (or reject) the entry; empty when they may."""
    refusals = []
    if not APPROVER_ROLES & set(approver_roles):
        refusals.append("role_not_permitted")
    if approver_id == proposer_id:
        refusals.append("proposer_cannot_approve")
    if accountable_id is not None and approver_id == accountable_id:
        refusals.append("accountable_cannot_approve")
    return tuple(refusals)


def can_approve(
    proposer_id: int, approver_id: int, approver_roles: Collection[str], *, accountable_id: int | None = None
) -> bool:
    return not approval_refusals(proposer_id, approver_id, approver_roles, accountable_id=accountable_id)


def can_end(actor_id: int, actor_roles: Collection[str], *, proposer_id: int, accountable_id: int | None) -> bool:
    """Ending stops the rule-bending, so the proposer, the accountable person or any approver may."""
    return actor_id in (proposer_id, accountable_id) or bool(APPROVER_ROLES & set(actor_roles))


def transition_refusals(current: str, target: str, *, reason: str = "") -> tuple[str, ...]:
    """Why the status may not move from ``current`` to ``target``; empty when it may."""
    if target not in TRANSITIONS.get(current, frozenset()):
        return ("transition_not_allowed",)
    if target in REASON_REQUIRED and not reason.strip():
        return ("reason_required",)
    return ()


def can_transition(current: str, target: str) -> bool:
    """Whether ``TRANSITIONS`` allows the move (the reason an ending needs is checked apart)."""
    return target in TRANSITIONS.get(current, frozenset())
