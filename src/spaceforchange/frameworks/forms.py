from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spaceforchange.frameworks.models import PackVersion
from spaceforchange.frameworks.templatetags.frameworks import kind_plural


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind of item"), required=False)

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [("", _("All kinds")), *((kind, kind_plural(kind)) for kind in kinds)]
        self.fields["q"].widget.attrs.update({"class": "usa-input", "type": "search"})
        self.fields["kind"].widget.attrs.update({"class": "usa-select"})


class PackTextForm(forms.Form):
    text = forms.CharField(
        label=_("Pack (YAML)"),
        strip=False,
        help_text=_("The whole pack. It is checked completely before anything is saved."),
        widget=forms.Textarea(attrs={"class": "usa-textarea sfc-yaml", "rows": 30, "spellcheck": "false"}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            if not data and self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return [single(entry, initial) for entry in data]
        return [single(data, initial)]


class PackUploadForm(forms.Form):
    packs = MultipleFileField(
        label=_("Pack files (YAML)"),
        help_text=_("One or more .yaml files. If any file has an error, nothing is imported."),
        widget=MultipleFileInput(attrs={"class": "usa-file-input", "accept": ".yaml,.yml,application/yaml,text/yaml"}),
    )


class CompareForm(forms.Form):
    old = forms.TypedChoiceField(label=_("Older version"), coerce=int)
    new = forms.TypedChoiceField(label=_("Newer version"), coerce=int)

    def __init__(self, *args: Any, versions: list[PackVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(version.pk, version_label(version)) for version in versions]
        for name in ("old", "new"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices
            field.widget.attrs.update({"class": "usa-select"})


def version_label(version: PackVersion) -> str:
    owner = _("shipped") if version.organization_id is None else _("your organisation")
    return f"#{version.number} · {version.version} · {owner} · {version.created_at:%Y-%m-%d}"
