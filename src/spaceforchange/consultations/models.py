"""Consultations: a question put to participants as statements they agree with, disagree with or pass.

FRAMEWORKS.md §5 and issue #6, after Polis. Participants are pseudonymous: a participant row holds
only the hash of the secret kept in their cookie (or of their invitation token), never a name or
an account. ``OpinionSnapshot`` rows are derived: the opinion map computed from the votes at one
moment, kept so result pages read it instead of recomputing, and warm-started from by the next
computation.

Statement texts are at most ``STATEMENT_MAX`` (400) characters: Polis allows 140, which forces the
terse, single-claim statements that vote well; 400 leaves room for the longer sentences of public
administration and for languages that need more characters for the same claim (Norwegian, German),
while still fitting one statement on a phone screen. The column holds up to ``STATEMENT_STORED_MAX``
(1,000) so that a Polis export with longer comments imports unchanged (football-concussions has
comments of 500 characters); the services hold statements written here to ``STATEMENT_MAX``.
"""

from __future__ import annotations

import datetime
import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spaceforchange.core.models import Organization, person_field

TITLE_MAX = 300
DESCRIPTION_MAX = 4000
STATEMENT_MAX = 400
STATEMENT_STORED_MAX = 1000
LABEL_MAX = 200
LANGUAGE_MAX = 16
TOKEN_BYTES = 24  # 32 URL-safe characters: unguessable, short enough for a printed link


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class Access(models.TextChoices):
    PUBLIC = "public", _("Anyone with the public link")
    INVITE = "invite", _("Only people with an invitation link")


class Status(models.TextChoices):
    """Where a consultation stands, from its dates; not stored."""

    DRAFT = "draft", _("Not open yet")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Moderation(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class VoteValue(models.IntegerChoices):
    """Polis's coding: agree 1, disagree -1, pass 0."""

    DISAGREE = -1, _("Disagree")
    PASS = 0, _("Pass / unsure")
    AGREE = 1, _("Agree")


class Consultation(models.Model):
    """A question (``title``) put to participants through statements, linked to a policy or an initiative.

    ``opinion_requested_at`` is set while a recomputation of the opinion map is queued (see
    ``tasks``); it is bookkeeping, not audited.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="consultations")
    title = models.CharField(_("question"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), blank=True, max_length=DESCRIPTION_MAX)
    policy = models.ForeignKey(
        "policies.Policy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("policy"),
    )
    initiative = models.ForeignKey(
        "portfolio.Initiative",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("initiative"),
    )
    opens_at = models.DateTimeField(_("opens"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    access = models.CharField(_("who may take part"), max_length=10, choices=Access.choices, default=Access.PUBLIC)
    public_token = models.CharField(_("public link token"), max_length=64, unique=True, default=new_token)
    allow_participant_statements = models.BooleanField(_("participants may add statements"), default=True)
    strict_moderation = models.BooleanField(_("strict moderation"), default=False)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    created_by = person_field("+", _("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    opinion_requested_at = models.DateTimeField(_("opinion map recomputation queued"), null=True, blank=True)

    class Meta:
        ordering = ["-opens_at", "-pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        indexes = [
            models.Index(fields=["organization", "opens_at"], name="consultations_org_opens"),
            models.Index(fields=["policy", "opens_at"], name="consultations_policy_opens"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True) | Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def status_at(self, moment: datetime.datetime | None = None) -> Status:
        now = moment or timezone.now()
        if now < self.opens_at:
            return Status.DRAFT
        if self.closes_at is not None and now >= self.closes_at:
            return Status.CLOSED
        return Status.OPEN

    @property
    def status(self) -> Status:
        return self.status_at()

    @property
    def is_open(self) -> bool:
        return self.status_at() == Status.OPEN


class Invitation(models.Model):
    """A personal link to an invite-only consultation; the first join through it creates its participant.

    The token is kept (not only its hash, unlike a participant's secret) so that the consultation's
    lead can list and re-send the links; it grants nothing but a pseudonymous vote.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="consultation_invitations")
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("consultation")
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token)
    label = models.CharField(_("label"), max_length=LABEL_MAX, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    used_at = models.DateTimeField(_("first used"), null=True, blank=True)

    class Meta:
        ordering = ["consultation", "pk"]
        verbose_name = _("consultation invitation")
        verbose_name_plural = _("consultation invitations")

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.label or self.pk}"


class Participant(models.Model):
    """A pseudonymous participant of one consultation.

    ``token_hash`` is the SHA-256 of the secret in the participant's cookie, or of their invitation
    token; empty for participants imported from Polis, whom nobody can act as. ``external_id`` is
    the Polis participant id (pid) of an imported participant.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="consultation_participants")
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="participants", verbose_name=_("consultation")
    )
    token_hash = models.CharField(max_length=64, blank=True)
    invitation = models.OneToOneField(
        Invitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participant",
        verbose_name=_("invitation"),
    )
    external_id = models.BigIntegerField(_("Polis participant id"), null=True, blank=True)
    created_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        ordering = ["consultation", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "token_hash"],
                condition=~Q(token_hash=""),
                name="unique_participant_secret",
            ),
            models.UniqueConstraint(
                fields=["consultation", "external_id"],
                condition=Q(external_id__isnull=False),
                name="unique_participant_external_id",
            ),
        ]
        indexes = [models.Index(fields=["consultation", "created_at"], name="consultations_joined")]

    def __str__(self) -> str:
        return f"{self.consultation_id}: participant {self.pk}"


class Statement(models.Model):
    """A statement put to the participants: a seed by the consultation's lead, or added by a participant.

    ``external_id`` is the Polis comment id (tid) of an imported statement.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="consultation_statements")
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="statements", verbose_name=_("consultation")
    )
    text = models.CharField(_("statement"), max_length=STATEMENT_STORED_MAX)
    language = models.CharField(_("language"), max_length=LANGUAGE_MAX, blank=True)
    is_seed = models.BooleanField(_("seed statement"), default=False)
    author_participant = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name=_("written by participant"),
    )
    moderation = models.CharField(
        _("moderation"), max_length=10, choices=Moderation.choices, default=Moderation.PENDING
    )
    external_id = models.BigIntegerField(_("Polis comment id"), null=True, blank=True)
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        ordering = ["consultation", "pk"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "external_id"],
                condition=Q(external_id__isnull=False),
                name="unique_statement_external_id",
            )
        ]
        indexes = [models.Index(fields=["consultation", "moderation"], name="consultations_statement_mod")]

    def __str__(self) -> str:
        return self.text[:60]


class Vote(models.Model):
    """A participant's current vote on a statement; voting again replaces it (the last vote wins).

    Not audited: votes are pseudonymous participant data arriving at high rates; the audit log
    records what staff do. ``created_at`` is the first vote, ``updated_at`` the last change.
    """

    # The indexes are chosen for the write rate: the matrix index serves every read by consultation
    # and the unique constraint every read by participant, so those two foreign keys get no index of
    # their own; an organisation's votes are only ever read through its consultations.
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="consultation_votes", db_index=False
    )
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="votes", verbose_name=_("consultation"), db_index=False
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="votes", verbose_name=_("participant"), db_index=False
    )
    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="votes", verbose_name=_("statement")
    )
    value = models.SmallIntegerField(_("vote"), choices=VoteValue.choices)
    created_at = models.DateTimeField(_("first voted"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        ordering = ["consultation", "pk"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["participant", "statement"], name="unique_vote"),
            models.CheckConstraint(condition=Q(value__in=[-1, 0, 1]), name="vote_value_in_range"),
        ]
        # The vote matrix reads every vote of a consultation (index-only on PostgreSQL with these
        # columns); participation over time finds a consultation's votes through it too.
        indexes = [
            models.Index(
                fields=["consultation", "participant", "statement", "value"], name="consultations_vote_matrix"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} on {self.statement_id}: {self.value}"


class OpinionSnapshot(models.Model):
    """The opinion map of a consultation as computed from its votes at ``computed_at`` (derived, not audited).

    ``result`` is ``OpinionResult.to_dict()`` less its ``state`` key; ``state`` is the warm-start state
    the next computation begins from; ``division`` the result's division score (0–1), which the
    policy's tension index reads.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="opinion_snapshots")
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("consultation")
    )
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)
    votes_counted = models.PositiveIntegerField(_("votes counted"))
    result = models.JSONField(_("result"), default=dict)
    state = models.JSONField(_("warm-start state"), default=dict)
    division = models.FloatField(_("division"), validators=[MinValueValidator(0), MaxValueValidator(1)])
    seconds = models.FloatField(_("seconds to compute"))

    class Meta:
        ordering = ["consultation", "computed_at", "pk"]
        verbose_name = _("opinion snapshot")
        verbose_name_plural = _("opinion snapshots")
        indexes = [models.Index(fields=["consultation", "-computed_at"], name="consultations_latest_snapshot")]

    def __str__(self) -> str:
        return f"{self.consultation_id} {self.computed_at:%Y-%m-%d %H:%M}: {self.division:.2f}"
