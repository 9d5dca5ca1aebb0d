"""Model properties that need no database: when a team counts as self-managed, when a role is covered."""

from __future__ import annotations

import pytest

from spaceforchange.people.models import PERIOD_PATTERN, LeaderRole, LeaderRoleKey, Team, TransitionStatus
from spaceforchange.people.terms import LEADER_ROLES


@pytest.mark.parametrize(
    ("level", "status", "expected"),
    [
        (1, TransitionStatus.NOT_STARTED, False),
        (2, TransitionStatus.IN_TRANSITION, False),
        (3, TransitionStatus.NOT_STARTED, True),
        (5, TransitionStatus.REVERTED, True),
        (1, TransitionStatus.SELF_MANAGED, True),
    ],
)
def test_a_team_is_self_managed_from_autonomy_level_3_or_when_its_transition_is_done(level, status, expected):
    assert Team(name="T", autonomy_level=level, transition_status=status).self_managed is expected


@pytest.mark.parametrize(
    ("holder_id", "name", "covered"), [(None, "", False), (None, "   ", False), (None, "Kari", True), (4, "", True)]
)
def test_a_role_is_covered_by_a_member_or_a_name(holder_id, name, covered):
    assert LeaderRole(role_key=LEADER_ROLES[0], holder_id=holder_id, holder_name=name).covered is covered


def test_the_role_choices_are_the_packs_four_leader_roles_in_order():
    assert tuple(LeaderRoleKey.values) == LEADER_ROLES


@pytest.mark.parametrize(
    ("period", "valid"),
    [
        ("2026-Q1", True),
        ("2000-Q4", True),
        ("2100-Q2", True),
        ("1999-Q1", False),
        ("2101-Q1", False),
        ("2026-Q5", False),
    ],
)
def test_the_period_pattern(period, valid):
    import re

    assert (re.match(PERIOD_PATTERN, period) is not None) is valid
