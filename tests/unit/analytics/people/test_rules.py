"""The six people and team warning rules of the warnings pack, at and around their thresholds."""

from __future__ import annotations

from datetime import date

import pytest

from spaceforchange.analytics.people.rules import (
    BOHEMIANS_WITHOUT_STRATEGY,
    FEW_INNOVATORS,
    INNOVATOR_ATTRITION,
    ROUTINE_LOCK_IN,
    RULE_KEYS,
    STRATEGIC_DRIFT,
    UNSUPPORTED_TRANSITION,
    Firing,
    StrategyFacts,
    TeamFacts,
    UnitMix,
    add_months,
    composition_warnings,
    evaluate,
)

TODAY = date(2026, 11, 29)
ALL = {key: {} for key in RULE_KEYS}  # the shipped defaults
ROLES = frozenset({"paradoxical_leadership", "protect_exploration", "regular_strategic_alignment"})


def mix(unit=1, day=date(2026, 10, 1), campaign=1, **counts):
    return UnitMix(unit, f"Unit {unit}", day, counts, campaign)


def team(**fields):
    values = {"team_id": 7, "label": "Home care", "autonomy_level": 2, "transition_status": "not_started"}
    return TeamFacts(**{**values, **fields})


def fire(**options):
    """``evaluate`` with only the rules given thresholds enabled."""
    options.setdefault("rules", set(options["thresholds_by_rule"]))
    options.setdefault("today", TODAY)
    return evaluate(**options)


def rules_fired(**options):
    return [(firing.rule_key, firing.subject_kind, firing.subject_id) for firing in fire(**options)]


def test_few_innovators_fires_below_the_share_with_enough_respondents():
    fired = fire(mixes=[mix(magistrate=9, crusader=1)], thresholds_by_rule=ALL, today=TODAY, rules={FEW_INNOVATORS})
    assert fired == [
        Firing(
            FEW_INNOVATORS,
            "unit",
            1,
            {
                "respondents": 10,
                "innovator_share": 0.1,
                "min_innovator_share": 0.2,
                "assessed_on": date(2026, 10, 1),
                "campaign_id": 1,
            },
            "Unit 1",
        )
    ]
    # Exactly at the share, or too few respondents: nothing.
    assert rules_fired(mixes=[mix(magistrate=8, crusader=1, revolutionist=1)], thresholds_by_rule=ALL) == []
    assert rules_fired(mixes=[mix(magistrate=9)], thresholds_by_rule=ALL) == []


def test_only_the_latest_mix_of_a_unit_is_judged_for_its_composition():
    old = mix(day=date(2026, 1, 1), campaign=1, magistrate=10)
    new = mix(day=date(2026, 9, 1), campaign=2, magistrate=5, crusader=5)
    assert rules_fired(mixes=[old, new], thresholds_by_rule={FEW_INNOVATORS: {}}) == []
    assert rules_fired(mixes=[new, old], thresholds_by_rule={FEW_INNOVATORS: {}}) == []


def test_bohemians_without_a_recent_strategy():
    bohemians = mix(bohemian=3, magistrate=7)
    thresholds = {BOHEMIANS_WITHOUT_STRATEGY: {}}
    assert rules_fired(mixes=[bohemians], thresholds_by_rule=thresholds) == [(BOHEMIANS_WITHOUT_STRATEGY, "unit", 1)]
    recent = StrategyFacts(last_revised_on=date(2025, 1, 1))
    assert rules_fired(mixes=[bohemians], strategy=recent, thresholds_by_rule=thresholds) == []
    stale = StrategyFacts(last_revised_on=date(2024, 11, 28))  # 24 months and a day
    firing = fire(mixes=[bohemians], strategy=stale, thresholds_by_rule=thresholds)[0]
    assert firing.facts["strategy_last_revised_on"] == date(2024, 11, 28)
    assert firing.facts["bohemian_share"] == 0.3
    exactly = StrategyFacts(last_revised_on=date(2024, 11, 29))
    assert rules_fired(mixes=[bohemians], strategy=exactly, thresholds_by_rule=thresholds) == []
    assert rules_fired(mixes=[mix(bohemian=2, magistrate=8)], thresholds_by_rule=thresholds) == []


def test_innovator_attrition_compares_qualifying_assessments_within_the_window():
    thresholds = {INNOVATOR_ATTRITION: {}}
    before = mix(day=date(2026, 1, 15), campaign=1, crusader=3, magistrate=7)
    after = mix(day=date(2026, 10, 1), campaign=2, crusader=2, magistrate=8)
    fired = fire(mixes=[after, before], thresholds_by_rule=thresholds)
    assert [(firing.rule_key, firing.subject_id) for firing in fired] == [(INNOVATOR_ATTRITION, 1)]
    assert fired[0].facts["drop"] == 0.1
    assert (fired[0].facts["previous_share"], fired[0].facts["current_share"]) == (0.3, 0.2)
    # Twelve months or more apart: not compared.
    far = mix(day=date(2025, 10, 1), campaign=1, crusader=3, magistrate=7)
    assert rules_fired(mixes=[far, after], thresholds_by_rule=thresholds) == []
    # Too few respondents in one of them: not compared.
    small = mix(day=date(2026, 1, 15), campaign=1, crusader=3, magistrate=6)
    assert rules_fired(mixes=[small, after], thresholds_by_rule=thresholds) == []
    # A smaller drop than the threshold.
    assert (
        rules_fired(
            mixes=[
                mix(day=date(2026, 1, 15), crusader=25, magistrate=75),
                mix(day=date(2026, 10, 1), campaign=2, crusader=16, magistrate=84),
            ],
            thresholds_by_rule=thresholds,
        )
        == []
    )


def test_routine_lock_in_needs_autonomy_and_almost_no_exploration():
    thresholds = {ROUTINE_LOCK_IN: {}}
    locked = team(autonomy_level=3, exploration_share=0.05, exploration_period="2026-Q3")
    fired = fire(teams=[locked], thresholds_by_rule=thresholds)
    assert fired == [
        Firing(
            ROUTINE_LOCK_IN,
            "team",
            7,
            {"autonomy_level": 3, "exploration_share": 0.05, "period": "2026-Q3", "max_exploration_share": 0.05},
            "Home care",
        )
    ]
    assert rules_fired(teams=[team(autonomy_level=2, exploration_share=0.0)], thresholds_by_rule=thresholds) == []
    assert rules_fired(teams=[team(autonomy_level=5, exploration_share=0.06)], thresholds_by_rule=thresholds) == []
    assert rules_fired(teams=[team(autonomy_level=5)], thresholds_by_rule=thresholds) == []
    assert (
        rules_fired(teams=[team(autonomy_level=5, exploration_share=0.0, archived=True)], thresholds_by_rule=thresholds)
        == []
    )


def test_strategic_drift_for_self_managed_teams_without_a_recent_session():
    thresholds = {STRATEGIC_DRIFT: {}}
    assert rules_fired(teams=[team(autonomy_level=3)], thresholds_by_rule=thresholds) == [(STRATEGIC_DRIFT, "team", 7)]
    assert rules_fired(teams=[team(transition_status="self_managed")], thresholds_by_rule=thresholds) == [
        (STRATEGIC_DRIFT, "team", 7)
    ]
    assert rules_fired(teams=[team(autonomy_level=2)], thresholds_by_rule=thresholds) == []
    exactly = team(autonomy_level=4, last_alignment_on=date(2026, 5, 29))
    assert rules_fired(teams=[exactly], thresholds_by_rule=thresholds) == []
    late = team(autonomy_level=4, last_alignment_on=date(2026, 5, 28))
    assert fire(teams=[late], thresholds_by_rule=thresholds)[0].facts == {
        "last_alignment_on": date(2026, 5, 28),
        "months": 6,
    }


def test_unsupported_transition_after_the_grace_period():
    thresholds = {UNSUPPORTED_TRANSITION: {}}
    started = date(2026, 10, 29)  # 31 days before TODAY
    bare = team(transition_status="in_transition", transition_started_on=started)
    fired = fire(teams=[bare], thresholds_by_rule=thresholds)
    assert [firing.rule_key for firing in fired] == [UNSUPPORTED_TRANSITION]
    assert fired[0].facts["roles_covered"] == 0 and fired[0].facts["days_in_transition"] == 31
    supported = team(transition_status="in_transition", transition_started_on=started, roles_covered=ROLES)
    assert rules_fired(teams=[supported], thresholds_by_rule=thresholds) == []
    without_paradox = frozenset(ROLES - {"paradoxical_leadership"} | {"shape_risk_and_learning_climate"})
    missing = team(transition_status="in_transition", transition_started_on=started, roles_covered=without_paradox)
    assert fire(teams=[missing], thresholds_by_rule=thresholds)[0].facts["paradoxical_leadership_covered"] is False
    in_grace = team(transition_status="in_transition", transition_started_on=date(2026, 10, 30))
    assert rules_fired(teams=[in_grace], thresholds_by_rule=thresholds) == []
    assert (
        rules_fired(
            teams=[team(transition_status="self_managed", transition_started_on=started)], thresholds_by_rule=thresholds
        )
        == []
    )


def test_thresholds_from_the_pack_replace_the_defaults_and_disabled_rules_do_not_fire():
    locked = team(autonomy_level=2, exploration_share=0.1)
    assert rules_fired(
        teams=[locked], thresholds_by_rule={ROUTINE_LOCK_IN: {"min_autonomy_level": 2, "max_exploration_share": 0.1}}
    ) == [(ROUTINE_LOCK_IN, "team", 7)]
    assert rules_fired(teams=[team(autonomy_level=5, exploration_share=0.0)], thresholds_by_rule={}, rules=set()) == []


def test_composition_warnings_judge_one_teams_mix():
    firings = composition_warnings(mix(unit=7, magistrate=6, bohemian=4), StrategyFacts(), {}, TODAY)
    assert [(firing.rule_key, firing.subject_kind, firing.subject_id) for firing in firings] == [
        (FEW_INNOVATORS, "team", 7),
        (BOHEMIANS_WITHOUT_STRATEGY, "team", 7),
    ]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 5, 28), 6, date(2026, 11, 28)),
        (date(2026, 3, 15), -3, date(2025, 12, 15)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected
