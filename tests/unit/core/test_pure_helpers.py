"""Pure helpers of the core app: CSV-safe cells, demo e-mail names and the login table."""

import pytest

from spaceforchange.core.audit import csv_safe
from spaceforchange.core.management.commands.seed_demo import _email_part, login_table


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("Home care", "Home care"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_csv_safe_neutralises_formulas_only(value, expected):
    assert csv_safe(value) == expected


def test_email_part_transliterates_norwegian_letters():
    assert _email_part("Øystein") == "oystein"
    assert _email_part("Sæther") == "saether"
    assert _email_part("Åse") == "ase"


def test_login_table_aligns_columns():
    table = login_table(
        [("Northbay", "admin@northbay.example", "Administrator"), ("N", "a@b", "Member")], password="pw"
    )
    lines = table.splitlines()
    assert lines[0].split(" | ")[0].strip() == "Organisation"
    assert set(lines[1]) <= {"-", "+"}
    assert [cell.strip() for cell in lines[2].split(" | ")] == [
        "Northbay",
        "admin@northbay.example",
        "pw",
        "Administrator",
    ]
    assert len({line.index("|") for line in lines if "|" in line}) == 1
