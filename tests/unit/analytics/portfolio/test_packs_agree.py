"""The defaults of the portfolio analytics match the shipped packs they stand in for."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

import spaceforchange.frameworks
from spaceforchange.analytics.portfolio import DEFAULT_THRESHOLDS, DEFAULT_VOCABULARY, PROGRESSION, RULE_KEYS, Stage
from spaceforchange.frameworks.loader import parse_pack
from spaceforchange.frameworks.schema import Item, Pack

PACKS = Path(spaceforchange.frameworks.__file__).parent / "packs"
# Issue #4 adds this rule; the warnings pack may not hold its item yet.
IDEA_RULE = "idea_answer_overdue"


@cache
def pack(key: str) -> Pack:
    loaded, errors = parse_pack(f"{key}.yaml", (PACKS / f"{key}.yaml").read_bytes())
    assert loaded is not None, errors
    return loaded.pack


def keys_where(pack_key: str, kind: str, attribute: str) -> frozenset[str]:
    return frozenset(item.key for item in pack(pack_key).items_of(kind) if item.attributes.get(attribute) is True)


def rule(key: str) -> Item:
    item = pack("warnings").item(key)
    assert item is not None and item.kind == "warning_rule", key
    return item


@pytest.mark.parametrize("key", [key for key in RULE_KEYS if key != IDEA_RULE])
def test_rule_keys_and_thresholds_are_the_packs(key: str) -> None:
    item = rule(key)
    assert item.area in ("portfolio", "first_step")
    assert {threshold.key: threshold.value for threshold in item.thresholds} == DEFAULT_THRESHOLDS[key]


def test_every_portfolio_and_first_step_rule_of_the_pack_is_implemented() -> None:
    areas = {item.key for item in pack("warnings").items_of("warning_rule") if item.area in ("portfolio", "first_step")}
    assert areas - {IDEA_RULE} == set(RULE_KEYS) - {IDEA_RULE}


def test_the_idea_rule_agrees_with_its_pack_item_once_there_is_one() -> None:
    item = pack("warnings").item(IDEA_RULE)
    declared = (
        {threshold.key: threshold.value for threshold in item.thresholds} if item else DEFAULT_THRESHOLDS[IDEA_RULE]
    )
    assert declared == DEFAULT_THRESHOLDS[IDEA_RULE] == {"days": 30}


def test_stages_are_the_first_step_stages() -> None:
    stages = pack("first_step").items_of("stage")
    assert [item.key for item in stages] == [*map(str, PROGRESSION), "stopped"]
    assert {item.key for item in stages if item.attributes.get("terminal")} == {Stage.INTEGRATED, Stage.STOPPED}


def test_vocabulary_defaults_are_the_pack_attributes() -> None:
    vocabulary = DEFAULT_VOCABULARY
    assert vocabulary.senior_levels == keys_where("who_innovates", "initiator", "senior")
    assert vocabulary.bottom_up_levels == keys_where("who_innovates", "initiator", "bottom_up")
    assert vocabulary.reactive_triggers == keys_where("who_innovates", "trigger", "reactive")
    assert vocabulary.crisis_triggers <= vocabulary.reactive_triggers
    assert vocabulary.radical_forms == keys_where("forms_of_change", "form", "radical")
    assert vocabulary.transformation_form in vocabulary.radical_forms
    commitments = pack("first_step").items_of("commitment")
    assert dict(vocabulary.commitment_ranks) == {item.key: item.order for item in commitments}
    rule_item = pack("first_step").item("no_scaling_without_backing")
    assert rule_item is not None
    assert vocabulary.commitment_ranks[str(rule_item.attributes["min_commitment"])] == vocabulary.formal_commitment_rank


def test_constraint_and_scan_keys_exist() -> None:
    space = pack("space_for_change")
    assert DEFAULT_VOCABULARY.cognitive_family in {item.key for item in space.items_of("family")}
    unrelieved = {item.key for item in space.items_of("status") if item.attributes.get("relieved") is False}
    assert unrelieved == DEFAULT_VOCABULARY.active_statuses
    assert DEFAULT_VOCABULARY.resilience_dimension in {item.key for item in space.items_of("dimension")}
