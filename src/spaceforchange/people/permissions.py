"""Who may see and change teams and the people aggregates.

| permission | member | owner | innovation_lead | leader | oversight | admin |
|---|---|---|---|---|---|---|
| view_people (aggregates, teams) | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
| manage_teams (create, edit, archive, members, roles) | | | ✓ | | | ✓ |
| record_team (checked on the team: exploration share, alignment session) | own team | own team | ✓ | own team | | ✓ |

No permission shows an individual's archetype: only the respondent sees it, on their own
survey's thank-you page, reached with their own resume token (see ``respondent_hooks``).
Oversight reads everything the others read and changes nothing.
"""

from __future__ import annotations

from typing import Any

import rules

from spaceforchange.core.permissions import is_admin, is_innovation_lead, is_member, is_oversight


@rules.predicate
def in_team(user: Any, obj: Any = None) -> bool:
    """The person belongs to the team ``obj``."""
    if type(obj).__name__ != "Team" or not getattr(user, "is_authenticated", False):
        return False
    from spaceforchange.people.models import TeamMember

    return TeamMember.objects.filter(team_id=obj.pk, user_id=user.pk).exists()


manages_teams = is_innovation_lead | is_admin

rules.add_perm("people.view_people", is_member)
rules.add_perm("people.manage_teams", manages_teams)
# Oversight changes nothing, not even for a team its holder belongs to.
rules.add_perm("people.record_team", manages_teams | (is_member & in_team & ~is_oversight))
