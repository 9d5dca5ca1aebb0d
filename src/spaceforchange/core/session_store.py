"""Sessions in the database, read with one fixed statement (``SFC_REDIS_URL`` unset).

Django's database session store builds an ORM query to read the session on every request;
this store reads the same row with a prepared statement and otherwise behaves identically
(``SESSION_ENGINE = "spaceforchange.core.session_store"``).
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.core.exceptions import SuspiciousOperation
from django.db import connection
from django.utils import timezone

from spaceforchange.core import rows


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        try:
            # The base class validates the key on assignment; an invalid one is None here.
            if not self.session_key:
                raise Session.DoesNotExist
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            with connection.cursor() as cursor:
                cursor.execute(_session_sql(), [self.session_key, now])
                row = cursor.fetchone()
            if row is None:
                raise Session.DoesNotExist
            return rows.build(Session, row)
        except (Session.DoesNotExist, SuspiciousOperation) as error:
            if isinstance(error, SuspiciousOperation):
                logging.getLogger(f"django.security.{error.__class__.__name__}").warning(str(error))
            self._session_key = None
            return None


def _session_sql() -> str:
    # Table and column names come from the model; the values are parameters.
    return (
        f"SELECT {rows.columns(Session, 's')} FROM {Session._meta.db_table} s "  # noqa: S608
        "WHERE s.session_key = %s AND s.expire_date > %s"
    )
