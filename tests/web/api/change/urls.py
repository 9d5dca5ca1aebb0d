"""The site's URLs with the change-programme API and downloads mounted, for as long as the root URLconf lacks them.

The change router runs on an API instance of its own with the product's authentication, body
parser and error handling (as ``tests/web/core/api_urls.py`` does), in front of the site's API;
the downloads are mounted in a namespace of their own under the organisation.
"""

from django.urls import include, path

from spaceforchange import urls as site
from spaceforchange.api.api import ObjectParser, SpaceForChangeAPI
from spaceforchange.api.auth import session_auth, token_auth
from spaceforchange.api.problems import register_problem_handlers
from spaceforchange.change import export_urls
from spaceforchange.change.api import router

handler403 = site.handler403
handler404 = site.handler404
handler500 = site.handler500

api = SpaceForChangeAPI(
    title="Change programmes (tests)",
    version="test-change",
    urls_namespace="change_test_api",
    auth=[token_auth, session_auth],
    parser=ObjectParser(),
)
register_problem_handlers(api)
api.add_router("/", router)

ORGANIZATION = "o/<slug:org_slug>/"

urlpatterns = [
    path("api/v1/", api.urls),
    path(ORGANIZATION + "change/", include((export_urls.urlpatterns, "change_exports_test"))),
    *site.urlpatterns,
]
