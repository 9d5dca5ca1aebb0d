from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spaceforchange.core.models import Organization, Unit, User
from spaceforchange.portfolio.models import Stage


class InitiativeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=4000
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices, initial=Stage.IDEA)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only this organisation's units and people can be chosen: a foreign id is "not a valid choice".
        unit_field = self.fields["unit"]
        owner_field = self.fields["owner"]
        assert isinstance(unit_field, forms.ModelChoiceField) and isinstance(owner_field, forms.ModelChoiceField)
        unit_field.queryset = Unit.objects.filter(organization=organization).order_by("name")
        owner_field.queryset = User.objects.filter(
            memberships__organization=organization, memberships__is_active=True
        ).order_by("email")
        for field in self.fields.values():
            css = {"Select": "usa-select", "Textarea": "usa-textarea"}.get(type(field.widget).__name__, "usa-input")
            field.widget.attrs["class"] = css
