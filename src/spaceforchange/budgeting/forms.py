"""Forms of the strategy pages. They validate input; the services do the writing.

People, units, goals and subjects are offered from the request's organisation only, so another
organisation's id is "not a valid choice" and never reaches a service. The goal rows of a
strategy revision are a formset with blank rows to fill in, so the form works without JavaScript.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from spaceforchange.budgeting import services
from spaceforchange.budgeting.models import CADENCE_MAX_MONTHS, SCORE_MAX, SCORE_MIN, StrategicGoal, Strategy
from spaceforchange.core.forms import UswdsForm
from spaceforchange.core.models import Organization, User
from spaceforchange.policies.selectors import people_of

GOAL_ROWS_EXTRA = 2
GOAL_ROWS_MAX = 50


def textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def set_queryset(form: forms.Form, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class RevisionForm(UswdsForm):
    vision = forms.CharField(
        label=_("Future vision"), widget=textarea(5), required=False, max_length=services.VISION_MAX
    )
    cadence_months = forms.IntegerField(
        label=_("Revision cadence (months)"),
        min_value=1,
        max_value=CADENCE_MAX_MONTHS,
        help_text=_("How often the strategy is revised; a warning appears when a revision is overdue."),
    )
    summary = forms.CharField(label=_("What changed"), widget=textarea(3), max_length=services.TEXT_MAX)
    reason = forms.CharField(label=_("Why"), widget=textarea(3), max_length=services.TEXT_MAX)

    @staticmethod
    def initial_for(strategy: Strategy) -> dict[str, Any]:
        return {"vision": strategy.vision, "cadence_months": strategy.revision_cadence_months}


class GoalRowForm(forms.Form):
    """One goal of the revised strategy; a row left blank is ignored."""

    template_name = "budgeting/_goal_row.html"
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Goal"), max_length=services.TITLE_MAX, required=False)
    weight = forms.IntegerField(label=_("Weight"), min_value=0, max_value=services.WEIGHT_TOTAL, required=False)
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False, empty_label=_("No owner")
    )
    description = forms.CharField(
        label=_("Description"), widget=textarea(2), required=False, max_length=services.TEXT_MAX
    )
    retire = forms.BooleanField(label=_("Retire this goal"), required=False)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "owner", people_of(organization))

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("id") and not data.get("title") and data.get("weight") in (None, 0)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_blank() or data.get("retire"):
            return data
        if not data.get("title") and not data.get("id"):
            self.add_error("title", _("Give the goal a title."))
        if data.get("weight") is None:
            self.add_error("weight", _("Give the goal a weight from 0 to 100."))
        return data

    def entry(self) -> dict[str, Any] | None:
        """The goal as ``revise_strategy`` takes it, or None for a blank or retired row."""
        data = self.cleaned_data
        if self.is_blank() or data.get("retire"):
            return None
        return {
            "id": data.get("id"),
            "title": data.get("title", ""),
            "weight": data["weight"],
            "owner": data.get("owner"),
            "description": data.get("description", ""),
        }


class RowFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """Every row is validated, even one that looks unchanged: a row is blank by its own rule
    (``is_blank``), not because it equals what the page was drawn with."""

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "empty_permitted": False}


class BaseGoalFormSet(RowFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        entries = [entry for form in self.forms if (entry := form.entry()) is not None]  # type: ignore[attr-defined]
        if not entries:
            raise forms.ValidationError(_("Name at least one goal."))
        total = sum(entry["weight"] for entry in entries)
        if total != services.WEIGHT_TOTAL:
            raise forms.ValidationError(
                _("The weights add up to %(total)d; they must add up to 100.") % {"total": total}
            )

    def entries(self) -> list[dict[str, Any]]:
        return [entry for form in self.forms if (entry := form.entry()) is not None]  # type: ignore[attr-defined]


GoalFormSet = cast(
    type[BaseGoalFormSet],
    forms.formset_factory(
        GoalRowForm,
        formset=BaseGoalFormSet,
        extra=GOAL_ROWS_EXTRA,
        max_num=GOAL_ROWS_MAX,
        absolute_max=GOAL_ROWS_MAX,
        validate_max=True,
    ),
)


ROW_FIELDS = ("id", "title", "weight", "owner", "description")


def posted_rows(data: Any, prefix: str) -> list[dict[str, Any]]:
    """The goal rows as typed (not yet validated), blank ones left out: the initial rows of a form
    redrawn with more empty rows, so that adding rows needs no JavaScript."""
    rows = []
    for index in range(GOAL_ROWS_MAX):
        row = {name: data.get(f"{prefix}-{index}-{name}", "")[: services.TEXT_MAX] for name in ROW_FIELDS}
        if any(row.values()):
            rows.append(row)
    return rows[: GOAL_ROWS_MAX - GOAL_ROWS_EXTRA]


def goal_rows(goals: list[StrategicGoal]) -> list[dict[str, Any]]:
    """The active goals as the formset's initial rows."""
    return [
        {
            "id": goal.pk,
            "title": goal.title,
            "weight": goal.weight,
            "owner": goal.owner_id,
            "description": goal.description,
        }
        for goal in goals
    ]


class ContributionForm(UswdsForm):
    """Link an initiative, a budget line or a unit to a goal (score 1–5), or unlink it (score 0)."""

    subject = forms.ChoiceField(label=_("What contributes"))
    score = forms.IntegerField(
        label=_("Contribution score"),
        min_value=SCORE_MIN,
        max_value=SCORE_MAX,
        help_text=_("From 0 (none: removes the link) to 5 (decisive)."),
    )
    evidence = forms.CharField(label=_("Evidence"), widget=textarea(3), required=False, max_length=services.TEXT_MAX)

    def __init__(self, *args: Any, subjects: list[tuple[str, list[tuple[str, str]]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["subject"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Choose…")), *subjects]
