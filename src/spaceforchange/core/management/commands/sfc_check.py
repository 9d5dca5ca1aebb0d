"""``sfc_check``: is this configuration fit for production?

Django's ``check --deploy`` only warns about an insecure secret key, DEBUG and allowed
hosts; an operator who starts the site with any of them has made a mistake, so here they
are errors and the command exits non-zero.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, SystemCheckError
from django.utils.translation import gettext as _

# The hosts `settings.py` allows when SFC_ALLOWED_HOSTS is unset: fine on a laptop, wrong in production.
DEVELOPMENT_HOSTS = frozenset({"127.0.0.1", "localhost", "testserver", "::1", "[::1]"})
DEVELOPMENT_EMAIL_BACKENDS = frozenset(
    {"django.core.mail.backends.console.EmailBackend", "django.core.mail.backends.locmem.EmailBackend"}
)


def secret_key_problems(config: Any) -> list[checks.CheckMessage]:
    key, default_key = config.SECRET_KEY, getattr(config, "DEFAULT_SECRET_KEY", None)
    if key and key != default_key:
        return []
    return [
        checks.Error(
            _("SFC_SECRET_KEY is not set: the public development secret key is in use."),
            hint=_(
                "Set SFC_SECRET_KEY to a long random value, e.g. from: "
                "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
            ),
            id="sfc.E001",
        )
    ]


def debug_problems(config: Any) -> list[checks.CheckMessage]:
    if not config.DEBUG:
        return []
    return [
        checks.Error(
            _("DEBUG is on: error pages would show settings and code to anyone."),
            hint=_("Unset SFC_DEBUG or set it to 0."),
            id="sfc.E002",
        )
    ]


def allowed_hosts_problems(config: Any) -> list[checks.CheckMessage]:
    hosts = [host.strip() for host in config.ALLOWED_HOSTS]
    hint = _("Set SFC_ALLOWED_HOSTS to the host names the site is served under, e.g. innovation.example.org.")
    if any(host == "*" for host in hosts):
        return [checks.Error(_("SFC_ALLOWED_HOSTS allows any host name ('*')."), hint=hint, id="sfc.E004")]
    if not set(hosts) - DEVELOPMENT_HOSTS:
        message = _("SFC_ALLOWED_HOSTS is not set: only the development host names are allowed.")
        return [checks.Error(message, hint=hint, id="sfc.E003")]
    return []


def advisory_problems(config: Any) -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    if config.EMAIL_BACKEND in DEVELOPMENT_EMAIL_BACKENDS:
        found.append(
            checks.Warning(
                _("Email is written to the log, not sent: invitations and password resets will not arrive."),
                hint=_("Set SFC_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and SFC_EMAIL_HOST."),
                id="sfc.W001",
            )
        )
    if "://127.0.0.1" in config.SITE_URL or "://localhost" in config.SITE_URL:
        found.append(
            checks.Warning(
                _("SFC_SITE_URL points at this machine: links in emails will not work elsewhere."),
                hint=_("Set SFC_SITE_URL to the public address, e.g. https://innovation.example.org."),
                id="sfc.W002",
            )
        )
    return found


def configuration_problems(config: Any = settings) -> list[checks.CheckMessage]:
    """Our own production checks on ``config`` (the live settings unless told otherwise)."""
    return [
        *secret_key_problems(config),
        *debug_problems(config),
        *allowed_hosts_problems(config),
        *advisory_problems(config),
    ]


class Command(BaseCommand):
    help = (
        "Check that the configuration is fit for production: Django's deployment checks plus "
        "ours. Exits non-zero on the development secret key, DEBUG on, or missing or "
        "wildcard allowed hosts."
    )
    requires_system_checks: list[str] = []  # the command runs them itself, with --deploy

    def handle(self, *args: Any, **options: Any) -> None:
        problems = configuration_problems()
        for problem in problems:
            style = self.style.ERROR if problem.is_serious() else self.style.WARNING
            self.stderr.write(style(str(problem)))
        django_ok = True
        try:
            call_command("check", deploy=True, stdout=self.stdout, stderr=self.stderr)
        except SystemCheckError as error:
            self.stderr.write(str(error))
            django_ok = False
        if not django_ok or any(problem.is_serious() for problem in problems):
            raise CommandError(_("This configuration is not fit for production: fix the errors above."))
        self.stdout.write(self.style.SUCCESS(_("The configuration passed the production checks.")))
