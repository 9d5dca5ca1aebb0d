"""``manage.py alerts`` (``sfc alerts``): evaluate the warning rules, list the warnings."""

from __future__ import annotations

import argparse
import csv
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from spaceforchange.alerts import selectors
from spaceforchange.alerts.models import Alert, AlertStatus
from spaceforchange.alerts.services import evaluate_alerts
from spaceforchange.alerts.subjects import subject_name
from spaceforchange.core.audit import csv_safe
from spaceforchange.core.models import Organization

STATUS_CHOICES = [*AlertStatus.values, selectors.ALL]
COLUMNS = (
    "id",
    "rule",
    "rule_name",
    "severity",
    "status",
    "subject_kind",
    "subject_id",
    "subject",
    "fired_at",
    "last_fired_at",
    "resolved_at",
    "acknowledged_at",
    "facts",
)


class Command(BaseCommand):
    help = "Evaluate the warning rules of one or every organisation, and list an organisation's warnings."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = _(
            "examples:\n"
            "  sfc alerts evaluate                      (every organisation; run it nightly)\n"
            "  sfc alerts evaluate --org northbay\n"
            "  sfc alerts list --org northbay --status open --format csv\n\n"
            "Errors are printed on standard error and the command exits with status 1."
        )
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION", title=_("actions"))
        evaluate = _action(
            actions,
            "evaluate",
            _("evaluate the warning rules now and print one JSON summary line per organisation"),
        )
        evaluate.add_argument(
            "--org", metavar="SLUG", help=_("only this organisation (short name); default: every organisation")
        )
        listing = _action(actions, "list", _("print an organisation's warnings, most serious first, then newest"))
        listing.add_argument("--org", required=True, metavar="SLUG", help=_("the organisation's short name (slug)"))
        listing.add_argument(
            "--status",
            choices=STATUS_CHOICES,
            default=selectors.ALL,
            help=_("only warnings with this status (default: all)"),
        )
        listing.add_argument(
            "--format", choices=["json", "csv"], default="json", help=_("output format (default: json)")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, f"do_{options['action']}")
        handler(**options)

    def do_evaluate(self, *, org: str | None, **_options: Any) -> None:
        organizations = [_organization(org)] if org else list(Organization.objects.order_by("slug"))
        for organization in organizations:
            summary = evaluate_alerts(organization=organization)
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))

    def do_list(self, *, org: str, status: str, format: str, **_options: Any) -> None:
        organization = _organization(org)
        catalogue = selectors.rule_catalogue(organization, language="en")
        rows = [_record(alert, catalogue) for alert in selectors.alerts_for(organization, status=status).iterator()]
        if format == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(COLUMNS)
            for row in rows:
                values = {**row, "facts": json.dumps(row["facts"], ensure_ascii=False, sort_keys=True)}
                writer.writerow([csv_safe(values[column]) for column in COLUMNS])
        else:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))


def _organization(slug: str) -> Organization:
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None:
        raise CommandError(_("There is no organisation with the short name %(slug)s.") % {"slug": slug})
    return organization


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


def _record(alert: Alert, catalogue: dict[str, selectors.RuleInfo]) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "rule": alert.rule_key,
        "rule_name": selectors.rule_info(catalogue, alert.rule_key).name,
        "severity": alert.severity,
        "status": alert.status,
        "subject_kind": alert.subject_kind,
        "subject_id": alert.subject_id,
        "subject": subject_name(alert.subject_kind, alert.subject_id, alert.subject_label),
        "fired_at": _iso(alert.first_fired_at),
        "last_fired_at": _iso(alert.last_fired_at),
        "resolved_at": _iso(alert.resolved_at),
        "acknowledged_at": _iso(alert.acknowledged_at),
        "facts": alert.facts,
    }


def _action(actions: Any, name: str, text: str) -> CommandParser:
    parser: CommandParser = actions.add_parser(name, help=text, description=text[:1].upper() + text[1:] + ".")
    return parser
