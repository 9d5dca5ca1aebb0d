"""``export_person EMAIL [-o FILE]``: everything the application holds about a person, as JSON."""

from __future__ import annotations

import json
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from spaceforchange.core import privacy


class Command(BaseCommand):
    help = "Export everything the application holds about a person (a data-subject access request) as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The person's email address.")
        parser.add_argument("-o", "--output", help="Write to this file (created readable by its owner only).")

    def handle(self, *args: Any, **options: Any) -> None:
        user = privacy.find_person(options["email"])
        if user is None:
            raise CommandError(f"No person with the email address {options['email']!r}.")
        text = json.dumps(privacy.export_person(user=user), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        output = options.get("output")
        if not output:
            self.stdout.write(text)
            return
        # The file holds personal data: nobody but its owner should read it.
        descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        self.stderr.write(f"Wrote the personal data of {user.email} to {output}.")
