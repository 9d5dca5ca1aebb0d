"""``create_organization``: a new, empty organisation (the first step of a production set-up)."""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from spaceforchange.core import services


class Command(BaseCommand):
    help = (
        "Create an organisation with its name and short name (the slug in its web addresses, "
        "/o/<slug>/). Then give it an administrator with `sfc createadmin --org SLUG`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The organisation's full name, e.g. 'Northbay Municipality'.")
        parser.add_argument("--slug", default="", help="Short name for web addresses (default: made from the name).")
        parser.add_argument(
            "--time-zone", default=settings.TIME_ZONE, help="Time zone dates are shown in (default: %(default)s)."
        )
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _ in settings.LANGUAGES],
            help="Default language of e-mails to the organisation's people (default: %(default)s).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"].strip()
        if not name or len(name) > 200:
            raise CommandError("Give the organisation a name of 1 to 200 characters.")
        if options["time_zone"] not in available_timezones():
            raise CommandError(f"Unknown time zone {options['time_zone']!r} (use a name like Europe/Oslo).")
        try:
            organization = services.create_organization(
                name=name,
                slug=options["slug"],
                time_zone=options["time_zone"],
                default_language=options["language"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Created {organization.name} at /o/{organization.slug}/.")
