"""Forms of the signed-in person's own pages: profile and personal API tokens."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spaceforchange.api import domain as token_domain
from spaceforchange.core.account_services import NAME_MAX_LENGTH


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        help_text=_("The name others see. Leave it empty to show your full name."),
        max_length=NAME_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    first_name = forms.CharField(
        label=_("Given name"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Family name"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        help_text=_("The language of the pages you see."),
        choices=settings.LANGUAGES,
        widget=forms.Select(),
    )


EXPIRY_CHOICES = [
    ("7", _("In 7 days")),
    ("30", _("In 30 days")),
    ("90", _("In 90 days")),
    ("365", _("In a year")),
    ("never", _("Never")),
]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        help_text=_("What the token is for, such as “Reporting script”, so that you can recognise it later."),
        max_length=token_domain.MAX_NAME_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    expires_in = forms.ChoiceField(
        label=_("Expires"),
        help_text=_("A token that expires limits the harm if it leaks."),
        choices=EXPIRY_CHOICES,
        initial="90",
        widget=forms.Select(),
    )

    def expires_at(self) -> datetime | None:
        choice = self.cleaned_data["expires_in"]
        if choice == "never":
            return None
        return timezone.now() + timedelta(days=int(choice))
