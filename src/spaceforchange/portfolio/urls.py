from django.urls import path

from spaceforchange.portfolio import idea_views, overview_views, record_views, settings_views, views

app_name = "portfolio"

urlpatterns = [
    path("", views.initiative_list, name="initiatives"),
    path("new/", views.initiative_create, name="initiative_create"),
    path("portfolio/", overview_views.portfolio_overview, name="portfolio"),
    path("goals/", settings_views.goal_list, name="goals"),
    path("goals/<int:goal_id>/active/", settings_views.goal_active, name="goal_active"),
    path("gates/", settings_views.gate_settings, name="gates"),
    path("ideas/", idea_views.idea_list, name="ideas"),
    path("ideas/new/", idea_views.idea_submit, name="idea_submit"),
    path("ideas/similar/", idea_views.idea_similar, name="idea_similar"),
    path("ideas/mine/", idea_views.my_ideas, name="my_ideas"),
    path("ideas/waiting/", idea_views.ideas_waiting, name="ideas_waiting"),
    path("ideas/sponsors/", idea_views.idea_sponsors, name="idea_sponsors"),
    path("ideas/sponsors/<int:sponsor_id>/remove/", idea_views.idea_sponsor_remove, name="idea_sponsor_remove"),
    path("ideas/<int:idea_id>/", idea_views.idea_detail, name="idea"),
    path("ideas/<int:idea_id>/join/", idea_views.idea_join, name="idea_join"),
    path("ideas/<int:idea_id>/decide/", idea_views.idea_decide, name="idea_decide"),
    path("ideas/<int:idea_id>/evaluate/", idea_views.idea_evaluate, name="idea_evaluate"),
    path("ideas/challenges/", idea_views.challenge_list, name="challenges"),
    path("ideas/challenges/new/", idea_views.challenge_create, name="challenge_create"),
    path("ideas/challenges/<int:challenge_id>/", idea_views.challenge_detail, name="challenge"),
    path("ideas/challenges/<int:challenge_id>/ranking/", idea_views.challenge_ranking, name="challenge_ranking"),
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
