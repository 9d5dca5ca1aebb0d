from django.urls import path

app_name = "frameworks"

urlpatterns: list = []
