from __future__ import annotations

import pytest

from tests.factories import make_member, make_organization


@pytest.fixture
def organization(db):  # type: ignore[no-untyped-def]
    return make_organization(name="Northtown", slug="northtown")


@pytest.fixture
def member(organization):  # type: ignore[no-untyped-def]
    return make_member(organization, roles=["innovation_lead", "admin"])
