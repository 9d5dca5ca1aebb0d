"""The sign-in backend: allauth's, with the per-request lookup of the signed-in person in one statement."""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from django.core.exceptions import ValidationError
from django.db import connection

from spaceforchange.core import rows
from spaceforchange.core.models import User


class AccountBackend(AuthenticationBackend):
    """Authenticates as allauth does (email and password, rate limits included).

    ``get_user`` runs on every signed-in request; it loads the person with a fixed statement
    instead of building the same ORM query each time, and answers exactly as Django's
    ``ModelBackend.get_user``: the person, or ``None`` when unknown or deactivated.
    """

    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = User._meta.pk.to_python(user_id)  # type: ignore[union-attr]
        except ValidationError:
            return None
        with connection.cursor() as cursor:
            cursor.execute(_user_sql(), [pk])
            row = cursor.fetchone()
        if row is None:
            return None
        user = rows.build(User, row)
        return user if self.user_can_authenticate(user) else None


def _user_sql() -> str:
    # Table and column names come from the model; the value is a parameter.
    return f"SELECT {rows.columns(User, 'p')} FROM {User._meta.db_table} p WHERE p.id = %s"  # noqa: S608
