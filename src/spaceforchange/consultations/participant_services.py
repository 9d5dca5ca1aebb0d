"""What participants write: joining, adding a statement, voting (re-exported by ``services``).

Participants are pseudonymous: a participant row holds the SHA-256 of a random secret kept in the
participant's cookie, or of their invitation token, and nothing else about them. These writes leave
no audit entry (``disable_auditlog``): an entry stores the request's address, which would tie the
pseudonym to a person; the audit log records what staff do. A vote is never audited for the same
reason and for its rate.
"""

from __future__ import annotations

import hashlib

from auditlog.context import disable_auditlog
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spaceforchange.consultations.models import (
    LANGUAGE_MAX,
    STATEMENT_MAX,
    Access,
    Consultation,
    Invitation,
    Moderation,
    Participant,
    Statement,
    Status,
    Vote,
    VoteValue,
    new_token,
)
from spaceforchange.consultations.tasks import opinion_may_have_changed

STATEMENTS_PER_PARTICIPANT = 20  # enough for any honest participant; stops one from flooding moderation


def hash_secret(secret: str) -> str:
    """What is stored of a participant's secret. The secrets are random (192 bits), so a fast hash suffices."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _require_open(consultation: Consultation) -> None:
    status = consultation.status_at()
    if status == Status.DRAFT:
        raise ValidationError(_("The consultation has not opened yet."), code="not_open")
    if status == Status.CLOSED:
        raise ValidationError(_("The consultation is closed."), code="closed")


def _join_by_invitation(consultation: Consultation, token: str) -> tuple[Participant, str]:
    invitation = Invitation.objects.select_for_update().filter(consultation=consultation, token=token).first()
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid for this consultation."), code="invalid_invitation")
    existing = Participant.objects.filter(invitation=invitation).first()
    if existing is not None:
        return existing, token
    _require_open(consultation)
    participant = Participant.objects.create(
        organization_id=consultation.organization_id,
        consultation=consultation,
        token_hash=hash_secret(token),
        invitation=invitation,
    )
    Invitation.objects.filter(pk=invitation.pk).update(used_at=timezone.now())
    return participant, token


@transaction.atomic
def join_consultation(
    *, consultation: Consultation, secret: str | None = None, invitation_token: str | None = None
) -> tuple[Participant, str]:
    """The participant behind ``secret`` or ``invitation_token``, or a new one; with the secret to keep.

    A known secret (from the cookie) returns its participant whatever the consultation's status, so
    a participant can read their votes after it closed. An invitation returns the participant who
    first joined with it, its token being their secret, so the link works again on another device.
    Otherwise a new participant is created while the consultation is open: with a fresh secret in a
    public consultation; an invite-only one refuses a join without a valid invitation.
    """
    if invitation_token:
        with disable_auditlog():
            return _join_by_invitation(consultation, invitation_token)
    if secret:
        known = Participant.objects.filter(consultation=consultation, token_hash=hash_secret(secret)).first()
        if known is not None:
            return known, secret
    if consultation.access == Access.INVITE:
        raise ValidationError(_("This consultation is by invitation only."), code="invitation_required")
    _require_open(consultation)
    fresh = new_token()
    participant = Participant.objects.create(
        organization_id=consultation.organization_id, consultation=consultation, token_hash=hash_secret(fresh)
    )
    return participant, fresh


def is_votable(statement: Statement, consultation: Consultation) -> bool:
    """Shown to participants and open to votes: accepted, or pending unless moderation is strict (as Polis)."""
    if statement.moderation == Moderation.ACCEPTED:
        return True
    return statement.moderation == Moderation.PENDING and not consultation.strict_moderation


@transaction.atomic
def cast_vote(*, participant: Participant, statement: Statement, value: int) -> Vote:
    """Record the participant's vote on the statement; a later vote on the same statement replaces it.

    One ``INSERT … ON CONFLICT (participant, statement) DO UPDATE``: concurrent votes never create a
    second row or fail, and the last to commit wins. Then the opinion map's debounced recomputation
    is queued (``tasks``). Returns the vote as written (its ``created_at`` is the moment of this
    vote even when it replaced an earlier one; the stored row keeps the first).
    """
    consultation = participant.consultation
    if isinstance(value, bool) or value not in VoteValue.values:
        raise ValidationError({"value": [_("Vote agree (1), disagree (-1) or pass (0).")]})
    if statement.consultation_id != participant.consultation_id:
        raise ValidationError({"statement": [_("The statement belongs to another consultation.")]})
    _require_open(consultation)
    if not is_votable(statement, consultation):
        raise ValidationError({"statement": [_("This statement is not open for votes.")]})
    now = timezone.now()
    vote = Vote(
        organization_id=consultation.organization_id,
        consultation_id=consultation.pk,
        participant=participant,
        statement=statement,
        value=value,
        created_at=now,
        updated_at=now,
    )
    Vote.objects.bulk_create(
        [vote], update_conflicts=True, unique_fields=["participant", "statement"], update_fields=["value", "updated_at"]
    )
    opinion_may_have_changed(consultation)
    return vote


@transaction.atomic
def submit_statement(*, participant: Participant, text: str, language: str = "") -> Statement:
    """A participant adds a statement; it waits for moderation (shown meanwhile unless moderation is strict)."""
    consultation = participant.consultation
    _require_open(consultation)
    if not consultation.allow_participant_statements:
        raise ValidationError(_("This consultation does not take statements from participants."), code="not_allowed")
    value, code = text.strip(), language.strip()
    errors: dict[str, list[str]] = {}
    if not value:
        errors["text"] = [_("Write the statement.")]
    elif len(value) > STATEMENT_MAX:
        errors["text"] = [
            _("At most %(limit)d characters; this has %(count)d.") % {"limit": STATEMENT_MAX, "count": len(value)}
        ]
    elif Statement.objects.filter(consultation=consultation, text__iexact=value).exists():
        errors["text"] = [_("This statement is already in the consultation.")]
    if len(code) > LANGUAGE_MAX:
        errors["language"] = [_("Give a language code such as “en” or “nb”.")]
    if Statement.objects.filter(author_participant=participant).count() >= STATEMENTS_PER_PARTICIPANT:
        errors.setdefault("text", []).append(
            _("You have added %(limit)d statements, the most one participant may add.")
            % {"limit": STATEMENTS_PER_PARTICIPANT}
        )
    if errors:
        raise ValidationError(errors)
    with disable_auditlog():
        return Statement.objects.create(
            organization_id=consultation.organization_id,
            consultation=consultation,
            text=value,
            language=code,
            author_participant=participant,
            moderation=Moderation.PENDING,
        )
