"""export_person: everything about a person as JSON, with no secrets in it."""

from __future__ import annotations

import json
import os
import stat
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from spaceforchange.api import domain
from spaceforchange.core import privacy
from tests.integration.privacy.conftest import SOCIAL_ACCESS_TOKEN, TOTP_SECRET

pytestmark = pytest.mark.django_db

CORE_SECTIONS = {
    "account",
    "email_addresses",
    "single_sign_on",
    "two_factor",
    "sessions",
    "memberships",
    "invitations",
    "audit",
    "api_tokens",
}


def _export(email: str) -> dict:  # type: ignore[type-arg]
    out = StringIO()
    call_command("export_person", email, stdout=out)
    return json.loads(out.getvalue())


def test_export_has_every_section(world):
    data = _export("kari.nordmann@example.org")
    assert data["format"] == "spaceforchange.person-export/1"
    assert data["person"] == {"id": world.kari.pk, "email": "kari.nordmann@example.org"}
    assert set(data["sections"]) >= CORE_SECTIONS


def test_export_values(world):
    sections = _export("KARI.NORDMANN@example.org")["sections"]

    account = sections["account"]
    assert (account["email"], account["display_name"], account["first_name"], account["last_name"]) == (
        "kari.nordmann@example.org",
        "Kari the Innovator",
        "Kari",
        "Nordmann",
    )
    assert account["has_password"] is True

    memberships = {m["organization"]: m for m in sections["memberships"]}
    assert memberships["northtown"]["roles"] == ["innovation_lead", "owner"]
    assert memberships["northtown"]["title"] == "Senior adviser"
    assert memberships["southtown"]["roles"] == ["admin"]

    assert [i["email"] for i in sections["invitations"]["created"]] == ["newcomer@example.org"]
    assert [i["organization"] for i in sections["invitations"]["accepted"]] == ["northtown"]
    assert [i["organization"] for i in sections["invitations"]["addressed_to"]] == ["northtown"]

    tokens = sorted(sections["api_tokens"], key=lambda t: t["name"])
    assert [t["name"] for t in tokens] == ["Kari's reporting script", "old"]
    assert sorted(t["prefix"] for t in tokens) == sorted(p[: domain.PREFIX_LENGTH] for p in world.token_plaintexts)
    assert tokens[1]["revoked_at"] is not None

    assert sections["email_addresses"] == [{"email": "kari.nordmann@example.org", "verified": True, "primary": True}]
    assert [a["type"] for a in sections["two_factor"]] == ["totp"]
    assert [(s["provider"], s["uid"]) for s in sections["single_sign_on"]] == [("keycloak", "kari-uid-123")]
    assert sections["sessions"] == {"signed_in_sessions": 1}

    audit_objects = {entry["object"] for entry in sections["audit"]}
    assert "Innovation lab" in audit_objects
    assert all(entry["remote_addr"] == "192.0.2.10" for entry in sections["audit"])


def test_export_contains_no_secrets(world):
    text = json.dumps(_export("kari.nordmann@example.org"))
    world.kari.refresh_from_db()
    secrets = [world.kari.password, TOTP_SECRET, SOCIAL_ACCESS_TOKEN, "a" * 64, "b" * 64]
    secrets += world.token_plaintexts + [domain.hash_token(p) for p in world.token_plaintexts]
    leaked = [secret for secret in secrets if secret in text]
    assert leaked == []


def test_export_contains_nothing_of_the_bystander(world):
    text = json.dumps(_export("kari.nordmann@example.org"))
    assert "Ola's script" not in text
    assert "ola.hansen@example.org" not in text


def test_export_to_a_file_readable_only_by_its_owner(world, tmp_path):
    target = tmp_path / "kari.json"
    call_command("export_person", "kari.nordmann@example.org", "-o", str(target), stderr=StringIO())
    assert json.loads(target.read_text(encoding="utf-8"))["person"]["id"] == world.kari.pk
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_unknown_person(db):
    with pytest.raises(CommandError, match="No person"):
        call_command("export_person", "nobody@example.org", stdout=StringIO())


def test_sections_registered_by_other_apps_are_exported_and_erased(world, monkeypatch):
    erased = []
    monkeypatch.setitem(
        privacy._sections,
        "ideas",
        privacy.Section(
            name="ideas",
            exporter=lambda user: [{"title": f"Idea by {user.pk}"}],
            eraser=lambda erasure: erased.append(erasure.email) or {"deleted": 1},
            description="Ideas.",
        ),
    )
    assert _export("kari.nordmann@example.org")["sections"]["ideas"] == [{"title": f"Idea by {world.kari.pk}"}]
    result = privacy.erase_person(user=world.kari)
    assert erased == ["kari.nordmann@example.org"]
    assert result["ideas"] == {"deleted": 1}


def test_registering_a_different_section_under_a_taken_name_fails():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        privacy.register("account", exporter=lambda user: None, eraser=lambda erasure: None)
