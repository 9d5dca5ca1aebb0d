"""Forms of the budget pages: cycles, the line list's filters, lines and their funding options,
imports, unit contribution statements and their review, scenarios and their adoption.

They validate input; the services do the writing. Units, lines and goals are offered from the
request's organisation (and cycle) only, so a foreign id is "not a valid choice".
Shares are typed as percentages and handed to the services as fractions.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from spaceforchange.budgeting import budget_services, services
from spaceforchange.budgeting.forms import RowFormSet, set_queryset, textarea
from spaceforchange.budgeting.import_lines import MAX_BYTES
from spaceforchange.budgeting.models import KEY_LENGTH, Basis, BudgetCycle, BudgetLine, Method, Purpose, StrategicGoal
from spaceforchange.core.forms import SEARCH_MAX_LENGTH, UnitChoiceField, UswdsForm
from spaceforchange.core.models import Organization, Unit
from spaceforchange.core.selectors import unit_of
from spaceforchange.portfolio.forms import DateBoundsMixin, date_field

PER_CENT = Decimal(100)
MONEY_DIGITS = {"max_digits": 16, "decimal_places": 2, "min_value": 0}
IMPORT_SUFFIXES = (".csv", ".xlsx")
YES_NO = (("", _("Any")), ("yes", _("Yes")), ("no", _("No")))
SORTS = (("code", _("Code")), ("title", _("Title")), ("amount", _("Largest amount first")), ("unit", _("Unit")))
RUNNABLE = (Method.OPTIMISED, Method.GREEDY, Method.CURRENT)


def percent_field(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=0, max_value=100, max_digits=5, decimal_places=2, required=False, **kwargs
    )


def _share(value: Decimal | None) -> float | None:
    return None if value is None else float(value / PER_CENT)


def _percent(value: float | None) -> str | None:
    return None if value is None else format((Decimal(str(value)) * PER_CENT).normalize(), "f")


class CycleForm(DateBoundsMixin, UswdsForm):
    """A cycle with its target purpose mix (percentages adding up to 100, or none) and the bounds
    the optimiser keeps each purpose's share within."""

    date_fields = ("starts_on", "ends_on")
    name = forms.CharField(label=_("Name"), max_length=budget_services.NAME_MAX)
    starts_on = date_field(_("First day"))
    ends_on = date_field(_("Last day"))
    total_budget = forms.DecimalField(label=_("Total budget"), **MONEY_DIGITS)  # type: ignore[arg-type]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for purpose, label in Purpose.choices:
            self.fields[f"target_{purpose}"] = percent_field(_("Target share of %(purpose)s (%%)") % {"purpose": label})
        for purpose, label in Purpose.choices:
            self.fields[f"min_{purpose}"] = percent_field(_("At least, %(purpose)s (%%)") % {"purpose": label})
            self.fields[f"max_{purpose}"] = percent_field(_("At most, %(purpose)s (%%)") % {"purpose": label})

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        mix = {purpose: _share(data[f"target_{purpose}"]) for purpose in Purpose.values}
        bounds = {
            purpose: {
                key: _share(data[f"{key}_{purpose}"]) for key in ("min", "max") if data[f"{key}_{purpose}"] is not None
            }
            for purpose in Purpose.values
        }
        return {
            "name": data["name"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "total_budget": data["total_budget"],
            "target_purpose_mix": {key: value for key, value in mix.items() if value is not None},
            "purpose_bounds": {key: value for key, value in bounds.items() if value},
        }

    @staticmethod
    def initial_for(cycle: BudgetCycle) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": cycle.name,
            "starts_on": cycle.starts_on,
            "ends_on": cycle.ends_on,
            "total_budget": cycle.total_budget,
        }
        for purpose in Purpose.values:
            initial[f"target_{purpose}"] = _percent(cycle.target_purpose_mix.get(purpose))
            for key in ("min", "max"):
                initial[f"{key}_{purpose}"] = _percent(cycle.purpose_bounds.get(purpose, {}).get(key))
        return initial


class LineFilterForm(forms.Form):
    """The line list's search, filters and sort; a bad value falls back to "any"."""

    q = forms.CharField(label=_("Search code or title"), required=False, max_length=SEARCH_MAX_LENGTH)
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    purpose = forms.ChoiceField(label=_("Purpose"), required=False, choices=[("", _("Any")), *Purpose.choices])
    basis = forms.ChoiceField(label=_("Basis"), required=False, choices=[("", _("Any")), *Basis.choices])
    mandatory = forms.ChoiceField(label=_("Mandatory"), required=False, choices=YES_NO)
    linked = forms.ChoiceField(label=_("Linked to a goal"), required=False, choices=YES_NO)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Any")), *units]

    def values(self) -> tuple[str, dict[str, Any], str]:
        """The search text, the selector's filters and the sort key."""
        if not self.is_valid():
            return "", {}, "code"
        data = self.cleaned_data
        flags = {"yes": True, "no": False}
        filters = {
            "unit": data["unit"],
            "purpose": data["purpose"],
            "basis": data["basis"],
            "mandatory": flags.get(data["mandatory"]),
            "linked": flags.get(data["linked"]),
        }
        return data["q"].strip(), filters, data["sort"] or "code"


class LineForm(UswdsForm):
    code = forms.CharField(label=_("Code"), max_length=KEY_LENGTH)
    title = forms.CharField(label=_("Title"), max_length=budget_services.TITLE_MAX)
    amount = forms.DecimalField(label=_("Amount"), **MONEY_DIGITS)  # type: ignore[arg-type]
    previous_amount = forms.DecimalField(
        label=_("Amount in the previous cycle"),
        required=False,
        **MONEY_DIGITS,  # type: ignore[arg-type]
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices, widget=forms.RadioSelect)
    basis = forms.ChoiceField(
        label=_("Basis"),
        choices=Basis.choices,
        widget=forms.RadioSelect,
        help_text=_("Carried over from last cycle, or decided anew for this one."),
    )
    mandatory = forms.BooleanField(label=_("Mandatory (a legal obligation)"), required=False)
    max_change = forms.DecimalField(
        label=_("Largest change from the previous cycle (%)"),
        required=False,
        min_value=0,
        max_value=1000,
        max_digits=7,
        decimal_places=2,
        help_text=_("The optimiser keeps the line within this much of its previous amount. Empty: no limit."),
    )
    locked = forms.BooleanField(label=_("Locked at its amount"), required=False)
    requires = forms.ModelMultipleChoiceField(
        label=_("Funded only if these lines are funded"),
        queryset=BudgetLine.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}),
    )

    def __init__(self, *args: Any, cycle: BudgetCycle, line: BudgetLine | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(
            organization=cycle.organization, label=_("Unit"), empty_label=_("Choose a unit")
        )
        self.order_fields(["code", "title", "unit"])
        others = BudgetLine.objects.filter(cycle=cycle).order_by("code")
        set_queryset(self, "requires", others.exclude(pk=line.pk) if line else others)

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["max_change"] = _share(data["max_change"])
        data["requires"] = list(data["requires"])
        return data

    @staticmethod
    def initial_for(line: BudgetLine) -> dict[str, Any]:
        return {
            "code": line.code,
            "title": line.title,
            "unit": line.unit_id,
            "amount": line.amount,
            "previous_amount": line.previous_amount,
            "purpose": line.purpose,
            "basis": line.basis,
            "mandatory": line.mandatory,
            "max_change": _percent(line.max_change),
            "locked": line.locked,
            "requires": [dependency.requires_id for dependency in line.dependencies.all()],
        }


SCORE_FIELD = "goal_%d"


class OptionRowForm(forms.Form):
    """One funding option; a row left blank is ignored. With any goal score given, the option is a
    package with contributions of its own (a goal left empty scores 0); without, it delivers ``scale``
    of the line's goal scores."""

    template_name = "budgeting/_option_row.html"
    key = forms.SlugField(label=_("Key"), max_length=KEY_LENGTH, required=False)
    label = forms.CharField(label=_("Label"), max_length=budget_services.LABEL_MAX, required=False)
    cost = forms.DecimalField(label=_("Cost"), required=False, **MONEY_DIGITS)  # type: ignore[arg-type]
    scale = forms.DecimalField(
        label=_("Share of the line's contribution (%)"),
        required=False,
        min_value=0,
        max_value=500,
        max_digits=6,
        decimal_places=2,
    )

    def __init__(self, *args: Any, goals: list[StrategicGoal] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = goals or []
        for goal in self.goals:
            self.fields[SCORE_FIELD % goal.pk] = forms.DecimalField(
                label=goal.title, required=False, min_value=0, max_value=5, max_digits=4, decimal_places=2
            )

    def score_fields(self) -> list[forms.BoundField]:
        return [self[SCORE_FIELD % goal.pk] for goal in self.goals]

    def option_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("key", "label", "cost", "scale")]

    def contributions(self, data: dict[str, Any]) -> dict[str, float] | None:
        scores = {str(goal.pk): data.get(SCORE_FIELD % goal.pk) for goal in self.goals}
        if all(score is None for score in scores.values()):
            return None
        return {goal: float(score) for goal, score in scores.items() if score}

    def entry(self) -> dict[str, Any] | None:
        data = getattr(self, "cleaned_data", {})
        contributions = self.contributions(data)
        if not data.get("key") and not data.get("label") and data.get("cost") is None and contributions is None:
            return None
        return {
            "key": data.get("key", ""),
            "label": data.get("label", ""),
            "cost": data.get("cost"),
            "scale": _share(data.get("scale")) or 0.0,
            "contributions": contributions,
        }


class BaseOptionFormSet(RowFormSet):
    def entries(self) -> list[dict[str, Any]]:
        return [entry for form in self.forms if (entry := form.entry()) is not None]  # type: ignore[attr-defined]


OptionFormSet = cast(
    type[BaseOptionFormSet],
    forms.formset_factory(
        OptionRowForm,
        formset=BaseOptionFormSet,
        extra=2,
        max_num=budget_services.OPTIONS_MAX,
        absolute_max=budget_services.OPTIONS_MAX,
        validate_max=True,
    ),
)


def _score(value: Any) -> str:
    return format(Decimal(str(value)).quantize(Decimal("0.01")).normalize(), "f")


def option_rows(line: BudgetLine) -> list[dict[str, Any]]:
    """The options as rows of the form; a package's contributions fill its goal scores."""
    rows = []
    for option in line.options.all():
        row = {"key": option.key, "label": option.label, "cost": option.cost, "scale": _percent(option.scale or 0.0)}
        if option.scale is None:
            row |= {SCORE_FIELD % int(goal): _score(score) for goal, score in option.contributions.items()}
        rows.append(row)
    return rows


class EnvelopeForm(UswdsForm):
    """A unit's floor and ceiling in a cycle (the service refuses a ceiling below the floor, on ``ceiling``)."""

    floor = forms.DecimalField(
        label=_("Floor"),
        required=False,
        help_text=_("The least the unit receives in a scenario. Empty: 0."),
        **MONEY_DIGITS,  # type: ignore[arg-type]
    )
    ceiling = forms.DecimalField(
        label=_("Ceiling"),
        required=False,
        help_text=_("The most the unit receives in a scenario. Empty: no upper limit."),
        **MONEY_DIGITS,  # type: ignore[arg-type]
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(
            organization=organization, label=_("Unit"), empty_label=_("Choose a unit")
        )
        self.fields["unit"].required = True
        self.order_fields(["unit", "floor", "ceiling"])

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"unit": data["unit"], "floor": data["floor"] or Decimal(0), "ceiling": data["ceiling"]}


class ImportForm(UswdsForm):
    file = forms.FileField(
        label=_("File of budget lines"),
        help_text=_("CSV (UTF-8) or XLSX, at most 5 MB, with the columns of the export."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(IMPORT_SUFFIXES):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MiB."))
        return upload

    def file_format(self) -> str:
        return "xlsx" if self.cleaned_data["file"].name.lower().endswith(".xlsx") else "csv"


class StatementForm(UswdsForm):
    statement = forms.CharField(
        label=_("The unit's strategic contribution"), widget=textarea(5), max_length=services.TEXT_MAX
    )
    evidence = forms.CharField(label=_("Evidence"), widget=textarea(3), required=False, max_length=services.TEXT_MAX)
    goals = forms.ModelMultipleChoiceField(
        label=_("Goals it contributes to"),
        queryset=StrategicGoal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}),
    )

    def __init__(self, *args: Any, organization: Organization, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = forms.TypedChoiceField(
            label=_("Unit"), coerce=int, choices=[("", _("Choose a unit")), *units]
        )
        self.order_fields(["unit", "statement", "evidence", "goals"])
        set_queryset(self, "goals", StrategicGoal.objects.filter(organization=organization, active=True))
        self.organization = organization

    def clean_unit(self) -> Unit:
        unit = unit_of(self.organization, self.cleaned_data["unit"])
        if unit is None:  # deleted since the page was drawn
            raise forms.ValidationError(_("Choose a unit of the organisation."))
        return unit


class ReviewForm(UswdsForm):
    demonstrated = forms.TypedChoiceField(
        label=_("Is the contribution demonstrated?"),
        choices=(("yes", _("Yes, demonstrated")), ("no", _("No: demonstrate or change"))),
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Review note"),
        widget=textarea(3),
        required=False,
        max_length=services.TEXT_MAX,
        help_text=_("Needed when the contribution is not demonstrated: say what is missing."),
    )


class RunScenarioForm(UswdsForm):
    method = forms.ChoiceField(
        label=_("Method"),
        choices=[(method.value, method.label) for method in RUNNABLE],
        widget=forms.RadioSelect,
        initial=Method.OPTIMISED,
    )
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=budget_services.NAME_MAX,
        help_text=_("Empty: named after the method."),
    )


class AdoptForm(UswdsForm):
    note = forms.CharField(
        label=_("Decision"),
        widget=textarea(4),
        max_length=services.TEXT_MAX,
        help_text=_("What is adopted and why; it is kept with the scenario."),
    )
