"""Who may do what with change programmes.

FRAMEWORKS.md §6 asks for broad participation in change, so every member reads the programmes and
their readiness. Running a programme (its plan, people, readiness entries and evidence) is for
innovation leads, leaders and administrators, and for the programme's own owner. Oversight reads
everything and changes nothing.

| permission | member | owner of the programme | innovation_lead | leader | oversight | admin |
|---|---|---|---|---|---|---|
| view_programmes | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
| manage_programmes (organisation: create; programme: change) | | ✓ | ✓ | ✓ | | ✓ |
"""

from __future__ import annotations

from typing import Any

import rules

from spaceforchange.core.permissions import is_admin, is_innovation_lead, is_leader, is_member


def _programme_of(obj: Any) -> Any:
    """The programme ``obj`` is or belongs to (a milestone, a readiness entry …), else None."""
    if obj is None:
        return None
    if type(obj).__name__ == "ChangeProgramme":
        return obj
    return getattr(obj, "programme", None)


@rules.predicate
def owns_programme(user: Any, obj: Any = None) -> bool:
    programme = _programme_of(obj)
    return programme is not None and programme.owner_id is not None and programme.owner_id == getattr(user, "pk", None)


runs_change = is_innovation_lead | is_leader | is_admin

rules.add_perm("change.view_programmes", is_member)
rules.add_perm("change.manage_programmes", runs_change | (is_member & owns_programme))
