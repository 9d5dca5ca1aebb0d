"""The budgeting web tests share the integration tests' organisation (every role, three units, a
revised strategy with three goals, a cycle), signed-in clients, and a cycle filled with ten lines."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from spaceforchange.budgeting.models import BudgetLine
from tests.integration.budgeting.conftest import World, make_world, other, world
from tests.web.budgeting.helpers import fill_cycle

__all__ = ["filled", "make_world", "other", "world"]


@pytest.fixture
def as_person(world: World) -> Callable[[str], Client]:
    """A client signed in as one of the world's people by attribute name."""

    def signed_in(name: str) -> Client:
        client = Client()
        client.force_login(getattr(world, name))
        return client

    return signed_in


@pytest.fixture
def filled(world: World) -> list[BudgetLine]:
    return fill_cycle(world)
