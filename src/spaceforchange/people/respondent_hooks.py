"""The people app's hooks into surveys: the groups a respondent belongs to, and their own archetype.

``register`` (called from ``PeopleConfig.ready``) adds two things to the assessments app:

- a respondent group source: a signed-in member's response records their membership unit and
  ``attributes["teams"]``, the sorted ids (as text) of the active teams they belong to, so the
  archetype mix can be read per unit and per team;
- the personal archetype result: on the thank-you page of the archetype self-assessment, the
  respondent (and only they, through their own resume token) sees their archetype, what it
  means, how it contributes and their two axis means.
"""

from __future__ import annotations

from typing import Any

from spaceforchange.assessments.personal_results import PersonalResult, register_personal_result
from spaceforchange.assessments.respondent_groups import RespondentGroups, register_group_source
from spaceforchange.core.models import Membership
from spaceforchange.people.terms import ARCHETYPE_INSTRUMENT, ARCHETYPE_PACK, TEAMS_ATTRIBUTE

PERSONAL_TEMPLATE = "people/personal_archetype.html"


def respondent_groups(campaign: Any, user: Any) -> RespondentGroups:
    """The member's unit and active teams in the campaign's organisation (nothing for others)."""
    from spaceforchange.people.models import TeamMember

    membership = (
        Membership.objects.filter(organization_id=campaign.organization_id, user_id=user.pk, is_active=True)
        .only("unit_id")
        .first()
    )
    if membership is None:
        return RespondentGroups()
    team_ids = TeamMember.objects.filter(
        organization_id=campaign.organization_id, user_id=user.pk, team__archived=False
    ).values_list("team_id", flat=True)
    return RespondentGroups(
        unit_id=membership.unit_id, attributes={TEAMS_ATTRIBUTE: sorted(str(pk) for pk in team_ids)}
    )


def archetype_result(response: Any) -> PersonalResult | None:
    """The respondent's archetype with its meaning, or ``None`` when too few statements were answered."""
    from spaceforchange.people.selectors import personal_archetype

    placement = personal_archetype(response)
    if placement is None:
        return None
    context = {"archetype_result": placement, "threshold": response.campaign.anonymity_threshold}
    return PersonalResult(template=PERSONAL_TEMPLATE, context=context)


def register() -> None:
    register_group_source(respondent_groups)
    register_personal_result(ARCHETYPE_PACK, ARCHETYPE_INSTRUMENT, archetype_result)
