"""Legitimation suggestions: which strategies and modes fit a challenged cell.

See the package docstring for the decisions these rules take."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from spaceforchange.frameworks.schema import ItemKind, Pack
from spaceforchange.legitimacy.domain.vocabulary import (
    ACQUIRE,
    COGNITIVE,
    CONDITIONAL_ILLEGITIMACY,
    CONDITIONAL_LEGITIMACY,
    CONFORM,
    DEFAULT_VOCABULARY,
    ILLEGITIMATE,
    MAINTAIN,
    NORMATIVE,
    PRAGMATIC,
    REGULATORY,
    REPAIR,
    SHAPE,
    UNKNOWN_LEGITIMACY,
    CellKey,
    Judgment,
    Vocabulary,
    chronological,
)

# --- Legitimation suggestions --------------------------------------------------------------------

ENGAGE, STORY, SYMBOLIC = "engage_in_dialogue", "storytelling", "symbolic_actions"
AFFILIATE, RESULTS, ARENA = "strategic_affiliations", "demonstrate_results", "choose_receptive_arena"


def _default_by_type() -> dict[str, tuple[str, ...]]:
    # From the pack texts: the law is met through early dialogue with the authority, the standing of
    # legitimate allies, evidence for a trial clause and the right committee; norms through dialogue,
    # value-laden acts and stories; beliefs through stories that make the unfamiliar familiar;
    # interests through results (the pack's own link) and learning what the judge needs.
    return {
        REGULATORY: (ENGAGE, AFFILIATE, RESULTS, ARENA),
        NORMATIVE: (ENGAGE, SYMBOLIC, STORY, AFFILIATE),
        COGNITIVE: (STORY, SYMBOLIC, AFFILIATE, RESULTS),
        PRAGMATIC: (RESULTS, ENGAGE, ARENA),
    }


def _default_by_goal() -> dict[str, tuple[str, ...]]:
    # Acquire: first impressions and early, proactive dialogue; maintain: show that conditions hold;
    # repair: acknowledge and change, "not only explanations", so no storytelling.
    return {
        ACQUIRE: (ENGAGE, STORY, AFFILIATE, ARENA),
        MAINTAIN: (ENGAGE, RESULTS, SYMBOLIC),
        REPAIR: (ENGAGE, RESULTS, AFFILIATE),
    }


def _default_by_state() -> dict[str, tuple[str, ...]]:
    # The `answered_by` of the warning rule that watches each state (warnings pack).
    return {
        CONDITIONAL_LEGITIMACY: (RESULTS, ENGAGE),
        UNKNOWN_LEGITIMACY: (ENGAGE, ARENA),
        CONDITIONAL_ILLEGITIMACY: (ENGAGE, STORY, RESULTS),
        ILLEGITIMATE: (ENGAGE, STORY, RESULTS),
    }


def _default_modes() -> dict[str, tuple[str, ...]]:
    # Preferred mode first. The law is the most authoritative type: conform first, shape the rule
    # (a trial clause, a change or a new reading: gray_zone:exit_the_gray_zone) second. New ideas
    # rarely have cognitive legitimacy, so beliefs are shaped first. Interests are served by
    # adapting the initiative.
    return {
        REGULATORY: (CONFORM, SHAPE),
        NORMATIVE: (CONFORM, SHAPE),
        COGNITIVE: (SHAPE, CONFORM),
        PRAGMATIC: (CONFORM,),
    }


@dataclass(frozen=True)
class SuggestionParameters:
    """Which strategies fit which type, goal and state, and which modes fit which type."""

    strategies_by_type: Mapping[str, tuple[str, ...]] = field(default_factory=_default_by_type)
    strategies_by_goal: Mapping[str, tuple[str, ...]] = field(default_factory=_default_by_goal)
    strategies_by_state: Mapping[str, tuple[str, ...]] = field(default_factory=_default_by_state)
    modes_by_type: Mapping[str, tuple[str, ...]] = field(default_factory=_default_modes)
    limit: int = 3


DEFAULT_SUGGESTION_PARAMETERS = SuggestionParameters()


@dataclass(frozen=True)
class Suggestion:
    cell: CellKey
    state: str | None
    goal: str
    modes: tuple[str, ...]
    strategies: tuple[str, ...]  # best first


def legitimation_goal(cell_history: Sequence[Judgment], vocabulary: Vocabulary = DEFAULT_VOCABULARY) -> str:
    """Repair, maintain or acquire (see the module docstring), from the cell's chronological history."""
    if not cell_history:
        return ACQUIRE
    current = vocabulary.position(cell_history[-1].state)
    held = [vocabulary.position(j.state) for j in cell_history[:-1] if vocabulary.accepting(j.state)]
    if held and min(held) < current:
        return REPAIR
    return MAINTAIN if vocabulary.accepting(cell_history[-1].state) else ACQUIRE


def strategy_links(pack: Pack) -> dict[str, tuple[str, ...]]:
    """Strategy key → the ``legitimacy`` types it links to, from a ``legitimation`` pack."""
    return {
        item.key: tuple(ref.split(":", 1)[1] for ref in item.links if ref.startswith("legitimacy:"))
        for item in pack.items_of(ItemKind.STRATEGY)
    }


def suggest(
    cell: CellKey,
    history: Iterable[Judgment],
    strategies: Sequence[str],
    *,
    linked_types: Mapping[str, Collection[str]] | None = None,
    parameters: SuggestionParameters = DEFAULT_SUGGESTION_PARAMETERS,
    vocabulary: Vocabulary = DEFAULT_VOCABULARY,
) -> Suggestion:
    """Strategies for one cell, drawn from ``strategies`` (the pack's strategy keys, pack order).

    A strategy scores one point for each table that lists it (the cell's type, goal and current
    state) and one for a pack link to the cell's type (``linked_types``, see ``strategy_links``);
    the best ``limit`` with a point are suggested, ties by their place in the type's list, then
    the pack's order.
    """
    own = sorted((j for j in history if j.cell == cell), key=chronological)
    state = own[-1].state if own else None
    goal = legitimation_goal(own, vocabulary)
    kind = cell[2]
    by_type = parameters.strategies_by_type.get(kind, ())
    lists = (by_type, parameters.strategies_by_goal.get(goal, ()), parameters.strategies_by_state.get(state or "", ()))
    links = linked_types or {}

    def score(strategy: str) -> int:
        return sum(strategy in listed for listed in lists) + (kind in links.get(strategy, ()))

    def rank(strategy: str) -> tuple[int, int, int]:
        in_type = by_type.index(strategy) if strategy in by_type else len(by_type)
        return (-score(strategy), in_type, strategies.index(strategy))

    chosen = sorted((s for s in dict.fromkeys(strategies) if score(s) > 0), key=rank)[: parameters.limit]
    return Suggestion(cell, state, goal, parameters.modes_by_type.get(kind, (CONFORM, SHAPE)), tuple(chosen))
