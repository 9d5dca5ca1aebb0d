"""The five change-programme warnings, each on its own, and their defaults against the pack."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spaceforchange.frameworks
from spaceforchange.analytics.change.readiness import FACTORS
from spaceforchange.analytics.change.rules import (
    DEFAULT_THRESHOLDS,
    NO_INSTITUTIONALIZATION_STEP,
    NO_TOP_SPONSOR_OR_EXTERNAL_SUPPORT,
    PARTIAL_CHANGE,
    PLAN_TOO_VAGUE,
    PROGRAMME,
    RULE_KEYS,
    UNFUNDED_CHANGE,
    ProgrammeFacts,
    evaluate,
    thresholds_for,
)
from spaceforchange.frameworks.loader import parse_pack
from spaceforchange.frameworks.schema import Pack

PACKS = Path(spaceforchange.frameworks.__file__).parent / "packs"


# Generation time depends on the machine's load, never on the code under test.
RELAXED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def warnings_pack() -> Pack:
    loaded, errors = parse_pack("warnings.yaml", (PACKS / "warnings.yaml").read_bytes())
    assert loaded is not None, errors
    return loaded.pack


def healthy(**changes: object) -> ProgrammeFacts:
    """A programme no rule fires on; ``changes`` breaks one thing."""
    fields: dict[str, object] = {
        "id": 1,
        "name": "Home care reform",
        "milestones": 3,
        "institutionalisation_steps": 1,
        "has_causal_theory": True,
        "budget_lines": 1,
        "subsystems": 2,
        "top_sponsors": 1,
        "external_supporters": 1,
        "scores": dict.fromkeys(FACTORS, 3.0),
    }
    fields.update(changes)
    return ProgrammeFacts(**fields)  # type: ignore[arg-type]


def fired(programme: ProgrammeFacts) -> list[str]:
    return [firing.rule_key for firing in evaluate([programme], {})]


def with_score(factor: str, score: float | None) -> dict[str, float | None]:
    return {**dict.fromkeys(FACTORS, 3.0), factor: score}


@pytest.mark.parametrize("key", RULE_KEYS)
def test_defaults_are_the_packs_thresholds(key: str) -> None:
    item = warnings_pack().item(key)
    assert item is not None and item.area == "change_programme"
    assert item.attributes.get("subject") == PROGRAMME
    assert {threshold.key: threshold.value for threshold in item.thresholds} == DEFAULT_THRESHOLDS[key]


def test_every_change_programme_rule_of_the_pack_is_implemented() -> None:
    keys = {item.key for item in warnings_pack().items_of("warning_rule") if item.area == "change_programme"}
    assert keys == set(RULE_KEYS)


def test_a_healthy_programme_raises_nothing() -> None:
    assert fired(healthy()) == []


def test_a_programme_without_any_score_fires_only_on_its_structure() -> None:
    assert fired(healthy(scores={})) == []


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"milestones": 1}, PLAN_TOO_VAGUE),
        ({"has_causal_theory": False}, PLAN_TOO_VAGUE),
        ({"scores": with_score("provide_plan", 2.99)}, PLAN_TOO_VAGUE),
        ({"budget_lines": 0}, UNFUNDED_CHANGE),
        ({"scores": with_score("provide_resources", 1.0)}, UNFUNDED_CHANGE),
        ({"institutionalisation_steps": 0}, NO_INSTITUTIONALIZATION_STEP),
        ({"scores": with_score("institutionalize_change", 2.5)}, NO_INSTITUTIONALIZATION_STEP),
        ({"subsystems": 1}, PARTIAL_CHANGE),
        ({"scores": with_score("pursue_comprehensive_change", 2.0)}, PARTIAL_CHANGE),
        ({"top_sponsors": 0}, NO_TOP_SPONSOR_OR_EXTERNAL_SUPPORT),
        ({"external_supporters": 0}, NO_TOP_SPONSOR_OR_EXTERNAL_SUPPORT),
        ({"scores": with_score("ensure_top_management_support", 2.4)}, NO_TOP_SPONSOR_OR_EXTERNAL_SUPPORT),
        ({"scores": with_score("build_external_support", 2.4)}, NO_TOP_SPONSOR_OR_EXTERNAL_SUPPORT),
    ],
)
def test_each_clause_fires_its_rule_alone(changes: dict[str, object], rule: str) -> None:
    assert fired(healthy(**changes)) == [rule]


def test_a_score_at_the_threshold_does_not_fire() -> None:
    assert fired(healthy(scores=with_score("provide_plan", 3.0))) == []


def test_facts_name_what_triggered_the_warning() -> None:
    [firing] = evaluate([healthy(top_sponsors=0, scores=with_score("ensure_top_management_support", 2.4))], {})
    assert firing.subject_kind == PROGRAMME and firing.subject_id == 1 and firing.subject_label == "Home care reform"
    assert firing.facts["top_sponsors"] == 0
    assert firing.facts["min_top_sponsors"] == 1
    assert firing.facts["ensure_top_management_support_score"] == 2.4
    assert firing.facts["min_factor_score"] == 3.0


def test_thresholds_from_the_pack_override_the_defaults() -> None:
    assert thresholds_for(PLAN_TOO_VAGUE, {PLAN_TOO_VAGUE: {"min_milestones": 5}}) == {
        "min_milestones": 5.0,
        "min_factor_score": 3.0,
    }
    assert fired(healthy(milestones=3)) == []
    assert [f.rule_key for f in evaluate([healthy()], {PLAN_TOO_VAGUE: {"min_milestones": 5}})] == [PLAN_TOO_VAGUE]


def test_only_chosen_rules_run_in_rule_then_programme_order() -> None:
    bare = [healthy(id=2, milestones=0, budget_lines=0), healthy(id=1, milestones=0, budget_lines=0)]
    firings = evaluate(bare, {}, rules={UNFUNDED_CHANGE, PLAN_TOO_VAGUE})
    assert [(f.rule_key, f.subject_id) for f in firings] == [
        (PLAN_TOO_VAGUE, 1),
        (PLAN_TOO_VAGUE, 2),
        (UNFUNDED_CHANGE, 1),
        (UNFUNDED_CHANGE, 2),
    ]


score = st.one_of(st.none(), st.floats(min_value=1, max_value=5))


@RELAXED
@given(
    st.fixed_dictionaries({factor: score for factor in FACTORS}),
    st.sampled_from(FACTORS),
    st.floats(min_value=0, max_value=4),
)
def test_raising_a_score_never_adds_a_warning(scores: dict[str, float | None], factor: str, raise_by: float) -> None:
    before = {(f.rule_key, f.subject_id) for f in evaluate([healthy(scores=scores)], {})}
    current = scores[factor]
    raised = {**scores, factor: min(5.0, (current if current is not None else 1.0) + raise_by)}
    after = {(f.rule_key, f.subject_id) for f in evaluate([healthy(scores=raised)], {})}
    if current is not None:
        assert after <= before
