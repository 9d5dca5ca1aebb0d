"""The change-programme downloads, included into the ``change`` namespace by ``change/urls.py``.

No ``app_name``: the including URLconf names the namespace, so these are ``change:export_*``.
"""

from django.urls import path

from spaceforchange.change import export_views

urlpatterns = [
    path("export/", export_views.export_programmes, name="export_programmes"),
    path("<int:programme_id>/readiness/export/", export_views.export_readiness, name="export_readiness"),
]
