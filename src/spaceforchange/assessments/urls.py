"""Campaign pages for members, under /o/<org_slug>/assessments/."""

from django.urls import include, path

from spaceforchange.assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("new/", views.campaign_new, name="campaign_new"),
    path("<int:campaign_id>/", views.campaign_detail, name="campaign"),
    path("<int:campaign_id>/open/", views.campaign_open, name="campaign_open"),
    path("<int:campaign_id>/close/", views.campaign_close, name="campaign_close"),
    path("<int:campaign_id>/shared-link/", views.campaign_shared_link, name="campaign_shared_link"),
    path("<int:campaign_id>/invite/", views.campaign_invite, name="campaign_invite"),
    # Results and answer imports have their own route files (same "assessments" namespace).
    path("", include("spaceforchange.assessments.results_urls")),
    path("", include("spaceforchange.assessments.import_urls")),
]
