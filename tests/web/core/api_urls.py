"""A URLconf that serves ``core.api_units`` the way ``api/api.py`` serves every router.

The units and members router is mounted on the product's API by its owner; these tests run it
on an API instance of their own, with the same authentication and error handling, so they do
not depend on that wiring.
"""

from django.urls import path

from spaceforchange.api.api import SpaceForChangeAPI
from spaceforchange.api.auth import session_auth, token_auth
from spaceforchange.api.problems import register_problem_handlers
from spaceforchange.core.api_units import router

api = SpaceForChangeAPI(
    title="Units and members (tests)",
    version="test",
    urls_namespace="core_units_test_api",
    auth=[token_auth, session_auth],
)
register_problem_handlers(api)
api.add_router("/", router)

urlpatterns = [path("api/v1/", api.urls)]
