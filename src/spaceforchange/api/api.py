"""The one NinjaAPI instance. Each app contributes a router from its own ``api.py``."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Space for Change API",
    version="1",
    description="REST API of Space for Change. Authenticate with a personal API token: "
    "`Authorization: Bearer <token>`.",
    urls_namespace="api",
)

api.add_router("/", "spaceforchange.core.api.router")
api.add_router("/", "spaceforchange.frameworks.api.router")
