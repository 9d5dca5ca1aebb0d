"""``manage.py opinion`` (``sfc opinion``): opinion mapping of a Polis export, without the database."""

from __future__ import annotations

import argparse
import json
import time
import unicodedata
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from spaceforchange.analytics.opinion.agreement import adjusted_rand_index
from spaceforchange.analytics.opinion.matrix import VoteMatrix
from spaceforchange.analytics.opinion.parameters import OpinionParameters
from spaceforchange.analytics.opinion.pipeline import analyze
from spaceforchange.analytics.opinion.polis_format import PolisConversation, PolisFormatError, read_polis_export
from spaceforchange.analytics.opinion.result import OpinionResult

FORMATS = ("json", "text")
TEXT_WIDTH = 100


class Command(BaseCommand):
    help = "Analyse opinion data: map the opinion groups of a Polis export directory, without the database."
    # Reads files only: no system checks (they may look at the database) and no migrations check.
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = _(
            "examples:\n"
            "  sfc opinion analyze path/to/polis-export --format json\n"
            "  sfc opinion analyze path/to/polis-export --format text --seed 7\n\n"
            "DIR is a Polis open-data export: comments.csv, summary.csv and the votes as votes.csv\n"
            "or participants-votes.csv (https://github.com/compdemocracy/openData). The analysis\n"
            "runs in memory and stores nothing. JSON holds participants_in (how many participants\n"
            "are in the analysis), groups (participant id → group), group_sizes, consensus (agree and\n"
            "disagree: statement ids), representative (group → statement ids), divisive, division,\n"
            "agreement_with_export (adjusted Rand index against the groups in the export, when it\n"
            "has them) and seconds (time to analyse, reading excluded). Errors are printed on\n"
            "standard error and the command exits with status 1."
        )
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION", title=_("actions"))
        text = _("map the opinion groups, consensus and representative statements of a Polis export")
        analysing: CommandParser = actions.add_parser(
            "analyze", help=text, description=text[:1].upper() + text[1:] + "."
        )
        analysing.add_argument("directory", metavar="DIR", help=_("the Polis export directory"))
        analysing.add_argument("--format", choices=FORMATS, default="json", help=_("output format (default: json)"))
        analysing.add_argument(
            "--seed", type=int, default=0, help=_("seed of the random start of the clustering (default: 0)")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            conversation = read_polis_export(Path(options["directory"]))
        except PolisFormatError as error:
            raise CommandError(str(error)) from error
        if not conversation.votes:
            raise CommandError(
                _("%(directory)s has no votes: neither votes.csv nor participants-votes.csv holds any.")
                % {"directory": options["directory"]}
            )
        started = time.perf_counter()
        matrix = VoteMatrix.from_votes(
            conversation.votes,
            statement_ids=conversation.statement_ids,
            moderated_out=conversation.moderated_out,
            meta=conversation.meta,
        )
        result = analyze(matrix, OpinionParameters(seed=options["seed"]))
        seconds = time.perf_counter() - started
        report = summary(conversation, result, seconds)
        if options["format"] == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(as_text(conversation, result, report))


def summary(conversation: PolisConversation, result: OpinionResult, seconds: float) -> dict[str, Any]:
    """The JSON report: ids as JSON keys become strings, lists keep them as numbers."""
    return {
        "topic": conversation.topic,
        "participants": len(conversation.participants),
        "statements": len(conversation.comments),
        "votes": len(conversation.votes),
        "participants_in": len(result.participants_in),
        "groups": {str(participant): group for participant, group in result.groups.items()},
        "group_sizes": {str(group): size for group, size in result.group_sizes.items()},
        "consensus": {
            "agree": [row.statement for row in result.consensus.agree],
            "disagree": [row.statement for row in result.consensus.disagree],
        },
        "representative": {
            str(group): [row.statement for row in rows] for group, rows in result.representative.items()
        },
        "divisive": [[statement, round(score, 6)] for statement, score in result.divisive[:10]],
        "division": round(result.division, 6),
        "agreement_with_export": agreement_with_export(conversation, result),
        "seconds": round(seconds, 4),
    }


def agreement_with_export(conversation: PolisConversation, result: OpinionResult) -> dict[str, Any] | None:
    """Adjusted Rand index of our groups against the ``group-id`` Polis exported, on the
    participants both place in a group; None when the export has no groups."""
    both = [participant for participant in result.groups if participant in conversation.groups]
    if not both:
        return None
    ours = [result.groups[participant] for participant in both]
    theirs = [conversation.groups[int(participant)] for participant in both]
    return {"adjusted_rand_index": round(adjusted_rand_index(ours, theirs), 6), "participants_compared": len(both)}


def printable(text: str, width: int = TEXT_WIDTH) -> str:
    """One terminal line of untrusted text: control characters (escape sequences, line breaks,
    bidirectional overrides) shown as spaces, so a statement cannot rewrite the screen."""
    clean = "".join(" " if unicodedata.category(char) in ("Cc", "Cf") else char for char in text)
    clean = " ".join(clean.split())
    return clean if len(clean) <= width else clean[: width - 1] + "…"


def as_text(conversation: PolisConversation, result: OpinionResult, report: dict[str, Any]) -> str:
    texts = {comment.id: comment.text for comment in conversation.comments}

    def statement(identifier: Any, prefix: str) -> str:
        return prefix + printable(f"#{identifier} {texts.get(identifier, '')}", TEXT_WIDTH - len(prefix))

    counts = {key: report[key] for key in ("participants_in", "participants", "votes", "statements")}
    lines = [
        printable(conversation.topic or _("(untitled conversation)")),
        _(
            "%(participants_in)d of %(participants)d participants in the analysis; "
            "%(votes)d votes on %(statements)d statements."
        )
        % counts,
    ]
    directions = {"agree": _("agree"), "disagree": _("disagree")}
    for group, rows in result.representative.items():
        size = result.group_sizes.get(group, 0)
        heading = ngettext("Group %(group)s (%(n)d participant)", "Group %(group)s (%(n)d participants)", size)
        lines += ["", heading % {"group": group, "n": size}]
        lines += [statement(row.statement, f"  {directions.get(row.direction, row.direction)} ") for row in rows]
    consensus = ((_("Consensus: agree"), result.consensus.agree), (_("Consensus: disagree"), result.consensus.disagree))
    for title, found in consensus:
        lines += ["", title, *[statement(row.statement, "  ") for row in found]]
        lines += [] if found else ["  " + _("none")]
    lines += ["", _("Most divisive"), *[statement(s, f"  {score:.2f} ") for s, score in result.divisive[:5]]]
    lines += ["", _("Division %(division).2f; analysed in %(seconds).2f s.") % report]
    agreement = report["agreement_with_export"]
    if agreement is not None:
        text = _(
            "Agreement with the groups in the export: adjusted Rand index %(adjusted_rand_index).2f "
            "over %(participants_compared)d participants."
        )
        lines.append(text % agreement)
    return "\n".join(lines)
