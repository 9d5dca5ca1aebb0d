"""Answer imports and column mappings, under /o/<org_slug>/assessments/."""

from django.urls import path

from spaceforchange.assessments import import_views

urlpatterns = [
    path("<int:campaign_id>/imports/", import_views.import_list, name="imports"),
    path("<int:campaign_id>/imports/new/", import_views.import_new, name="import_new"),
    path("<int:campaign_id>/imports/<int:import_id>/", import_views.import_detail, name="import_detail"),
    path("<int:campaign_id>/imports/<int:import_id>/map/", import_views.import_map, name="import_map"),
    path(
        "<int:campaign_id>/imports/<int:import_id>/problems.csv",
        import_views.import_problems_csv,
        name="import_problems_csv",
    ),
    path("<int:campaign_id>/imports/<int:import_id>/cancel/", import_views.import_cancel, name="import_cancel"),
    path("mappings/", import_views.mapping_list, name="mappings"),
    path("mappings/<int:mapping_id>/delete/", import_views.mapping_delete, name="mapping_delete"),
]
