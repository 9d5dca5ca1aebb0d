"""Forms of the campaign pages. They validate input; the services do the writing.

Units and initiatives are offered from the request's organisation only, so another
organisation's id is an invalid choice and never reaches a service.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from spaceforchange.assessments import domain
from spaceforchange.assessments.models import CampaignStatus
from spaceforchange.assessments.services import TITLE_MAX_LENGTH
from spaceforchange.core.forms import EARLIEST_DATE, LATEST_DATE, SEARCH_MAX_LENGTH, UnitChoiceField, UswdsForm
from spaceforchange.core.models import Organization
from spaceforchange.portfolio.selectors import initiatives_for

# More addresses than this in one go is more likely a pasted file by mistake than a mailing.
MAX_INVITATIONS_AT_ONCE = 1000
TARGET_ORGANIZATION, TARGET_UNIT, TARGET_INITIATIVE = "organization", "unit", "initiative"
_ADDRESS_SEPARATORS = re.compile(r"[\s,;]+")


class CampaignFilterForm(UswdsForm):
    q = forms.CharField(label=_("Search by title"), max_length=SEARCH_MAX_LENGTH, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *CampaignStatus.choices], required=False
    )

    def filters(self) -> dict[str, str]:
        """The valid filters; an invalid one falls back to showing everything."""
        data = getattr(self, "cleaned_data", {})
        return {"search": (data.get("q") or "").strip(), "status": data.get("status") or ""}


class ZonedDateTimeField(forms.DateTimeField):
    """A ``datetime-local`` input read as a wall-clock time in the organisation's time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]

    def __init__(self, *, zone: datetime.tzinfo, **kwargs: Any) -> None:
        self.zone = zone
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime.datetime | None:
        with timezone.override(self.zone):
            moment = super().to_python(value)
        # Times near the ends of the calendar overflow when shifted to UTC.
        if moment is not None and not EARLIEST_DATE <= moment.date() <= LATEST_DATE:
            raise forms.ValidationError(_("Enter a date between 1900 and 9998."), code="out_of_range")
        return moment

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return timezone.localtime(value, self.zone)
        return value


class CampaignForm(UswdsForm):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    instrument = forms.ChoiceField(label=_("Instrument"))
    target_kind = forms.ChoiceField(
        label=_("Who is asked about what"),
        choices=[
            (TARGET_ORGANIZATION, _("The whole organisation")),
            (TARGET_UNIT, _("A unit")),
            (TARGET_INITIATIVE, _("An initiative")),
        ],
        initial=TARGET_ORGANIZATION,
        widget=forms.RadioSelect,
    )
    include_subunits = forms.BooleanField(
        label=_("Include the unit's sub-units"), required=False, help_text=_("Only with a unit.")
    )
    anonymous = forms.BooleanField(
        label=_("Anonymous answers"),
        required=False,
        initial=True,
        help_text=_("Nobody can see who gave which answer; results are shown only for large enough groups."),
    )
    anonymity_threshold = forms.IntegerField(
        label=_("Anonymity threshold"),
        min_value=domain.MIN_ANONYMITY_THRESHOLD,
        max_value=domain.MAX_ANONYMITY_THRESHOLD,
        initial=domain.DEFAULT_ANONYMITY_THRESHOLD,
        help_text=_("Groups with fewer respondents than this are not shown."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=settings.LANGUAGES,
        initial=[code for code, _name in settings.LANGUAGES],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        organization: Organization,
        instruments: list[tuple[str, str]],
        zone: datetime.tzinfo,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        instrument_field = self.fields["instrument"]
        assert isinstance(instrument_field, forms.ChoiceField)
        instrument_field.choices = [("", _("Choose an instrument")), *instruments]
        self.fields["unit"] = UnitChoiceField(
            organization=organization, label=_("Unit"), empty_label=_("Choose a unit")
        )
        self.initiatives = {initiative.pk: initiative for initiative in initiatives_for(organization)}
        self.fields["initiative"] = forms.TypedChoiceField(
            label=_("Initiative"),
            choices=[("", _("Choose an initiative")), *((pk, i.title) for pk, i in self.initiatives.items())],
            coerce=int,
            empty_value=None,
            required=False,
        )
        self.fields["opens_at"] = ZonedDateTimeField(
            zone=zone, label=_("Opens"), help_text=_("In the organisation's time zone (%(zone)s).") % {"zone": zone}
        )
        self.fields["closes_at"] = ZonedDateTimeField(zone=zone, label=_("Closes"))
        self.order_fields(
            [
                "title",
                "instrument",
                "target_kind",
                "unit",
                "include_subunits",
                "initiative",
                "opens_at",
                "closes_at",
                "anonymous",
                "anonymity_threshold",
                "languages",
            ]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("target_kind")
        if kind == TARGET_UNIT and data.get("unit") is None and "unit" not in self.errors:
            self.add_error("unit", _("Choose the unit."))
        if kind == TARGET_INITIATIVE and data.get("initiative") is None and "initiative" not in self.errors:
            self.add_error("initiative", _("Choose the initiative."))
        if kind != TARGET_UNIT and data.get("include_subunits"):
            self.add_error("include_subunits", _("Sub-units can only be included with a unit."))
        return data

    def campaign_arguments(self) -> dict[str, Any]:
        """The cleaned form as keyword arguments of ``services.create_campaign``."""
        data = self.cleaned_data
        kind = data["target_kind"]
        pack_key, _separator, instrument_key = data["instrument"].partition(":")
        initiative_id = data.get("initiative")
        return {
            "title": data["title"],
            "pack_key": pack_key,
            "instrument_key": instrument_key,
            "unit": data.get("unit") if kind == TARGET_UNIT else None,
            "include_subunits": bool(data.get("include_subunits")) and kind == TARGET_UNIT,
            "initiative": self.initiatives.get(initiative_id) if kind == TARGET_INITIATIVE and initiative_id else None,
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
            "anonymous": data["anonymous"],
            "anonymity_threshold": data["anonymity_threshold"],
            "languages": data["languages"],
        }


class InviteForm(UswdsForm):
    emails = forms.CharField(
        label=_("Email addresses"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["emails"].help_text = _("One per line, or separated by commas. At most %(count)s at a time.") % {
            "count": _grouped(MAX_INVITATIONS_AT_ONCE)
        }

    def clean_emails(self) -> list[str]:
        entries = [entry for entry in _ADDRESS_SEPARATORS.split(self.cleaned_data["emails"]) if entry]
        if len(entries) > MAX_INVITATIONS_AT_ONCE:
            raise forms.ValidationError(
                _("You gave %(given)s addresses; invite at most %(count)s at a time.")
                % {"given": _grouped(len(entries)), "count": _grouped(MAX_INVITATIONS_AT_ONCE)},
                code="too_many",
            )
        return entries


def _grouped(number: int) -> str:
    """The number with the current language's digit grouping (1,000 in English, 1 000 in bokmål)."""
    return number_format(number, force_grouping=True)
