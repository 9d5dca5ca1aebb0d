"""``manage.py assessments`` (``sfc assessments``): create survey campaigns, import answers, print results."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from spaceforchange.assessments import domain, import_running, import_selectors, import_services, services
from spaceforchange.assessments.models import Campaign, ImportStatus, SurveyImport
from spaceforchange.assessments.results import DIMENSION_FIGURES, campaign_results
from spaceforchange.core.models import Organization
from spaceforchange.core.selectors import organization_zone

DEFAULT_DURATION = timedelta(days=14)
PROBLEMS_SHOWN = 50
MAX_STALLED_MINUTES = 60 * 24 * 366
CSV_COLUMNS = ("group", "kind", "key", *DIMENSION_FIGURES)


class Command(BaseCommand):
    help = "Create survey campaigns of pack instruments, import answers from files and print results as JSON or CSV."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = _(
            "examples:\n"
            "  sfc assessments create --org northbay --instrument space_for_change_scan --title 'Spring scan'\n"
            "  sfc assessments import 12 fevs2018.csv.gz --mapping fevs-2018\n"
            "  sfc assessments mappings --org northbay\n"
            "  sfc assessments recover-imports --older-than 60\n"
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
        imp = _action(
            actions,
            "import",
            _(
                "import answers from a CSV, CSV.gz or XLSX file into a draft or open campaign, in the foreground; "
                "nothing is imported unless every row is valid"
            ),
        )
        imp.add_argument("campaign_id", type=int, metavar="CAMPAIGN_ID", help=_("the campaign's id"))
        imp.add_argument(
            "file", metavar="FILE", help=_("the file: .csv, .csv.gz or .xlsx, first row naming the columns")
        )
        imp.add_argument(
            "--mapping",
            metavar="NAME",
            default="",
            help=_(
                "a column mapping: the organisation's saved mapping of that name, else one the instrument's pack "
                "declares (see the mappings action); default: each statement from the column named like its key"
            ),
        )
        imp.add_argument(
            "--org", metavar="SLUG", help=_("refuse unless the campaign belongs to this organisation (a safety check)")
        )
        mappings = _action(actions, "mappings", _("list the column mappings an organisation's imports can use"))
        mappings.add_argument("--org", required=True, metavar="SLUG", help=_("the organisation's short name (slug)"))
        recover = _action(
            actions,
            "recover-imports",
            _(
                "end the answer imports whose worker stopped (no progress for a while): mark them failed, delete "
                "their draft responses, and print how many were ended; the background task does this too"
            ),
        )
        recover.add_argument(
            "--older-than",
            type=int,
            metavar="MINUTES",
            default=int(import_running.STALLED_AFTER.total_seconds() // 60),
            help=_("end imports with no progress for at least this many minutes, 1 to 527040 (default: %(default)s)"),
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
        handler = getattr(self, f"do_{options['action'].replace('-', '_')}")
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

    def do_import(self, *, campaign_id: int, file: str, mapping: str, org: str | None, **_options: Any) -> None:
        campaign = Campaign.objects.select_related("organization", "pack_version__pack").filter(pk=campaign_id).first()
        if campaign is None or (org and campaign.organization.slug != org):
            raise CommandError(_("There is no campaign with the id %(id)d.") % {"id": campaign_id})
        data = _read_file(file)
        try:
            started = import_services.start_survey_import(
                campaign=campaign, uploaded_name=file, data=data, mapping_name=mapping, run_in_background=False
            )
        except ValidationError as refused:
            raise CommandError(_refusal(refused)) from refused
        finished = import_services.import_survey(started.pk, progress=self._show_progress)
        self.stderr.write("")
        if finished.status == ImportStatus.DONE:
            message = _("Imported %(rows)d rows into campaign %(id)d (import %(import)d).")
            self.stdout.write(message % {"rows": finished.rows_done, "id": campaign.pk, "import": finished.pk})
            return
        raise CommandError(_failure(finished))

    def _show_progress(self, survey_import: SurveyImport) -> None:
        if survey_import.status == ImportStatus.VALIDATING:
            text = _("Checked %(done)d rows") % {"done": survey_import.rows_done}
        else:
            text = _("Imported %(done)d of %(total)d rows") % {
                "done": survey_import.rows_done,
                "total": survey_import.rows_total or 0,
            }
        self.stderr.write(f"\r{text}", ending="")
        self.stderr.flush()

    def do_recover_imports(self, *, older_than: int, **_options: Any) -> None:
        if not 1 <= older_than <= MAX_STALLED_MINUTES:
            message = _("--older-than: give a whole number of minutes from 1 to %(max)d, not %(value)d.")
            raise CommandError(message % {"max": MAX_STALLED_MINUTES, "value": older_than})
        ended = import_running.recover_stalled_imports(older_than=timedelta(minutes=older_than))
        text = ngettext("Ended %(count)d stalled import.", "Ended %(count)d stalled imports.", ended)
        self.stdout.write(text % {"count": ended})

    def do_mappings(self, *, org: str, **_options: Any) -> None:
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(_("There is no organisation with the short name %(slug)s.") % {"slug": org})
        writer = csv.writer(self.stdout, delimiter="\t", lineterminator="\n")
        writer.writerow(["name", "source", "pack", "instrument", "statements", "attributes", "weight"])
        for saved in import_selectors.mappings_for(organization):
            columns = saved.columns
            writer.writerow(_mapping_row(saved.name, "saved", saved.pack_key, saved.instrument_key, columns))
        for pack_key, instrument in _pack_instruments(organization):
            for declared in instrument.mappings:
                columns = declared.model_dump()
                writer.writerow(_mapping_row(declared.key, "pack", pack_key, instrument.key, columns))


def _read_file(path: str) -> bytes:
    limit = import_selectors.max_import_bytes()
    try:
        if path == "-":
            return sys.stdin.buffer.read(limit + 1)
        with open(path, "rb") as handle:
            return handle.read(limit + 1)
    except OSError as error:
        raise CommandError(_("Cannot read %(file)s: %(reason)s") % {"file": path, "reason": error.strerror}) from error


def _failure(survey_import: SurveyImport) -> str:
    if survey_import.status != ImportStatus.REJECTED:
        return survey_import.message or _("The import failed; nothing was imported.")
    problems = list(import_selectors.problems_of(survey_import)[:PROBLEMS_SHOWN])
    lines = [
        _("Nothing was imported: the file has %(count)d problems.") % {"count": survey_import.problem_count},
        *(_problem_line(problem.line, problem.column, problem.reason) for problem in problems),
    ]
    hidden = survey_import.problem_count - len(problems)
    if hidden > 0:
        lines.append(_("… and %(count)d more.") % {"count": hidden})
    if survey_import.message:
        lines.append(survey_import.message)
    lines.append(_("Correct the file and run the import again; the import page lists every problem as CSV."))
    return "\n".join(lines)


def _problem_line(line: int, column: str, reason: str) -> str:
    where = _("line %(line)d") % {"line": line} if line else _("the file")
    return f"  {where}{', ' + column if column else ''}: {reason}"


def _pack_instruments(organization: Organization) -> list[tuple[str, Any]]:
    from spaceforchange.frameworks.selectors import effective_packs, parsed_pack

    found = []
    for key, row in sorted(effective_packs(organization).items()):
        if row.current_version is not None:
            found += [(key, instrument) for instrument in parsed_pack(row.current_version).instruments]
    return found


def _mapping_row(name: str, source: str, pack_key: str, instrument_key: str, columns: dict[str, Any]) -> list[str]:
    statements = ", ".join(f"{key}={column}" for key, column in (columns.get("statements") or {}).items())
    attributes = ", ".join(f"{key}={column}" for key, column in (columns.get("attributes") or {}).items())
    return [name, source, pack_key, instrument_key, statements, attributes, columns.get("weight") or ""]


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
