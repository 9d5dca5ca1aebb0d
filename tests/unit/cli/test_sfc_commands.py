"""The ``sfc`` command line: help texts, argument hand-over and the server command line."""

from __future__ import annotations

import inspect

import pytest
from click.testing import CliRunner

from spaceforchange import cli

COMMANDS = [
    "migrate",
    "seed-demo",
    "serve",
    "worker",
    "create-organization",
    "createadmin",
    "check",
    "frameworks",
    "assessments",
    "alerts",
    "portfolio",
    "legitimacy",
    "policies",
    "consultations",
    "opinion",
    "budget",
    "export-person",
    "erase-person",
    "manage",
]
DELEGATED = {
    "seed-demo": "seed_demo",
    "worker": "db_worker",
    "frameworks": "frameworks",
    "assessments": "assessments",
    "alerts": "alerts",
    "portfolio": "portfolio",
    "legitimacy": "legitimacy",
    "policies": "policies",
    "consultations": "consultations",
    "opinion": "opinion",
    "budget": "budget",
    "export-person": "export_person",
    "erase-person": "erase_person",
}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_top_level_help_lists_every_command_with_a_description(runner):
    result = runner.invoke(cli.main, ["--help"])
    assert result.exit_code == 0
    listed = {}
    for line in result.output.split("Commands:")[1].splitlines():
        if line.strip():
            name, _, description = line.strip().partition(" ")
            listed[name] = description.strip()
    assert sorted(listed) == sorted(COMMANDS)
    assert all(len(description) > 10 for description in listed.values()), listed


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_its_own_help(runner, name):
    result = runner.invoke(cli.main, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: sfc {name}")
    first_paragraph = inspect.cleandoc(cli.main.commands[name].help or "").split("\n\n")[0]
    assert len(first_paragraph) > 10
    assert " ".join(first_paragraph.split()) in " ".join(result.output.split())


@pytest.mark.parametrize(("name", "management_command"), sorted(DELEGATED.items()))
def test_delegated_commands_exist_as_management_commands(name, management_command):
    assert cli.main.commands[name].management_command == management_command
    assert cli.load_management_command(management_command) is not None, f"{management_command} is missing"


def test_help_of_a_delegated_command_shows_the_management_commands_arguments(runner):
    result = runner.invoke(cli.main, ["worker", "--help"])
    assert result.exit_code == 0
    assert "Run a background worker" in result.output
    assert "usage: sfc worker" in result.output
    assert "--queue-name" in result.output


def test_frameworks_help_is_the_frameworks_command_help(runner):
    result = runner.invoke(cli.main, ["frameworks", "--help"])
    assert result.exit_code == 0
    assert "Manage framework packs" in result.output
    assert "usage: sfc frameworks" in result.output


def test_unknown_option_is_refused_by_the_management_command(runner, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    result = runner.invoke(cli.main, ["worker", "--no-such-option"])
    assert result.exit_code == 2
    assert "unrecognized arguments: --no-such-option" in result.output


def test_missing_management_command_is_a_clear_error(runner, monkeypatch):
    monkeypatch.setattr(cli, "load_management_command", lambda name: None)
    result = runner.invoke(cli.main, ["export-person", "someone@example.org"])
    assert result.exit_code == 1
    assert "'export_person' management command is not available" in result.output


def test_manage_passes_everything_to_django(runner):
    result = runner.invoke(cli.main, ["manage", "check", "--fail-level", "ERROR"])
    assert result.exit_code == 0, result.output
    assert "System check identified" in result.output


def test_serve_execs_gunicorn_with_the_defaults(runner, monkeypatch):
    calls = []
    monkeypatch.setattr(cli.os, "execv", lambda path, argv: calls.append((path, argv)))
    result = runner.invoke(cli.main, ["serve"])
    assert result.exit_code == 0, result.output
    [(path, argv)] = calls
    assert argv[:4] == [path, "-m", "gunicorn", "spaceforchange.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8000"
    assert argv[argv.index("--workers") + 1] == "2"
    assert "--access-logfile" not in argv
    assert "http://127.0.0.1:8000/" in result.output


def test_serve_options_reach_gunicorn(runner, monkeypatch):
    calls = []
    monkeypatch.setattr(cli.os, "execv", lambda path, argv: calls.append(argv))
    args = ["serve", "--host", "0.0.0.0", "--port", "9000", "--workers", "4", "--threads", "3", "--access-log"]
    assert runner.invoke(cli.main, args).exit_code == 0
    [argv] = calls
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:9000"
    assert argv[argv.index("--workers") + 1] == "4"
    assert argv[argv.index("--threads") + 1] == "3"
    assert argv[argv.index("--access-logfile") + 1] == "-"


@pytest.mark.parametrize("args", [["--port", "0"], ["--port", "70000"], ["--workers", "0"], ["--port", "web"]])
def test_serve_refuses_bad_numbers(runner, monkeypatch, args):
    monkeypatch.setattr(cli.os, "execv", lambda path, argv: pytest.fail("gunicorn must not start"))
    result = runner.invoke(cli.main, ["serve", *args])
    assert result.exit_code == 2
    assert "Invalid value" in result.output


def test_serve_turns_off_gunicorns_shared_control_socket(monkeypatch):
    monkeypatch.setattr(cli, "control_socket_supported", lambda: True)
    argv = cli.gunicorn_argv(host="127.0.0.1", port=8000, workers=2, threads=1, timeout=60, access_log=False)
    assert argv[-1] == "--no-control-socket"
    monkeypatch.setattr(cli, "control_socket_supported", lambda: False)
    argv = cli.gunicorn_argv(host="127.0.0.1", port=8000, workers=2, threads=1, timeout=60, access_log=False)
    assert "--no-control-socket" not in argv
