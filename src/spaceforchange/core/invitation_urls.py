"""Accepting an invitation happens before the person is a member, so it lives outside /o/<slug>/."""

from django.urls import path

app_name = "invitations"

urlpatterns: list = []
