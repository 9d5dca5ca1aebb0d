"""organization_from: the API's tenancy check, for session and token callers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from ninja.errors import HttpError

from spaceforchange.api.tenancy import organization_from
from tests.factories import make_member, make_organization, make_user

pytestmark = pytest.mark.django_db


def _request(rf, *, user=None, auth=None):  # type: ignore[no-untyped-def]
    request = rf.get("/api/v1/organizations/x")
    request.user = user or AnonymousUser()
    if auth is not None:
        request.auth = auth
    return request


def test_member_by_token_gets_the_organisation(rf):
    membership = make_member(make_organization(slug="northtown"), roles=["admin"])
    request = _request(rf, auth=membership.user)
    assert organization_from(request, "northtown") == membership.organization
    assert request.organization == membership.organization
    assert request.membership == membership


def test_member_by_session_gets_the_organisation(rf):
    membership = make_member(make_organization(slug="northtown"))
    assert organization_from(_request(rf, user=membership.user), "northtown") == membership.organization


@pytest.mark.parametrize("slug", ["southtown", "no-such-org"])
def test_non_member_gets_404(rf, slug):
    make_member(make_organization(slug="southtown"))
    with pytest.raises(HttpError) as error:
        organization_from(_request(rf, auth=make_user()), slug)
    assert error.value.status_code == 404


def test_inactive_member_gets_404(rf):
    membership = make_member(make_organization(slug="northtown"))
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    with pytest.raises(HttpError):
        organization_from(_request(rf, auth=membership.user), "northtown")


def test_anonymous_gets_404(rf):
    make_organization(slug="northtown")
    with pytest.raises(HttpError):
        organization_from(_request(rf), "northtown")
