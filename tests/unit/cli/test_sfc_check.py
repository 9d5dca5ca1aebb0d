"""``sfc check`` refuses every unsafe production setting and passes a proper configuration."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from spaceforchange import cli
from spaceforchange.core.management.commands.sfc_check import configuration_problems

GOOD_KEY = "k3P9v-Qz7x_Lr2mWc8YtN4bHs6JdFa0uEo1GiXyZpVqTnRlKwS"


@pytest.fixture
def production(settings):
    settings.SECRET_KEY = GOOD_KEY
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["innovation.example.org"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.SITE_URL = "https://innovation.example.org"
    return settings


def ids(config: object) -> list[str]:
    return [problem.id for problem in configuration_problems(config)]


def good_config(**changes: object) -> SimpleNamespace:
    values = {
        "SECRET_KEY": GOOD_KEY,
        "DEFAULT_SECRET_KEY": "insecure-development-key-change-me",
        "DEBUG": False,
        "ALLOWED_HOSTS": ["innovation.example.org"],
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "SITE_URL": "https://innovation.example.org",
    }
    return SimpleNamespace(**(values | changes))


def test_a_proper_configuration_has_no_problems():
    assert ids(good_config()) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"SECRET_KEY": "insecure-development-key-change-me"}, ["sfc.E001"]),
        ({"SECRET_KEY": ""}, ["sfc.E001"]),
        ({"DEBUG": True}, ["sfc.E002"]),
        ({"ALLOWED_HOSTS": []}, ["sfc.E003"]),
        ({"ALLOWED_HOSTS": ["127.0.0.1", "localhost", "testserver"]}, ["sfc.E003"]),
        ({"ALLOWED_HOSTS": ["innovation.example.org", "*"]}, ["sfc.E004"]),
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, ["sfc.W001"]),
        ({"SITE_URL": "http://127.0.0.1:8000"}, ["sfc.W002"]),
    ],
)
def test_each_unsafe_setting_is_named(changes, expected):
    assert ids(good_config(**changes)) == expected


def test_subdomain_wildcards_and_loopback_next_to_a_real_host_are_accepted():
    assert ids(good_config(ALLOWED_HOSTS=[".example.org", "localhost"])) == []


def test_check_passes_a_proper_configuration(production):
    result = CliRunner().invoke(cli.main, ["check"])
    assert result.exit_code == 0, result.output
    assert "The configuration passed the production checks." in result.output
    assert "sfc.E" not in result.output


@pytest.mark.parametrize(
    ("setting", "value", "code"),
    [
        ("SECRET_KEY", "insecure-development-key-change-me", "sfc.E001"),
        ("DEBUG", True, "sfc.E002"),
        ("ALLOWED_HOSTS", [], "sfc.E003"),
        ("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"], "sfc.E003"),
        ("ALLOWED_HOSTS", ["*"], "sfc.E004"),
    ],
)
def test_check_refuses_each_unsafe_setting(production, setting, value, code):
    setattr(production, setting, value)
    result = CliRunner().invoke(cli.main, ["check"])
    assert result.exit_code == 1
    assert code in result.output
    assert "not fit for production" in result.output


def test_warnings_alone_do_not_fail_the_check(production):
    production.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    result = CliRunner().invoke(cli.main, ["check"])
    assert result.exit_code == 0, result.output
    assert "sfc.W001" in result.output
