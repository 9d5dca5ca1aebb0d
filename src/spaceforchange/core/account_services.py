"""Writes a person makes to their own account (profile details). Tokens live in ``api.services``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from spaceforchange.core.models import User

NAME_FIELDS = ("display_name", "first_name", "last_name")
NAME_MAX_LENGTH = 150


@transaction.atomic
def update_profile(
    *, user: User, display_name: str | None = None, first_name: str | None = None, last_name: str | None = None
) -> User:
    """Change the given name fields of ``user``; ``None`` leaves a field as it is."""
    wanted = {"display_name": display_name, "first_name": first_name, "last_name": last_name}
    changes = {field: value.strip() for field, value in wanted.items() if value is not None}
    too_long = {
        field: _("Keep this to %(limit)d characters or fewer.") % {"limit": NAME_MAX_LENGTH}
        for field, value in changes.items()
        if len(value) > NAME_MAX_LENGTH
    }
    if too_long:
        raise ValidationError(too_long)
    for field, value in changes.items():
        setattr(user, field, value)
    if changes:
        user.save(update_fields=list(changes))
    return user
