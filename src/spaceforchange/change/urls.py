"""Change-programme pages, mounted at ``/o/<org_slug>/change/``; the downloads come from ``export_urls``."""

from django.urls import include, path

from spaceforchange.change import parts_views, readiness_views, views

app_name = "change"

urlpatterns = [
    path("", views.programme_list, name="programmes"),
    path("new/", views.programme_new, name="programme_new"),
    path("<int:programme_id>/", views.programme_detail, name="programme"),
    path("<int:programme_id>/edit/", views.programme_edit, name="programme_edit"),
    path("<int:programme_id>/parts/", parts_views.programme_parts, name="programme_parts"),
    path("<int:programme_id>/readiness/", readiness_views.readiness, name="readiness"),
    path("", include("spaceforchange.change.export_urls")),
]
