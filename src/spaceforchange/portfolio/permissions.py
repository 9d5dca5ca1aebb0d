"""Who may do what with initiatives."""

from __future__ import annotations

from typing import Any

import rules

from spaceforchange.core.permissions import is_admin, is_innovation_lead, is_member


@rules.predicate
def owns_initiative(user: Any, initiative: Any = None) -> bool:
    return initiative is not None and getattr(initiative, "owner_id", None) == getattr(user, "pk", None)


rules.add_perm("portfolio.view_initiatives", is_member)
rules.add_perm("portfolio.add_initiative", is_innovation_lead | is_admin)
rules.add_perm("portfolio.change_initiative", is_innovation_lead | is_admin | (is_member & owns_initiative))
