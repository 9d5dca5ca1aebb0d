"""Who may do what with survey campaigns. Answering needs no permission: the link is the key."""

from __future__ import annotations

from typing import Any

import rules

from spaceforchange.core.permissions import (
    is_admin,
    is_innovation_lead,
    is_leader,
    is_member,
    is_oversight,
    is_owner,
)


@rules.predicate
def created_campaign(user: Any, campaign: Any = None) -> bool:
    creator_id = getattr(campaign, "created_by_id", None)
    return creator_id is not None and creator_id == getattr(user, "pk", None)


rules.add_perm("assessments.view_campaigns", is_member)
rules.add_perm("assessments.add_campaign", is_innovation_lead | is_owner | is_admin)
rules.add_perm("assessments.change_campaign", is_innovation_lead | is_admin | (is_member & created_campaign))
rules.add_perm(
    "assessments.view_results",
    is_innovation_lead | is_leader | is_oversight | is_admin | (is_member & created_campaign),
)
