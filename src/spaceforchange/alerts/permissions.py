"""Who may see and acknowledge warnings.

Every member reads the portfolio, so every member sees its warnings; those who act on them
(innovation leads, initiative owners, leaders) acknowledge them.
"""

from __future__ import annotations

import rules

from spaceforchange.core.permissions import is_innovation_lead, is_leader, is_member, is_owner

rules.add_perm("alerts.view_alerts", is_member)
rules.add_perm("alerts.acknowledge_alert", is_innovation_lead | is_owner | is_leader)
