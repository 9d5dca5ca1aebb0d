"""Template filters of the portfolio pages."""

from __future__ import annotations

from collections.abc import Mapping

from django import template

register = template.Library()


@register.filter
def term(names: Mapping[str, str], key: object) -> str:
    """The name of a pack key in the page's language (``names`` comes from ``Terms.names``); the key if unknown."""
    return names.get(str(key), str(key)) if key else ""


@register.filter
def percent(ratio: float | None) -> str:
    return "—" if ratio is None else f"{round(ratio * 100)} %"


@register.filter
def score(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"
