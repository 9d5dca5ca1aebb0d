"""Pages about the signed-in person rather than an organisation: profile, tokens, invitations."""

from django.urls import path

urlpatterns: list = []
