"""Legitimacy vocabulary, read from the organisation's effective packs.

Which legitimacy types and states exist, which legitimation strategies, goals and modes, and which
gray-zone tactics, their names in each language, and what they mean to the pure rules
(``Vocabulary``, the strategies' links to types) all come from the ``legitimacy``,
``legitimation`` and ``gray_zone`` packs (ARCHITECTURE.md rule 5: content is data). A pack the
organisation lacks simply offers no choices, and the rules fall back to the shipped defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import get_language

from spaceforchange.core.models import Organization
from spaceforchange.frameworks.models import PackVersion
from spaceforchange.frameworks.schema import Item, Pack
from spaceforchange.frameworks.selectors import effective_pack, parsed_pack
from spaceforchange.legitimacy import domain

LEGITIMACY, LEGITIMATION, GRAY_ZONE = "legitimacy", "legitimation", "gray_zone"

# (attribute on Terms, pack key, item kind)
SOURCES: tuple[tuple[str, str, str], ...] = (
    ("types", LEGITIMACY, "type"),
    ("states", LEGITIMACY, "state"),
    ("strategies", LEGITIMATION, "strategy"),
    ("goals", LEGITIMATION, "goal"),
    ("modes", LEGITIMATION, "mode"),
    ("tactics", GRAY_ZONE, "tactic"),
)

# The shipped pack's links from states to the judgment elements they need.
CONDITIONS, MITIGATING_FACTORS, CAUSE_OF_UNKNOWN = "conditions", "mitigating_factors", "cause_of_unknown"
STATE_NEEDS: Mapping[str, frozenset[str]] = {
    domain.CONDITIONAL_LEGITIMACY: frozenset({CONDITIONS}),
    domain.UNKNOWN_LEGITIMACY: frozenset({CAUSE_OF_UNKNOWN}),
    domain.CONDITIONAL_ILLEGITIMACY: frozenset({MITIGATING_FACTORS}),
}


@dataclass(frozen=True)
class Term:
    key: str
    name: str
    description: str
    order: int
    attributes: Mapping[str, object] = field(default_factory=dict)
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class Terms:
    """Every pack list the legitimacy pages offer, in one language, and the rules' vocabulary."""

    types: tuple[Term, ...] = ()
    states: tuple[Term, ...] = ()
    strategies: tuple[Term, ...] = ()
    goals: tuple[Term, ...] = ()
    modes: tuple[Term, ...] = ()
    tactics: tuple[Term, ...] = ()
    vocabulary: domain.Vocabulary = domain.DEFAULT_VOCABULARY
    strategy_links: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @cached_property
    def names(self) -> dict[str, str]:
        """Key → name over every list (keys do not collide across these packs' lists)."""
        names: dict[str, str] = {}
        for attribute, _pack, _kind in SOURCES:
            names.update((term.key, term.name) for term in getattr(self, attribute))
        return names

    def name(self, key: str | None) -> str:
        """The key's name; a key the packs no longer hold shows as itself."""
        if not key:
            return ""
        return self.names.get(key, key)

    def state_needs(self, state: str) -> frozenset[str]:
        """The judgment elements a state needs (its pack links: ``conditions``, ``mitigating_factors``,
        ``cause_of_unknown``); the shipped pack's when the organisation's lacks the state."""
        for term in self.states:
            if term.key == state:
                return frozenset(term.links)
        return STATE_NEEDS.get(state, frozenset())

    def keys(self, attribute: str) -> set[str]:
        return {term.key for term in getattr(self, attribute)}

    def choices(self, attribute: str) -> list[tuple[str, str]]:
        return [(term.key, term.name) for term in getattr(self, attribute)]


def _term(item: Item, language: str) -> Term:
    description = (item.description.get(language) or "") if item.description else ""
    return Term(
        item.key,
        item.name.get(language) or item.key,
        description,
        item.order or 0,
        dict(item.attributes),
        tuple(str(link) for link in item.links),
    )


def _load(organization: Organization, key: str) -> Pack | None:
    try:
        return parsed_pack(effective_pack(organization, key))
    except PackVersion.DoesNotExist:
        return None


def _vocabulary(pack: Pack | None) -> domain.Vocabulary:
    if pack is None or not pack.items_of("state") or not pack.items_of("type"):
        return domain.DEFAULT_VOCABULARY
    return domain.vocabulary_from_pack(pack)


def pack_terms(organization: Organization, language: str | None = None) -> Terms:
    """The organisation's legitimacy vocabulary in ``language`` (one query per pack; parsing is cached)."""
    language = language or get_language() or "en"
    packs = {key: _load(organization, key) for key in (LEGITIMACY, LEGITIMATION, GRAY_ZONE)}
    lists: dict[str, tuple[Term, ...]] = {}
    for attribute, pack_key, kind in SOURCES:
        pack = packs[pack_key]
        lists[attribute] = tuple(_term(item, language) for item in pack.items_of(kind)) if pack else ()
    legitimation = packs[LEGITIMATION]
    return Terms(
        **lists,
        vocabulary=_vocabulary(packs[LEGITIMACY]),
        strategy_links=domain.strategy_links(legitimation) if legitimation else {},
    )
