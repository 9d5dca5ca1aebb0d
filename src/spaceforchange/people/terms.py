"""The framework-pack keys the people app reads (FRAMEWORKS.md §9 and §12).

The archetypes, the culture pulse and the leader roles live in the packs; the app refers to
them by these keys so that pages, rules and exports agree on them.
"""

from __future__ import annotations

ARCHETYPE_PACK = "innovator_archetypes"
ARCHETYPE_INSTRUMENT = "archetype_self_assessment"
CULTURE_INSTRUMENT = "culture_pulse"  # in the archetype pack
ENABLEMENT_PACK = "self_managed_teams"
ENABLEMENT_INSTRUMENT = "team_enablement"

# The pack's items of kind ``role``, in pack order.
LEADER_ROLES = (
    "paradoxical_leadership",
    "protect_exploration",
    "regular_strategic_alignment",
    "shape_risk_and_learning_climate",
)
PARADOXICAL_LEADERSHIP = LEADER_ROLES[0]

# The archetypes with a high innovation drive: the "innovators" of the people rules.
INNOVATOR_ARCHETYPES = ("crusader", "revolutionist")
BOHEMIAN = "bohemian"

# From this autonomy level a team counts as self-managed (pack signal ``autonomy_level``).
SELF_MANAGED_AUTONOMY = 3
AUTONOMY_MIN, AUTONOMY_MAX = 1, 5

# The subject kind of the team warnings; unit warnings use "unit".
TEAM_SUBJECT = "team"
UNIT_SUBJECT = "unit"

# The respondent attribute that lists the teams a signed-in respondent belonged to.
TEAMS_ATTRIBUTE = "teams"
