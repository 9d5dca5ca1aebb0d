"""Results pages of a campaign, under /o/<org_slug>/assessments/<campaign_id>/."""

from django.urls import path

from spaceforchange.assessments import results_views

urlpatterns = [
    path("<int:campaign_id>/results/", results_views.campaign_results, name="campaign_results"),
    path("<int:campaign_id>/results.csv", results_views.campaign_results_csv, name="campaign_results_csv"),
    path("<int:campaign_id>/results.xlsx", results_views.campaign_results_xlsx, name="campaign_results_xlsx"),
]
