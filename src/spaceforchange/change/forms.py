"""Forms of the change-programme pages. They validate input; the services do the writing.

People, initiatives and campaigns are offered from the request's organisation only, and factor
and evidence keys from the organisation's ``change_management`` pack, so another organisation's
id or an unknown key is "not a valid choice" and never reaches a service.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from spaceforchange.assessments.models import Campaign
from spaceforchange.budgeting.models import BudgetLine
from spaceforchange.change.models import (
    NAME_LENGTH,
    NOTE_LENGTH,
    TEXT_LENGTH,
    ChangeProgramme,
    EvidenceCheck,
    ProgrammeStatus,
    SupporterKind,
)
from spaceforchange.change.terms import SCORE_MAX, SCORE_MIN, ChangeTerms, Factor
from spaceforchange.core.forms import EARLIEST_DATE, LATEST_DATE, UswdsForm
from spaceforchange.core.models import Organization, User
from spaceforchange.portfolio.models import Initiative

SEARCH_MAX_LENGTH = 200
SORTS = ("name", "-name", "status", "-updated", "updated")


def date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("As YYYY-MM-DD."),
        **kwargs,
    )


def text_field(label: Any, limit: int, *, required: bool = False, rows: int = 3, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=limit, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


def people_of(organization: Organization) -> QuerySet[User]:
    """The organisation's active members, the only people a programme may name."""
    return User.objects.filter(memberships__organization=organization, memberships__is_active=True).order_by(
        "first_name", "last_name", "email"
    )


class DateBounds(UswdsForm):
    """Dates near the ends of the calendar overflow in time-zone arithmetic; refuse them up front."""

    date_fields: tuple[str, ...] = ()

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        for name in self.date_fields:
            value = data.get(name)
            if isinstance(value, datetime.date) and not EARLIEST_DATE <= value <= LATEST_DATE:
                self.add_error(name, _("The date is out of range."))
        return data


class ProgrammeFilterForm(forms.Form):
    """The programme list's search box, status filter and sort; a bad value falls back to its default."""

    q = forms.CharField(required=False, max_length=SEARCH_MAX_LENGTH)
    status = forms.ChoiceField(required=False, choices=[("", ""), *ProgrammeStatus.choices])
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS])

    def values(self) -> tuple[str, str, str]:
        if not self.is_valid():
            return "", "", "name"
        data = self.cleaned_data
        return data["q"].strip(), data["status"], data["sort"] or "name"


class ProgrammeForm(UswdsForm):
    name = forms.CharField(label=_("Name"), max_length=NAME_LENGTH)
    status = forms.ChoiceField(label=_("Status"), choices=ProgrammeStatus.choices, initial=ProgrammeStatus.PLANNED)
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Runs the programme; may change it like an innovation lead."),
    )
    sponsor = forms.ModelChoiceField(
        label=_("Sponsor"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("The named sponsor in top management. A scaling gate may require one."),
    )
    vision = text_field(_("Vision: the desired future and why the change is needed"), TEXT_LENGTH, rows=4)
    causal_theory = text_field(_("Causal theory: why these steps will bring the change about"), TEXT_LENGTH, rows=4)
    institutionalisation_plan = text_field(
        _("Institutionalisation plan: how the change becomes routine and is monitored"), TEXT_LENGTH, rows=4
    )
    resource_budget = forms.DecimalField(
        label=_("Budget (in the organisation's currency)"),
        required=False,
        min_value=Decimal(0),
        max_digits=16,
        decimal_places=2,
    )
    resource_fte = forms.DecimalField(
        label=_("Staff (full-time equivalents)"), required=False, min_value=Decimal(0), max_digits=8, decimal_places=2
    )
    resource_training = text_field(_("Training"), NOTE_LENGTH, rows=2)
    resource_time = text_field(_("Time set aside"), NOTE_LENGTH, rows=2)

    FIELDS = (
        "name",
        "status",
        "owner",
        "sponsor",
        "vision",
        "causal_theory",
        "institutionalisation_plan",
        "resource_budget",
        "resource_fte",
        "resource_training",
        "resource_time",
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("owner", "sponsor"):
            self.fields[name].queryset = people_of(organization)  # type: ignore[attr-defined]

    @classmethod
    def initial_of(cls, programme: ChangeProgramme) -> dict[str, Any]:
        initial = {name: getattr(programme, name) for name in cls.FIELDS}
        initial["owner"], initial["sponsor"] = programme.owner_id, programme.sponsor_id
        return initial


# --- The parts page -----------------------------------------------------------------------------


class MilestoneForm(DateBounds):
    title = forms.CharField(label=_("Milestone"), max_length=NAME_LENGTH)
    due_on = date_field(_("Due"))
    institutionalisation = forms.BooleanField(
        label=_("This step institutionalises the change (embeds it in routines or monitoring)"), required=False
    )
    date_fields = ("due_on",)


class MilestoneDoneForm(DateBounds):
    milestone = forms.IntegerField(widget=forms.HiddenInput)
    done_on = date_field(_("Done on"))
    date_fields = ("done_on",)


class SubsystemForm(UswdsForm):
    name = forms.CharField(
        label=_("Subsystem"),
        max_length=NAME_LENGTH,
        help_text=_("A part of the organisation the change must reach: structure, processes, technology, culture …"),
    )
    aligned = forms.BooleanField(label=_("Already aligned with the change"), required=False)
    note = text_field(_("Note"), NOTE_LENGTH, rows=2)


class SupporterForm(UswdsForm):
    kind = forms.ChoiceField(label=_("Kind of support"), choices=SupporterKind.choices)
    user = forms.ModelChoiceField(label=_("Member of the organisation"), queryset=User.objects.none(), required=False)
    name = forms.CharField(
        label=_("Or a name (someone outside the organisation)"), max_length=NAME_LENGTH, required=False
    )
    note = text_field(_("Note"), NOTE_LENGTH, rows=2)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people_of(organization)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        user, name = data.get("user"), (data.get("name") or "").strip()
        if user is None and not name and "name" not in self.errors:
            self.add_error("name", _("Choose a member or write the supporter's name."))
        data["name"] = name or (str(user) if user is not None else "")
        return data


class LinkInitiativeForm(UswdsForm):
    initiative = forms.ModelChoiceField(label=_("Initiative"), queryset=Initiative.objects.none())

    def __init__(self, *args: Any, candidates: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["initiative"].queryset = candidates  # type: ignore[attr-defined]


class BudgetLineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.cycle.name}: {obj.code} {obj.title}"


class LinkBudgetLineForm(UswdsForm):
    line = BudgetLineChoiceField(
        label=_("Budget line"),
        queryset=BudgetLine.objects.none(),
        help_text=_("A line of a budget cycle that funds the programme."),
    )

    def __init__(self, *args: Any, candidates: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = candidates  # type: ignore[attr-defined]


class RemoveForm(forms.Form):
    """The id of one part to remove; the view looks it up among the programme's own parts."""

    item = forms.IntegerField(min_value=1)


# --- The readiness page -------------------------------------------------------------------------


class WorkshopForm(DateBounds):
    factor_key = forms.ChoiceField(label=_("Factor"))
    score = forms.DecimalField(
        label=_("Score (1 weak – 5 strong)"),
        min_value=Decimal(SCORE_MIN),
        max_value=Decimal(SCORE_MAX),
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.1", "min": SCORE_MIN, "max": SCORE_MAX}),
    )
    assessed_on = date_field(_("Assessed on"))
    note = text_field(_("Note: who took part and what the score rests on"), NOTE_LENGTH)
    date_fields = ("assessed_on",)

    def __init__(self, *args: Any, terms: ChangeTerms, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["factor_key"].choices = terms.factor_choices()  # type: ignore[attr-defined]


class CampaignForm(UswdsForm):
    campaign = forms.ModelChoiceField(
        label=_("Readiness survey campaign"),
        queryset=Campaign.objects.none(),
        help_text=_(
            "Each factor gets the mean of the campaign's submitted answers, dated the day the campaign closed "
            "(today while it is open)."
        ),
    )

    def __init__(self, *args: Any, campaigns: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]


class EvidenceForm(UswdsForm):
    """One factor's evidence checklist: a box and a note per item of the pack."""

    def __init__(self, *args: Any, factor: Factor, checks: dict[str, EvidenceCheck], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"evidence-{factor.key}")
        initial: dict[str, Any] = {}
        for item in factor.evidence:
            check = checks.get(item.key)
            initial[f"done_{item.key}"] = bool(check and check.done)
            initial[f"note_{item.key}"] = check.note if check else ""
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.factor = factor
        for item in factor.evidence:
            self.fields[f"done_{item.key}"] = forms.BooleanField(label=item.text, required=False)
            self.fields[f"note_{item.key}"] = forms.CharField(
                label=_("Note on: %(item)s") % {"item": item.text},
                max_length=NOTE_LENGTH,
                required=False,
                widget=forms.TextInput(),
            )

    def item_rows(self) -> list[tuple[Any, Any, Any]]:
        """``(item, box, note)`` per checklist item, the bound fields in the pack's order."""
        return [(item, self[f"done_{item.key}"], self[f"note_{item.key}"]) for item in self.factor.evidence]

    @property
    def in_place(self) -> int:
        """How many of the factor's items are recorded as in place."""
        return sum(1 for item in self.factor.evidence if self.initial[f"done_{item.key}"])

    def changed_items(self) -> list[tuple[str, bool, str]]:
        """``(item_key, done, note)`` of each item whose box or note differs from what is recorded."""
        changes = []
        for item in self.factor.evidence:
            done = bool(self.cleaned_data.get(f"done_{item.key}"))
            note = (self.cleaned_data.get(f"note_{item.key}") or "").strip()
            if done != self.initial[f"done_{item.key}"] or note != self.initial[f"note_{item.key}"]:
                changes.append((item.key, done, note))
        return changes
