"""Where apps say which groups a signed-in respondent belongs to.

When a signed-in member starts a response, the response records the groups the results may be
broken down by: their unit and free-form attributes (the people app adds the teams they belong
to). An app registers a *group source* in its ``AppConfig.ready()``::

    from spaceforchange.assessments.respondent_groups import register_group_source

    register_group_source(teams_of_respondent)  # fn(campaign, user) -> RespondentGroups

Sources are asked in registration order: the first unit that is not ``None`` wins, and the
attributes are merged (a later source does not overwrite a key an earlier one set).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RespondentGroups:
    """The unit and attributes a response records for a signed-in respondent."""

    unit_id: int | None = None
    attributes: Mapping[str, object] = field(default_factory=dict)


GroupSource = Callable[[Any, Any], RespondentGroups]

_sources: list[GroupSource] = []


def register_group_source(source: GroupSource) -> None:
    """Add a source; registering the same function twice has no effect."""
    if source not in _sources:
        _sources.append(source)


def unregister_group_source(source: GroupSource) -> None:
    if source in _sources:
        _sources.remove(source)


def groups_of(campaign: Any, user: Any) -> RespondentGroups:
    """The groups of ``user`` answering ``campaign``, merged from every registered source."""
    unit_id: int | None = None
    attributes: dict[str, object] = {}
    for source in _sources:
        found = source(campaign, user)
        if unit_id is None:
            unit_id = found.unit_id
        for key, value in found.attributes.items():
            attributes.setdefault(key, value)
    return RespondentGroups(unit_id=unit_id, attributes=attributes)
