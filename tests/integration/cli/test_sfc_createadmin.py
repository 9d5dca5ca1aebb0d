"""``sfc createadmin`` and ``sfc migrate`` on a real database."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from spaceforchange import cli
from spaceforchange.core.models import Membership, User
from tests.factories import make_organization, make_user

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-and-unusual-passphrase"


def invoke(*args: str, **kwargs: object):
    return CliRunner().invoke(cli.main, ["createadmin", *args], **kwargs)


def test_creates_a_superuser_from_options():
    result = invoke("--email", "Chief@Example.org", "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    user = User.objects.get(email="chief@example.org")
    assert (user.is_superuser, user.is_staff, user.check_password(PASSWORD)) == (True, True, True)
    assert "Created the administrator chief@example.org." in result.output
    assert not Membership.objects.filter(user=user).exists()


def test_reads_the_password_from_the_environment():
    result = invoke("--email", "env@example.org", env={"SFC_ADMIN_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    assert User.objects.get(email="env@example.org").check_password(PASSWORD)


def test_asks_for_missing_values():
    result = invoke(input=f"asked@example.org\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert User.objects.get(email="asked@example.org").is_superuser


def test_org_option_makes_them_an_organisation_administrator():
    organization = make_organization(slug="northbay")
    result = invoke("--email", "boss@example.org", "--password", PASSWORD, "--org", "northbay")
    assert result.exit_code == 0, result.output
    membership = Membership.objects.get(user__email="boss@example.org")
    assert membership.organization == organization
    assert membership.role_set == {"admin"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "x@example.org", "--password", PASSWORD, "--org", "nowhere"], "no organisation"),
        (["--email", "not-an-email", "--password", PASSWORD], "valid email"),
        (["--email", "x@example.org", "--password", "123"], "too short"),
    ],
)
def test_bad_input_is_refused_and_creates_nobody(args, message):
    result = invoke(*args)
    assert result.exit_code == 1
    assert message in result.output.lower()
    assert not User.objects.exists()


def test_a_taken_email_is_refused_and_changes_nothing():
    existing = make_user(email="taken@example.org")
    result = invoke("--email", "taken@example.org", "--password", PASSWORD)
    assert result.exit_code == 1
    assert "already exists" in result.output
    existing.refresh_from_db()
    assert (existing.is_superuser, User.objects.count()) == (False, 1)


def test_migrate_reports_nothing_left_to_apply():
    result = CliRunner().invoke(cli.main, ["migrate"])
    assert result.exit_code == 0, result.output
    assert "No migrations to apply." in result.output
