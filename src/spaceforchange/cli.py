"""The ``sfc`` command: one entry point for operators.

Most sub-commands hand over to a Django management command, so the same work can be done
with ``sfc manage <command>``; the CLI adds discoverable names, real help texts and the
production server.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import click

# Options after the first argument belong to the management command, not to click.
PASSTHROUGH = {"ignore_unknown_options": True, "allow_extra_args": True, "allow_interspersed_args": False}


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spaceforchange.settings")
    from django.apps import apps

    if not apps.ready:
        import django

        django.setup()


def load_management_command(name: str) -> Any | None:
    """The management command ``name``, or None when this installation does not have it."""
    setup_django()
    from django.core.management import BaseCommand, get_commands, load_command_class

    app = get_commands().get(name)
    if app is None:
        return None
    return app if isinstance(app, BaseCommand) else load_command_class(app, name)


def run_management_command(name: str, args: Sequence[str], *, prog: str) -> None:
    """Run ``name`` with command-line ``args`` in this process, as ``django-admin`` would.

    Unlike ``BaseCommand.run_from_argv`` this leaves database connections open, so the CLI
    can be exercised inside a test transaction.
    """
    from django.core.management import CommandError

    command = load_management_command(name)
    if command is None:
        raise click.ClickException(f"The '{name}' management command is not available in this installation.")
    command._called_from_command_line = True  # argparse errors print usage and exit 2
    parser = command.create_parser("sfc", prog)
    options = vars(parser.parse_args(list(args)))
    positional = options.pop("args", ())
    try:
        command.execute(*positional, **options)
    except CommandError as error:
        click.echo(f"Error: {error}", err=True)
        raise SystemExit(error.returncode) from error


def call(name: str, *args: str, **options: Any) -> None:
    """Call a management command; its errors become click errors (message, exit status 1)."""
    setup_django()
    from django.core.management import CommandError, call_command

    try:
        call_command(name, *args, **options)
    except CommandError as error:
        raise click.ClickException(str(error)) from error


class DelegatedCommand(click.Command):
    """A sub-command that passes its arguments to a Django management command.

    ``--help`` (as the first argument) shows this command's description followed by the
    management command's own arguments; ``--help`` after a sub-command name (``sfc
    frameworks show --help``) goes to the management command.
    """

    def __init__(self, name: str, *, management_command: str, **kwargs: Any) -> None:
        self.management_command = management_command
        params: list[click.Parameter] = [click.Argument(["args"], nargs=-1, type=click.UNPROCESSED)]
        super().__init__(name, params=params, context_settings=PASSTHROUGH, callback=self.delegate, **kwargs)

    def delegate(self, args: tuple[str, ...]) -> None:
        run_management_command(self.management_command, args, prog=self.name or self.management_command)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, "[ARGUMENTS]...")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        command = load_management_command(self.management_command)
        formatter.write_paragraph()
        if command is None:
            formatter.write_text(f"(The '{self.management_command}' management command is not installed.)")
            return
        formatter.write_text(f"Arguments and options of the '{self.management_command}' management command:")
        formatter.write_paragraph()
        formatter.write(command.create_parser("sfc", self.name or self.management_command).format_help())


def delegated(name: str, management_command: str, help_text: str, short_help: str) -> None:
    main.add_command(
        DelegatedCommand(name, management_command=management_command, help=help_text, short_help=short_help)
    )


@click.group(name="sfc", context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="spaceforchange", prog_name="sfc")
def main() -> None:
    """Space for Change: operate the application (database, server, worker, content).

    Settings come from SFC_* environment variables (see docs/reference/settings.md);
    every command is documented in docs/reference/cli.md.
    """


@main.command()
def migrate() -> None:
    """Create or update the database tables (and the cache table).

    Run it after installing or upgrading. It is safe to run again: only pending
    migrations are applied.
    """
    call("migrate", interactive=False)
    call("createcachetable")


def gunicorn_argv(*, host: str, port: int, workers: int, threads: int, timeout: int, access_log: bool) -> list[str]:
    argv = [sys.executable, "-m", "gunicorn", "spaceforchange.wsgi:application"]
    argv += ["--bind", f"{host}:{port}", "--workers", str(workers), "--threads", str(threads)]
    argv += ["--timeout", str(timeout), "--error-logfile", "-"]
    if access_log:
        argv += ["--access-logfile", "-"]
    if control_socket_supported():
        # Newer gunicorns open a control socket at one fixed path per user; several servers
        # on one machine (demo, benchmark, tests) would take it from each other.
        argv.append("--no-control-socket")
    return argv


def control_socket_supported() -> bool:
    import gunicorn.config

    return hasattr(gunicorn.config, "ControlSocketDisable")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 for all).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="TCP port.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
@click.option("--threads", default=1, show_default=True, type=click.IntRange(1, 64), help="Threads per worker.")
@click.option("--timeout", default=60, show_default=True, type=click.IntRange(5, 3600), help="Seconds per request.")
@click.option("--access-log/--no-access-log", default=False, show_default=True, help="Log every request to stdout.")
def serve(host: str, port: int, workers: int, threads: int, timeout: int, access_log: bool) -> None:
    """Serve the web application with gunicorn (the production server).

    Static files are served by the application itself (whitenoise). Put a TLS-terminating
    proxy in front of it in production and set SFC_BEHIND_PROXY=1. The database must be
    migrated first (sfc migrate).
    """
    argv = gunicorn_argv(host=host, port=port, workers=workers, threads=threads, timeout=timeout, access_log=access_log)
    click.echo(f"Space for Change on http://{host}:{port}/ ({workers} workers); Ctrl+C stops it.", err=True)
    sys.stdout.flush()
    os.execv(sys.executable, argv)  # noqa: S606 - replace this process so signals reach gunicorn


@main.command()
@click.option("--email", help="The administrator's email address (asked for when omitted).")
@click.option(
    "--password",
    envvar="SFC_ADMIN_PASSWORD",
    help="The password; also read from SFC_ADMIN_PASSWORD. Asked for (twice) when omitted.",
)
@click.option("--org", "org_slug", metavar="SLUG", help="Also make the person an administrator of this organisation.")
def createadmin(email: str | None, password: str | None, org_slug: str | None) -> None:
    """Create a site administrator (superuser) who can sign in with email and password.

    With --org the person also becomes an administrator of that organisation. Nothing is
    created when any part fails (unknown organisation, taken email, weak password).
    """
    if email is None:
        email = click.prompt("Email address")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    call("createadmin", email=email, password=password, org=org_slug or "", interactive=False)


@main.command("create-organization")
@click.argument("name")
@click.option("--slug", default="", help="Short name for web addresses, /o/<slug>/ (default: made from the name).")
@click.option("--time-zone", default=None, help="Time zone dates are shown in (default: SFC_TIME_ZONE).")
@click.option("--language", type=click.Choice(["en", "nb"]), default="en", help="Default language (default: en).")
def create_organization(name: str, slug: str, time_zone: str | None, language: str) -> None:
    """Create an organisation, the first step of a production set-up.

    Then make its first administrator with `sfc createadmin --org SLUG`; they invite everyone
    else from the organisation's Invitations page. Refused when the short name is taken.
    """
    options: dict[str, str] = {"slug": slug, "language": language}
    if time_zone:
        options["time_zone"] = time_zone
    call("create_organization", name, **options)


@main.command()
def check() -> None:
    """Check that this configuration is fit for production; exit non-zero when not.

    Runs Django's deployment checks and refuses the development secret key, DEBUG on, and
    missing or wildcard allowed hosts. Warnings are printed but do not fail the check.
    """
    call("sfc_check")


delegated(
    "seed-demo",
    "seed_demo",
    "Load the Northbay demo organisation, its people and sample content.\n\n"
    "Prints the demo logins (all with the password northbay-demo) and the link of the open "
    "demo scan. Meant for trying the product out; do not run it on a production database.",
    "Load the Northbay demo organisation and print its logins.",
)
delegated(
    "worker",
    "db_worker",
    "Run a background worker that executes queued tasks (django-tasks, database backend).\n\n"
    "Run one or more next to the web processes; stop it with Ctrl+C or SIGTERM, it finishes "
    "the task at hand first.",
    "Run a background task worker.",
)
delegated(
    "frameworks",
    "frameworks",
    "Manage framework packs: list, show, import, export and validate them.\n\n"
    "Example: sfc frameworks validate path/to/pack.yaml",
    "List, show, import, export and validate framework packs.",
)
delegated(
    "assessments",
    "assessments",
    "Create survey campaigns of pack instruments, import answers from CSV or XLSX files, and print results.\n\n"
    "Examples: sfc assessments import 12 answers.csv.gz --mapping fevs-2018; "
    "sfc assessments results 12 --group-by unit --format csv",
    "Create survey campaigns, import answers, print results.",
)
delegated(
    "alerts",
    "alerts",
    "Evaluate the warning rules and list an organisation's warnings.\n\n"
    "Run `sfc alerts evaluate` nightly (every organisation). Examples: sfc alerts evaluate --org northbay; "
    "sfc alerts list --org northbay --status open --format csv",
    "Evaluate warning rules; list warnings.",
)
delegated(
    "portfolio",
    "portfolio",
    "Export an organisation's initiatives and portfolio figures.\n\n"
    "CSV and JSON list the initiatives; XLSX adds the figures. Examples: "
    "sfc portfolio export --org northbay --format json; "
    "sfc portfolio export --org northbay --format xlsx --out portfolio.xlsx",
    "Export initiatives and portfolio figures.",
)
delegated(
    "legitimacy",
    "legitimacy",
    "Export an organisation's stakeholders, current judgments, legitimation actions and gray-zone entries.\n\n"
    "Examples: sfc legitimacy export --org northbay --format json; "
    "sfc legitimacy export --org northbay --format xlsx --out legitimacy.xlsx",
    "Export legitimacy records.",
)
delegated(
    "policies",
    "policies",
    "List the tension index, escalation level and components of every policy of an organisation.\n\n"
    "The index is computed now; --recompute also stores it as today's figure. Examples: "
    "sfc policies tension --org northbay --format json; "
    "sfc policies tension --org northbay --format csv --recompute",
    "List policies' tension index and escalation level.",
)
delegated(
    "consultations",
    "consultations",
    "Load a published Polis conversation as a consultation, or write a consultation out in the Polis format.\n\n"
    "Examples: sfc consultations import-polis path/to/conversation --org northbay; "
    "sfc consultations export-polis 3 --org northbay --out path/to/folder",
    "Import and export consultations (Polis format).",
)
delegated(
    "opinion",
    "opinion",
    "Run the opinion-mapping pipeline on a Polis export folder without touching the database.\n\n"
    "Prints the participants in the analysis, the groups, consensus and representative statements. "
    "Example: sfc opinion analyze path/to/conversation --format json --seed 0",
    "Analyse a Polis export folder (no database).",
)
delegated(
    "budget",
    "budget",
    "Optimise a budget scenario file (docs/reference/budget-scenario.md) without touching the database.\n\n"
    "Prints status, objective, chosen option per line, total cost, gap and time; exit 1 when no allocation "
    "meets every constraint, 2 for an invalid file. Example: sfc budget optimize scenario.json --format json",
    "Optimise a budget scenario file.",
)
delegated(
    "export-person",
    "export_person",
    "Export everything stored about one person (by email address) as JSON, for a data subject access request.",
    "Export one person's data (access request).",
)
delegated(
    "erase-person",
    "erase_person",
    "Erase or anonymise everything stored about one person (by email address), for a "
    "right-to-erasure request. This cannot be undone.",
    "Erase one person's data (erasure request).",
)


@main.command(context_settings=PASSTHROUGH)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run any Django management command (for maintainers).

    Example: sfc manage showmigrations; sfc manage help lists the commands.
    """
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sfc manage", *args])


if __name__ == "__main__":
    main()
