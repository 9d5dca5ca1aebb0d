"""The policy web tests share the integration tests' organisation."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.integration.policies.conftest import World, world

__all__ = ["world"]


@pytest.fixture
def as_person(world: World) -> Callable[[str], Client]:
    """A client signed in as one of the world's people by attribute name."""

    def signed_in(name: str) -> Client:
        client = Client()
        client.force_login(getattr(world, name))
        return client

    return signed_in
