"""Answer imports and column mappings, under /o/<org_slug>/assessments/."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
