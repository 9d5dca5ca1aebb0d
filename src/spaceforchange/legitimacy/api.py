"""REST endpoints of legitimacy management under ``/api/v1/organizations/{org_slug}/``: stakeholders,
judgments (list, read, record), legitimation actions and gray-zone tactics.

Each kind lives in its own module (``stakeholder_api``, ``judgment_api``, ``action_api``,
``tactic_api``); this router mounts them all and is mounted by ``spaceforchange.api.api``.
"""

from ninja import Router

from spaceforchange.legitimacy.action_api import router as action_router
from spaceforchange.legitimacy.judgment_api import router as judgment_router
from spaceforchange.legitimacy.stakeholder_api import router as stakeholder_router
from spaceforchange.legitimacy.tactic_api import router as tactic_router

router = Router(tags=["legitimacy"])
for child in (stakeholder_router, judgment_router, action_router, tactic_router):
    router.add_router("/", child)
