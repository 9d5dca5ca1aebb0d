"""Answering pages for survey respondents, under /respond/ (no account needed)."""

from django.urls import path

from spaceforchange.assessments import respond_views

app_name = "respond"

urlpatterns = [
    path("answer/<str:resume_token>/", respond_views.answer, name="answer"),
    path("answer/<str:resume_token>/done/", respond_views.done, name="done"),
    path("<str:token>/", respond_views.start, name="start"),
]
