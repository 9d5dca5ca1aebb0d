"""Survey campaigns on any pack instrument, the links respondents answer by, and their answers.

A campaign records the exact pack version it asks from, so its results stay explainable after the
pack is edited. Link tokens are stored only as hashes (see ``domain``). In an anonymous campaign
nothing ties a response to a person: no respondent, no invitation (a personal link finds its
response through a separate hash of its token), and no audit entries for the respondent's writes.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spaceforchange.assessments import domain
from spaceforchange.core.models import Organization, Unit
from spaceforchange.frameworks.models import PackVersion
from spaceforchange.portfolio.models import Initiative


class CampaignStatus(models.TextChoices):
    DRAFT = domain.STATUS_DRAFT, _("Draft")
    OPEN = domain.STATUS_OPEN, _("Open")
    CLOSED = domain.STATUS_CLOSED, _("Closed")


def default_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class Campaign(models.Model):
    """One round of a survey instrument for a unit, an initiative, or the whole organisation."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="campaigns")
    title = models.CharField(_("title"), max_length=200)
    pack_version = models.ForeignKey(
        PackVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("framework pack version")
    )
    instrument_key = models.CharField(_("instrument"), max_length=63)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="campaigns", verbose_name=_("unit")
    )
    include_subunits = models.BooleanField(_("include sub-units"), default=False)
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
        verbose_name=_("initiative"),
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    anonymous = models.BooleanField(_("anonymous"), default=True)
    anonymity_threshold = models.PositiveSmallIntegerField(
        _("anonymity threshold"),
        default=domain.DEFAULT_ANONYMITY_THRESHOLD,
        validators=[
            MinValueValidator(domain.MIN_ANONYMITY_THRESHOLD),
            MaxValueValidator(domain.MAX_ANONYMITY_THRESHOLD),
        ],
        help_text=_("Groups with fewer respondents than this are not shown."),
    )
    languages = models.JSONField(_("languages"), default=default_languages)
    status = models.CharField(_("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    shared_link_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    results_computed_at = models.DateTimeField(_("results computed"), null=True, blank=True)

    class Meta:
        ordering = ["-opens_at", "-pk"]
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        indexes = [models.Index(fields=["organization", "status"], name="assess_campaign_org")]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=True) | Q(initiative__isnull=True), name="campaign_at_most_one_target"
            ),
            models.CheckConstraint(
                condition=Q(include_subunits=False) | Q(unit__isnull=False), name="campaign_subunits_need_unit"
            ),
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="campaign_closes_after_opens"),
            models.CheckConstraint(
                condition=Q(anonymity_threshold__gte=domain.MIN_ANONYMITY_THRESHOLD)
                & Q(anonymity_threshold__lte=domain.MAX_ANONYMITY_THRESHOLD),
                name="campaign_threshold_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def availability(self, now: datetime | None = None) -> domain.Availability:
        return domain.availability(
            status=self.status, opens_at=self.opens_at, closes_at=self.closes_at, now=now or timezone.now()
        )


class CampaignInvitation(models.Model):
    """A personal link to answer a campaign once. Only a hash of its token is stored."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("campaign")
    )
    email = models.EmailField(_("email address"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["email", "pk"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "email"], condition=~Q(email=""), name="unique_campaign_invitation_email"
            ),
        ]

    def __str__(self) -> str:
        return self.email or str(_("personal link"))


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class ResponseSource(models.TextChoices):
    WEB = "web", _("Answered on the web")
    IMPORT = "import", _("Imported")


class Response(models.Model):
    """One respondent's answers to a campaign, saved as a draft until submitted."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="responses", verbose_name=_("campaign")
    )
    # Named campaigns only; an anonymous campaign's response is found by resume_token_hash alone.
    invitation = models.OneToOneField(
        CampaignInvitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="response",
        verbose_name=_("invitation"),
    )
    resume_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("respondent"),
    )
    status = models.CharField(_("status"), max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    attributes = models.JSONField(_("respondent attributes"), default=dict, blank=True)
    weight = models.FloatField(_("weight"), default=1.0)
    source = models.CharField(_("source"), max_length=10, choices=ResponseSource.choices, default=ResponseSource.WEB)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [models.Index(fields=["campaign", "status"], name="assess_response_campaign")]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "respondent"],
                condition=Q(respondent__isnull=False),
                name="unique_campaign_respondent",
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="response_weight_positive"),
            models.CheckConstraint(
                condition=Q(status=ResponseStatus.DRAFT, submitted_at__isnull=True)
                | Q(status=ResponseStatus.SUBMITTED, submitted_at__isnull=False),
                name="response_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} #{self.pk}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ResponseStatus.SUBMITTED


class Answer(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response"))
    statement_key = models.CharField(_("statement"), max_length=63)
    # Any integer scale a pack may declare; None is "don't know".
    value = models.SmallIntegerField(_("answer"), null=True, blank=True)

    class Meta:
        ordering = ["response", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "statement_key"], name="unique_answer_per_statement"),
        ]

    def __str__(self) -> str:
        return f"{self.statement_key}: {'?' if self.value is None else self.value}"


class DimensionComment(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="comments", verbose_name=_("response")
    )
    dimension_key = models.CharField(_("dimension"), max_length=63)
    text = models.TextField(_("comment"), max_length=domain.COMMENT_MAX_LENGTH)

    class Meta:
        ordering = ["response", "dimension_key"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.UniqueConstraint(fields=["response", "dimension_key"], name="unique_comment_per_dimension"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension_key}: {self.text[:40]}"
