"""What other apps feed into the portfolio's gates, without the portfolio importing them.

The ``change_readiness`` gate condition reads the readiness of the change programmes that carry an
initiative; those live in the ``change`` app, which depends on the portfolio, not the other way
round. So the change app registers a *readiness source* at start-up (``ChangeConfig.ready()``)::

    register_readiness_source(readiness_of_initiative)

``fn(initiative) -> tuple[ProgrammeReadiness, ...]`` returns the readiness of every active
programme linked to the initiative, with the factor names in the active language. It may also
register ``fn(organization, language) -> list[(factor key, name)]`` with
``register_readiness_factors``, which the gate settings offer as choices. Without a registered
source an initiative has no readiness, and the condition refuses with ``readiness_missing``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from spaceforchange.analytics.change.readiness import FACTORS
from spaceforchange.analytics.portfolio.snapshot import ProgrammeReadiness

ReadinessSource = Callable[[Any], tuple[ProgrammeReadiness, ...]]
FactorNames = Callable[[Any, str], Sequence[tuple[str, str]]]

_readiness_sources: list[ReadinessSource] = []
_factor_names: list[FactorNames] = []


def register_readiness_source(fn: ReadinessSource) -> ReadinessSource:
    """Add a source of programme readiness (registering the same function twice keeps one)."""
    if fn not in _readiness_sources:
        _readiness_sources.append(fn)
    return fn


def register_readiness_factors(fn: FactorNames) -> FactorNames:
    """Add the source of the factors' names the gate settings offer (the last one registered wins)."""
    if fn not in _factor_names:
        _factor_names.append(fn)
    return fn


def readiness_of(initiative: Any) -> tuple[ProgrammeReadiness, ...]:
    """The readiness of every programme carrying ``initiative``, from every registered source."""
    found: list[ProgrammeReadiness] = []
    for source in _readiness_sources:
        found.extend(source(initiative))
    return tuple(found)


def readiness_factors(organization: Any, language: str) -> list[tuple[str, str]]:
    """(factor key, label) for each of the eight factors; the keys themselves when no source names them."""
    if _factor_names:
        return list(_factor_names[-1](organization, language))
    return [(factor, f"{number}. {factor}") for number, factor in enumerate(FACTORS, start=1)]
