"""Stakeholders, their legitimacy judgments, legitimation actions, and the gray-zone register.

FRAMEWORKS.md §2–§4. A judgment's subject is an initiative or a policy (exactly one of the two
foreign keys). Judgments are appended, never edited: the current state of a cell (stakeholder ×
subject × type) is its latest judgment. Gray-zone entries are never deleted, only ended with a
reason; each change of status is appended to the entry's events as well as to the audit log.
Type, state, strategy, goal, mode and tactic fields store item keys of the organisation's
``legitimacy``, ``legitimation`` and ``gray_zone`` packs; the services check them.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spaceforchange.core.models import Organization, person_field

KEY_LENGTH = 63
SCALE_MIN, SCALE_MAX = 1, 5


def _subject(related_name: str) -> tuple[models.ForeignKey, models.ForeignKey]:  # type: ignore[type-arg]
    initiative = models.ForeignKey(
        "portfolio.Initiative",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=_("initiative"),
    )
    policy = models.ForeignKey(
        "policies.Policy",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=_("policy"),
    )
    return initiative, policy


def _one_subject(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(initiative__isnull=False, policy__isnull=True) | Q(initiative__isnull=True, policy__isnull=False),
        name=name,
    )


class StakeholderCategory(models.TextChoices):
    POLITICAL_OVERSEER = "political_overseer", _("Political overseer")
    TOP_MANAGEMENT = "top_management", _("Top management")
    STAFF_AND_UNIONS = "staff_and_unions", _("Staff and unions")
    CITIZENS_AND_USERS = "citizens_and_users", _("Citizens and users")
    REGULATOR = "regulator", _("Regulator")
    ENFORCEMENT_BODY = "enforcement_body", _("Enforcement body")
    PARTNER = "partner", _("Partner")
    MEDIA = "media", _("Media")
    INTEREST_GROUP = "interest_group", _("Interest group")
    OTHER = "other", _("Other")


class StakeholderKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANIZATION = "organization", _("Organisation")


class Stakeholder(models.Model):
    """Someone whose judgment of an initiative or policy matters: a person or an organisation.

    Stakeholders are archived (``active`` false) rather than deleted, so their judgments keep
    their history.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="stakeholders")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=StakeholderKind.choices, default=StakeholderKind.ORGANIZATION
    )
    category = models.CharField(_("category"), max_length=30, choices=StakeholderCategory.choices)
    internal = models.BooleanField(_("internal"), default=False)
    influence = models.PositiveSmallIntegerField(
        _("influence"), validators=[MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)]
    )
    interest = models.PositiveSmallIntegerField(
        _("interest"), validators=[MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)]
    )
    controls_resources = models.BooleanField(_("controls resources"), default=False)
    contact_owner = person_field("owned_stakeholder_contacts", _("contact owner"))
    notes = models.TextField(_("notes"), blank=True, max_length=4000)
    initiatives = models.ManyToManyField(
        "portfolio.Initiative", blank=True, related_name="stakeholders", verbose_name=_("initiatives")
    )
    policies = models.ManyToManyField(
        "policies.Policy", blank=True, related_name="stakeholders", verbose_name=_("policies")
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="unique_stakeholder_name")]

    def __str__(self) -> str:
        return self.name


class UnknownCause(models.TextChoices):
    PENDING_DECISION = "pending_decision", _("A decision is pending")
    CONFLICTING_VIEWS = "conflicting_views", _("Views conflict")


class Judgment(models.Model):
    """One stakeholder's judgment of one subject on one legitimacy type, as recorded at one time.

    ``is_current`` marks the latest judgment of its cell (stakeholder × subject × type), kept by
    ``services.record_judgment`` in the same transaction as the insert. Why a flag rather than a
    ``DISTINCT ON`` or a window at read time: the heat map, the organisation view and the
    warnings read current judgments far more often than judgments are recorded, and with a
    million rows a read-time "latest per cell" scans every row of the subject or organisation
    (and ``DISTINCT ON`` exists only on PostgreSQL). The flag turns each read into an index
    range over current rows only, on SQLite and PostgreSQL alike. Partial unique constraints
    guarantee one current judgment per cell even under concurrent recording.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="judgments")
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.PROTECT, related_name="judgments", verbose_name=_("stakeholder")
    )
    initiative, policy = _subject("judgments")
    legitimacy_type = models.CharField(_("legitimacy type"), max_length=KEY_LENGTH)
    state = models.CharField(_("state"), max_length=KEY_LENGTH)
    unknown_cause = models.CharField(_("cause of unknown"), max_length=30, choices=UnknownCause.choices, blank=True)
    mitigating_factors = models.TextField(_("mitigating factors"), blank=True, max_length=4000)
    evidence = models.TextField(_("evidence"), blank=True, max_length=4000)
    recorded_by = person_field("recorded_judgments", _("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    is_current = models.BooleanField(_("current"), default=False, editable=False)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("judgment")
        verbose_name_plural = _("judgments")
        constraints = [
            _one_subject("judgment_one_subject"),
            models.UniqueConstraint(
                fields=["stakeholder", "initiative", "legitimacy_type"],
                condition=Q(is_current=True, initiative__isnull=False),
                name="one_current_initiative_judgment",
            ),
            models.UniqueConstraint(
                fields=["stakeholder", "policy", "legitimacy_type"],
                condition=Q(is_current=True, policy__isnull=False),
                name="one_current_policy_judgment",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "initiative", "recorded_at"], name="legitimacy_judgment_init"),
            models.Index(fields=["organization", "policy", "recorded_at"], name="legitimacy_judgment_policy"),
            models.Index(fields=["stakeholder", "recorded_at"], name="legitimacy_judgment_holder"),
        ]

    def __str__(self) -> str:
        return f"{self.stakeholder_id} {self.legitimacy_type}: {self.state}"


class SubjectStanding(models.Model):
    """How many current judgments of a subject stand at each state, kept by ``record_judgment``.

    The organisation view ranks every subject by its weakest legitimacy. Counting current judgments
    per subject and state at read time groups every current row of the organisation (a million
    judgments took over a second on PostgreSQL); this table holds one row per judged subject, so
    the view reads a few thousand small rows instead. ``counts`` maps a state key to its number.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="subject_standings")
    initiative, policy = _subject("legitimacy_standing")
    counts = models.JSONField(_("current judgments per state"), default=dict)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("subject standing")
        verbose_name_plural = _("subject standings")
        constraints = [
            _one_subject("standing_one_subject"),
            models.UniqueConstraint(
                fields=["initiative"], condition=Q(initiative__isnull=False), name="one_standing_per_initiative"
            ),
            models.UniqueConstraint(
                fields=["policy"], condition=Q(policy__isnull=False), name="one_standing_per_policy"
            ),
        ]
        indexes = [models.Index(fields=["organization"], name="legitimacy_standing_org")]

    def __str__(self) -> str:
        return f"{self.initiative_id or self.policy_id}: {self.counts}"


class JudgmentCondition(models.Model):
    """A condition under which a stakeholder grants conditional legitimacy, with its review date.

    ``at_risk`` is the one thing that changes after recording: someone watching the condition
    marks that it may no longer hold.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="judgment_conditions")
    judgment = models.ForeignKey(
        Judgment, on_delete=models.CASCADE, related_name="conditions", verbose_name=_("judgment")
    )
    text = models.TextField(_("condition"), max_length=2000)
    review_on = models.DateField(_("review date"))
    at_risk = models.BooleanField(_("at risk"), default=False)

    class Meta:
        ordering = ["review_on", "pk"]
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")

    def __str__(self) -> str:
        return self.text[:60]


class LegitimationAction(models.Model):
    """A planned or done legitimation action on a subject (FRAMEWORKS.md §3)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="legitimation_actions")
    initiative, policy = _subject("legitimation_actions")
    strategy = models.CharField(_("strategy"), max_length=KEY_LENGTH)
    goal = models.CharField(_("goal"), max_length=KEY_LENGTH)
    mode = models.CharField(_("mode"), max_length=KEY_LENGTH)
    description = models.TextField(_("what is done"), max_length=4000)
    stakeholders = models.ManyToManyField(
        Stakeholder, blank=True, related_name="legitimation_actions", verbose_name=_("target stakeholders")
    )
    planned_on = models.DateField(_("planned for"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    owner = person_field("owned_legitimation_actions", _("owner"))
    outcome = models.TextField(_("outcome"), blank=True, max_length=4000)
    created_by = person_field("+", _("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("legitimation action")
        verbose_name_plural = _("legitimation actions")
        constraints = [_one_subject("action_one_subject")]

    def __str__(self) -> str:
        return f"{self.strategy}: {self.description[:40]}"


class GrayZoneStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, not approved")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ENDED = "ended", _("Ended")


class GrayZoneEntry(models.Model):
    """The use of a gray-zone tactic (FRAMEWORKS.md §4), with its accountable person and second approval."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="gray_zone_entries")
    initiative, policy = _subject("gray_zone_entries")
    tactic = models.CharField(_("tactic"), max_length=KEY_LENGTH)
    rule_concerned = models.TextField(_("rule concerned"), max_length=2000)
    rationale = models.TextField(_("rationale"), max_length=4000)
    risks = models.TextField(_("risks"), blank=True, max_length=4000)
    accountable = person_field("accountable_gray_zone_entries", _("accountable person"))
    proposed_by = person_field("proposed_gray_zone_entries", _("proposed by"))
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    review_on = models.DateField(_("review date"))
    status = models.CharField(
        _("status"), max_length=20, choices=GrayZoneStatus.choices, default=GrayZoneStatus.PROPOSED
    )
    decided_by = person_field("decided_gray_zone_entries", _("approved or rejected by"))
    decided_at = models.DateTimeField(_("approved or rejected"), null=True, blank=True)
    ended_reason = models.TextField(_("reason for ending"), blank=True, max_length=4000)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("gray-zone entry")
        verbose_name_plural = _("gray-zone entries")
        constraints = [_one_subject("gray_zone_one_subject")]

    def __str__(self) -> str:
        return f"{self.tactic}: {self.rule_concerned[:40]}"


class GrayZoneEvent(models.Model):
    """One change of a gray-zone entry's status, appended: proposed, approved, rejected, ended."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="gray_zone_events")
    entry = models.ForeignKey(GrayZoneEntry, on_delete=models.CASCADE, related_name="events", verbose_name=_("entry"))
    status = models.CharField(_("status"), max_length=20, choices=GrayZoneStatus.choices)
    actor = person_field("+", _("by"))
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True, max_length=4000)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("gray-zone event")
        verbose_name_plural = _("gray-zone events")

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.status}"
