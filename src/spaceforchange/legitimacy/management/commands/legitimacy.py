"""``manage.py legitimacy`` (``sfc legitimacy``): export an organisation's legitimacy records."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from spaceforchange.core.models import Organization
from spaceforchange.legitimacy import export


class Command(BaseCommand):
    help = "Export an organisation's stakeholders, current judgments, legitimation actions and gray-zone entries."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = _(
            "examples:\n"
            "  sfc legitimacy export --org northbay --format json\n"
            "  sfc legitimacy export --org northbay --format xlsx --out legitimacy.xlsx\n\n"
            "JSON holds one list per table (stakeholders, judgments, actions, tactics); XLSX one sheet\n"
            "per table; CSV the four tables one after the other, each row starting with its table's\n"
            "name. Judgments are the current ones. Errors are printed on standard error and the\n"
            "command exits with status 1."
        )
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION", title=_("actions"))
        text = _("write the organisation's legitimacy records as CSV, XLSX or JSON")
        exporting: CommandParser = actions.add_parser(
            "export", help=text, description=text[:1].upper() + text[1:] + "."
        )
        exporting.add_argument("--org", required=True, metavar="SLUG", help=_("the organisation's short name (slug)"))
        exporting.add_argument(
            "--format", choices=export.FORMATS, default="json", help=_("output format (default: json)")
        )
        exporting.add_argument(
            "--out",
            metavar="FILE",
            help=_("write to this file instead of standard output (required for xlsx on a terminal)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(_("There is no organisation with the short name %(slug)s.") % {"slug": options["org"]})
        body = export.export(organization, options["format"])
        out = options.get("out")
        if out:
            try:
                Path(out).write_bytes(body)
            except OSError as error:
                raise CommandError(_("Cannot write %(path)s: %(error)s") % {"path": out, "error": error}) from error
        elif options["format"] == "xlsx" and self.stdout.isatty():
            raise CommandError(_("An XLSX file is binary; give --out FILE or redirect standard output."))
        elif options["format"] == "xlsx":
            self.stdout.flush()
            sys.stdout.buffer.write(body)
        else:
            self.stdout.write(body.decode("utf-8-sig"), ending="")
