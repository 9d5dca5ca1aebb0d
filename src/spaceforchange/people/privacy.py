"""Teams as personal data: the teams a person belongs to, the leader roles they hold, the
exploration shares they recorded.

Erasure removes the person from their teams and from the leader roles they hold (a role held by
an erased person is no longer covered, which the warnings then show), and scrubs their name from
the names of role holders outside the system and from exploration notes. Exploration shares they
recorded stay, as the team's record, without the link to them. The person's archetype is not
stored here at all: it is computed from their own survey answers, which the assessments app's
section covers.
"""

from __future__ import annotations

from typing import Any

from spaceforchange.alerts.tasks import alerts_may_have_changed
from spaceforchange.core import privacy
from spaceforchange.people.models import ExplorationShare, LeaderRole, TeamMember


def export_people(user: Any) -> dict[str, Any]:
    memberships = TeamMember.objects.filter(user=user).select_related("organization", "team").order_by("pk")
    roles = LeaderRole.objects.filter(holder=user).select_related("organization", "team").order_by("pk")
    shares = ExplorationShare.objects.filter(recorded_by=user).select_related("organization", "team").order_by("pk")
    return {
        "team_memberships": [
            {"organization": row.organization.slug, "team": row.team.name, "added_at": row.added_at.isoformat()}
            for row in memberships
        ],
        "leader_roles": [
            {"organization": row.organization.slug, "team": row.team.name, "role": row.role_key} for row in roles
        ],
        "exploration_shares_recorded": [
            {
                "organization": row.organization.slug,
                "team": row.team.name,
                "period": row.period,
                "share": str(row.share),
                "note": row.note,
            }
            for row in shares
        ],
    }


def erase_people(erasure: privacy.Erasure) -> dict[str, int]:
    user = erasure.user
    organizations = set(TeamMember.objects.filter(user=user).values_list("organization_id", flat=True))
    organizations |= set(LeaderRole.objects.filter(holder=user).values_list("organization_id", flat=True))
    memberships, _by_model = TeamMember.objects.filter(user=user).delete()
    roles = LeaderRole.objects.filter(holder=user).update(holder=None)
    recorded = ExplorationShare.objects.filter(recorded_by=user).update(recorded_by=None)
    scrubbed = 0
    for role in LeaderRole.objects.filter(erasure.text_filter("holder_name")):
        LeaderRole.objects.filter(pk=role.pk).update(holder_name=erasure.scrub(role.holder_name))
        organizations.add(role.organization_id)
        scrubbed += 1
    for share in ExplorationShare.objects.filter(erasure.text_filter("note")):
        ExplorationShare.objects.filter(pk=share.pk).update(note=erasure.scrub(share.note))
        scrubbed += 1
    for organization_id in sorted(organizations):
        alerts_may_have_changed(organization_id)
    return {
        "team_memberships_removed": memberships,
        "leader_roles_unassigned": roles,
        "exploration_shares_unlinked": recorded,
        "scrubbed": scrubbed,
    }


privacy.register(
    "people",
    exporter=export_people,
    eraser=erase_people,
    description=(
        "Teams the person belongs to, leader roles they hold and exploration shares they recorded; erasure "
        "removes them from teams and roles and scrubs their name from role holders' names and notes."
    ),
)
