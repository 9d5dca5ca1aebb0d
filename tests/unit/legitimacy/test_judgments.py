"""Judgments as an append-only history, and the vocabulary and defaults read from the shipped packs."""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import spaceforchange.frameworks
from spaceforchange.alerts.domain import rule_settings
from spaceforchange.frameworks.loader import parse_pack
from spaceforchange.frameworks.schema import Pack
from spaceforchange.legitimacy.domain import (
    CONDITIONAL_ILLEGITIMACY,
    CONDITIONAL_LEGITIMACY,
    DEFAULT_SUGGESTION_PARAMETERS,
    DEFAULT_THRESHOLDS,
    DEFAULT_VOCABULARY,
    ILLEGITIMATE,
    RULE_KEYS,
    UNKNOWN_LEGITIMACY,
    Judgment,
    SubjectRef,
    cell_histories,
    chronological,
    current_judgments,
    strategy_links,
    trailing_run,
    vocabulary_from_pack,
)
from tests.unit.legitimacy.builders import CI, COG, IL, INITIATIVE, NOR, OTHER, REG, C, L, U, at, judge, walk

PACKS = Path(spaceforchange.frameworks.__file__).parent / "packs"


@cache
def shipped(key: str) -> Pack:
    loaded, errors = parse_pack(f"{key}.yaml", (PACKS / f"{key}.yaml").read_bytes())
    assert loaded is not None, errors
    return loaded.pack


# --- Current judgments -----------------------------------------------------------------------------


def test_current_is_the_latest_per_stakeholder_subject_and_type():
    history = [
        judge(1, 10, L, 30),
        judge(2, 10, IL, 20),
        judge(3, 10, C, 25),  # recorded later than 1, earlier than 2
        judge(4, 10, U, 5, type=NOR),
        judge(5, 11, CI, 40),
        judge(6, 10, C, 50, subject=OTHER),
    ]
    current = current_judgments(history)
    assert {key: judgment.id for key, judgment in current.items()} == {
        (10, INITIATIVE, REG): 2,
        (10, INITIATIVE, NOR): 4,
        (11, INITIATIVE, REG): 5,
        (10, OTHER, REG): 6,
    }


def test_a_tie_in_time_goes_to_the_later_row():
    same_moment = [judge(8, 10, IL, 3), judge(9, 10, L, 3), judge(7, 10, U, 3)]
    assert current_judgments(same_moment)[(10, INITIATIVE, REG)].id == 9
    assert [j.id for j in cell_histories(same_moment)[(10, INITIATIVE, REG)]] == [7, 8, 9]


def test_current_judgments_are_idempotent():
    history = [judge(1, 10, L, 30), judge(2, 10, IL, 20), judge(3, 11, U, 20, type=COG)]
    current = list(current_judgments(history).values())
    assert current_judgments(current) == current_judgments(history)


judgments = st.builds(
    Judgment,
    id=st.integers(1, 40),
    stakeholder_id=st.integers(1, 3),
    subject=st.sampled_from([INITIATIVE, OTHER, SubjectRef("policy", 1)]),
    type=st.sampled_from([REG, NOR, COG]),
    state=st.sampled_from(DEFAULT_VOCABULARY.states),
    recorded_at=st.integers(0, 20).map(lambda hours: datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=hours)),
)


@given(st.lists(judgments, max_size=40), st.randoms(use_true_random=False))
def test_current_state_is_always_the_latest_whatever_the_order(history: list[Judgment], rnd: random.Random):
    current = current_judgments(history)
    shuffled = list(history)
    rnd.shuffle(shuffled)
    # Equal (time, id) pairs are the same row twice in real data; compare by the sort key only.
    assert {key: chronological(j) for key, j in current_judgments(shuffled).items()} == {
        key: chronological(j) for key, j in current.items()
    }
    assert set(current) == {j.cell for j in history}
    for judgment in history:
        assert chronological(judgment) <= chronological(current[judgment.cell])


def test_trailing_run_finds_where_the_current_state_began():
    first, before = trailing_run(walk(10, (L, 90), (IL, 60), (IL, 30), (IL, 5)))
    assert (first.id, before) == (2, L)
    first, before = trailing_run(walk(10, (U, 90), (U, 30)))
    assert (first.id, before) == (1, None)
    first, before = trailing_run(walk(10, (IL, 90), (L, 30)))
    assert (first.id, before) == (2, IL)


# --- Vocabulary and defaults against the shipped packs ---------------------------------------------


def test_the_default_vocabulary_is_the_shipped_legitimacy_pack():
    assert vocabulary_from_pack(shipped("legitimacy")) == DEFAULT_VOCABULARY


def test_positions_follow_the_pack_spectrum():
    vocabulary = DEFAULT_VOCABULARY
    assert [vocabulary.position(state) for state in (L, C, U, CI, IL)] == [1, 2, 3, 4, 5]
    assert [vocabulary.accepting(state) for state in (L, C, U, CI, IL)] == [True, True, False, False, False]
    assert [vocabulary.rejecting(state) for state in (L, C, U, CI, IL)] == [False, False, False, True, True]
    with pytest.raises(KeyError, match="tolerated"):
        vocabulary.position("tolerated")


def test_default_thresholds_are_the_shipped_warnings_pack():
    settings = rule_settings(shipped("warnings"))
    assert {key: dict(settings[key].thresholds) for key in RULE_KEYS} == DEFAULT_THRESHOLDS


def test_state_strategies_are_the_answers_of_the_rule_watching_each_state():
    answers = {
        key: tuple(ref.split(":")[1] for ref in s.answered_by) for key, s in rule_settings(shipped("warnings")).items()
    }
    by_state = DEFAULT_SUGGESTION_PARAMETERS.strategies_by_state
    assert by_state[CONDITIONAL_LEGITIMACY] == answers["condition_at_risk_or_overdue"]
    assert by_state[UNKNOWN_LEGITIMACY] == answers["unknown_legitimacy_unresolved"]
    assert by_state[CONDITIONAL_ILLEGITIMACY] == by_state[ILLEGITIMATE] == answers["challenged_without_action"]


def test_every_suggested_key_exists_in_the_shipped_packs():
    legitimation = shipped("legitimation")
    strategies = {item.key for item in legitimation.items_of("strategy")}
    modes = {item.key for item in legitimation.items_of("mode")}
    goals = {item.key for item in legitimation.items_of("goal")}
    parameters = DEFAULT_SUGGESTION_PARAMETERS
    tables = [parameters.strategies_by_type, parameters.strategies_by_goal, parameters.strategies_by_state]
    assert {s for table in tables for listed in table.values() for s in listed} <= strategies
    assert set(parameters.strategies_by_goal) == goals
    assert set(parameters.strategies_by_type) == set(DEFAULT_VOCABULARY.types) == set(parameters.modes_by_type)
    assert {mode for listed in parameters.modes_by_type.values() for mode in listed} <= modes


def test_strategy_links_read_the_legitimation_pack():
    links = strategy_links(shipped("legitimation"))
    assert links["demonstrate_results"] == ("pragmatic",)
    assert links["engage_in_dialogue"] == ()
    assert len(links) == 6


def test_the_domain_imports_no_django():
    code = "import sys, spaceforchange.legitimacy.domain; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_a_judgment_knows_its_cell():
    judgment = Judgment(5, 10, INITIATIVE, REG, L, at(1))
    assert judgment.cell == (10, INITIATIVE, REG)
