"""``manage.py policies`` (``sfc policies``): the tension index of every policy of an organisation."""

from __future__ import annotations

import argparse
import csv
import io
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from spaceforchange.core.models import Organization
from spaceforchange.policies import domain, selectors, services
from spaceforchange.policies.models import Policy

FORMATS = ("json", "csv")
COMPONENTS = (domain.JUDGMENT_GAP, *domain.SIGNALS, domain.DIVIDED_CONSULTATION)


class Command(BaseCommand):
    help = "List the tension index, escalation level and components of every policy of an organisation."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = _(
            "examples:\n"
            "  sfc policies tension --org northbay --format json\n"
            "  sfc policies tension --org northbay --format csv --recompute\n\n"
            "Each policy is listed with policy (its id), title, index (0-100), level (0-4), level_key and\n"
            "its components; JSON adds the reasons. The index is computed now from the current judgments,\n"
            "reports and signals; --recompute also stores it as today's figure (history and warnings).\n"
            "Errors are printed on standard error and the command exits with status 1."
        )
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION", title=_("actions"))
        text = _("list every policy's tension index, level and components")
        tension: CommandParser = actions.add_parser("tension", help=text, description=text[:1].upper() + text[1:] + ".")
        tension.add_argument("--org", required=True, metavar="SLUG", help=_("the organisation's short name (slug)"))
        tension.add_argument("--format", choices=FORMATS, default="json", help=_("output format (default: json)"))
        tension.add_argument(
            "--recompute", action="store_true", help=_("store the computed index as today's figure of each policy")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(_("There is no organisation with the short name %(slug)s.") % {"slug": options["org"]})
        if options["recompute"]:
            results = services.compute_tension(organization=organization)
        else:
            results = selectors.tension_indexes(organization, services.today_in(organization))
        titles = dict(Policy.objects.filter(organization=organization).values_list("pk", "title"))
        records = [{"policy": pk, "title": titles.get(pk, ""), **result.as_dict()} for pk, result in results.items()]
        if options["format"] == "json":
            self.stdout.write(json.dumps(records, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_csv(records), ending="")


def _csv(records: list[dict[str, Any]]) -> str:
    """One row per policy; each component's points in a column named after it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["policy", "title", "index", "level", "level_key", *(f"{key}_points" for key in COMPONENTS)])
    for record in records:
        points = {component["key"]: component["points"] for component in record["components"]}
        row = [record["policy"], record["title"], record["index"], record["level"], record["level_key"]]
        writer.writerow([*row, *(points.get(key, 0) for key in COMPONENTS)])
    return out.getvalue()
