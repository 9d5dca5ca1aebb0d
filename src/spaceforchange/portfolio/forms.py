"""Forms of the initiative pages. They validate input; the services do the writing.

Units, people and goals are offered from the request's organisation only, and pack keys from the
organisation's effective packs, so another organisation's id or an unknown key is "not a valid
choice" and never reaches a service.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spaceforchange.analytics.change.readiness import FACTORS
from spaceforchange.analytics.portfolio.stages import DEFAULT_READINESS_FACTORS
from spaceforchange.core.forms import EARLIEST_DATE, UnitChoiceField, UswdsForm
from spaceforchange.core.models import Organization, Unit
from spaceforchange.portfolio import selectors
from spaceforchange.portfolio.models import SEVERITY_MAX, SEVERITY_MIN, Initiative, Stage
from spaceforchange.portfolio.terms import Terms

WITHDRAWN = "withdrawn"


def _keys(terms: Terms, attribute: str, *, empty: Any = None) -> list[tuple[str, Any]]:
    choices = terms.choices(attribute)
    return [("", empty), *choices] if empty is not None else choices


def date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("As YYYY-MM-DD."),
        **kwargs,
    )


class DateBoundsMixin:
    """Dates before 1900 overflow in time-zone arithmetic elsewhere; refuse them up front."""

    date_fields: tuple[str, ...] = ()

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}  # type: ignore[misc]
        for name in self.date_fields:
            value = data.get(name)
            if isinstance(value, datetime.date) and value < EARLIEST_DATE:
                self.add_error(name, _("The date is too early."))  # type: ignore[attr-defined]
        return data


class InitiativeForm(UswdsForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=4000
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices, initial=Stage.IDEA)
    change_form = forms.ChoiceField(label=_("Change form"), required=False)
    initiator_level = forms.ChoiceField(label=_("Initiated by"), required=False)
    trigger = forms.ChoiceField(label=_("Trigger"), required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=selectors.User.objects.none(), required=False)
    team = forms.ModelMultipleChoiceField(
        label=_("Team"),
        queryset=selectors.User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Other units taking part"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    goals = forms.ModelMultipleChoiceField(
        label=_("Strategic goals"),
        queryset=selectors.Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    uses_ai = forms.BooleanField(label=_("Uses artificial intelligence"), required=False)

    def __init__(
        self, *args: Any, organization: Organization, terms: Terms, instance: Initiative | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(organization=organization, label=_("Lead unit"), empty_label=_("No unit"))
        people = selectors.people_of(organization)
        self._set_queryset("owner", people)
        self._set_queryset("team", people)
        self._set_queryset("units", Unit.objects.filter(organization=organization).order_by("name"))
        goals = selectors.goals_for(organization)
        linked = [goal.pk for goal in instance.goals.all()] if instance is not None else []
        self._set_queryset("goals", goals.filter(active=True) | goals.filter(pk__in=linked))
        for name, attribute in (("change_form", "forms"), ("initiator_level", "initiators"), ("trigger", "triggers")):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = _keys(terms, attribute, empty=_("Not recorded"))
        if instance is not None:
            # The stage changes only through a recorded transition.
            del self.fields["stage"]
        self.order_fields(["title", "summary", "stage", "unit", "units", "owner", "team", "goals"])

    def _set_queryset(self, name: str, queryset: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset


class MoveForm(DateBoundsMixin, UswdsForm):
    date_fields = ("decided_on",)
    target = forms.ChoiceField(label=_("New stage"), choices=Stage.choices)
    decided_by = forms.ModelChoiceField(label=_("Decided by"), queryset=selectors.User.objects.none(), required=False)
    decided_on = date_field(_("Decided on"), required=False)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text=_("Needed to stop or to step back."),
    )
    reference = forms.CharField(
        label=_("Decision reference"),
        required=False,
        max_length=200,
        help_text=_("A case number or the minutes the decision is recorded in."),
    )

    def __init__(self, *args: Any, organization: Organization, initiative: Initiative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        decider = self.fields["decided_by"]
        assert isinstance(decider, forms.ModelChoiceField)
        decider.queryset = selectors.people_of(organization)
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)
        target.choices = [(value, label) for value, label in Stage.choices if value != initiative.stage]


class ConstraintForm(DateBoundsMixin, UswdsForm):
    date_fields = ("added_on",)
    family = forms.ChoiceField(label=_("Family"))
    object = forms.ChoiceField(label=_("What it rests on"), required=False)
    effect = forms.ChoiceField(label=_("Effect"), required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    severity = forms.TypedChoiceField(
        label=_("Severity"),
        coerce=int,
        choices=[(value, str(value)) for value in range(SEVERITY_MIN, SEVERITY_MAX + 1)],
        initial=3,
        help_text=_("1 is a nuisance, 5 can stop the initiative."),
    )
    owner_stakeholder = forms.CharField(label=_("Stakeholder who holds it"), required=False, max_length=200)
    mitigation = forms.CharField(
        label=_("Mitigation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("What is being done about it; expected for every cognitive constraint."),
    )
    status = forms.ChoiceField(label=_("Status"))
    added_on = date_field(_("Recorded on"), required=False)

    def __init__(self, *args: Any, terms: Terms, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = {
            "family": _keys(terms, "families"),
            "object": _keys(terms, "objects", empty=_("Not recorded")),
            "effect": _keys(terms, "effects", empty=_("Not recorded")),
            "status": _keys(terms, "statuses"),
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = options


class ConstraintStatusForm(DateBoundsMixin, UswdsForm):
    date_fields = ("changed_on",)
    status = forms.ChoiceField(label=_("New status"))
    changed_on = date_field(_("Changed on"), required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)

    def __init__(self, *args: Any, terms: Terms, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _keys(terms, "statuses")


class BackingForm(DateBoundsMixin, UswdsForm):
    date_fields = ("recorded_on",)
    backer = forms.ModelChoiceField(
        label=_("Backer in the organisation"),
        queryset=selectors.User.objects.none(),
        required=False,
        help_text=_("Or name someone outside it below."),
    )
    backer_name = forms.CharField(label=_("Backer outside the organisation"), required=False, max_length=200)
    level = forms.ChoiceField(label=_("Level"))
    commitment = forms.ChoiceField(label=_("Commitment"))
    recorded_on = date_field(_("Date"), required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)

    def __init__(self, *args: Any, organization: Organization, terms: Terms, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        backer = self.fields["backer"]
        assert isinstance(backer, forms.ModelChoiceField)
        backer.queryset = selectors.people_of(organization)
        level = self.fields["level"]
        commitment = self.fields["commitment"]
        assert isinstance(level, forms.ChoiceField) and isinstance(commitment, forms.ChoiceField)
        level.choices = _keys(terms, "initiators")
        commitment.choices = [*_keys(terms, "commitments"), (WITHDRAWN, _("Withdrawn"))]

    def backing_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["commitment"] = None if data["commitment"] == WITHDRAWN else data["commitment"]
        return data


SUPPORT_CHOICES = (("", _("Not known yet")), ("yes", _("Yes")), ("no", _("No")))


class SetbackForm(DateBoundsMixin, UswdsForm):
    date_fields = ("occurred_on",)
    occurred_on = date_field(_("Date"), required=False)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    support_held = forms.TypedChoiceField(
        label=_("Did the support hold?"),
        choices=SUPPORT_CHOICES,
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
    )


class GoalForm(UswdsForm):
    title = forms.CharField(label=_("New goal"), max_length=200)


class GateForm(UswdsForm):
    """The conditions of one stage's gate, each switched on by its box; rendered once per stage."""

    recent_scan = forms.BooleanField(label=_("Require a recent space-for-change scan"), required=False)
    max_age_days = forms.IntegerField(
        label=_("Scan at most this many days old"), min_value=1, max_value=3650, initial=180, required=False
    )
    scan_minimum = forms.BooleanField(label=_("Require a minimum score in the latest scan"), required=False)
    min_score = forms.DecimalField(
        label=_("Minimum score"), min_value=0, max_value=10, decimal_places=2, initial=3, required=False
    )
    dimensions = forms.MultipleChoiceField(
        label=_("On these dimensions (none: every dimension)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    senior_backing = forms.BooleanField(label=_("Require named senior backing"), required=False)
    min_commitment = forms.ChoiceField(label=_("At least this commitment"), required=False)
    cognitive = forms.BooleanField(label=_("Require the cognitive constraints addressed"), required=False)
    max_active = forms.IntegerField(
        label=_("Cognitive constraints allowed to stay active"), min_value=0, max_value=100, initial=0, required=False
    )
    decision_reference = forms.BooleanField(label=_("Require a reference to the decision record"), required=False)
    change_readiness = forms.BooleanField(
        label=_("Require change readiness of the change programmes carrying the initiative"), required=False
    )
    readiness_min_score = forms.DecimalField(
        label=_("Minimum readiness score (1 to 5)"),
        min_value=1,
        max_value=5,
        decimal_places=2,
        initial=3,
        required=False,
    )
    readiness_factors = forms.MultipleChoiceField(
        label=_("On these factors"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        initial=list(DEFAULT_READINESS_FACTORS),
    )
    readiness_sponsor = forms.BooleanField(label=_("Require a named sponsor"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        terms: Terms,
        conditions: list[dict[str, Any]],
        readiness_factors: Sequence[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs["initial"] = self._initial(conditions, terms)
        super().__init__(*args, **kwargs)
        dimensions = self.fields["dimensions"]
        commitment = self.fields["min_commitment"]
        factors = self.fields["readiness_factors"]
        assert isinstance(dimensions, forms.ChoiceField) and isinstance(commitment, forms.ChoiceField)
        assert isinstance(factors, forms.ChoiceField)
        dimensions.choices = _keys(terms, "dimensions")
        commitment.choices = _keys(terms, "commitments")
        factors.choices = list(readiness_factors) if readiness_factors is not None else [(key, key) for key in FACTORS]
        self.ranks = {term.key: term.order for term in terms.commitments}

    @staticmethod
    def _initial(conditions: list[dict[str, Any]], terms: Terms) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        by_rank = {term.order: term.key for term in terms.commitments}
        for entry in conditions:
            kind = entry.get("kind")
            if kind == "recent_scan":
                initial.update(recent_scan=True, max_age_days=entry.get("max_age_days"))
            elif kind == "scan_minimum":
                initial.update(scan_minimum=True, min_score=entry.get("min_score"), dimensions=entry.get("dimensions"))
            elif kind == "senior_backing":
                initial.update(senior_backing=True, min_commitment=by_rank.get(entry.get("min_commitment_rank", 0)))
            elif kind == "cognitive_constraints_addressed":
                initial.update(cognitive=True, max_active=entry.get("max_active"))
            elif kind == "decision_reference":
                initial["decision_reference"] = True
            elif kind == "change_readiness":
                initial.update(
                    change_readiness=True,
                    readiness_min_score=entry.get("min_score"),
                    readiness_factors=entry.get("factors"),
                    readiness_sponsor=entry.get("require_sponsor"),
                )
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needs = (("recent_scan", "max_age_days"), ("scan_minimum", "min_score"), ("senior_backing", "min_commitment"))
        for switch, value in (*needs, ("cognitive", "max_active")):
            if data.get(switch) and data.get(value) in (None, "") and value not in self.errors:
                self.add_error(value, _("Give a value for this condition."))
        if data.get("change_readiness"):
            if data.get("readiness_min_score") is None and "readiness_min_score" not in self.errors:
                self.add_error("readiness_min_score", _("Give a value for this condition."))
            if not data.get("readiness_factors") and not data.get("readiness_sponsor"):
                self.add_error("readiness_factors", _("Choose at least one factor, or require a named sponsor."))
        return data

    def conditions(self) -> list[dict[str, object]]:
        """The switched-on conditions in the pure rules' stored form."""
        data = self.cleaned_data
        chosen: list[dict[str, object]] = []
        if data.get("recent_scan"):
            chosen.append({"kind": "recent_scan", "max_age_days": data["max_age_days"]})
        if data.get("scan_minimum"):
            chosen.append(
                {"kind": "scan_minimum", "min_score": float(data["min_score"]), "dimensions": list(data["dimensions"])}
            )
        if data.get("senior_backing"):
            chosen.append({"kind": "senior_backing", "min_commitment_rank": self.ranks[data["min_commitment"]]})
        if data.get("cognitive"):
            chosen.append({"kind": "cognitive_constraints_addressed", "max_active": data["max_active"]})
        if data.get("decision_reference"):
            chosen.append({"kind": "decision_reference"})
        if data.get("change_readiness"):
            chosen.append(
                {
                    "kind": "change_readiness",
                    "min_score": float(data["readiness_min_score"]),
                    "factors": list(data["readiness_factors"]),
                    "require_sponsor": bool(data.get("readiness_sponsor")),
                }
            )
        return chosen
