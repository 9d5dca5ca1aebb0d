"""Who may do what in the framework library. Checked against the organisation.

Any member reads the library. Administrators change it (edit an override, import). Export is
a download of content every member can already read, so the people who work with packs outside
the product also get it: innovation leads (who run campaigns on the instruments) and oversight
(who read everything and may need the exact version a result was scored with).
"""

from __future__ import annotations

import rules

from spaceforchange.core.permissions import is_admin, is_innovation_lead, is_member, is_oversight

rules.add_perm("frameworks.view_library", is_member)
rules.add_perm("frameworks.edit_pack", is_admin)
rules.add_perm("frameworks.import_pack", is_admin)
rules.add_perm("frameworks.export_pack", is_admin | is_innovation_lead | is_oversight)
