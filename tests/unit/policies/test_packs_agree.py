"""The defaults of the tension index and the policy rules match the shipped packs they stand in for."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

import spaceforchange.frameworks
from spaceforchange.frameworks.loader import parse_pack
from spaceforchange.frameworks.schema import Pack
from spaceforchange.policies.domain import (
    DEFAULT_PARAMETERS,
    DEFAULT_THRESHOLDS,
    DIVIDED_CONSULTATION,
    JUDGMENT_GAP,
    LEVELS,
    REGULATORY,
    RULE_KEYS,
    SIGNALS,
    STATES,
    state_rank,
)

PACKS = Path(spaceforchange.frameworks.__file__).parent / "packs"


@cache
def pack(key: str) -> Pack:
    loaded, errors = parse_pack(f"{key}.yaml", (PACKS / f"{key}.yaml").read_bytes())
    assert loaded is not None, errors
    return loaded.pack


@pytest.mark.parametrize("key", RULE_KEYS)
def test_rule_keys_and_thresholds_are_the_packs(key: str) -> None:
    item = pack("warnings").item(key)
    assert item is not None and item.kind == "warning_rule" and item.area == "policy"
    assert {threshold.key: threshold.value for threshold in item.thresholds} == DEFAULT_THRESHOLDS[key]


def test_every_policy_rule_of_the_pack_is_implemented() -> None:
    assert {item.key for item in pack("warnings").items_of("warning_rule") if item.area == "policy"} == set(RULE_KEYS)


def test_states_and_their_strain_follow_the_legitimacy_pack() -> None:
    states = sorted(pack("legitimacy").items_of("state"), key=lambda item: item.order or 0)
    assert tuple(item.key for item in states) == STATES
    for item in states:
        score = item.attributes["score"]
        assert isinstance(score, int)
        assert DEFAULT_PARAMETERS.state_strain[item.key] == pytest.approx((2 - score) / 4)
    assert REGULATORY in {item.key for item in pack("legitimacy").items_of("type")}


def test_low_state_is_the_warnings_min_other_state() -> None:
    assert state_rank(DEFAULT_PARAMETERS.low_state) == DEFAULT_THRESHOLDS["legitimacy_tension"]["min_other_state"]


def test_ladder_levels_are_the_packs() -> None:
    levels = {item.attributes["level"]: item.key for item in pack("policy_management").items_of("level")}
    assert tuple(levels[level] for level in range(len(LEVELS))) == LEVELS


def test_signals_carry_the_levels_the_pack_gives_them() -> None:
    declared = {
        item.key: item.attributes["level"]
        for item in pack("policy_management").items_of("signal")
        if "level" in item.attributes
    }
    ours = {key: tuning.level for key, tuning in DEFAULT_PARAMETERS.signals.items()}
    ours |= {JUDGMENT_GAP: DEFAULT_PARAMETERS.gap_level, DIVIDED_CONSULTATION: DEFAULT_PARAMETERS.consultation_level}
    assert declared == ours
    assert set(SIGNALS) <= set(declared)
