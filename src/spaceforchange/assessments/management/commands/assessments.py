"""``manage.py assessments`` (``sfc assessments``): create survey campaigns and print their results."""

from __future__ import annotations

import argparse
import csv
import json
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from spaceforchange.assessments import domain, services
from spaceforchange.assessments.models import Campaign
from spaceforchange.assessments.results import DIMENSION_FIGURES, campaign_results
from spaceforchange.core.models import Organization
from spaceforchange.core.selectors import organization_zone

DEFAULT_DURATION = timedelta(days=14)
CSV_COLUMNS = ("group", "kind", "key", *DIMENSION_FIGURES)


class Command(BaseCommand):
    help = "Create survey campaigns of pack instruments and print their results as JSON or CSV."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = _(
            "examples:\n"
            "  sfc assessments create --org northbay --instrument space_for_change_scan --title 'Spring scan'\n"
            "  sfc assessments results 12 --group-by unit --format csv\n\n"
            "Errors are printed on standard error and the command exits with status 1."
        )
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION", title=_("actions"))
        create = _action(
            actions, "create", _("create a draft campaign for the whole organisation and print its id (only that)")
        )
        create.add_argument("--org", required=True, metavar="SLUG", help=_("the organisation's short name (slug)"))
        create.add_argument("--instrument", required=True, metavar="KEY", help=_("the key of a pack instrument"))
        create.add_argument(
            "--title", required=True, metavar="TEXT", help=_("the campaign's title, 1 to 200 characters")
        )
        create.add_argument(
            "--pack", metavar="KEY", help=_("the pack's key, needed when several packs have the instrument")
        )
        create.add_argument(
            "--opens",
            metavar="ISO",
            help=_("when answering opens, e.g. 2026-03-01T08:00 (organisation's time zone unless given); default now"),
        )
        create.add_argument("--closes", metavar="ISO", help=_("when answering closes; default 14 days after it opens"))
        create.add_argument("--named", action="store_true", help=_("named answering (default: anonymous)"))
        create.add_argument(
            "--threshold",
            type=int,
            metavar="N",
            default=domain.DEFAULT_ANONYMITY_THRESHOLD,
            help=_("hide groups with fewer respondents than N (default: %(default)s)"),
        )
        results = _action(actions, "results", _("print a campaign's results"))
        results.add_argument("campaign_id", type=int, metavar="CAMPAIGN_ID", help=_("the campaign's id"))
        results.add_argument(
            "--group-by",
            metavar="unit|attribute:NAME",
            help=_("one group per unit of the respondents, or per value of a respondent attribute"),
        )
        results.add_argument(
            "--format", choices=["json", "csv"], default="json", help=_("output format (default: json)")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, f"do_{options['action']}")
        handler(**options)

    def do_create(
        self,
        *,
        org: str,
        instrument: str,
        title: str,
        pack: str | None,
        opens: str | None,
        closes: str | None,
        named: bool,
        threshold: int,
        **_options: Any,
    ) -> None:
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(_("There is no organisation with the short name %(slug)s.") % {"slug": org})
        opens_at = _moment(opens, organization, "--opens") if opens else timezone.now()
        closes_at = _moment(closes, organization, "--closes") if closes else opens_at + DEFAULT_DURATION
        try:
            campaign = services.create_campaign(
                organization=organization,
                created_by=None,
                title=title,
                instrument_key=instrument,
                pack_key=pack or None,
                opens_at=opens_at,
                closes_at=closes_at,
                anonymous=not named,
                anonymity_threshold=threshold,
            )
        except ValidationError as refused:
            raise CommandError(_refusal(refused)) from refused
        self.stdout.write(str(campaign.pk))

    def do_results(self, *, campaign_id: int, group_by: str | None, format: str, **_options: Any) -> None:
        campaign = Campaign.objects.select_related("pack_version__pack").filter(pk=campaign_id).first()
        if campaign is None:
            raise CommandError(_("There is no campaign with the id %(id)d.") % {"id": campaign_id})
        try:
            results = campaign_results(campaign, group_by=group_by)
        except ValueError as refused:
            raise CommandError(str(refused)) from refused
        if format == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(CSV_COLUMNS)
            writer.writerows(csv_rows(results))
        else:
            self.stdout.write(json.dumps(results, ensure_ascii=False, indent=2))


def csv_rows(results: dict[str, Any]) -> list[list[Any]]:
    """One row per group and statement or dimension; a suppressed group is one row of kind ``suppressed``."""
    rows: list[list[Any]] = []
    for group in results["groups"]:
        if group["suppressed"]:
            rows.append([group["group"], "suppressed", "", *([""] * len(DIMENSION_FIGURES))])
            continue
        for kind, entries in (("item", group["items"]), ("dimension", group["dimensions"])):
            for key, figures in entries.items():
                rows.append([group["group"], kind, key, *(_cell(figures.get(name)) for name in DIMENSION_FIGURES)])
    return rows


def _cell(value: Any) -> Any:
    return "" if value is None else value


def _moment(text: str, organization: Organization, option: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as bad:
        message = _("%(option)s: give a date and time such as 2026-03-01T08:00, not %(text)s.")
        raise CommandError(message % {"option": option, "text": text}) from bad
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, organization_zone(organization))
    return moment


def _refusal(refused: ValidationError) -> str:
    if hasattr(refused, "error_dict"):
        return "\n".join(
            f"{field}: {message}" for field, messages in refused.message_dict.items() for message in messages
        )
    return " ".join(refused.messages)


def _action(actions: Any, name: str, text: str) -> CommandParser:
    parser: CommandParser = actions.add_parser(name, help=text, description=text[:1].upper() + text[1:] + ".")
    return parser
