"""Forms of the answer import pages: the upload, and matching a file's columns to the instrument."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from spaceforchange.assessments import import_mapping
from spaceforchange.assessments.import_selectors import MappingChoice, max_import_bytes
from spaceforchange.core.forms import UswdsForm
from spaceforchange.frameworks.schema import Instrument

ACCEPTED = ".csv,.gz,.xlsx,text/csv,application/gzip,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadForm(UswdsForm):
    file = forms.FileField(
        label=_("File of answers"),
        help_text=_(
            "CSV (UTF-8, comma, semicolon or tab between cells), gzip-compressed CSV (.csv.gz) or Excel (.xlsx, "
            "first sheet). The first row must name the columns; each further row is one respondent."
        ),
        widget=forms.ClearableFileInput(attrs={"class": "usa-file-input", "accept": ACCEPTED}),
    )
    mapping = forms.ChoiceField(label=_("Column mapping"), required=False)

    def __init__(self, *args: Any, choices: Sequence[MappingChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mapping"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("None: I will match the columns myself after the upload")), *_grouped(choices)]
        field.help_text = _("A saved mapping, or one the instrument's framework pack offers for a known survey tool.")

    def clean_file(self) -> UploadedFile:
        uploaded: UploadedFile = self.cleaned_data["file"]
        # Refused before it is read: the size is known from the request.
        if (uploaded.size or 0) > max_import_bytes():
            limit = max_import_bytes() / 1024 / 1024
            raise forms.ValidationError(
                _("The file is too big: imports take files of up to %(size)d MB.") % {"size": limit}
            )
        return uploaded

    def file_content(self) -> bytes:
        uploaded: UploadedFile = self.cleaned_data["file"]
        return b"".join(uploaded.chunks())


def _grouped(choices: Sequence[MappingChoice]) -> list[tuple[str, list[tuple[str, str]]]]:
    saved = [(choice.name, choice.label) for choice in choices if choice.source == "saved"]
    declared = [(choice.name, choice.label) for choice in choices if choice.source == "pack"]
    groups = [(str(_("Saved by your organisation")), saved), (str(_("From the framework pack")), declared)]
    return [(label, entries) for label, entries in groups if entries]


def _split_values(text: str) -> list[str]:
    return [value.strip() for value in text.split(",") if value.strip()]


class ColumnMappingForm(UswdsForm):
    """One choice of column per statement, and the columns for the weight, unit and attributes."""

    weight = forms.ChoiceField(
        label=_("Weight"), required=False, help_text=_("A column of respondent weights, if the file has one.")
    )
    unit = forms.ChoiceField(
        label=_("Unit"), required=False, help_text=_("A column naming each respondent's unit (by the unit's name).")
    )
    attributes = forms.MultipleChoiceField(
        label=_("Respondent attributes"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Columns to keep with each response, to break results down by (for example agency or grade)."),
    )
    dont_know = forms.CharField(
        label=_("Cells that mean “don't know”"),
        required=False,
        max_length=500,
        help_text=_("Separate several with commas, for example: X, DK. Empty cells always mean “not answered”."),
    )
    save_as = forms.CharField(
        label=_("Save this mapping as"),
        required=False,
        max_length=import_mapping.MAX_NAME_CHARS,
        help_text=_("Give a name to reuse the mapping for the next file from the same tool."),
    )

    def __init__(self, *args: Any, instrument: Instrument, header: Sequence[str], language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        columns: list[tuple[str, Any]] = [(name, name) for name in dict.fromkeys(header) if name]
        not_used: list[tuple[str, Any]] = [("", _("— not in the file —"))]
        self.statement_fields: list[tuple[str, str]] = []
        for index, statement in enumerate(instrument.statements):
            name = f"statement_{index}"
            self.fields[name] = forms.ChoiceField(
                label=f"{statement.key}: {statement.text.get(language)}",
                choices=not_used + columns,
                required=False,
                initial=_same_named(statement.key, header),
            )
            self.statement_fields.append((name, statement.key))
        for name in ("weight", "unit"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = not_used + columns
        attributes = self.fields["attributes"]
        assert isinstance(attributes, forms.MultipleChoiceField)
        attributes.choices = columns

    def statement_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _key in self.statement_fields]

    def columns(self) -> dict[str, Any]:
        """The mapping in the shape the services take."""
        data = self.cleaned_data
        return {
            "statements": {key: data[name] for name, key in self.statement_fields if data.get(name)},
            "attributes": {column: column for column in data.get("attributes") or []},
            "weight": data.get("weight") or None,
            "unit": data.get("unit") or None,
            "dont_know": _split_values(data.get("dont_know") or ""),
        }


def _same_named(key: str, header: Sequence[str]) -> str:
    """The column named like the statement key, ignoring case, so a matching file needs no clicks."""
    return next((column for column in header if column.casefold() == key.casefold()), "")
