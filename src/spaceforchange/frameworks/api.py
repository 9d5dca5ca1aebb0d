"""REST endpoints of the frameworks app, mounted under /api/v1/ by spaceforchange.api.api."""

from ninja import Router

router = Router(tags=["frameworks"])
