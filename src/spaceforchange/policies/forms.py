"""Forms of the policy pages. They validate input; the services do the writing.

People, units and initiatives are offered from the request's organisation only, and legitimacy
types and signals from the organisation's packs, so another organisation's id or an unknown key
is "not a valid choice" and never reaches a service.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spaceforchange.core.forms import UswdsForm
from spaceforchange.core.models import Organization, Unit
from spaceforchange.policies import selectors, services
from spaceforchange.policies.models import Policy, ReportFrequency
from spaceforchange.policies.terms import PolicyTerms
from spaceforchange.portfolio.forms import DateBoundsMixin, date_field
from spaceforchange.portfolio.models import Initiative


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class PolicyForm(DateBoundsMixin, UswdsForm):
    date_fields = ("last_reviewed_on", "next_review_on")
    title = forms.CharField(label=_("Title"), max_length=services.TITLE_MAX)
    summary = forms.CharField(label=_("Summary"), widget=_textarea(), required=False, max_length=services.TEXT_MAX)
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        widget=_textarea(3),
        required=False,
        max_length=services.BASIS_MAX,
        help_text=_("The act, regulation or decision the policy rests on."),
    )
    manager = forms.ModelChoiceField(
        label=_("Policy manager"),
        queryset=selectors.User.objects.none(),
        required=False,
        empty_label=_("No manager yet"),
        help_text=_("The person who looks after the policy and answers its scrutiny reports."),
    )
    enforcing_units = forms.ModelMultipleChoiceField(
        label=_("Enforcing units"), queryset=Unit.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    initiatives = forms.ModelMultipleChoiceField(
        label=_("Linked initiatives"),
        queryset=Initiative.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    last_reviewed_on = date_field(_("Last reviewed"), required=False)
    next_review_on = date_field(_("Next review"), required=False)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_queryset("manager", selectors.people_of(organization))
        self._set_queryset("enforcing_units", Unit.objects.filter(organization=organization).order_by("name"))
        self._set_queryset("initiatives", Initiative.objects.filter(organization=organization).order_by("title"))

    def _set_queryset(self, name: str, queryset: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset

    @staticmethod
    def initial_for(policy: Policy) -> dict[str, Any]:
        return {
            "title": policy.title,
            "summary": policy.summary,
            "legal_basis": policy.legal_basis,
            "manager": policy.manager_id,
            "enforcing_units": [unit.pk for unit in policy.enforcing_units.all()],
            "initiatives": [initiative.pk for initiative in policy.initiatives.all()],
            "last_reviewed_on": policy.last_reviewed_on,
            "next_review_on": policy.next_review_on,
        }


class ReportForm(UswdsForm):
    what_happened = forms.CharField(
        label=_("What happened"),
        widget=_textarea(),
        max_length=services.TEXT_MAX,
        help_text=_("Describe the situation where the policy caused a problem, without naming the people involved."),
    )
    legitimacy_type = forms.ChoiceField(
        label=_("What does it strain?"),
        widget=forms.RadioSelect,
        help_text=_("Which kind of legitimacy the problem puts under strain."),
    )
    frequency = forms.ChoiceField(label=_("How often"), choices=ReportFrequency.choices, widget=forms.RadioSelect)
    proposed_change = forms.CharField(
        label=_("Proposed change"), widget=_textarea(3), required=False, max_length=services.TEXT_MAX
    )
    anonymous = forms.BooleanField(
        label=_("Hide my name from colleagues"),
        required=False,
        help_text=_(
            "The policy manager and colleagues will not see who reported. You still see the report and its "
            "answer under “My reports”, and the audit log, read by oversight, keeps your name."
        ),
    )

    def __init__(self, *args: Any, terms: PolicyTerms, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["legitimacy_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = terms.type_choices()


class AnswerForm(UswdsForm):
    answer = forms.CharField(
        label=_("Your answer"),
        widget=_textarea(5),
        max_length=services.TEXT_MAX,
        help_text=_("The reporter reads it. Say what you will do, or why the policy stays as it is."),
    )


class SignalForm(DateBoundsMixin, UswdsForm):
    date_fields = ("period_start",)
    signal = forms.ChoiceField(label=_("Signal"))
    period_start = date_field(_("Month (any day of it)"))
    count = forms.IntegerField(label=_("Count in that month"), min_value=0, max_value=services.COUNT_MAX)
    note = forms.CharField(label=_("Note"), widget=_textarea(2), required=False, max_length=services.NOTE_MAX)

    def __init__(self, *args: Any, terms: PolicyTerms, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["signal"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = terms.signal_choices()
        field.help_text = _("Recording a month again replaces its count.")
