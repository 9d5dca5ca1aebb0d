"""``manage.py consultations`` (``sfc consultations``): move consultations in and out as Polis open-data exports."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from spaceforchange.analytics.opinion import polis_format
from spaceforchange.consultations import selectors, services
from spaceforchange.consultations.models import Consultation, Participant, Statement, Vote
from spaceforchange.core.models import Organization
from spaceforchange.policies.models import Policy


class Command(BaseCommand):
    help = "Import a Polis open-data export as a consultation, or export a consultation in the Polis format."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = _(
            "examples:\n"
            "  sfc consultations import-polis ../shared/data/polis-opendata/brexit-consensus --org northbay\n"
            "  sfc consultations import-polis DIR --org northbay --title 'Brexit' --policy 12 --analyze\n"
            "  sfc consultations export-polis 7 --org northbay --out /tmp/brexit\n\n"
            "A Polis export directory holds summary.csv, comments.csv and votes.csv or participants-votes.csv,\n"
            "as Polis publishes them (github.com/compdemocracy/openData). The whole directory is checked\n"
            "before anything is stored: every problem is listed with its file and line, and nothing is\n"
            "imported. An imported conversation becomes a closed consultation; its opinion map is computed\n"
            "by the worker, or at once with --analyze. Both actions print a JSON summary. Errors are printed\n"
            "on standard error and the command exits with status 1."
        )
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION", title=_("actions"))
        text = _("import a Polis open-data export directory as a new, closed consultation")
        importing: CommandParser = actions.add_parser(
            "import-polis", help=text, description=text[:1].upper() + text[1:] + "."
        )
        importing.add_argument("directory", metavar="DIR", help=_("the Polis export directory"))
        importing.add_argument("--org", required=True, metavar="SLUG", help=_("the organisation's short name (slug)"))
        importing.add_argument(
            "--title", default="", help=_("the consultation's question (default: the export's topic)")
        )
        importing.add_argument("--policy", type=int, metavar="ID", help=_("link the consultation to this policy"))
        importing.add_argument(
            "--strict-moderation",
            action="store_true",
            help=_("count only accepted statements (default: also those never moderated, as Polis does)"),
        )
        importing.add_argument("--analyze", action="store_true", help=_("compute the opinion map now"))
        text = _("write a consultation as a Polis open-data export directory")
        exporting: CommandParser = actions.add_parser(
            "export-polis", help=text, description=text[:1].upper() + text[1:] + "."
        )
        exporting.add_argument("consultation", type=int, metavar="ID", help=_("the consultation's id"))
        exporting.add_argument("--org", required=True, metavar="SLUG", help=_("the organisation's short name (slug)"))
        exporting.add_argument(
            "--out", required=True, metavar="DIR", help=_("the directory to write (created; its Polis files replaced)")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(_("There is no organisation with the short name %(slug)s.") % {"slug": options["org"]})
        if options["action"] == "import-polis":
            summary = self._import(organization, options)
        else:
            summary = self._export(organization, options)
        self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))

    def _import(self, organization: Organization, options: dict[str, Any]) -> dict[str, Any]:
        policy = None
        if options["policy"] is not None:
            policy = Policy.objects.filter(organization=organization, pk=options["policy"]).first()
            if policy is None:
                raise CommandError(_("The organisation has no policy %(id)d.") % {"id": options["policy"]})
        try:
            consultation = services.import_polis_consultation(
                organization=organization,
                directory=options["directory"],
                title=options["title"],
                policy=policy,
                strict_moderation=options["strict_moderation"],
            )
        except ValidationError as error:
            raise CommandError(_("Nothing was imported:") + "\n" + "\n".join(error.messages)) from error
        summary = _counts(consultation)
        if options["analyze"]:
            snapshot = services.recompute_opinion(consultation=consultation)
            summary.update(
                participants_in=len(snapshot.result.get("participants_in", ())),
                groups=len(snapshot.result.get("group_sizes", ())),
                division=snapshot.division,
                seconds=round(snapshot.seconds, 3),
            )
        return summary

    def _export(self, organization: Organization, options: dict[str, Any]) -> dict[str, Any]:
        consultation = Consultation.objects.filter(organization=organization, pk=options["consultation"]).first()
        if consultation is None:
            raise CommandError(_("The organisation has no consultation %(id)d.") % {"id": options["consultation"]})
        out = Path(options["out"])
        if out.exists() and not out.is_dir():
            raise CommandError(_("%(path)s exists and is not a directory.") % {"path": out})
        try:
            polis_format.write_polis_export(selectors.polis_conversation(consultation), out)
        except OSError as error:
            raise CommandError(_("Could not write %(path)s: %(error)s") % {"path": out, "error": error}) from error
        return {**_counts(consultation), "directory": str(out)}


def _counts(consultation: Consultation) -> dict[str, Any]:
    return {
        "consultation": consultation.pk,
        "title": consultation.title,
        "statements": Statement.objects.filter(consultation=consultation).count(),
        "participants": Participant.objects.filter(consultation=consultation).count(),
        "votes": Vote.objects.filter(consultation=consultation).count(),
    }
