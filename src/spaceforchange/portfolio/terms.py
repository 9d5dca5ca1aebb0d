"""The portfolio's vocabulary, read from the organisation's effective packs.

Which change forms, initiator levels, triggers, constraint families, objects, effects and
statuses, and backing commitments exist, their names in each language, and what they mean to
the pure rules (``Vocabulary``), all come from the packs (ARCHITECTURE.md rule 5: content is
data). A pack the organisation lacks simply offers no choices.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from spaceforchange.analytics.portfolio import DEFAULT_VOCABULARY, Vocabulary
from spaceforchange.core.models import Organization
from spaceforchange.frameworks.models import PackVersion
from spaceforchange.frameworks.schema import Item, Pack
from spaceforchange.frameworks.selectors import effective_pack, parsed_pack
from spaceforchange.portfolio.domain import Naming
from spaceforchange.portfolio.models import Stage

SCAN_PACK, SCAN_INSTRUMENT = "space_for_change", "space_for_change_scan"
SCALING_RULE = "no_scaling_without_backing"

# (attribute on Terms, pack key, item kind)
SOURCES: tuple[tuple[str, str, str], ...] = (
    ("forms", "forms_of_change", "form"),
    ("initiators", "who_innovates", "initiator"),
    ("triggers", "who_innovates", "trigger"),
    ("families", SCAN_PACK, "family"),
    ("objects", SCAN_PACK, "object"),
    ("effects", SCAN_PACK, "effect"),
    ("statuses", SCAN_PACK, "status"),
    ("dimensions", SCAN_PACK, "dimension"),
    ("commitments", "first_step", "commitment"),
)


@dataclass(frozen=True)
class Term:
    key: str
    name: str
    order: int
    attributes: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Terms:
    """Every pack list the portfolio pages offer, in one language, and the rules' vocabulary."""

    forms: tuple[Term, ...] = ()
    initiators: tuple[Term, ...] = ()
    triggers: tuple[Term, ...] = ()
    families: tuple[Term, ...] = ()
    objects: tuple[Term, ...] = ()
    effects: tuple[Term, ...] = ()
    statuses: tuple[Term, ...] = ()
    dimensions: tuple[Term, ...] = ()
    commitments: tuple[Term, ...] = ()
    vocabulary: Vocabulary = DEFAULT_VOCABULARY

    @property
    def names(self) -> dict[str, str]:
        """Key → name over every list, plus the stages (keys do not collide across these lists)."""
        names = {str(value): str(label) for value, label in Stage.choices}
        for attribute, _pack, _kind in SOURCES:
            names.update((term.key, term.name) for term in getattr(self, attribute))
        return names

    @property
    def naming(self) -> Naming:
        return Naming(self.names, {term.order: term.key for term in self.commitments})

    @property
    def relieved_statuses(self) -> frozenset[str]:
        return frozenset(term.key for term in self.statuses if term.attributes.get("relieved") is True)

    def keys(self, attribute: str) -> set[str]:
        return {term.key for term in getattr(self, attribute)}

    def choices(self, attribute: str) -> list[tuple[str, str]]:
        return [(term.key, term.name) for term in getattr(self, attribute)]


def _term(item: Item, language: str) -> Term:
    return Term(item.key, item.name.get(language) or item.key, item.order or 0, dict(item.attributes))


def _load(organization: Organization, key: str) -> Pack | None:
    try:
        return parsed_pack(effective_pack(organization, key))
    except PackVersion.DoesNotExist:
        return None


def _flagged(terms: tuple[Term, ...], attribute: str, default: frozenset[str]) -> frozenset[str]:
    if not terms:
        return default
    return frozenset(term.key for term in terms if term.attributes.get(attribute) is True)


def _vocabulary(lists: Mapping[str, tuple[Term, ...]], first_step: Pack | None) -> Vocabulary:
    base = DEFAULT_VOCABULARY
    commitments = lists["commitments"]
    ranks = {term.key: term.order for term in commitments} or dict(base.commitment_ranks)
    formal_rank = base.formal_commitment_rank
    rule = first_step.item(SCALING_RULE) if first_step is not None else None
    if rule is not None and str(rule.attributes.get("min_commitment", "")) in ranks:
        formal_rank = ranks[str(rule.attributes["min_commitment"])]
    statuses = lists["statuses"]
    return Vocabulary(
        senior_levels=_flagged(lists["initiators"], "senior", base.senior_levels),
        bottom_up_levels=_flagged(lists["initiators"], "bottom_up", base.bottom_up_levels),
        reactive_triggers=_flagged(lists["triggers"], "reactive", base.reactive_triggers),
        crisis_triggers=base.crisis_triggers,
        radical_forms=_flagged(lists["forms"], "radical", base.radical_forms),
        transformation_form=base.transformation_form,
        commitment_ranks=ranks,
        formal_commitment_rank=formal_rank,
        cognitive_family=base.cognitive_family,
        active_statuses=(
            frozenset(term.key for term in statuses if term.attributes.get("relieved") is not True)
            if statuses
            else base.active_statuses
        ),
        resilience_dimension=base.resilience_dimension,
    )


def pack_terms(organization: Organization, language: str) -> Terms:
    """The organisation's portfolio vocabulary in ``language`` (one query per pack; parsing is cached)."""
    packs = {key: _load(organization, key) for key in {pack for _attribute, pack, _kind in SOURCES}}
    lists: dict[str, tuple[Term, ...]] = {}
    for attribute, pack_key, kind in SOURCES:
        pack = packs[pack_key]
        lists[attribute] = tuple(_term(item, language) for item in pack.items_of(kind)) if pack else ()
    return Terms(**lists, vocabulary=_vocabulary(lists, packs["first_step"]))
