"""Display names for pack vocabulary in templates: ``{{ item.kind|kind_label }}`` and friends."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from spaceforchange.frameworks.models import CHANGE_LABELS, KIND_LABELS, PROVENANCE_LABELS, SEVERITY_LABELS

register = template.Library()


@register.filter
def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, (kind, kind))[0])


@register.filter
def kind_plural(kind: str) -> str:
    return str(KIND_LABELS.get(kind, (kind, kind))[1])


@register.filter
def provenance_label(provenance: str) -> str:
    return str(PROVENANCE_LABELS.get(provenance, (provenance, ""))[0])


@register.filter
def provenance_help(provenance: str) -> str:
    return str(PROVENANCE_LABELS.get(provenance, ("", ""))[1])


@register.filter
def severity_label(severity: str) -> str:
    return str(SEVERITY_LABELS.get(severity, severity))


@register.filter
def change_label(status: str) -> str:
    return str(CHANGE_LABELS.get(status, status))


@register.simple_tag
def provenance_badge(provenance: str) -> str:
    """The provenance tag as a badge. Built in Python, not an included template: the framework
    page shows one per item, and a template render each was most of that page's time."""
    return format_html(
        '<span class="usa-tag sfc-provenance sfc-provenance--{0}" data-provenance="{0}" title="{1}">'
        '<span class="usa-sr-only">{2} </span>{3}</span>',
        provenance,
        provenance_help(provenance),
        _("Provenance:"),
        provenance_label(provenance),
    )


@register.filter
def diff_count(diff: object, status: str) -> int:
    count = getattr(diff, "count", None)
    return int(count(status)) if callable(count) else 0
