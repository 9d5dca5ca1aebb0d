"""Forms of the consultation pages. They validate input; the services do the writing.

Policies and initiatives are offered from the request's organisation only, so another
organisation's id is "not a valid choice" and never reaches a service. Participants' forms take
nothing but their vote or their statement: the statement they vote on is looked up in the
consultation the link names.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from spaceforchange.assessments.forms import ZonedDateTimeField
from spaceforchange.consultations import services
from spaceforchange.consultations.models import (
    DESCRIPTION_MAX,
    LABEL_MAX,
    STATEMENT_MAX,
    TITLE_MAX,
    Access,
    Consultation,
    Moderation,
    Status,
    VoteValue,
)
from spaceforchange.core.forms import SEARCH_MAX_LENGTH, UswdsForm
from spaceforchange.core.models import Organization
from spaceforchange.policies.models import Policy
from spaceforchange.portfolio.models import Initiative

# Generous for pasted lists of seed statements, bounded so one request cannot carry megabytes.
SEED_TEXT_MAX = 100 * (STATEMENT_MAX + 2)
SORTS = ("-opens_at", "opens_at", "title")


class ConsultationForm(UswdsForm):
    title = forms.CharField(
        label=_("Question"),
        max_length=TITLE_MAX,
        help_text=_("The question participants answer by voting on statements."),
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=DESCRIPTION_MAX,
        help_text=_("Background participants read before they vote."),
    )
    policy = forms.ModelChoiceField(
        label=_("Linked policy"), queryset=Policy.objects.none(), required=False, empty_label=_("No policy")
    )
    initiative = forms.ModelChoiceField(
        label=_("Linked initiative"),
        queryset=Initiative.objects.none(),
        required=False,
        empty_label=_("No initiative"),
    )
    seed_statements = forms.CharField(
        label=_("Seed statements"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=SEED_TEXT_MAX,
    )
    access = forms.ChoiceField(
        label=_("Who may take part"), choices=Access.choices, initial=Access.PUBLIC, widget=forms.RadioSelect
    )
    allow_participant_statements = forms.BooleanField(
        label=_("Participants may add statements"), required=False, initial=True
    )
    strict_moderation = forms.BooleanField(
        label=_("Strict moderation"),
        required=False,
        help_text=_(
            "Participants' statements are shown to others only once accepted. Without it they are shown "
            "while they wait for moderation."
        ),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=settings.LANGUAGES,
        initial=[code for code, _name in settings.LANGUAGES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "The participant pages are shown in the reader's language when it is one of these, otherwise in the "
            "first. None chosen: in the reader's language."
        ),
    )

    def __init__(
        self, *args: Any, organization: Organization, zone: datetime.tzinfo, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._queryset("policy", Policy.objects.filter(organization=organization).order_by("title"))
        self._queryset("initiative", Initiative.objects.filter(organization=organization).order_by("title"))
        self.fields["opens_at"] = ZonedDateTimeField(
            zone=zone,
            label=_("Opens"),
            required=False,
            help_text=(
                _("In the organisation's time zone (%(zone)s). Empty: unchanged.")
                if editing
                else _("In the organisation's time zone (%(zone)s). Empty: now.")
            )
            % {"zone": zone},
        )
        self.fields["closes_at"] = ZonedDateTimeField(
            zone=zone, label=_("Closes"), required=False, help_text=_("Empty: open until it is closed.")
        )
        self.fields["seed_statements"].help_text = _("One statement per line, each at most %(limit)d characters.") % {
            "limit": STATEMENT_MAX
        }
        if editing:
            # Statements are added one by one on the consultation's page once it exists.
            del self.fields["seed_statements"]
        self.order_fields(["title", "description", "policy", "initiative", "seed_statements", "opens_at"])

    def _queryset(self, name: str, queryset: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset

    def clean_seed_statements(self) -> list[str]:
        lines = [line.strip() for line in str(self.cleaned_data.get("seed_statements") or "").splitlines()]
        too_long = [number for number, line in enumerate(lines, start=1) if len(line) > STATEMENT_MAX]
        if too_long:
            raise forms.ValidationError(
                _("Line %(lines)s: at most %(limit)d characters per statement.")
                % {"lines": ", ".join(str(number) for number in too_long), "limit": STATEMENT_MAX}
            )
        return [line for line in lines if line]

    def arguments(self) -> dict[str, Any]:
        """The cleaned form as keyword arguments of ``create_consultation`` / ``update_consultation``."""
        data = dict(self.cleaned_data)
        if data.get("opens_at") is None:
            data.pop("opens_at", None)
        return data

    @staticmethod
    def initial_for(consultation: Consultation) -> dict[str, Any]:
        return {
            "title": consultation.title,
            "description": consultation.description,
            "policy": consultation.policy_id,
            "initiative": consultation.initiative_id,
            "opens_at": consultation.opens_at,
            "closes_at": consultation.closes_at,
            "access": consultation.access,
            "allow_participant_statements": consultation.allow_participant_statements,
            "strict_moderation": consultation.strict_moderation,
            "languages": consultation.languages,
        }


class ListFilterForm(forms.Form):
    """The list's search, status filter and order; anything unknown is ignored, never an error page."""

    q = forms.CharField(required=False, max_length=SEARCH_MAX_LENGTH)
    status = forms.ChoiceField(required=False, choices=[("", ""), *Status.choices])
    sort = forms.ChoiceField(required=False, choices=[(sort, sort) for sort in SORTS])

    def values(self) -> tuple[str, str, str]:
        data = self.cleaned_data if self.is_valid() else {}
        # NUL is refused by PostgreSQL in any text comparison, and no question contains it.
        query = str(self.data.get("q", "")).replace("\x00", "").strip()[:SEARCH_MAX_LENGTH]
        return query, data.get("status") or "", data.get("sort") or SORTS[0]


class StatementForm(UswdsForm):
    text = forms.CharField(
        label=_("Statement"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=STATEMENT_MAX,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = _(
            "One clear claim others can agree or disagree with; at most %(limit)d characters."
        ) % {"limit": STATEMENT_MAX}


class ModerationForm(forms.Form):
    moderation = forms.ChoiceField(choices=Moderation.choices)


class InvitationsForm(UswdsForm):
    count = forms.IntegerField(
        label=_("Number of invitation links"), min_value=1, max_value=services.INVITATIONS_MAX, initial=10
    )
    label = forms.CharField(
        label=_("Label"),
        max_length=LABEL_MAX,
        required=False,
        help_text=_("For your own use, such as the group the links are for. Participants do not see it."),
    )


class VoteForm(forms.Form):
    statement = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    value = forms.TypedChoiceField(choices=VoteValue.choices, coerce=int)
