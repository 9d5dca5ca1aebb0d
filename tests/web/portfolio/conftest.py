"""The portfolio web tests share the integration tests' organisation and scan helper."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.integration.portfolio.conftest import World, scan_of, world

__all__ = ["scan_of", "world"]


@pytest.fixture
def as_person(world: World) -> Callable[[str], Client]:
    """A client signed in as one of the world's people: lead, owner, teammate or member."""

    def signed_in(name: str) -> Client:
        client = Client()
        client.force_login(getattr(world, name))
        return client

    return signed_in
