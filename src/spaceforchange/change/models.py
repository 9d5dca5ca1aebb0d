"""Change programmes and their readiness on Fernandez and Rainey's eight factors (FRAMEWORKS.md §6).

A programme links the initiatives it carries and the budget lines that fund it, names an owner
and a sponsor, and records its plan: vision, causal theory, milestones (some of them steps that
institutionalise the change), resources, the subsystems it aligns, and its supporters.

Readiness is a history: each ``ReadinessEntry`` is a score for one factor on a day, from a
workshop or from a ``change_readiness`` survey campaign. Entries are appended and never edited;
the current score of a factor is its latest entry (``analytics.change.readiness``). Evidence
checks tick the items of each factor's checklist in the organisation's ``change_management``
pack; the services check factor and item keys against the pack.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spaceforchange.change.terms import FACTORS, SCORE_MAX, SCORE_MIN
from spaceforchange.core.models import Organization, person_field

KEY_LENGTH = 63
NAME_LENGTH = 200
TEXT_LENGTH = 4000
NOTE_LENGTH = 2000


class ProgrammeStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDER_WAY = "under_way", _("Under way")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")


class ChangeProgramme(models.Model):
    """A change programme: the plan, people and resources behind one organisational change."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="change_programmes")
    name = models.CharField(_("name"), max_length=NAME_LENGTH)
    owner = person_field("owned_change_programmes", _("owner"))
    # The named sponsor in top management: a member of the organisation.
    sponsor = person_field("sponsored_change_programmes", _("sponsor"))
    vision = models.TextField(_("vision"), blank=True, max_length=TEXT_LENGTH)
    causal_theory = models.TextField(_("causal theory"), blank=True, max_length=TEXT_LENGTH)
    institutionalisation_plan = models.TextField(_("institutionalisation plan"), blank=True, max_length=TEXT_LENGTH)
    resource_budget = models.DecimalField(
        _("budget"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    resource_fte = models.DecimalField(
        _("staff (full-time equivalents)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    resource_training = models.TextField(_("training"), blank=True, max_length=NOTE_LENGTH)
    resource_time = models.TextField(_("time set aside"), blank=True, max_length=NOTE_LENGTH)
    status = models.CharField(
        _("status"), max_length=20, choices=ProgrammeStatus.choices, default=ProgrammeStatus.PLANNED
    )
    initiatives = models.ManyToManyField(
        "portfolio.Initiative", blank=True, related_name="change_programmes", verbose_name=_("initiatives")
    )
    budget_lines = models.ManyToManyField(
        "budgeting.BudgetLine", blank=True, related_name="change_programmes", verbose_name=_("budget lines")
    )
    archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("change programme")
        verbose_name_plural = _("change programmes")
        constraints = [
            models.UniqueConstraint(F("organization"), Lower("name"), name="unique_change_programme_name"),
            models.CheckConstraint(
                condition=Q(resource_budget__isnull=True) | Q(resource_budget__gte=0),
                name="change_programme_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(resource_fte__isnull=True) | Q(resource_fte__gte=0),
                name="change_programme_fte_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["organization", "archived"], name="change_programme_org")]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    """A step of the programme's plan; ``institutionalisation`` marks a step that embeds the change."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(
        ChangeProgramme, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("programme")
    )
    title = models.CharField(_("title"), max_length=NAME_LENGTH)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)
    institutionalisation = models.BooleanField(_("institutionalises the change"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["programme", "order", "due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class Subsystem(models.Model):
    """A part of the organisation the change must align (structure, processes, technology, culture …)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(
        ChangeProgramme, on_delete=models.CASCADE, related_name="subsystems", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=NAME_LENGTH)
    aligned = models.BooleanField(_("aligned with the change"), default=False)
    note = models.TextField(_("note"), blank=True, max_length=NOTE_LENGTH)

    class Meta:
        ordering = ["programme", "name", "pk"]
        verbose_name = _("subsystem")
        verbose_name_plural = _("subsystems")
        constraints = [
            models.UniqueConstraint(F("programme"), Lower("name"), name="unique_change_subsystem_name"),
        ]

    def __str__(self) -> str:
        return self.name


class SupporterKind(models.TextChoices):
    TOP_MANAGEMENT = "top_management", _("Top management")
    POLITICAL = "political", _("Political overseer")
    EXTERNAL_STAKEHOLDER = "external_stakeholder", _("External stakeholder")


# Factor 4 (top-management support) counts the first; factor 5 (external support) the others.
TOP_KINDS = frozenset({SupporterKind.TOP_MANAGEMENT.value})
EXTERNAL_KINDS = frozenset({SupporterKind.POLITICAL.value, SupporterKind.EXTERNAL_STAKEHOLDER.value})


class Supporter(models.Model):
    """Someone who supports the programme: in top management, a political overseer or an outside stakeholder.

    ``user`` links a supporter who is a member of the organisation; ``name`` is always kept, so a
    supporter outside the system (a councillor, a user organisation) can be recorded too.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(
        ChangeProgramme, on_delete=models.CASCADE, related_name="supporters", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=NAME_LENGTH)
    kind = models.CharField(_("kind of support"), max_length=30, choices=SupporterKind.choices)
    user = person_field("+", _("member"))
    note = models.TextField(_("note"), blank=True, max_length=NOTE_LENGTH)

    class Meta:
        ordering = ["programme", "kind", "name", "pk"]
        verbose_name = _("supporter")
        verbose_name_plural = _("supporters")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SupporterKind.values), name="change_supporter_kind"),
        ]

    def __str__(self) -> str:
        return self.name


class ReadinessSource(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop")
    CAMPAIGN = "campaign", _("Survey campaign")


class ReadinessEntry(models.Model):
    """A score (1–5) for one factor on one day, from a workshop or a readiness survey (appended, never edited)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(
        ChangeProgramme, on_delete=models.CASCADE, related_name="readiness_entries", verbose_name=_("programme")
    )
    factor_key = models.CharField(_("factor"), max_length=KEY_LENGTH)
    score = models.DecimalField(
        _("score"),
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(SCORE_MIN)), MaxValueValidator(Decimal(SCORE_MAX))],
    )
    source = models.CharField(_("source"), max_length=20, choices=ReadinessSource.choices)
    # Kept when the campaign is deleted: the score stays part of the programme's history.
    campaign = models.ForeignKey(
        "assessments.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("survey campaign"),
    )
    assessed_on = models.DateField(_("assessed on"))
    note = models.TextField(_("note"), blank=True, max_length=NOTE_LENGTH)
    recorded_by = person_field("+", _("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["programme", "factor_key", "-assessed_on", "-recorded_at", "-pk"]
        verbose_name = _("readiness entry")
        verbose_name_plural = _("readiness entries")
        constraints = [
            models.CheckConstraint(condition=Q(factor_key__in=FACTORS), name="change_readiness_factor"),
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN) & Q(score__lte=SCORE_MAX), name="change_readiness_score_range"
            ),
            models.CheckConstraint(condition=Q(source__in=ReadinessSource.values), name="change_readiness_source"),
            models.CheckConstraint(
                condition=Q(source=ReadinessSource.CAMPAIGN) | Q(campaign__isnull=True),
                name="change_readiness_workshop_without_campaign",
            ),
        ]
        indexes = [models.Index(fields=["programme", "factor_key", "assessed_on"], name="change_readiness_factor_day")]

    def __str__(self) -> str:
        return f"{self.factor_key} {self.assessed_on}: {self.score}"


class EvidenceCheck(models.Model):
    """Whether one item of a factor's evidence checklist is in place for the programme."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(
        ChangeProgramme, on_delete=models.CASCADE, related_name="evidence_checks", verbose_name=_("programme")
    )
    factor_key = models.CharField(_("factor"), max_length=KEY_LENGTH)
    item_key = models.CharField(_("evidence item"), max_length=KEY_LENGTH)
    done = models.BooleanField(_("in place"), default=False)
    note = models.TextField(_("note"), blank=True, max_length=NOTE_LENGTH)
    checked_by = person_field("+", _("checked by"))
    checked_at = models.DateTimeField(_("checked"), default=timezone.now)

    class Meta:
        ordering = ["programme", "factor_key", "item_key", "pk"]
        verbose_name = _("evidence check")
        verbose_name_plural = _("evidence checks")
        constraints = [
            models.UniqueConstraint(fields=["programme", "item_key"], name="unique_change_evidence_item"),
            models.CheckConstraint(condition=Q(factor_key__in=FACTORS), name="change_evidence_factor"),
        ]

    def __str__(self) -> str:
        return f"{self.item_key}: {'✓' if self.done else '–'}"
