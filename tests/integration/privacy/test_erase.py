"""erase_person: the person's data is gone or pseudonymised; the organisation's history stays."""

from __future__ import annotations

import json
import re
import sys
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialToken
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import serializers
from django.core.management import CommandError, call_command

from spaceforchange.api.models import ApiToken
from spaceforchange.core.models import Invitation, Membership, MembershipRole, Unit, User

pytestmark = pytest.mark.django_db

KARI_NEEDLES = [r"kari\.nordmann@example\.org", r"\bKari\b", r"\bNordmann\b", r"Kari the Innovator"]


def _every_table_as_text() -> dict[str, str]:
    """Each model's rows serialised to text: what a person reading the database could see."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        rows = list(model._default_manager.all())
        if rows:
            tables[model._meta.label] = json.dumps(
                serializers.serialize("python", rows), default=str, ensure_ascii=False
            )
    return tables


def _counts() -> dict[str, int]:
    return {
        "memberships": Membership.objects.count(),
        "roles": MembershipRole.objects.count(),
        "audit": LogEntry.objects.count(),
        "invitations": Invitation.objects.count(),
        "people": User.objects.count(),
        "units": Unit.objects.count(),
    }


def _erase(email: str) -> dict:  # type: ignore[type-arg]
    out = StringIO()
    call_command("erase_person", email, "--yes", stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def test_the_fixture_really_spreads_kari_across_tables(world):
    mentions = [label for label, text in _every_table_as_text().items() if re.search(KARI_NEEDLES[0], text, re.I)]
    assert {"core.User", "core.Invitation", "auditlog.LogEntry", "account.EmailAddress", "admin.LogEntry"} <= set(
        mentions
    )


def test_nothing_of_the_person_remains_in_any_table(world):
    _erase("kari.nordmann@example.org")
    found = {
        label: needle
        for label, text in _every_table_as_text().items()
        for needle in KARI_NEEDLES
        if re.search(needle, text, re.IGNORECASE)
    }
    assert found == {}


def test_counts_of_memberships_roles_and_audit_entries_are_unchanged(world):
    before = _counts()
    _erase("kari.nordmann@example.org")
    assert _counts() == before


def test_account_is_pseudonymised_and_locked(world):
    _erase("kari.nordmann@example.org")
    kari = User.objects.get(pk=world.kari.pk)
    assert kari.email == f"erased-{kari.pk}@invalid"
    assert (kari.display_name, kari.first_name, kari.last_name) == ("", "", "")
    assert not kari.has_usable_password()
    assert not kari.is_active
    assert not kari.is_staff and not kari.is_superuser


def test_secrets_and_links_are_deleted_and_memberships_deactivated(world):
    _erase("kari.nordmann@example.org")
    kari = world.kari
    assert not ApiToken.objects.filter(user=kari).exists()
    assert not Authenticator.objects.filter(user=kari).exists()
    assert not EmailAddress.objects.filter(user=kari).exists()
    assert not SocialAccount.objects.filter(user=kari).exists()
    assert not SocialToken.objects.exists()
    assert list(Membership.objects.filter(user=kari).values_list("is_active", "title")) == [(False, ""), (False, "")]
    assert MembershipRole.objects.filter(membership__user=kari).count() == 3


def test_audit_rows_keep_their_actor_under_a_pseudonym(world):
    acted = LogEntry.objects.filter(actor=world.kari).count()
    assert acted > 0
    _erase("kari.nordmann@example.org")
    entries = LogEntry.objects.filter(actor=world.kari)
    assert entries.count() == acted
    assert set(entries.values_list("actor_email", flat=True)) == {f"erased-{world.kari.pk}@invalid"}
    assert set(entries.values_list("remote_addr", flat=True)) == {None}


def test_sessions_end(world):
    assert world.kari_client.get("/api/v1/me").status_code == 200
    _erase("kari.nordmann@example.org")
    assert world.kari_client.get("/api/v1/me").status_code == 401
    assert world.ola_client.get("/api/v1/me").status_code == 200


def test_tokens_stop_working(world, client):
    _erase("kari.nordmann@example.org")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {world.token_plaintexts[0]}"})
    assert response.status_code == 401


def test_the_bystander_is_untouched(world):
    _erase("kari.nordmann@example.org")
    ola = User.objects.get(pk=world.ola.pk)
    assert (ola.email, ola.display_name, ola.is_active) == ("ola.hansen@example.org", "Ola Hansen", True)
    assert ApiToken.objects.filter(user=ola).count() == 1
    assert EmailAddress.objects.filter(user=ola).count() == 1
    assert Membership.objects.get(user=ola).is_active
    assert Invitation.objects.filter(created_by=ola).count() == 1


def test_pending_invitation_to_the_person_is_revoked(world):
    from datetime import timedelta

    from django.utils import timezone

    pending = Invitation.objects.create(
        organization=world.south,
        email="kari.nordmann@example.org",
        token_hash="c" * 64,
        expires_at=timezone.now() + timedelta(days=3),
    )
    _erase("kari.nordmann@example.org")
    pending.refresh_from_db()
    assert pending.revoked_at is not None
    assert pending.email == f"erased-{world.kari.pk}@invalid"


def test_summary_reports_each_section(world):
    summary = _erase("kari.nordmann@example.org")
    assert summary["erased"] == world.kari.pk
    assert summary["sections"]["api_tokens"] == {"deleted": 2}
    assert summary["sections"]["memberships"] == {"deactivated": 2}
    assert summary["sections"]["account"] == {"pseudonymised_as": f"erased-{world.kari.pk}@invalid"}


def test_without_yes_and_without_a_terminal_nothing_happens(world, monkeypatch):
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    with pytest.raises(CommandError, match="--yes"):
        call_command("erase_person", "kari.nordmann@example.org", stdout=StringIO())
    assert User.objects.get(pk=world.kari.pk).email == "kari.nordmann@example.org"


def test_wrong_confirmation_changes_nothing(world, monkeypatch):
    monkeypatch.setattr(sys, "stdin", StringIO())
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    with pytest.raises(CommandError, match="Not confirmed"):
        call_command("erase_person", "kari.nordmann@example.org", stdout=StringIO())
    assert User.objects.get(pk=world.kari.pk).email == "kari.nordmann@example.org"
    assert ApiToken.objects.filter(user=world.kari).count() == 2


def test_typed_confirmation_erases(world, monkeypatch):
    monkeypatch.setattr(sys, "stdin", StringIO())
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "Kari.Nordmann@example.org ")
    call_command("erase_person", "kari.nordmann@example.org", stdout=StringIO(), stderr=StringIO())
    assert User.objects.get(pk=world.kari.pk).email == f"erased-{world.kari.pk}@invalid"


def test_unknown_person(db):
    with pytest.raises(CommandError, match="No person"):
        call_command("erase_person", "nobody@example.org", "--yes", stdout=StringIO())


def test_a_failing_section_rolls_everything_back(world, monkeypatch):
    from spaceforchange.core import privacy

    def broken(erasure):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    # First in the registry means last to erase: every other section has already run when it fails.
    failing = privacy.Section("broken", lambda user: None, broken, "")
    monkeypatch.setattr(privacy, "_sections", {"broken": failing, **privacy._sections})
    with pytest.raises(RuntimeError):
        privacy.erase_person(user=world.kari)
    assert User.objects.get(pk=world.kari.pk).email == "kari.nordmann@example.org"
    assert ApiToken.objects.filter(user=world.kari).count() == 2
    assert Session.objects.count() == 2
    assert LogEntry.objects.filter(actor_email="kari.nordmann@example.org").exists()
