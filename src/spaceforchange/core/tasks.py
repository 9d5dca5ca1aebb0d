"""Background tasks of the platform. ``sfc worker`` runs them; tests run them immediately."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task


class _EnqueueOnCommit:
    """A task to queue with its arguments once a transaction commits; recognisable among the callbacks."""

    def __init__(self, queued: Any, arguments: dict[str, Any]) -> None:
        self.queued, self.arguments = queued, arguments
        self.key = (id(queued), tuple(sorted(arguments.items())))

    def __call__(self) -> None:
        self.queued.enqueue(**self.arguments)


def enqueue_on_commit(queued: Any, **arguments: Any) -> None:
    """Queue ``queued`` (a task) with ``arguments`` once the current transaction commits, only once.

    A transaction that changes many things (an import, the demo, a form with several records) would
    otherwise queue the same recomputation once per change. The check reads the connection's pending
    commit callbacks, so a rolled-back savepoint, which drops its callbacks, never suppresses a queue.
    """
    call = _EnqueueOnCommit(queued, arguments)
    pending = transaction.get_connection().run_on_commit
    if any(isinstance(func, _EnqueueOnCommit) and func.key == call.key for _sids, func, _robust in pending):
        return
    transaction.on_commit(call)


@task()
def send_email(*, subject: str, body: str, recipients: list[str]) -> int:
    """Send one plain-text email; returns how many messages the mail backend accepted.

    Sending happens outside the web request so a slow or unreachable mail server never
    holds up a page, and a failed send is kept in the task table for an operator to see.
    """
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
