"""Who may do what with the strategy, budgets, contribution statements and scenarios.

PRODUCT.md's roles: the leader decides, the innovation lead prepares, oversight reads everything
and changes nothing, members take part for their own unit. So:

| permission | member | owner | innovation_lead | leader | oversight | admin |
|---|---|---|---|---|---|---|
| view_strategy, view_budgets | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
| revise_strategy (vision, goals, weights, cadence) | | | | ✓ | | |
| set_goal_contribution | | own initiative | ✓ | ✓ | | |
| manage_budgets (cycles, lines, options, envelopes, import) | | | ✓ | ✓ | | |
| submit_statement (checked on the unit) | own unit | own unit | ✓ | ✓ | | |
| view_statement | own unit | own unit | ✓ | ✓ | ✓ | |
| review_statement, adopt_scenario | | | | ✓ | | |
| view_demonstrate_or_change, view_scenarios | | | ✓ | ✓ | ✓ | |
| run_scenarios | | | ✓ | ✓ | | |

The administrator manages members, units and packs (core); money is not theirs to decide.
"""

from __future__ import annotations

from typing import Any

import rules

from spaceforchange.core.models import Membership
from spaceforchange.core.permissions import is_innovation_lead, is_leader, is_member, is_oversight


def _unit_id(obj: Any) -> int | None:
    """The unit ``obj`` is (a Unit) or belongs to (a statement, an envelope)."""
    if obj is None:
        return None
    if hasattr(obj, "unit_id"):
        return obj.unit_id  # type: ignore[no-any-return]
    if type(obj).__name__ == "Unit":
        return obj.pk  # type: ignore[no-any-return]
    return None


@rules.predicate
def in_unit(user: Any, obj: Any = None) -> bool:
    """The person is an active member of the organisation placed in the unit of ``obj``."""
    unit_id = _unit_id(obj)
    if unit_id is None or not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(user=user, unit_id=unit_id, is_active=True).exists()


@rules.predicate
def owns_initiative(user: Any, obj: Any = None) -> bool:
    return type(obj).__name__ == "Initiative" and obj.owner_id is not None and obj.owner_id == getattr(user, "pk", None)


prepares = is_innovation_lead | is_leader
reads_all = is_innovation_lead | is_leader | is_oversight

rules.add_perm("budgeting.view_strategy", is_member)
rules.add_perm("budgeting.view_budgets", is_member)
rules.add_perm("budgeting.revise_strategy", is_leader)
rules.add_perm("budgeting.set_goal_contribution", prepares | (is_member & owns_initiative))
rules.add_perm("budgeting.manage_budgets", prepares)
rules.add_perm("budgeting.submit_statement", prepares | (is_member & in_unit))
rules.add_perm("budgeting.view_statement", reads_all | (is_member & in_unit))
rules.add_perm("budgeting.review_statement", is_leader)
rules.add_perm("budgeting.view_demonstrate_or_change", reads_all)
rules.add_perm("budgeting.view_scenarios", reads_all)
rules.add_perm("budgeting.run_scenarios", prepares)
rules.add_perm("budgeting.adopt_scenario", is_leader)
