"""The change API tests share the change pages' world: every role, a programme with an owner, and a
second organisation with its own programme, initiative and readiness campaign."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.web.change.conftest import World, make_change_world


@pytest.fixture
def world(db: None) -> World:
    return make_change_world()


@pytest.fixture
def as_person(world: World) -> Callable[[str], Client]:
    """A client signed in as one of the world's people by attribute name."""

    def signed_in(name: str) -> Client:
        client = Client()
        client.force_login(getattr(world, name))
        return client

    return signed_in
