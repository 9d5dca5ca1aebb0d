"""What the API routes share when they hand a request to a service: the caller, the members a body
may name, and a service's refusal renamed to the fields the body used."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from spaceforchange.core.models import Organization, User


def caller(request: Any) -> User:
    """The signed-in person behind a request that ``organization_from`` already let through."""
    user = request.user
    assert isinstance(user, User)  # organization_from let only members through
    return user


@contextmanager
def api_fields(names: Mapping[str, str]) -> Iterator[None]:
    """Rename the fields of a service's refusal to the body's names, so that a 422 points at what was sent."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        renamed: dict[str, list[Any]] = {}
        for name, errors in error.error_dict.items():
            renamed.setdefault(names.get(name, name), []).extend(errors)
        raise ValidationError(renamed) from error


def active_member(organization: Organization, person_id: int | None, field: str) -> User | None:
    """An active member by id; any other id is an invalid value of ``field`` (422), as in the other APIs."""
    if person_id is None:
        return None
    person = User.objects.filter(
        pk=person_id, memberships__organization=organization, memberships__is_active=True
    ).first()
    if person is None:
        raise ValidationError({field: [_("No member of the organisation has this id.")]})
    return person
