"""The ``sfc`` command: one entry point for operators."""

from __future__ import annotations

import os
import sys

import click


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spaceforchange.settings")
    import django

    django.setup()


def call(name: str, *args: str) -> None:
    setup_django()
    from django.core.management import call_command

    call_command(name, *args)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Space for Change: operate the application (database, server, worker, content)."""


@main.command()
def migrate() -> None:
    """Create or update the database tables."""
    call("migrate", "--no-input")
    call("createcachetable")


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def manage(ctx: click.Context) -> None:
    """Run any Django management command (for maintainers)."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sfc manage", *ctx.args])


if __name__ == "__main__":
    sys.exit(main())
