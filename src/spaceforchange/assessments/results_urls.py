"""Results pages of a campaign, under /o/<org_slug>/assessments/<campaign_id>/."""

from django.urls import path

from spaceforchange.assessments import views

urlpatterns = [
    path("<int:campaign_id>/results/", views.campaign_results, name="campaign_results"),
]
