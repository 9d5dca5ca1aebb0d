from django.urls import path

from spaceforchange.portfolio import views

app_name = "portfolio"

urlpatterns = [
    path("", views.initiative_list, name="initiatives"),
    path("new/", views.initiative_create, name="initiative_create"),
    path("<int:initiative_id>/", views.initiative_detail, name="initiative"),
]
