from django.urls import path

from spaceforchange.portfolio import record_views, settings_views, views

app_name = "portfolio"

urlpatterns = [
    path("", views.initiative_list, name="initiatives"),
    path("new/", views.initiative_create, name="initiative_create"),
    path("goals/", settings_views.goal_list, name="goals"),
    path("goals/<int:goal_id>/active/", settings_views.goal_active, name="goal_active"),
    path("gates/", settings_views.gate_settings, name="gates"),
    path("<int:initiative_id>/", views.initiative_detail, name="initiative"),
    path("<int:initiative_id>/edit/", views.initiative_edit, name="initiative_edit"),
    path("<int:initiative_id>/move/", views.initiative_move, name="initiative_move"),
    path("<int:initiative_id>/constraints/new/", record_views.constraint_new, name="constraint_new"),
    path(
        "<int:initiative_id>/constraints/<int:constraint_id>/status/",
        record_views.constraint_status,
        name="constraint_status",
    ),
    path("<int:initiative_id>/backing/new/", record_views.backing_new, name="backing_new"),
    path("<int:initiative_id>/setbacks/new/", record_views.setback_new, name="setback_new"),
]
