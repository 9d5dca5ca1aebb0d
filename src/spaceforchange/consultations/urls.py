"""Consultation pages: staff pages under /o/<org>/consultations/ (``urlpatterns``, namespace
``consultations``) and the participants' pages under /c/<public token>/ (``public_urlpatterns``,
mounted by the project's ``urls`` with the namespace ``consultations_public``)."""

from django.urls import path

from spaceforchange.consultations import participate_views, results_views, views

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_list, name="consultations"),
    path("new/", views.consultation_create, name="consultation_create"),
    path("<int:consultation_id>/", views.consultation_detail, name="consultation"),
    path("<int:consultation_id>/edit/", views.consultation_edit, name="consultation_edit"),
    path("<int:consultation_id>/close/", views.consultation_close, name="consultation_close"),
    path("<int:consultation_id>/statements/new/", views.statement_add, name="statement_add"),
    path(
        "<int:consultation_id>/statements/<int:statement_id>/moderate/",
        views.statement_moderate,
        name="statement_moderate",
    ),
    path("<int:consultation_id>/invitations/new/", views.invitations_create, name="invitations_create"),
    path("<int:consultation_id>/results/", results_views.results, name="results"),
    path("<int:consultation_id>/results/recompute/", results_views.recompute, name="recompute"),
    path(
        "<int:consultation_id>/results/export.<str:file_format>",
        results_views.results_export,
        name="results_export",
    ),
]

public_urlpatterns = [
    path("<str:token>/", participate_views.participate, name="participate"),
    path("<str:token>/vote/", participate_views.vote, name="vote"),
    path("<str:token>/votes/", participate_views.votes, name="votes"),
    path("<str:token>/statements/new/", participate_views.statement_submit, name="statement_submit"),
]
