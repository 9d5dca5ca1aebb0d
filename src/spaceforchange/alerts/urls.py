"""Warnings pages, under /o/<org_slug>/alerts/."""

from django.urls import path

from spaceforchange.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="alerts"),
    path("email/", views.alert_email, name="email"),
    path("<int:alert_id>/", views.alert_detail, name="alert"),
    path("<int:alert_id>/acknowledge/", views.alert_acknowledge, name="acknowledge"),
]
