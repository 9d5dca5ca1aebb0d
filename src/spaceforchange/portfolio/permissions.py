"""Who may do what with initiatives.

The owner of an initiative runs it (PRODUCT.md): records constraints, backing and setbacks, and
records its stage decisions, which the gate still checks. Team members record too. Gates and the
goal list are organisation-wide settings; an owner who could set the gate their own initiative
must pass would make the gate meaningless, so they belong to innovation leads and administrators.
"""

from __future__ import annotations

from typing import Any

import rules

from spaceforchange.core.permissions import is_admin, is_innovation_lead, is_leader, is_member, is_oversight, is_owner


@rules.predicate
def owns_initiative(user: Any, initiative: Any = None) -> bool:
    return initiative is not None and getattr(initiative, "owner_id", None) == getattr(user, "pk", None)


@rules.predicate
def on_team(user: Any, initiative: Any = None) -> bool:
    if initiative is None or not hasattr(initiative, "team") or getattr(user, "pk", None) is None:
        return False
    return any(person.pk == user.pk for person in initiative.team.all())


runs_initiative = is_innovation_lead | is_admin | (is_member & owns_initiative)

rules.add_perm("portfolio.view_initiatives", is_member)
rules.add_perm("portfolio.add_initiative", is_innovation_lead | is_admin)
rules.add_perm("portfolio.change_initiative", runs_initiative)
rules.add_perm("portfolio.move_initiative", runs_initiative)
rules.add_perm("portfolio.record_initiative", runs_initiative | (is_member & on_team))
rules.add_perm("portfolio.manage_goals", is_innovation_lead | is_admin | is_leader)
rules.add_perm("portfolio.manage_gates", is_innovation_lead | is_admin)


# The idea box (issue #4): any member submits and supports ideas; an idea's sponsor, innovation
# leads and initiative owners answer them; innovation leads set who sponsors which unit.


@rules.predicate
def sponsors_idea(user: Any, idea: Any = None) -> bool:
    return idea is not None and getattr(idea, "sponsor_id", None) == getattr(user, "pk", None)


rules.add_perm("portfolio.view_ideas", is_member)
rules.add_perm("portfolio.submit_idea", is_member)
rules.add_perm("portfolio.decide_idea", is_innovation_lead | is_owner | (is_member & sponsors_idea))
rules.add_perm("portfolio.view_all_waiting_ideas", is_innovation_lead | is_owner)
rules.add_perm("portfolio.manage_idea_sponsors", is_innovation_lead | is_owner)
rules.add_perm("portfolio.open_challenge", is_innovation_lead)


# A challenge's evaluators score its ideas; the ranking is theirs and leadership's to read. Other
# members see the ideas but not the scores, which judge colleagues' proposals.
@rules.predicate
def evaluates_challenge(user: Any, challenge: Any = None) -> bool:
    if challenge is None or not hasattr(challenge, "evaluators") or getattr(user, "pk", None) is None:
        return False
    return bool(challenge.evaluators.filter(pk=user.pk).exists())


rules.add_perm("portfolio.evaluate_challenge", is_member & evaluates_challenge)
rules.add_perm(
    "portfolio.view_challenge_ranking",
    is_innovation_lead | is_leader | is_oversight | (is_member & evaluates_challenge),
)


# The portfolio page (issue #4): every member reads it; the target mix is an organisation-wide
# choice of innovation leads and the organisation's owners.
rules.add_perm("portfolio.set_portfolio_target", is_innovation_lead | is_admin)
