"""The change download pages share the change API tests' world."""

from tests.web.api.change.conftest import as_person, world

__all__ = ["as_person", "world"]
