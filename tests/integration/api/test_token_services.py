"""Token services and the pure token rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from spaceforchange.api import domain, selectors, services
from spaceforchange.api.models import ApiToken
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_generated_tokens_are_long_random_and_hashed():
    first, second = domain.generate_token(), domain.generate_token()
    assert first.plaintext != second.plaintext
    assert first.plaintext.startswith("sfc_")
    assert len(first.plaintext) == len("sfc_") + 43
    assert first.prefix == first.plaintext[:12]
    assert first.digest == domain.hash_token(first.plaintext)
    assert len(first.digest) == 64


def test_create_stores_only_the_hash():
    user = make_user()
    issued = services.create_api_token(user=user, name=" Nightly export ")
    stored = ApiToken.objects.get(pk=issued.token.pk)
    assert stored.name == "Nightly export"
    assert stored.token_hash == domain.hash_token(issued.plaintext)
    stored_text = " ".join(str(value) for value in ApiToken.objects.filter(pk=stored.pk).values().get().values())
    assert issued.plaintext not in stored_text


@pytest.mark.parametrize("name", ["", "   ", "x" * (domain.MAX_NAME_LENGTH + 1)])
def test_bad_names_are_refused(name):
    with pytest.raises(ValidationError) as error:
        services.create_api_token(user=make_user(), name=name)
    assert "name" in error.value.message_dict
    assert not ApiToken.objects.exists()


def test_expiry_in_the_past_is_refused():
    with pytest.raises(ValidationError) as error:
        services.create_api_token(user=make_user(), name="x", expires_at=timezone.now() - timedelta(minutes=1))
    assert "expires_at" in error.value.message_dict


def test_limit_counts_only_active_tokens():
    user = make_user()
    tokens = [services.create_api_token(user=user, name=f"t{n}") for n in range(domain.MAX_ACTIVE_TOKENS)]
    with pytest.raises(ValidationError):
        services.create_api_token(user=user, name="one more")

    services.revoke_api_token(user=user, token_id=tokens[0].token.pk)
    ApiToken.objects.filter(pk=tokens[1].token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    services.create_api_token(user=user, name="fits again")
    services.create_api_token(user=user, name="and another")
    with pytest.raises(ValidationError):
        services.create_api_token(user=user, name="full again")
    assert ApiToken.objects.filter(user=user).active().count() == domain.MAX_ACTIVE_TOKENS


def test_limit_is_per_person():
    user, other = make_user(), make_user()
    for n in range(domain.MAX_ACTIVE_TOKENS):
        services.create_api_token(user=user, name=f"t{n}")
    assert services.create_api_token(user=other, name="mine").token.user == other


def test_revoke_is_idempotent_and_private():
    user = make_user()
    issued = services.create_api_token(user=user, name="x")
    first = services.revoke_api_token(user=user, token_id=issued.token.pk).revoked_at
    second = services.revoke_api_token(user=user, token_id=issued.token.pk).revoked_at
    assert first is not None and first == second
    with pytest.raises(Http404):
        services.revoke_api_token(user=make_user(), token_id=issued.token.pk)


def test_lookup_by_secret():
    user = make_user()
    issued = services.create_api_token(user=user, name="x")
    assert selectors.token_for_secret(issued.plaintext) == issued.token
    assert selectors.token_for_secret(issued.plaintext + "x") is None
    assert selectors.token_for_secret("") is None
    assert selectors.token_for_secret(issued.token.token_hash) is None


def test_record_token_use_writes_at_most_once_a_minute():
    issued = services.create_api_token(user=make_user(), name="x")
    token = issued.token
    services.record_token_use(token=token)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    services.record_token_use(token=token)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first


@pytest.mark.parametrize(
    ("last_used", "expected"),
    [(None, True), (timedelta(seconds=59), False), (timedelta(seconds=60), True), (timedelta(hours=1), True)],
)
def test_needs_last_used_update(last_used, expected):
    now = timezone.now()
    assert domain.needs_last_used_update(None if last_used is None else now - last_used, now) is expected


def test_creation_and_revocation_are_audited_without_the_hash():
    from auditlog.models import LogEntry

    user = make_user()
    issued = services.create_api_token(user=user, name="audited")
    services.revoke_api_token(user=user, token_id=issued.token.pk)
    entries = LogEntry.objects.get_for_object(issued.token).order_by("timestamp", "pk")
    assert [entry.action for entry in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert all("token_hash" not in (entry.changes or {}) for entry in entries)
    assert "revoked_at" in entries[1].changes
