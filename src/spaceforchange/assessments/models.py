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
    # Raised with every change to the submitted answers; a stored result remembers the value it was
    # computed from, so a stale result is recognised without comparing clocks across machines.
    answers_version = models.PositiveIntegerField(default=0, editable=False)

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
    survey_import = models.ForeignKey(
        "SurveyImport", on_delete=models.CASCADE, null=True, blank=True, related_name="responses"
    )

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


class ResultSnapshot(models.Model):
    """A campaign's computed results for one grouping, kept so pages never wait for the scoring."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="result_snapshots")
    # "" for the whole campaign, else a group_by of ``results.parse_group_by``.
    group_by = models.CharField(max_length=100, blank=True)
    answers_version = models.PositiveIntegerField()
    data = models.JSONField()
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        ordering = ["campaign", "group_by"]
        verbose_name = _("computed results")
        verbose_name_plural = _("computed results")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "group_by"], name="unique_result_snapshot"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} {self.group_by or 'all'}"


class ColumnMapping(models.Model):
    """How the columns of another tool's export map onto an instrument, saved under a name for reuse.

    ``columns`` holds ``{"statements": {STATEMENT_KEY: COLUMN}, "attributes": {NAME: COLUMN},
    "weight": COLUMN or null, "unit": COLUMN or null, "dont_know": [VALUE, ...]}``.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    pack_key = models.CharField(_("framework pack"), max_length=63)
    instrument_key = models.CharField(_("instrument"), max_length=63)
    columns = models.JSONField(_("columns"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="unique_column_mapping_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    VALIDATING = "validating", _("Checking the file")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    REJECTED = "rejected", _("Not imported: the file has problems")
    FAILED = "failed", _("Failed")


class SurveyImport(models.Model):
    """One uploaded file of answers for a campaign, checked as a whole and then imported in the background.

    The file is kept in the database (gzip-compressed) so any worker can read it: the web and worker
    processes may run on different machines and share only PostgreSQL.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(_("file"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("size in bytes"))
    content = models.BinaryField(editable=False)
    mapping_name = models.CharField(_("column mapping"), max_length=100, blank=True)
    # The mapping as it was when the import started (same shape as ColumnMapping.columns).
    mapping = models.JSONField(_("columns"))
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    # Touched with every step of a run (each batch of rows checked or imported): a run whose last
    # step is long past has lost its worker, which ``recover_stalled_imports`` ends.
    progressed_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("answer import")
        verbose_name_plural = _("answer imports")
        indexes = [models.Index(fields=["campaign", "status"], name="assess_import_campaign")]

    def __str__(self) -> str:
        return self.filename


class ImportProblem(models.Model):
    """One bad row (or cell) of an import: its line in the file and why it was refused."""

    survey_import = models.ForeignKey(SurveyImport, on_delete=models.CASCADE, related_name="problems")
    line = models.PositiveIntegerField(_("line"))
    column = models.CharField(_("column"), max_length=255, blank=True)
    reason = models.CharField(_("reason"), max_length=500)

    class Meta:
        ordering = ["survey_import", "line", "pk"]
        verbose_name = _("import problem")
        verbose_name_plural = _("import problems")

    def __str__(self) -> str:
        return f"{self.line}: {self.reason}"
