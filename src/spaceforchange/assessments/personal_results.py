"""Where apps offer a respondent their own result on the survey's thank-you page.

Some instruments mean something to the person who answered (the innovator archetype
self-assessment tells them their archetype). An app registers, per pack and instrument, a
function that turns a submitted response into a :class:`PersonalResult`::

    from spaceforchange.assessments.personal_results import register_personal_result

    register_personal_result("innovator_archetypes", "archetype_self_assessment", archetype_result)

The ``respond:done`` view, reachable only with the respondent's own resume token, renders the
result's template under the thank-you text. It is shown nowhere else: a personal result is for
the person who answered, never for the organisation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class PersonalResult:
    """A template and its context, rendered for the respondent alone."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


PersonalResultFn = Callable[[Any], PersonalResult | None]

_results: dict[tuple[str, str], PersonalResultFn] = {}


def register_personal_result(pack_key: str, instrument_key: str, fn: PersonalResultFn) -> None:
    """Register ``fn`` for the instrument; another function for the same instrument is a mistake."""
    existing = _results.get((pack_key, instrument_key))
    if existing is not None and existing is not fn:
        raise ImproperlyConfigured(f"A personal result for {pack_key}:{instrument_key} is registered twice.")
    _results[(pack_key, instrument_key)] = fn


def unregister_personal_result(pack_key: str, instrument_key: str) -> None:
    _results.pop((pack_key, instrument_key), None)


def personal_result(pack_key: str, instrument_key: str, response: Any) -> PersonalResult | None:
    """The respondent's own result for ``response``, or ``None`` when the instrument has none."""
    fn = _results.get((pack_key, instrument_key))
    return fn(response) if fn is not None else None
