from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog

from spaceforchange.api.aliases import organization_alias
from spaceforchange.api.api import api
from spaceforchange.consultations.urls import public_urlpatterns
from spaceforchange.web import views as web_views

handler403 = "spaceforchange.web.views.permission_denied"
handler404 = "spaceforchange.web.views.page_not_found"
handler500 = "spaceforchange.web.views.server_error"

# The admin's own login form would bypass allauth's rate limits and two-factor step.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

organization_patterns = [
    path("", include("spaceforchange.core.urls")),
    path("frameworks/", include("spaceforchange.frameworks.urls")),
    path("initiatives/", include("spaceforchange.portfolio.urls")),
    path("assessments/", include("spaceforchange.assessments.urls")),
    path("legitimacy/", include("spaceforchange.legitimacy.urls")),
    path("policies/", include("spaceforchange.policies.urls")),
    path("consultations/", include("spaceforchange.consultations.urls")),
    path("", include("spaceforchange.budgeting.urls")),
    path("people/", include("spaceforchange.people.urls")),
    path("change/", include("spaceforchange.change.urls")),
    path("alerts/", include("spaceforchange.alerts.urls")),
]

urlpatterns = [
    path("", web_views.home, name="home"),
    path("healthz", web_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("allauth.urls")),
    path("", include("spaceforchange.core.account_urls")),
    path("invitations/", include("spaceforchange.core.invitation_urls")),
    # Survey respondents answer without an account: their link's token is the only key.
    path("respond/", include("spaceforchange.assessments.respond_urls")),
    # Consultation participants vote without an account: the consultation's public token is the key.
    path("c/", include((public_urlpatterns, "consultations_public"))),
    # Before the API: /api/v1/o/<org>/... is the short form of /api/v1/organizations/<org>/... (a 308).
    re_path(r"^api/v1/o/(?P<rest>.*)$", organization_alias, name="api-organization-alias"),
    path("api/v1/", api.urls),
    path("o/<slug:org_slug>/", include(organization_patterns)),
    path("django-admin/", admin.site.urls),
]
