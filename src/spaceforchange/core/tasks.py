"""Background tasks of the platform. ``sfc worker`` runs them; tests run them immediately."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task


@task()
def send_email(*, subject: str, body: str, recipients: list[str]) -> int:
    """Send one plain-text email; returns how many messages the mail backend accepted.

    Sending happens outside the web request so a slow or unreachable mail server never
    holds up a page, and a failed send is kept in the task table for an operator to see.
    """
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
