"""``erase_person EMAIL [--yes]``: remove or pseudonymise a person's data everywhere."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from spaceforchange.core import privacy


class Command(BaseCommand):
    help = (
        "Erase a person's personal data: the account is pseudonymised (erased-<id>@invalid), names blanked, "
        "password, tokens, two-factor and sessions removed, memberships deactivated. Audit rows and counts stay."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The person's email address.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"]
        user = privacy.find_person(email)
        if user is None:
            raise CommandError(f"No person with the email address {email!r}.")
        if not options["yes"]:
            self._confirm(user.email)
        results = privacy.erase_person(user=user)
        self.stdout.write(json.dumps({"erased": user.pk, "sections": results}, indent=2, default=str))
        self.stderr.write(self.style.SUCCESS(f"Erased the personal data of person {user.pk}."))

    def _confirm(self, email: str) -> None:
        if not sys.stdin or not sys.stdin.isatty():
            raise CommandError("Refusing to erase without confirmation: run interactively or pass --yes.")
        answer = input(f"This cannot be undone. Type the email address ({email}) to erase this person: ")
        if answer.strip().lower() != email.lower():
            raise CommandError("Not confirmed; nothing was changed.")
