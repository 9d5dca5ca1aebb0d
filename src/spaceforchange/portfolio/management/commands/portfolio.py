"""``manage.py portfolio`` (``sfc portfolio``): export an organisation's initiatives and portfolio figures."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from spaceforchange.core.models import Organization
from spaceforchange.portfolio import export, overview_selectors
from spaceforchange.portfolio.terms import pack_terms

FORMATS = ("csv", "xlsx", "json")


class Command(BaseCommand):
    help = "Export an organisation's initiatives (and, in XLSX, the portfolio figures)."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = _(
            "examples:\n"
            "  sfc portfolio export --org northbay --format json\n"
            "  sfc portfolio export --org northbay --format xlsx --out portfolio.xlsx\n\n"
            "CSV and JSON list the initiatives; XLSX adds a Figures sheet (stage by form, mix against\n"
            "the target, funnel, pilot-to-scale, bottom-up share, triggers). Errors are printed on\n"
            "standard error and the command exits with status 1."
        )
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION", title=_("actions"))
        text = _("write the organisation's initiatives as CSV, XLSX or JSON")
        exporting: CommandParser = actions.add_parser(
            "export", help=text, description=text[:1].upper() + text[1:] + "."
        )
        exporting.add_argument("--org", required=True, metavar="SLUG", help=_("the organisation's short name (slug)"))
        exporting.add_argument("--format", choices=FORMATS, default="json", help=_("output format (default: json)"))
        exporting.add_argument(
            "--out",
            metavar="FILE",
            help=_("write to this file instead of standard output (required for xlsx on a terminal)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(_("There is no organisation with the short name %(slug)s.") % {"slug": options["org"]})
        body = _export(organization, options["format"])
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


def _export(organization: Organization, format: str) -> bytes:
    filters = overview_selectors.Filters()
    initiatives = list(overview_selectors.filtered_initiatives(organization, filters))
    if format == "json":
        records = [export.initiative_record(initiative) for initiative in initiatives]
        return (json.dumps(records, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if format == "csv":
        return export.initiatives_csv(initiatives)
    terms = pack_terms(organization, settings.LANGUAGE_CODE)
    target = overview_selectors.target_mix(organization, [term.key for term in terms.forms])
    figures = overview_selectors.figures(overview_selectors.figure_snapshots(initiatives), terms, target)
    return export.portfolio_xlsx(initiatives, figures)
