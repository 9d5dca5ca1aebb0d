"""``createadmin``: a site administrator, optionally also an organisation's administrator."""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from spaceforchange.core import services as core_services
from spaceforchange.core.models import Organization, Role, User


@transaction.atomic
def create_admin(*, email: str, password: str, org_slug: str = "") -> User:
    """Create a superuser (and an organisation administrator when ``org_slug`` is given).

    Everything is checked before anything is written, and the one transaction means a
    failure half-way leaves no person behind.
    """
    email = email.strip()
    validate_email(email)
    organization = None
    if org_slug:
        organization = Organization.objects.filter(slug=org_slug).first()
        if organization is None:
            raise ValidationError(_("There is no organisation with the short name %(slug)s.") % {"slug": org_slug})
    validate_password(password, user=User(email=email))
    user = core_services.create_user(email=email, password=password)
    # Superuser flags are a site-operator concern with no service of their own; set them here.
    user.is_staff = True
    user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    if organization is not None:
        core_services.add_member(organization=organization, user=user, roles=[Role.ADMIN])
    return user


class Command(BaseCommand):
    help = (
        "Create a site administrator (superuser). The password comes from --password, "
        "SFC_ADMIN_PASSWORD or a prompt; --org SLUG also makes the person an administrator "
        "of that organisation."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", default="", help="The administrator's email address.")
        parser.add_argument("--password", default="", help="The password (default: $SFC_ADMIN_PASSWORD).")
        parser.add_argument("--org", default="", metavar="SLUG", help="Also make them an administrator of SLUG.")
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="Never prompt; fail when a value is missing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        can_prompt = options["interactive"] and sys.stdin.isatty()
        email = options["email"] or (input(_("Email address: ")) if can_prompt else "")
        password = options["password"] or os.environ.get("SFC_ADMIN_PASSWORD", "")
        if not password and can_prompt:
            password = self._prompt_password()
        if not email or not password:
            raise CommandError(_("Give --email and --password (or set SFC_ADMIN_PASSWORD)."))
        try:
            user = create_admin(email=email, password=password, org_slug=options["org"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        message = _("Created the administrator %(email)s.") % {"email": user.email}
        if options["org"]:
            message += " " + _("They administer the organisation %(slug)s.") % {"slug": options["org"]}
        self.stdout.write(self.style.SUCCESS(message))

    def _prompt_password(self) -> str:
        password = getpass.getpass(_("Password: "))
        if password != getpass.getpass(_("Password (again): ")):
            raise CommandError(_("The two passwords differ; nothing was created."))
        return password
