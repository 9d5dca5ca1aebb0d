"""The people download pages share the people API tests' world and answered self-assessment."""

from tests.web.api.people.conftest import answered, as_person, world

__all__ = ["answered", "as_person", "world"]
