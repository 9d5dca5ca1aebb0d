"""Forms of the legitimacy pages. They validate input; the services do the writing.

Stakeholders, people, initiatives and policies are offered from the request's organisation only,
and pack keys from the organisation's effective packs, so another organisation's id or an unknown
key is "not a valid choice" and never reaches a service. Forms work without JavaScript: a
judgment offers a fixed number of condition rows.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spaceforchange.core.forms import EARLIEST_DATE, LATEST_DATE, UswdsForm
from spaceforchange.core.models import Organization
from spaceforchange.legitimacy import selectors
from spaceforchange.legitimacy.models import (
    SCALE_MAX,
    SCALE_MIN,
    Stakeholder,
    StakeholderCategory,
    StakeholderKind,
    UnknownCause,
)
from spaceforchange.legitimacy.services import ConditionInput
from spaceforchange.legitimacy.terms import Terms

CONDITION_ROWS = 3
SCALE = [(value, str(value)) for value in range(SCALE_MIN, SCALE_MAX + 1)]


def date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("As YYYY-MM-DD."),
        **kwargs,
    )


def text_field(label: Any, limit: int, *, required: bool = True, rows: int = 3, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=limit, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
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


class StakeholderForm(UswdsForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("A person or an organisation"), choices=StakeholderKind.choices)
    category = forms.ChoiceField(label=_("Category"), choices=StakeholderCategory.choices)
    internal = forms.BooleanField(label=_("Internal to the organisation"), required=False)
    influence = forms.TypedChoiceField(label=_("Influence (1 low – 5 high)"), choices=SCALE, coerce=int, initial=3)
    interest = forms.TypedChoiceField(label=_("Interest (1 low – 5 high)"), choices=SCALE, coerce=int, initial=3)
    controls_resources = forms.BooleanField(label=_("Controls resources the work needs"), required=False)
    contact_owner = forms.ModelChoiceField(
        label=_("Contact owner"), queryset=selectors.User.objects.none(), required=False
    )
    notes = text_field(_("Notes"), 4000, required=False)
    initiatives = forms.ModelMultipleChoiceField(
        label=_("Initiatives"), queryset=selectors.Initiative.objects.none(), required=False
    )
    policies = forms.ModelMultipleChoiceField(
        label=_("Policies"), queryset=selectors.Policy.objects.none(), required=False
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_owner"].queryset = selectors.people_of(organization)  # type: ignore[attr-defined]
        self.fields["initiatives"].queryset = selectors.initiatives_of(organization)  # type: ignore[attr-defined]
        self.fields["policies"].queryset = selectors.policies_of(organization)  # type: ignore[attr-defined]

    @staticmethod
    def initial_of(stakeholder: Stakeholder) -> dict[str, Any]:
        names = ("name", "kind", "category", "internal", "influence", "interest", "controls_resources", "notes")
        initial: dict[str, Any] = {name: getattr(stakeholder, name) for name in names}
        initial["contact_owner"] = stakeholder.contact_owner_id
        initial["initiatives"] = [item.pk for item in stakeholder.initiatives.all()]
        initial["policies"] = [item.pk for item in stakeholder.policies.all()]
        return initial


class JudgmentForm(DateBounds):
    stakeholder = forms.ModelChoiceField(label=_("Stakeholder"), queryset=Stakeholder.objects.none())
    legitimacy_type = forms.ChoiceField(label=_("Type of legitimacy"))
    state = forms.ChoiceField(label=_("Judgment"), widget=forms.RadioSelect)
    unknown_cause = forms.ChoiceField(
        label=_("If unknown: why"),
        choices=[("", _("Not unknown")), *UnknownCause.choices],
        required=False,
    )
    mitigating_factors = text_field(_("If conditionally illegitimate: the mitigating factors"), 4000, required=False)
    evidence = text_field(_("Evidence: what the judgment rests on"), 4000, required=False)
    date_fields = tuple(f"review_{number}" for number in range(1, CONDITION_ROWS + 1))

    def __init__(self, *args: Any, organization: Organization, terms: Terms, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].queryset = Stakeholder.objects.filter(  # type: ignore[attr-defined]
            organization=organization, active=True
        )
        self.fields["legitimacy_type"].choices = terms.choices("types")  # type: ignore[attr-defined]
        self.fields["state"].choices = terms.choices("states")  # type: ignore[attr-defined]
        for number in range(1, CONDITION_ROWS + 1):
            self.fields[f"condition_{number}"] = text_field(
                _("If conditionally legitimate: condition %(number)d") % {"number": number},
                2000,
                required=False,
                rows=2,
            )
            self.fields[f"review_{number}"] = date_field(
                _("Review date of condition %(number)d") % {"number": number}, required=False
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for number in range(1, CONDITION_ROWS + 1):
            text, review = data.get(f"condition_{number}", ""), data.get(f"review_{number}")
            if review and not text:
                self.add_error(f"condition_{number}", _("Write the condition this review date belongs to."))
            if text and not review and f"review_{number}" not in self.errors:
                self.add_error(f"review_{number}", _("Give the condition a review date."))
        return data

    def judgment_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        conditions = [
            ConditionInput(data[f"condition_{number}"], data[f"review_{number}"])
            for number in range(1, CONDITION_ROWS + 1)
            if data.get(f"condition_{number}")
        ]
        names = ("stakeholder", "legitimacy_type", "state", "unknown_cause", "mitigating_factors", "evidence")
        return {**{name: data[name] for name in names}, "conditions": conditions}


class ActionForm(DateBounds):
    strategy = forms.ChoiceField(label=_("Strategy"))
    goal = forms.ChoiceField(label=_("Goal"))
    mode = forms.ChoiceField(label=_("Mode"))
    description = text_field(_("What will be done"), 4000)
    stakeholders = forms.ModelMultipleChoiceField(
        label=_("Target stakeholders"),
        queryset=Stakeholder.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    planned_on = date_field(_("Planned for"), required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=selectors.User.objects.none(), required=False)
    date_fields = ("planned_on",)

    def __init__(self, *args: Any, organization: Organization, terms: Terms, targets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, attribute in (("strategy", "strategies"), ("goal", "goals"), ("mode", "modes")):
            self.fields[name].choices = terms.choices(attribute)  # type: ignore[attr-defined]
        self.fields["stakeholders"].queryset = targets  # type: ignore[attr-defined]
        self.fields["owner"].queryset = selectors.people_of(organization)  # type: ignore[attr-defined]


class ActionDoneForm(DateBounds):
    done_on = date_field(_("Done on"))
    outcome = text_field(_("Outcome: what came of it"), 4000)
    date_fields = ("done_on",)


class TacticForm(DateBounds):
    tactic = forms.ChoiceField(label=_("Tactic"), widget=forms.RadioSelect)
    rule_concerned = text_field(_("The rule concerned"), 2000)
    rationale = text_field(_("Rationale: why the rule is bent here"), 4000)
    risks = text_field(_("Risks"), 4000)
    accountable = forms.ModelChoiceField(label=_("Accountable person"), queryset=selectors.User.objects.none())
    review_on = date_field(_("Review date"))
    date_fields = ("review_on",)

    def __init__(self, *args: Any, organization: Organization, terms: Terms, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tactic"].choices = terms.choices("tactics")  # type: ignore[attr-defined]
        self.fields["accountable"].queryset = selectors.people_of(organization)  # type: ignore[attr-defined]


class NoteForm(UswdsForm):
    note = text_field(_("Note (optional)"), 4000, required=False)


class EndForm(UswdsForm):
    reason = text_field(_("Why it ends"), 4000)


class RegisterFilterForm(forms.Form):
    """The stakeholder register's search box, category filter, sort and page; bad values fall back."""

    q = forms.CharField(required=False, max_length=200)
    category = forms.ChoiceField(required=False, choices=[("", ""), *StakeholderCategory.choices])
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in selectors.SORTS])

    def values(self) -> tuple[str, str, str]:
        if not self.is_valid():
            return "", "", "name"
        data = self.cleaned_data
        return data["q"].strip(), data["category"], data["sort"] or "name"
