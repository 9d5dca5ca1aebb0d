"""Pages about the signed-in person rather than an organisation: profile and API tokens."""

from django.urls import path

from spaceforchange.core import account_views

urlpatterns = [
    path("profile/", account_views.profile, name="profile"),
    path("profile/tokens/", account_views.api_tokens, name="api_tokens"),
    path("profile/tokens/<int:token_id>/revoke/", account_views.revoke_api_token, name="revoke_api_token"),
]
