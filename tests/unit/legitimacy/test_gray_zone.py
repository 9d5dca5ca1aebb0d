"""The gray-zone register's approval rule as a permission matrix, and its status table."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spaceforchange.legitimacy.domain import (
    TRANSITIONS,
    approval_refusals,
    can_approve,
    can_end,
    can_transition,
    transition_refusals,
)

ROLES = ("member", "owner", "innovation_lead", "leader", "oversight", "admin")
PROPOSER, ACCOUNTABLE, OTHER = 1, 2, 3
STATUSES = ("proposed", "approved", "rejected", "ended")

# role → may approve as (proposer, accountable person, someone else)
APPROVAL_MATRIX = {
    "member": (False, False, False),
    "owner": (False, False, False),
    "innovation_lead": (False, False, True),
    "leader": (False, False, True),
    "oversight": (False, False, False),
    "admin": (False, False, False),
}


@pytest.mark.parametrize("role", ROLES)
def test_approval_matrix(role):
    allowed = tuple(
        can_approve(PROPOSER, who, {role}, accountable_id=ACCOUNTABLE) for who in (PROPOSER, ACCOUNTABLE, OTHER)
    )
    assert allowed == APPROVAL_MATRIX[role]


def test_approval_matrix_over_role_combinations():
    for size in range(len(ROLES) + 1):
        for roles in itertools.combinations(ROLES, size):
            permitted = any(APPROVAL_MATRIX[role][2] for role in roles)
            assert can_approve(PROPOSER, OTHER, roles, accountable_id=ACCOUNTABLE) is permitted
            assert can_approve(PROPOSER, PROPOSER, roles, accountable_id=ACCOUNTABLE) is False


def test_refusals_say_why():
    assert approval_refusals(PROPOSER, PROPOSER, {"member"}) == ("role_not_permitted", "proposer_cannot_approve")
    assert approval_refusals(PROPOSER, ACCOUNTABLE, {"leader"}, accountable_id=ACCOUNTABLE) == (
        "accountable_cannot_approve",
    )
    assert approval_refusals(PROPOSER, OTHER, ["innovation_lead", "member"]) == ()
    # Without an accountable person named yet, only the proposer is excluded.
    assert can_approve(PROPOSER, ACCOUNTABLE, {"leader"}) is True


@given(
    st.integers(1, 4),
    st.integers(1, 4),
    st.one_of(st.none(), st.integers(1, 4)),
    st.sets(st.sampled_from(ROLES)),
)
def test_nobody_approves_their_own_tactic_and_only_leads_and_leaders_approve(proposer, approver, accountable, roles):
    allowed = can_approve(proposer, approver, roles, accountable_id=accountable)
    assert allowed == (bool(roles & {"innovation_lead", "leader"}) and approver not in (proposer, accountable))


@pytest.mark.parametrize(
    ("actor", "roles", "allowed"),
    [
        (PROPOSER, {"member"}, True),
        (ACCOUNTABLE, {"owner"}, True),
        (OTHER, {"leader"}, True),
        (OTHER, {"innovation_lead"}, True),
        (OTHER, {"oversight"}, False),  # oversight reads everything and changes nothing
        (OTHER, {"admin", "member", "owner"}, False),
    ],
)
def test_who_may_end_an_entry(actor, roles, allowed):
    assert can_end(actor, roles, proposer_id=PROPOSER, accountable_id=ACCOUNTABLE) is allowed


def test_ending_without_an_accountable_person():
    assert can_end(OTHER, {"member"}, proposer_id=PROPOSER, accountable_id=None) is False


# current → targets allowed
ALLOWED = {
    ("proposed", "approved"),
    ("proposed", "rejected"),
    ("proposed", "ended"),
    ("approved", "ended"),
}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(STATUSES, (*STATUSES, "deleted"))))
def test_status_transition_table(current, target):
    allowed = (current, target) in ALLOWED
    assert can_transition(current, target) is allowed
    assert (transition_refusals(current, target, reason="done") == ()) is allowed


def test_ending_needs_a_reason():
    assert transition_refusals("approved", "ended") == ("reason_required",)
    assert transition_refusals("proposed", "ended", reason="   ") == ("reason_required",)
    assert transition_refusals("approved", "ended", reason="Trial clause granted") == ()
    assert transition_refusals("proposed", "approved") == ()
    assert transition_refusals("ended", "approved", reason="x") == ("transition_not_allowed",)
    assert transition_refusals("unheard_of", "ended", reason="x") == ("transition_not_allowed",)


def test_statuses_only_move_forward():
    assert set(TRANSITIONS) == set(STATUSES)
    assert all("proposed" not in targets for targets in TRANSITIONS.values())
    assert TRANSITIONS["rejected"] == TRANSITIONS["ended"] == frozenset()
