"""``manage.py budget`` (``sfc budget``): run a budget scenario file outside the web interface.

``budget optimize FILE`` reads a scenario file (docs/reference/budget-scenario.md), computes the
optimal, greedy-by-score or current allocation and prints it. It touches no database.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from spaceforchange.analytics import allocation
from spaceforchange.analytics.allocation import (
    AllocationParameters,
    AllocationProblem,
    AllocationResult,
    ScenarioError,
    ScenarioFigures,
    Status,
)
from spaceforchange.analytics.allocation.constraints import money, share

FORMATS = ("json", "text")
METHODS = {
    "optimal": allocation.optimize,
    "greedy": allocation.greedy_by_score,
    "current": allocation.current_allocation,
}
SOLVED = (Status.OPTIMAL, Status.FEASIBLE)
EXIT_NO_ALLOCATION, EXIT_BAD_FILE = 1, 2


def positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(_("must be a positive number of seconds, not %(value)s") % {"value": text})
    return value


def relative_gap(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(
            _("must be a number from 0 up to (not including) 1, not %(value)s") % {"value": text}
        )
    return value


class Command(BaseCommand):
    help = "Optimise a budget scenario file: choose one funding option per line (no database needed)."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = _(
            "examples:\n"
            "  sfc budget optimize scenario.json --format json\n"
            "  sfc budget optimize scenario.json --method greedy --format text\n\n"
            "The file format is described in docs/reference/budget-scenario.md. Exit status: 0 when an\n"
            "allocation meeting every constraint is printed (status optimal or feasible); 1 when there is\n"
            "none (infeasible, time_limit, error, or a greedy or current allocation that breaks a\n"
            "constraint), the output saying why; 2 when the file cannot be read or is not valid, with\n"
            "every problem listed on standard error."
        )
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION", title=_("actions"))
        text = _("choose one funding option per budget line of a scenario file")
        optimize: CommandParser = actions.add_parser(
            "optimize", help=text, description=text[:1].upper() + text[1:] + "."
        )
        optimize.add_argument("file", metavar="FILE", help=_("the scenario file (JSON); - reads standard input"))
        optimize.add_argument("--format", choices=FORMATS, default="json", help=_("output format (default: json)"))
        optimize.add_argument(
            "--method",
            choices=tuple(METHODS),
            default="optimal",
            help=_("optimal (default), greedy (greedy-by-score) or current (closest to the previous costs)"),
        )
        defaults = AllocationParameters()
        optimize.add_argument(
            "--time-limit",
            type=positive_seconds,
            default=defaults.time_limit_s,
            metavar="SECONDS",
            help=_("stop the optimiser after this many seconds (default: %(default)s)"),
        )
        optimize.add_argument(
            "--gap",
            type=relative_gap,
            default=defaults.mip_rel_gap,
            help=_("relative gap to the best bound at which a solution counts as optimal (default: %(default)s)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problem = _problem(options["file"])
        parameters = AllocationParameters(time_limit_s=options["time_limit"], mip_rel_gap=options["gap"])
        result = METHODS[options["method"]](problem, parameters)
        figures = (
            allocation.evaluate(problem, result.chosen, parameters) if result.chosen or not problem.lines else None
        )
        if options["format"] == "json":
            document = result.as_dict() | {"figures": _plain(figures) if figures else None}
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_text(result, figures), ending="")
        if result.status not in SOLVED:
            raise CommandError(
                _("No allocation meeting every constraint (status %(status)s).") % {"status": result.status},
                returncode=EXIT_NO_ALLOCATION,
            )


def _problem(path: str) -> AllocationProblem:
    """The scenario in ``path`` (``-``: standard input); any problem ends the command with status 2."""
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as stream:
                text = stream.read()
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(
            _("Cannot read %(file)s: %(reason)s") % {"file": path, "reason": error}, returncode=EXIT_BAD_FILE
        ) from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        message = _("%(file)s is not valid JSON: line %(line)d, column %(column)d: %(reason)s") % {
            "file": path,
            "line": error.lineno,
            "column": error.colno,
            "reason": error.msg,
        }
        raise CommandError(message, returncode=EXIT_BAD_FILE) from error
    try:
        return allocation.parse_scenario(data)
    except ScenarioError as error:
        heading = _("%(file)s is not a valid scenario file (%(count)d problems):") % {
            "file": path,
            "count": len(error.problems),
        }
        listed = "".join(f"\n  {problem}" for problem in error.problems)
        raise CommandError(heading + listed, returncode=EXIT_BAD_FILE) from error


def _plain(figures: ScenarioFigures) -> dict[str, Any]:
    return dataclasses.asdict(figures)


def _text(result: AllocationResult, figures: ScenarioFigures | None) -> str:
    lines = [
        _("Status: %(status)s (method: %(method)s)") % {"status": result.status, "method": result.method},
        _("Time: %(seconds).3f s") % {"seconds": result.seconds},
    ]
    if result.message:
        lines.append(result.message)
    if result.gap is not None:
        lines.append(_("Gap to the best bound: %(gap)s") % {"gap": share(result.gap)})
    if result.conflicts:
        lines += ["", _("Conflicting constraints:") if result.status is Status.INFEASIBLE else _("Broken constraints:")]
        lines += [f"  [{conflict.key}] {conflict.message}" for conflict in result.conflicts]
    if figures is not None:
        lines += ["", *_figure_lines(figures), "", _("Chosen options:")]
        lines += [f"  {line}: {option}" for line, option in result.chosen.items()]
    return "\n".join(lines) + "\n"


def _figure_lines(figures: ScenarioFigures) -> list[str]:
    lines = [
        _("Value (objective): %(value)s") % {"value": f"{figures.value:g}"},
        _("Total cost: %(total)s of a budget of %(budget)s (previous total %(previous)s)")
        % {
            "total": money(figures.total_cost),
            "budget": money(figures.budget),
            "previous": money(figures.previous_total),
        },
        "",
        _("Purpose mix (share of the total cost, previous share):"),
    ]
    lines += [
        f"  {purpose.purpose}: {money(purpose.cost)} ({share(purpose.share)}; {share(purpose.previous_share)})"
        for purpose in figures.purposes
    ]
    lines += ["", _("Units (cost, change from the previous costs):")]
    lines += [f"  {unit.unit}: {money(unit.cost)} ({unit.change:+,.2f})".replace(".00)", ")") for unit in figures.units]
    lines += ["", _("Money by goal (split by contribution scores):")]
    lines += [f"  {goal.goal}: {money(goal.money)}" for goal in figures.goals]
    if figures.unattributed:
        lines.append("  " + _("no goal: %(money)s") % {"money": money(figures.unattributed)})
    return lines
