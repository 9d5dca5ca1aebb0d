"""The people and team pages, under ``/o/<org_slug>/people/``, and their downloads."""

from django.urls import include, path

from spaceforchange.people import team_views, views

app_name = "people"

TEAM = "teams/<int:team_id>/"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("archetypes/", views.archetypes, name="archetypes"),
    path("culture/", views.culture, name="culture"),
    path("teams/", team_views.teams, name="teams"),
    path("teams/new/", team_views.team_new, name="team_new"),
    path(TEAM, team_views.team, name="team"),
    path(TEAM + "edit/", team_views.team_edit, name="team_edit"),
    path(TEAM + "members/", team_views.team_members, name="team_members"),
    path(TEAM + "roles/", team_views.team_roles, name="team_roles"),
    path(TEAM + "exploration/", team_views.team_exploration, name="team_exploration"),
    path(TEAM + "alignment/", team_views.team_alignment, name="team_alignment"),
    path(TEAM + "composition/", views.team_composition, name="team_composition"),
    path("", include("spaceforchange.people.export_urls")),
]
