"""``{{ names|term:key }}``: a pack key's name in the page's language (the key itself if unknown)."""

from __future__ import annotations

from collections.abc import Mapping

from django import template

register = template.Library()


@register.filter
def term(names: Mapping[str, str], key: str | None) -> str:
    if not key:
        return ""
    return names.get(key, key) if isinstance(names, Mapping) else key
