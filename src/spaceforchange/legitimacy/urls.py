from django.urls import path  # noqa: F401

app_name = "legitimacy"

urlpatterns: list = []  # type: ignore[type-arg]
