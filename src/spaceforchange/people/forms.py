"""Forms of the people and team pages. They validate input; the services do the writing.

Units, people and teams are offered from the request's organisation only, so another
organisation's id is "not a valid choice" and never reaches a service. An exploration share is
entered as a percentage (people think in "10 %", the pack stores 0.1).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spaceforchange.core.forms import EARLIEST_DATE, LATEST_DATE, SEARCH_MAX_LENGTH, UnitChoiceField, UswdsForm
from spaceforchange.core.models import Organization, User
from spaceforchange.people.models import (
    DESCRIPTION_MAX,
    NAME_MAX,
    NOTE_MAX,
    PERIOD_PATTERN,
    LeaderRoleKey,
    Team,
    TransitionStatus,
)
from spaceforchange.people.terms import AUTONOMY_MIN

AUTONOMY_CHOICES = [
    (1, _("1 – the manager plans and distributes the work")),
    (2, _("2 – the team is consulted")),
    (3, _("3 – the team plans and distributes its own work")),
    (4, _("4 – the team also manages its own follow-up and improvement")),
    (5, _("5 – the team also sets its own sub-goals and manages its resources")),
]

TEAM_SORTS = (
    ("name", _("Name")),
    ("unit", _("Unit")),
    ("autonomy", _("Autonomy, highest first")),
    ("exploration", _("Exploration share, lowest first")),
    ("alignment", _("Last alignment, oldest first")),
    ("warnings", _("Warnings, most first")),
)
GROUPINGS = (("unit", _("Per unit")), ("team", _("Per team")))


def people_of(organization: Organization) -> Any:
    """The organisation's active members, the only people a team or a role may name."""
    return User.objects.filter(memberships__organization=organization, memberships__is_active=True).order_by(
        "display_name", "email"
    )


def date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("As YYYY-MM-DD."),
        **kwargs,
    )


class DateBounds(UswdsForm):
    """Dates before 1900 or after 9998 overflow in time-zone arithmetic; refuse them up front."""

    date_fields: tuple[str, ...] = ()

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        for name in self.date_fields:
            value = data.get(name)
            if isinstance(value, datetime.date) and not EARLIEST_DATE <= value <= LATEST_DATE:
                self.add_error(name, _("The date is out of range."))
        return data


# --- Filters (GET) -----------------------------------------------------------------------------


class TeamFilterForm(forms.Form):
    """The teams overview's search, filters and sort; anything unknown falls back to "all"."""

    q = forms.CharField(required=False, max_length=SEARCH_MAX_LENGTH)
    unit = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    status = forms.ChoiceField(required=False, choices=[("", ""), *TransitionStatus.choices])
    sort = forms.ChoiceField(required=False, choices=TEAM_SORTS)

    def values(self) -> tuple[str, int | None, str, str]:
        if not self.is_valid():
            data = {name: self.cleaned_data.get(name) for name in ("q", "unit", "status", "sort")}
        else:
            data = self.cleaned_data
        return (data.get("q") or "").strip(), data.get("unit"), data.get("status") or "", data.get("sort") or "name"


# --- Teams -------------------------------------------------------------------------------------


class TeamForm(DateBounds):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    autonomy_level = forms.TypedChoiceField(
        label=_("Autonomy level"),
        choices=AUTONOMY_CHOICES,
        coerce=int,
        initial=AUTONOMY_MIN,
        help_text=_("From level 3 the team counts as self-managed."),
    )
    transition_status = forms.ChoiceField(
        label=_("Transition to self-management"), choices=TransitionStatus.choices, initial=TransitionStatus.NOT_STARTED
    )
    transition_started_on = date_field(_("Transition started on"), required=False)
    date_fields = ("transition_started_on",)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(organization=organization, label=_("Unit"), empty_label=_("No unit"))
        self.order_fields(["name", "unit", "description", "autonomy_level", "transition_status"])

    @staticmethod
    def initial_of(team: Team) -> dict[str, Any]:
        names = ("name", "description", "autonomy_level", "transition_status", "transition_started_on")
        return {name: getattr(team, name) for name in names} | {"unit": team.unit_id}


class AddMemberForm(UswdsForm):
    user = forms.ModelChoiceField(label=_("Person to add"), queryset=User.objects.none())

    def __init__(self, *args: Any, organization: Organization, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        field.queryset = people_of(organization).exclude(team_memberships__team=team)  # type: ignore[attr-defined]


class RemoveMemberForm(forms.Form):
    """The member to take off the team: one of its members, else "not a valid choice"."""

    remove = forms.ModelChoiceField(queryset=User.objects.none())

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["remove"]
        field.queryset = User.objects.filter(team_memberships__team=team)  # type: ignore[attr-defined]


class LeaderRolesForm(UswdsForm):
    """For each of the four leader roles: a member who holds it, or the name of someone else."""

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = people_of(organization)
        for key, label in LeaderRoleKey.choices:
            self.fields[f"{key}_holder"] = forms.ModelChoiceField(
                label=_("%(role)s: held by a member") % {"role": label},
                queryset=people,
                required=False,
                empty_label=_("No member"),
            )
            self.fields[f"{key}_name"] = forms.CharField(
                label=_("%(role)s: or held by someone outside the system") % {"role": label},
                max_length=NAME_MAX,
                required=False,
                help_text=_("A name, for a person without an account."),
            )

    @staticmethod
    def initial_of(roles: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for role in roles:
            initial[f"{role.role_key}_holder"] = role.holder_id
            initial[f"{role.role_key}_name"] = role.holder_name
        return initial

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        for key, _label in LeaderRoleKey.choices:
            if data.get(f"{key}_holder") and (data.get(f"{key}_name") or "").strip():
                self.add_error(f"{key}_name", _("Choose a member or write a name, not both."))
        return data

    def assignments(self) -> list[tuple[str, User | None, str]]:
        """(role key, holder, holder name) for every role, in pack order."""
        data = self.cleaned_data
        return [
            (key, data.get(f"{key}_holder"), (data.get(f"{key}_name") or "").strip())
            for key, _label in LeaderRoleKey.choices
        ]


class ExplorationShareForm(UswdsForm):
    period = forms.CharField(
        label=_("Quarter"),
        max_length=7,
        help_text=_("As YYYY-Qn, for example 2026-Q3. Recording a quarter again replaces its share."),
    )
    percentage = forms.DecimalField(
        label=_("Share of working time on exploration (%)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=4,
        decimal_places=1,
        help_text=_("From 0 to 100; 5 % is about two hours a week."),
    )
    note = forms.CharField(
        label=_("Note"), max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_period(self) -> str:
        period = str(self.cleaned_data["period"]).strip().upper()
        if not re.match(PERIOD_PATTERN, period):
            raise forms.ValidationError(_("Enter a quarter as YYYY-Qn, for example 2026-Q3."))
        return period

    def share(self) -> Decimal:
        return (self.cleaned_data["percentage"] / Decimal(100)).quantize(Decimal("0.001"))


class AlignmentForm(DateBounds):
    held_on = date_field(_("Date of the alignment session"))
    date_fields = ("held_on",)
