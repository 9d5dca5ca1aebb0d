"""Legitimation goals from a cell's history, and the strategies suggested for a cell."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spaceforchange.legitimacy.domain import (
    DEFAULT_VOCABULARY,
    SuggestionParameters,
    legitimation_goal,
    suggest,
)
from tests.unit.legitimacy.builders import CI, COG, IL, INITIATIVE, PRA, REG, C, L, U, judge, walk

STRATEGIES = (
    "engage_in_dialogue",
    "storytelling",
    "symbolic_actions",
    "strategic_affiliations",
    "demonstrate_results",
    "choose_receptive_arena",
)
LINKS = {"demonstrate_results": ("pragmatic",)}


@pytest.mark.parametrize(
    ("states", "goal"),
    [
        ((), "acquire"),
        ((U,), "acquire"),
        ((IL, U), "acquire"),  # never accepted: still to be acquired
        ((C,), "maintain"),
        ((L,), "maintain"),
        ((U, C), "maintain"),
        ((L, C), "repair"),  # dropped from legitimate
        ((C, IL), "repair"),  # a broken condition
        ((C, L, U), "repair"),
        ((L, IL, L), "maintain"),  # repaired
        ((C, L), "maintain"),
    ],
)
def test_goal_follows_the_cell_history(states, goal):
    history = walk(10, *((state, 50 - n) for n, state in enumerate(states)))
    assert legitimation_goal(history) == goal


def test_a_regulatory_drop_suggests_repair_by_dialogue_and_results():
    history = walk(10, (L, 60), (IL, 5))
    suggestion = suggest((10, INITIATIVE, REG), history, STRATEGIES)
    assert suggestion.state == IL
    assert suggestion.goal == "repair"
    assert suggestion.modes == ("conform", "shape")
    # engage 3 (type, goal, state), results 3, affiliations 2 (type, goal); ties by the type's order.
    assert suggestion.strategies == ("engage_in_dialogue", "demonstrate_results", "strategic_affiliations")


def test_pack_links_count_for_the_linked_type():
    history = walk(10, (U, 5), type=PRA)
    suggestion = suggest((10, INITIATIVE, PRA), history, STRATEGIES, linked_types=LINKS)
    assert (suggestion.goal, suggestion.modes) == ("acquire", ("conform",))
    # engage 3, arena 3 (type, goal, state); results 2 (type and the pack's link to pragmatic).
    assert suggestion.strategies == ("engage_in_dialogue", "choose_receptive_arena", "demonstrate_results")
    without_link = suggest((10, INITIATIVE, PRA), history, STRATEGIES, parameters=SuggestionParameters(limit=6))
    assert without_link.strategies.index("demonstrate_results") == 2


def test_an_unjudged_cognitive_cell_is_acquired_by_shaping_beliefs():
    suggestion = suggest((10, INITIATIVE, COG), [judge(1, 10, IL, 5)], STRATEGIES)
    assert (suggestion.state, suggestion.goal) == (None, "acquire")
    assert suggestion.modes == ("shape", "conform")
    assert suggestion.strategies == ("storytelling", "strategic_affiliations", "symbolic_actions")


def test_only_the_packs_strategies_are_suggested():
    pack = ("storytelling", "demonstrate_results", "choose_receptive_arena")
    suggestion = suggest((10, INITIATIVE, REG), walk(10, (L, 60), (IL, 5)), pack)
    # results 3; arena 1 (type) ranks before storytelling 1 (state), being on the type's list.
    assert suggestion.strategies == ("demonstrate_results", "choose_receptive_arena", "storytelling")


def test_a_type_the_tables_do_not_know_still_gets_goal_and_state_strategies():
    cell = (10, INITIATIVE, "democratic")
    suggestion = suggest(cell, walk(10, (CI, 5), type="democratic"), STRATEGIES)
    assert suggestion.modes == ("conform", "shape")
    assert suggestion.strategies == ("engage_in_dialogue", "storytelling", "strategic_affiliations")


@given(
    st.lists(st.sampled_from(DEFAULT_VOCABULARY.states), max_size=5),
    st.sampled_from(DEFAULT_VOCABULARY.types),
    st.lists(st.sampled_from(STRATEGIES), unique=True),
    st.integers(0, 6),
)
def test_suggestions_come_from_the_pack_without_repeats_within_the_limit(states, kind, pack, limit):
    history = walk(10, *((state, 50 - n) for n, state in enumerate(states)), type=kind)
    chosen = suggest((10, INITIATIVE, kind), history, pack, parameters=SuggestionParameters(limit=limit)).strategies
    assert set(chosen) <= set(pack)
    assert len(chosen) == len(set(chosen)) <= limit
