"""The product's API with the people and change routers mounted beside every other router, so that the
OpenAPI document is checked as a whole (descriptions everywhere, no two schemas with the same name)."""

from django.urls import path

from spaceforchange.api import api as product
from spaceforchange.api.api import ObjectParser, SpaceForChangeAPI
from spaceforchange.api.auth import session_auth, token_auth
from spaceforchange.api.problems import register_problem_handlers

ROUTERS = [
    "spaceforchange.core.api.router",
    "spaceforchange.frameworks.api.router",
    "spaceforchange.core.api_units.router",
    "spaceforchange.portfolio.api.router",
    "spaceforchange.assessments.api.router",
    "spaceforchange.legitimacy.api.router",
    "spaceforchange.policies.api.router",
    "spaceforchange.consultations.api.router",
    "spaceforchange.consultations.results_api.router",
    "spaceforchange.budgeting.api.router",
    "spaceforchange.alerts.api.router",
    "spaceforchange.people.api.router",
    "spaceforchange.change.api.router",
]

api = SpaceForChangeAPI(
    title="Space for Change API",
    version="test-whole",
    description=product.DESCRIPTION,
    urls_namespace="whole_test_api",
    auth=[token_auth, session_auth],
    parser=ObjectParser(),
)
register_problem_handlers(api)
for router in dict.fromkeys(ROUTERS):
    api.add_router("/", router)

urlpatterns = [path("api/v1/", api.urls)]
