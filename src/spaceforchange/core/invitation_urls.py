"""Accepting an invitation happens before the person is a member, so it lives outside /o/<slug>/."""

from django.urls import path

from spaceforchange.core import views

app_name = "invitations"

urlpatterns = [
    path("<str:token>/", views.invitation_accept, name="accept"),
]
