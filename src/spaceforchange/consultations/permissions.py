"""Who may do what with consultations (staff side; participants act through links, without an account).

PRODUCT.md: innovation leads run consultations and see all registers; leaders read dashboards and
decide; oversight reads everything and changes nothing; a policy manager looks after one policy;
an owner runs their initiative. A consultation's results can reveal what a public or a group of
staff think of a policy before anyone has acted on it, so results are read by those who act on them:

================================  ===========  ======  =========  =============  =======  ==========  ======
permission                        innov. lead  leader  oversight  policy manager  creator  init. owner  member
================================  ===========  ======  =========  =============  =======  ==========  ======
view_consultations (the list)     all          all     all        theirs          theirs   theirs      —
view_consultation (page, results) yes          yes     yes        linked policy   yes      linked init. —
add_consultation (organisation)   yes          —       —          if manages any  —        —           —
add_consultation_for (a policy)   yes          —       —          that policy     —        —           —
change_consultation / moderate    yes          —       —          linked policy   yes      —           —
================================  ===========  ======  =========  =============  =======  ==========  ======

"theirs" means the list shows only the consultations the person may view (``selectors.consultations_for``
applies the same rule in one query). An administrator administers members and settings, not
consultations. The creator keeps moderation rights only while a member with any role.
"""

from __future__ import annotations

from typing import Any

import rules

from spaceforchange.core.permissions import is_innovation_lead, is_leader, is_member, is_oversight


def _person_id(user: Any) -> Any:
    return getattr(user, "pk", None)


@rules.predicate
def created_consultation(user: Any, consultation: Any = None) -> bool:
    person = _person_id(user)
    return person is not None and getattr(consultation, "created_by_id", None) == person


@rules.predicate
def manages_linked_policy(user: Any, obj: Any = None) -> bool:
    """``obj`` is a consultation whose policy the person manages, or that policy itself."""
    if obj is None:
        return False
    policy = obj if hasattr(obj, "manager_id") else getattr(obj, "policy", None)
    return policy is not None and policy.manager_id is not None and policy.manager_id == _person_id(user)


@rules.predicate
def owns_linked_initiative(user: Any, consultation: Any = None) -> bool:
    initiative = getattr(consultation, "initiative", None) if consultation is not None else None
    return initiative is not None and initiative.owner_id is not None and initiative.owner_id == _person_id(user)


@rules.predicate
def manages_any_policy(user: Any, organization: Any = None) -> bool:
    """The person manages a policy of the organisation (``obj`` is the organisation)."""
    from spaceforchange.policies.models import Policy

    person = _person_id(user)
    return (
        person is not None
        and organization is not None
        and (Policy.objects.filter(organization_id=organization.pk, manager_id=person).exists())
    )


sees_all = is_innovation_lead | is_leader | is_oversight
runs_consultation = is_innovation_lead | (is_member & (created_consultation | manages_linked_policy))

rules.add_perm("consultations.view_consultations", is_member)
rules.add_perm(
    "consultations.view_consultation",
    sees_all | (is_member & (created_consultation | manages_linked_policy | owns_linked_initiative)),
)
rules.add_perm("consultations.add_consultation", is_innovation_lead | (is_member & manages_any_policy))
# Checked on the policy the new consultation is linked to, or on the organisation for an unlinked one
# (then innovation leads only).
rules.add_perm("consultations.add_consultation_for", is_innovation_lead | (is_member & manages_linked_policy))
rules.add_perm("consultations.change_consultation", runs_consultation)
rules.add_perm("consultations.moderate_consultation", runs_consultation)
