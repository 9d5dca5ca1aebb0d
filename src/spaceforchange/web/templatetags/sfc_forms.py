"""Render Django form fields with the design system's classes.

Usage: ``{% load sfc_forms %}{% for field in form %}{% include "web/components/field.html" %}{% endfor %}``.
Django 5.2 already links hints (``<id>_helptext``) and errors (``<id>_error``) to the input with
``aria-describedby`` and sets ``aria-invalid``; the component renders elements with those ids.
"""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField
from django.forms.widgets import Input
from django.utils.safestring import SafeString

register = template.Library()

_CLASS_BY_WIDGET: tuple[tuple[type[forms.Widget], str], ...] = (
    (forms.CheckboxSelectMultiple, "usa-checkbox__input"),
    (forms.RadioSelect, "usa-radio__input"),
    (forms.CheckboxInput, "usa-checkbox__input"),
    (forms.Select, "usa-select"),
    (forms.Textarea, "usa-textarea"),
    (forms.FileInput, "usa-file-input"),
    (Input, "usa-input"),
)


def widget_kind(field: BoundField) -> str:
    """``checkbox``, ``choices`` (a group of radios or checkboxes), ``hidden`` or ``input``."""
    widget = field.field.widget
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return "choices"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "input"


@register.filter
def field_kind(field: BoundField) -> str:
    return widget_kind(field)


@register.filter
def usa_widget(field: BoundField) -> SafeString:
    """The field's widget with the matching design-system class (and the error style)."""
    widget = field.field.widget
    css = next((name for kind, name in _CLASS_BY_WIDGET if isinstance(widget, kind)), "")
    if field.errors and css in {"usa-input", "usa-select", "usa-textarea"}:
        css += " usa-input--error"
    classes = " ".join(part for part in (widget.attrs.get("class", ""), css) if part)
    return field.as_widget(attrs={"class": classes} if classes else None)
