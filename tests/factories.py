"""Factory functions for test data. They call the services, so tests see real behaviour."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from spaceforchange.core import services as core_services
from spaceforchange.core.models import Membership, Organization, Unit, User

_counter = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


def make_organization(name: str | None = None, slug: str | None = None) -> Organization:
    number = next(_counter)
    return core_services.create_organization(name=name or f"Organisation {number}", slug=slug or f"org-{number}")


def make_user(email: str | None = None, password: str = PASSWORD, **fields: str) -> User:
    return core_services.create_user(email=email or f"person{next(_counter)}@example.org", password=password, **fields)


def make_unit(organization: Organization, name: str | None = None, parent: Unit | None = None, kind: str = "department") -> Unit:
    return core_services.create_unit(
        organization=organization, name=name or f"Unit {next(_counter)}", parent=parent, kind=kind
    )


def make_member(
    organization: Organization, roles: Iterable[str] = ("member",), user: User | None = None, unit: Unit | None = None
) -> Membership:
    return core_services.add_member(organization=organization, user=user or make_user(), roles=roles, unit=unit)
