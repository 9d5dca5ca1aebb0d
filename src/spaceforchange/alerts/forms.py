"""Forms of the warnings pages. They validate input; the services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spaceforchange.alerts.models import NOTE_MAX_LENGTH, AlertSeverity, AlertStatus
from spaceforchange.alerts.selectors import ALL
from spaceforchange.core.forms import UswdsForm

LIVE = ""
STATUS_TABS = (
    (LIVE, _("Needing attention")),
    (AlertStatus.OPEN.value, _("Open")),
    (AlertStatus.ACKNOWLEDGED.value, _("Acknowledged")),
    (AlertStatus.RESOLVED.value, _("Resolved")),
    (ALL, _("All")),
)


class AlertFilterForm(UswdsForm):
    status = forms.ChoiceField(choices=STATUS_TABS, required=False, widget=forms.HiddenInput)
    severity = forms.ChoiceField(
        label=_("Severity"), choices=[("", _("Any severity")), *AlertSeverity.choices], required=False
    )
    rule = forms.ChoiceField(label=_("Rule"), required=False)

    def __init__(self, *args: Any, rules: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rule = self.fields["rule"]
        assert isinstance(rule, forms.ChoiceField)
        rule.choices = [("", _("Any rule")), *rules]

    def filters(self) -> dict[str, str]:
        """The valid filters; an invalid one falls back to its default."""
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or "" for name in ("status", "severity", "rule")}


class AcknowledgeForm(UswdsForm):
    note = forms.CharField(
        label=_("Note"),
        help_text=_(
            "What is being done about this warning, or why it can wait. Everyone who sees the warning reads it."
        ),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AlertEmailForm(UswdsForm):
    email_new_alerts = forms.BooleanField(
        label=_("Email me new warnings"),
        help_text=_(
            "Innovation leads, initiative owners and the owner of an initiative a warning is about get the email."
        ),
        required=False,
    )
