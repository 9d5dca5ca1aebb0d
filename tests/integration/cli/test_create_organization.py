import pytest
from click.testing import CliRunner

from spaceforchange.cli import main
from spaceforchange.core.models import Organization

pytestmark = pytest.mark.django_db(transaction=True)


def test_creates_an_organization_with_its_settings():
    result = CliRunner().invoke(
        main, ["create-organization", "Northbay Municipality", "--time-zone", "Europe/Oslo", "--language", "nb"]
    )
    assert result.exit_code == 0, result.output
    assert "/o/northbay-municipality/" in result.output
    organization = Organization.objects.get()
    assert (organization.name, organization.slug, organization.time_zone, organization.default_language) == (
        "Northbay Municipality",
        "northbay-municipality",
        "Europe/Oslo",
        "nb",
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["Second", "--slug", "taken"], "is taken"),
        (["   "], "1 to 200 characters"),
        (["x" * 201], "1 to 200 characters"),
        (["Elsewhere", "--time-zone", "Mars/Olympus"], "Unknown time zone"),
        (["Elsewhere", "--language", "fr"], "Invalid value"),
        (["!!!"], "short name"),
    ],
)
def test_bad_input_is_refused_and_creates_nothing(arguments, message):
    assert CliRunner().invoke(main, ["create-organization", "First", "--slug", "taken"]).exit_code == 0
    result = CliRunner().invoke(main, ["create-organization", *arguments])
    assert result.exit_code != 0
    assert message in result.output
    assert list(Organization.objects.values_list("slug", flat=True)) == ["taken"]


def test_help_explains_the_next_step():
    result = CliRunner().invoke(main, ["create-organization", "--help"])
    assert result.exit_code == 0
    assert "sfc createadmin --org SLUG" in result.output
