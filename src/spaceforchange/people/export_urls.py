"""The people downloads, included into the ``people`` namespace by ``people/urls.py``.

No ``app_name``: the including URLconf names the namespace, so these are ``people:export_*``.
"""

from django.urls import path

from spaceforchange.people import export_views

urlpatterns = [
    path("archetypes/export/", export_views.export_archetypes, name="export_archetypes"),
    path("teams/export/", export_views.export_teams, name="export_teams"),
    path("culture/export/", export_views.export_culture, name="export_culture"),
]
