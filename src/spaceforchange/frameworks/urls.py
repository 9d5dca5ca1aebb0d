from django.urls import path

from spaceforchange.frameworks import views

app_name = "frameworks"

# Pack keys are lower-case letters, digits and underscores, so the hyphenated "import-packs"
# and the numeric "export/<id>" can never be mistaken for a framework's key.
urlpatterns = [
    path("", views.library, name="library"),
    path("import-packs/", views.import_packs, name="import"),
    path("export/<int:version_id>/", views.export, name="export"),
    path("<slug:key>/", views.framework, name="framework"),
    path("<slug:key>/versions/", views.versions, name="versions"),
    path("<slug:key>/versions/<int:version_id>/", views.framework, name="version"),
    path("<slug:key>/compare/", views.compare, name="compare"),
    path("<slug:key>/edit/", views.edit, name="edit"),
    path("<slug:key>/items/<slug:item_key>/", views.item, name="item"),
]
