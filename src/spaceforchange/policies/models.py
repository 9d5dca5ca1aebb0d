"""Policies, the scrutiny reports of the people who apply them, hand-recorded signals, tension history.

FRAMEWORKS.md §5: a policy has a policy manager who looks after it over its life; enforcers
report what strains it. Legitimacy judgments of a policy live in the ``legitimacy`` app (a
judgment's subject is an initiative or a policy). Signal and legitimacy-type fields store item
keys of the organisation's ``policy_management`` and ``legitimacy`` packs; the services check them.
``TensionSnapshot`` rows are derived: the tension index as computed on a day, kept so the policy
page can show the index over time and the ``tension_escalating`` rule can read the levels.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spaceforchange.core.models import Organization, Unit, person_field

KEY_LENGTH = 63
LEVEL_MAX = 4


class Policy(models.Model):
    """A policy the organisation makes or enforces.

    ``unmanaged_since`` is the day the policy lost its manager (or was registered without one);
    the ``policy_without_manager`` warning counts from it. The services keep it in step with
    ``manager``.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="policies")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, max_length=4000)
    legal_basis = models.TextField(_("legal basis"), blank=True, max_length=2000)
    manager = person_field("managed_policies", _("policy manager"))
    enforcing_units = models.ManyToManyField(
        Unit, blank=True, related_name="enforced_policies", verbose_name=_("enforcing units")
    )
    initiatives = models.ManyToManyField(
        "portfolio.Initiative", blank=True, related_name="policies", verbose_name=_("linked initiatives")
    )
    last_reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    registered_on = models.DateField(_("registered"), default=timezone.localdate)
    unmanaged_since = models.DateField(_("without a manager since"), null=True, blank=True)
    created_by = person_field("+", _("created by"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        constraints = [models.UniqueConstraint(fields=["organization", "title"], name="unique_policy_title")]

    def __str__(self) -> str:
        return self.title


class ReportFrequency(models.TextChoices):
    """How often the reported problem occurs, as the reporter sees it."""

    ONCE = "once", _("Once")
    MONTHLY = "monthly", _("Every month or so")
    WEEKLY = "weekly", _("Every week or so")
    DAILY = "daily", _("Every day or so")


class ScrutinyReport(models.Model):
    """A problem with a policy reported by someone who applies it, and the policy manager's answer.

    ``reported_by`` is kept for an anonymous report as for an anonymous idea: the reporter's own
    list and the audit log need it; pages and the API leave it out for everyone else.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="scrutiny_reports")
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="reports", verbose_name=_("policy"))
    what_happened = models.TextField(_("what happened"), max_length=4000)
    legitimacy_type = models.CharField(_("legitimacy type strained"), max_length=KEY_LENGTH)
    frequency = models.CharField(_("how often"), max_length=20, choices=ReportFrequency.choices)
    proposed_change = models.TextField(_("proposed change"), blank=True, max_length=4000)
    reported_by = person_field("scrutiny_reports", _("reported by"))
    anonymous = models.BooleanField(_("anonymous towards colleagues"), default=False)
    reported_at = models.DateTimeField(_("reported"), default=timezone.now)
    answer = models.TextField(_("answer"), blank=True, max_length=4000)
    answered_by = person_field("+", _("answered by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("scrutiny report")
        verbose_name_plural = _("scrutiny reports")
        indexes = [models.Index(fields=["organization", "policy", "reported_at"], name="policies_report_policy")]

    def __str__(self) -> str:
        return f"{self.policy_id}: {self.what_happened[:40]}"


class PolicySignal(models.Model):
    """An external signal counted by hand for one period: complaints, media attention, litigation, non-compliance.

    ``period_start`` is the first day of the month counted; one row per policy, signal and month.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="policy_signals")
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="signals", verbose_name=_("policy"))
    signal = models.CharField(_("signal"), max_length=KEY_LENGTH)
    period_start = models.DateField(_("month"))
    count = models.PositiveIntegerField(_("count"), validators=[MaxValueValidator(1_000_000)])
    note = models.TextField(_("note"), blank=True, max_length=2000)
    recorded_by = person_field("+", _("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        ordering = ["-period_start", "signal", "pk"]
        verbose_name = _("policy signal")
        verbose_name_plural = _("policy signals")
        constraints = [
            models.UniqueConstraint(fields=["policy", "signal", "period_start"], name="unique_policy_signal_month")
        ]

    def __str__(self) -> str:
        return f"{self.signal} {self.period_start:%Y-%m}: {self.count}"


class TensionSnapshot(models.Model):
    """The tension index of a policy as computed on one day (derived; recomputed, not audited)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="tension_snapshots")
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="tension", verbose_name=_("policy"))
    computed_on = models.DateField(_("computed on"))
    index = models.FloatField(_("tension index"), validators=[MinValueValidator(0), MaxValueValidator(100)])
    level = models.PositiveSmallIntegerField(_("escalation level"), validators=[MaxValueValidator(LEVEL_MAX)])
    detail = models.JSONField(_("components and reasons"), default=dict)

    class Meta:
        ordering = ["policy", "computed_on"]
        verbose_name = _("tension snapshot")
        verbose_name_plural = _("tension snapshots")
        constraints = [models.UniqueConstraint(fields=["policy", "computed_on"], name="unique_tension_day")]
        indexes = [models.Index(fields=["organization", "computed_on"], name="policies_tension_day")]

    def __str__(self) -> str:
        return f"{self.policy_id} {self.computed_on}: {self.index}"
