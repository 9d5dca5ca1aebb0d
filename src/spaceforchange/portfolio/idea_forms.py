"""Forms of the idea-box pages. They validate input; ``idea_services`` does the writing.

Units, people and ideas are offered from the request's organisation only, so another
organisation's id is "not a valid choice" and never reaches a service.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spaceforchange.analytics.portfolio.ranking import SCORE_MAX, SCORE_MIN
from spaceforchange.core.forms import UnitChoiceField, UswdsForm
from spaceforchange.core.models import Organization
from spaceforchange.portfolio import idea_selectors, selectors
from spaceforchange.portfolio.challenge_selectors import CriterionTerm
from spaceforchange.portfolio.forms import DateBoundsMixin, date_field
from spaceforchange.portfolio.idea_services import COMMENT_MAX, SHORT_TEXT_MAX, TEXT_MAX, TITLE_MAX
from spaceforchange.portfolio.models import Challenge, Idea, IdeaStatus


class IdeaForm(UswdsForm):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    problem = forms.CharField(
        label=_("The problem"),
        help_text=_("What does not work today, and for whom?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX,
    )
    proposal = forms.CharField(label=_("Your proposal"), widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_MAX)
    beneficiaries = forms.CharField(
        label=_("Who benefits"), widget=forms.Textarea(attrs={"rows": 2}), max_length=SHORT_TEXT_MAX, required=False
    )
    public_value = forms.CharField(
        label=_("Expected public value"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=SHORT_TEXT_MAX,
        required=False,
    )
    challenge = forms.ModelChoiceField(
        label=_("Challenge"),
        help_text=_("An open call for ideas this idea answers, if any."),
        queryset=Challenge.objects.none(),
        required=False,
        empty_label=_("None"),
    )
    anonymous = forms.BooleanField(
        label=_("Hide my name from colleagues"),
        help_text=_("Your name is then shown to nobody; only the audit log keeps it."),
        required=False,
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(
            organization=organization, empty_label=_("No particular unit"), label=_("Unit")
        )
        challenge = self.fields["challenge"]
        assert isinstance(challenge, forms.ModelChoiceField)
        challenge.queryset = idea_selectors.open_challenges(organization)
        self.order_fields(
            ["title", "problem", "proposal", "beneficiaries", "public_value", "unit", "challenge", "anonymous"]
        )


DECISION_CHOICES = [
    (IdeaStatus.ADOPTED.value, _("Adopt it as an initiative")),
    (IdeaStatus.MERGED.value, _("Merge it into another idea")),
    (IdeaStatus.DECLINED.value, _("Decline it")),
    (IdeaStatus.PARKED.value, _("Park it for later")),
]


class DecisionForm(UswdsForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISION_CHOICES, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Needed to decline or park; the person who submitted the idea reads it."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )
    initiative_title = forms.CharField(
        label=_("Title of the initiative"),
        help_text=_("When adopting; the idea's title if left empty."),
        max_length=TITLE_MAX,
        required=False,
    )
    merge_into = forms.ModelChoiceField(
        label=_("Merge into"), queryset=Idea.objects.none(), required=False, empty_label=_("Choose an idea")
    )

    def __init__(self, *args: Any, idea: Idea, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["merge_into"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = idea_selectors.open_ideas_except(idea.organization, idea).order_by("title")


class SponsorForm(UswdsForm):
    person = forms.ModelChoiceField(label=_("Sponsor"), queryset=selectors.User.objects.none())

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(
            organization=organization,
            empty_label=_("Default: every unit without a sponsor of its own"),
            label=_("Unit"),
        )
        person = self.fields["person"]
        assert isinstance(person, forms.ModelChoiceField)
        person.queryset = selectors.people_of(organization)
        self.order_fields(["unit", "person"])


class AnswerDaysForm(UswdsForm):
    answer_days = forms.IntegerField(
        label=_("Answer guarantee in days"),
        help_text=_("Every idea gets a decision within this many days."),
        min_value=1,
        max_value=365,
    )


class ChallengeForm(DateBoundsMixin, UswdsForm):
    date_fields = ("closes_on",)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    theme = forms.CharField(
        label=_("Theme"),
        help_text=_("What the call asks ideas about."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX,
    )
    closes_on = date_field(_("Closes on"))
    evaluators = forms.ModelMultipleChoiceField(
        label=_("Evaluators"),
        queryset=selectors.User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        evaluators = self.fields["evaluators"]
        assert isinstance(evaluators, forms.ModelMultipleChoiceField)
        evaluators.queryset = selectors.people_of(organization)


class EvaluationForm(UswdsForm):
    """One radio group per criterion of the pack (1 weak … 5 strong), then a comment."""

    def __init__(self, *args: Any, criteria: tuple[CriterionTerm, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ends = {SCORE_MIN: f"{SCORE_MIN} – {_('weak')}", SCORE_MAX: f"{SCORE_MAX} – {_('strong')}"}
        choices = [(value, ends.get(value, str(value))) for value in range(SCORE_MIN, SCORE_MAX + 1)]
        for criterion in criteria:
            self.fields[criterion.key] = forms.TypedChoiceField(
                label=criterion.name,
                help_text=criterion.description,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
            )
        self.fields["comment"] = forms.CharField(
            label=_("Comment"),
            help_text=_("Optional: what the scores rest on, for the discussion of the ranking."),
            widget=forms.Textarea(attrs={"rows": 3}),
            max_length=COMMENT_MAX,
            required=False,
        )
        self.criteria = criteria

    def scores(self) -> dict[str, int]:
        return {criterion.key: self.cleaned_data[criterion.key] for criterion in self.criteria}
