"""Alerts: the warnings an organisation's rules raised, with their history, and who wants email.

An alert is live (open or acknowledged) while its rule keeps firing for its subject; then it is
resolved and stays as history. At most one live alert exists per rule and subject.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from spaceforchange.core.models import Organization

NOTE_MAX_LENGTH = 2000


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


class AlertSeverity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    WARNING = "warning", _("Warning")
    INFO = "info", _("Information")


class Alert(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="alerts")
    rule_key = models.CharField(_("rule"), max_length=100)
    subject_kind = models.CharField(_("subject kind"), max_length=40)
    subject_id = models.BigIntegerField(_("subject id"), null=True, blank=True)
    subject_label = models.CharField(_("subject"), max_length=300, blank=True)
    severity = models.CharField(_("severity"), max_length=20, choices=AlertSeverity.choices)
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    first_fired_at = models.DateTimeField(_("first fired"))
    last_fired_at = models.DateTimeField(_("last fired"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledgement_note = models.TextField(_("note"), blank=True, max_length=NOTE_MAX_LENGTH)

    class Meta:
        ordering = ["-first_fired_at", "-pk"]
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        constraints = [
            # A portfolio-wide alert has no subject id; Coalesce makes "no subject" one value.
            models.UniqueConstraint(
                "organization",
                "rule_key",
                "subject_kind",
                Coalesce("subject_id", models.Value(0)),
                condition=~models.Q(status="resolved"),
                name="unique_live_alert",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "-first_fired_at"], name="alerts_org_status_fired"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_key} · {self.subject_label or self.subject_kind}"

    @property
    def is_live(self) -> bool:
        return self.status != AlertStatus.RESOLVED


class AlertSubscription(models.Model):
    """One person's choice, in one organisation, to be emailed about new warnings."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_subscriptions")
    email_new_alerts = models.BooleanField(_("email me new warnings"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("warning email setting")
        verbose_name_plural = _("warning email settings")
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="unique_alert_subscription")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.organization_id}: {self.email_new_alerts}"
