"""Forms of the organisation pages. They validate input; the services do the writing.

Choices that name units or people are built from the request's organisation only, so an id
from another organisation is an invalid choice and never reaches a service.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spaceforchange.core import selectors
from spaceforchange.core.models import InvitationStatus, Organization, Role, Unit, UnitKind

SEARCH_MAX_LENGTH = 200
# Dates near the ends of the calendar overflow when shifted between time zones.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(9998, 12, 31)


class UswdsForm(forms.Form):
    """Rendered with ``web/components/fields.html``, which adds the design system's classes."""

    template_name = "web/components/fields.html"


class UnitChoiceField(forms.TypedChoiceField):
    """A unit of one organisation, listed as an indented tree; cleans to the ``Unit`` (or None)."""

    def __init__(self, *, organization: Organization, exclude: set[int] | None = None, empty_label: Any, **kwargs: Any):
        self.organization = organization
        choices = [("", empty_label), *selectors.unit_choices(organization, exclude=exclude)]
        super().__init__(choices=choices, coerce=int, empty_value=None, required=False, **kwargs)

    def clean(self, value: Any) -> Unit | None:  # type: ignore[override]
        unit_id = super().clean(value)
        if unit_id is None:
            return None
        unit = selectors.unit_of(self.organization, unit_id)
        if unit is None:  # deleted since the page was drawn
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return unit


def _role_field(**kwargs: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        # The shared field component renders each box with ``choice.tag``, which takes its class from here.
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}),
        **kwargs,
    )


class UnitForm(UswdsForm):
    """Adding a unit, or changing one (name, kind and place in the tree)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices, initial=UnitKind.DEPARTMENT)

    def __init__(self, *args: Any, organization: Organization, unit: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        exclude = ({unit.pk} | selectors.descendant_ids(unit)) if unit else None
        self.fields["parent"] = UnitChoiceField(
            organization=organization,
            exclude=exclude,
            label=_("Parent unit"),
            empty_label=_("None (top level)"),
            help_text=_("A unit cannot be placed under itself or its own sub-units."),
        )


class MemberFilterForm(UswdsForm):
    q = forms.CharField(label=_("Search by name or email"), max_length=SEARCH_MAX_LENGTH, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("Any role")), *Role.choices], required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("active", _("Active")), ("inactive", _("Deactivated")), ("all", _("All"))],
        required=False,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[
            ("name", _("Name (A–Z)")),
            ("-name", _("Name (Z–A)")),
            ("email", _("Email (A–Z)")),
            ("-email", _("Email (Z–A)")),
            ("unit", _("Unit (A–Z)")),
            ("-unit", _("Unit (Z–A)")),
            ("-joined", _("Newest first")),
            ("joined", _("Oldest first")),
        ],
        required=False,
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(
            organization=organization,
            label=_("Unit (with its sub-units)"),
            empty_label=_("Any unit"),
        )
        self.order_fields(["q", "role", "unit", "status", "sort"])

    def filters(self) -> dict[str, Any]:
        """The valid filters; an invalid one falls back to its default instead of emptying the list."""
        data = getattr(self, "cleaned_data", {})
        return {
            "query": data.get("q") or "",
            "role": data.get("role") or "",
            "unit": data.get("unit"),
            "status": data.get("status") or "active",
            "sort": data.get("sort") or "name",
        }


class MemberForm(UswdsForm):
    roles = _role_field(help_text=_("A person can hold several roles."))
    title = forms.CharField(label=_("Job title"), max_length=200, required=False)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(organization=organization, label=_("Unit"), empty_label=_("No unit"))
        self.order_fields(["roles", "unit", "title"])


class InvitationForm(UswdsForm):
    email = forms.EmailField(
        label=_("Email address (optional)"),
        required=False,
        max_length=254,
        help_text=_("When given, the link is also sent to this address, and only this person can accept it."),
    )
    roles = _role_field(initial=[Role.MEMBER])

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(
            organization=organization, label=_("Unit (optional)"), empty_label=_("No unit")
        )


class InvitationFilterForm(UswdsForm):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *InvitationStatus.choices], required=False)


class AuditFilterForm(UswdsForm):
    date_from = forms.DateField(label=_("From (date)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To (date)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {person.pk: person for person in selectors.audit_people(organization)}
        self.content_types = {f"{ct.app_label}.{ct.model}": ct for ct in selectors.audit_content_types()}
        self.fields["person"] = forms.TypedChoiceField(
            label=_("Person"),
            choices=[("", _("Anyone")), *((pk, f"{person} <{person.email}>") for pk, person in self.people.items())],
            coerce=int,
            empty_value=None,
            required=False,
        )
        self.fields["object_type"] = forms.ChoiceField(
            label=_("Object type"),
            choices=[
                ("", _("Any type")),
                *((key, selectors.content_type_label(ct)) for key, ct in self.content_types.items()),
            ],
            required=False,
        )
        self.order_fields(["person", "object_type", "date_from", "date_to"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("date_from", "date_to"):
            value = data.get(name)
            if value is not None and not (EARLIEST_DATE <= value <= LATEST_DATE):
                self.add_error(name, _("Enter a date between 1900 and 9998."))
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return data

    def filters(self) -> dict[str, Any]:
        data = getattr(self, "cleaned_data", {})
        return {
            "actor": self.people.get(data["person"]) if data.get("person") else None,
            "content_type": self.content_types.get(data.get("object_type") or ""),
            "date_from": data.get("date_from") if "date_from" not in self.errors else None,
            "date_to": data.get("date_to") if "date_to" not in self.errors else None,
        }
