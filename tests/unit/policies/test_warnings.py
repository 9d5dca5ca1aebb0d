"""The three policy warning rules, firing and not firing at their thresholds."""

from __future__ import annotations

from datetime import date, timedelta

from spaceforchange.policies.domain import (
    DEFAULT_THRESHOLDS,
    RULE_KEYS,
    Firing,
    Judgment,
    LevelPoint,
    PolicySnapshot,
    evaluate,
    thresholds_for,
)

TODAY = date(2026, 11, 15)
REGISTERED = date(2025, 1, 1)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def fired(rule: str, *policies: PolicySnapshot, **limits: float) -> list[Firing]:
    return evaluate(policies, {rule: limits}, TODAY, rules={rule})


def policy(policy_id: int = 1, **fields: object) -> PolicySnapshot:
    return PolicySnapshot(id=policy_id, registered_on=REGISTERED, manager_id=fields.pop("manager_id", 9), **fields)  # type: ignore[arg-type]


# --- legitimacy_tension ---------------------------------------------------------------------------

LOW_TWO = (
    Judgment(1, "normative", "conditional_illegitimacy"),
    Judgment(2, "pragmatic", "illegitimate"),
    Judgment(3, "cognitive", "unknown_legitimacy"),
)


def test_legitimacy_tension_fires_with_two_low_stakeholders_and_high_regulatory() -> None:
    subject = policy(judgments=(Judgment(4, "regulatory", "conditional_legitimacy"), *LOW_TWO))
    assert fired("legitimacy_tension", subject) == [
        Firing(
            "legitimacy_tension",
            "policy",
            1,
            {
                "regulatory_state": "conditional_legitimacy",
                "low_stakeholders": 2,
                "stakeholder_ids": [1, 2],
                "types": ["normative", "pragmatic"],
                "worst_state": "illegitimate",
            },
        )
    ]


def test_legitimacy_tension_presumes_a_policy_in_force_lawful() -> None:
    (firing,) = fired("legitimacy_tension", policy(judgments=LOW_TWO))
    assert firing.facts["regulatory_state"] is None


def test_legitimacy_tension_quiet_for_one_dissenting_voice() -> None:
    assert fired("legitimacy_tension", policy(judgments=LOW_TWO[:1] + LOW_TWO[2:])) == []
    # The same stakeholder low on two types is still one voice.
    assert fired("legitimacy_tension", policy(judgments=(*LOW_TWO[:1], Judgment(1, "pragmatic", "illegitimate")))) == []


def test_legitimacy_tension_quiet_when_lawfulness_is_itself_doubted() -> None:
    subject = policy(judgments=(Judgment(4, "regulatory", "unknown_legitimacy"), *LOW_TWO))
    assert fired("legitimacy_tension", subject) == []
    assert len(fired("legitimacy_tension", subject, max_regulatory_state=3)) == 1


def test_legitimacy_tension_reads_min_other_state() -> None:
    subject = policy(judgments=LOW_TWO)
    assert fired("legitimacy_tension", subject, min_other_state=5) == []
    assert fired("legitimacy_tension", subject, min_other_state=3)[0].facts["low_stakeholders"] == 3


# --- tension_escalating ---------------------------------------------------------------------------


def levels(*points: tuple[int, int]) -> tuple[LevelPoint, ...]:
    return tuple(LevelPoint(ago(days), level) for days, level in points)


def test_tension_escalating_fires_on_a_rise_to_manifest_within_the_window() -> None:
    subject = policy(levels=levels((200, 0), (120, 1), (60, 1), (5, 2)))
    facts = {
        "level": 2,
        "lowest_level": 1,
        "lowest_on": ago(120).isoformat(),
        "risen_by": 1,
        "since": ago(90).isoformat(),
    }
    assert fired("tension_escalating", subject) == [Firing("tension_escalating", "policy", 1, facts)]


def test_the_level_standing_at_the_window_start_counts() -> None:
    # Latent since 200 days ago, manifest today: within the last 90 days the level rose from 1 to 2.
    (firing,) = fired("tension_escalating", policy(levels=levels((200, 1), (0, 2))))
    assert (firing.facts["lowest_level"], firing.facts["lowest_on"]) == (1, ago(200).isoformat())


def test_tension_escalating_quiet_when_the_rise_is_older_than_the_window() -> None:
    assert fired("tension_escalating", policy(levels=levels((200, 0), (100, 3), (10, 3)))) == []


def test_tension_escalating_quiet_below_the_minimum_level_or_while_falling() -> None:
    assert fired("tension_escalating", policy(levels=levels((50, 0), (5, 1)))) == []
    assert fired("tension_escalating", policy(levels=levels((50, 4), (5, 3)))) == []
    assert fired("tension_escalating", policy()) == []


def test_tension_escalating_sees_a_relapse() -> None:
    (firing,) = fired("tension_escalating", policy(levels=levels((80, 3), (40, 1), (3, 3))))
    assert firing.facts["risen_by"] == 2


def test_tension_escalating_ignores_points_after_today_and_reads_min_rise() -> None:
    assert fired("tension_escalating", policy(levels=levels((30, 1), (-3, 2)))) == []
    assert fired("tension_escalating", policy(levels=levels((30, 1), (3, 2))), min_rise=2) == []


# --- policy_without_manager -----------------------------------------------------------------------


def test_policy_without_manager_fires_after_the_grace_days() -> None:
    subject = PolicySnapshot(id=5, registered_on=ago(31))
    assert fired("policy_without_manager", subject) == [
        Firing(
            "policy_without_manager",
            "policy",
            5,
            {"unmanaged_since": ago(31).isoformat(), "due_on": ago(1).isoformat(), "days_without_manager": 31},
        )
    ]


def test_policy_without_manager_quiet_within_grace_or_with_a_manager() -> None:
    assert fired("policy_without_manager", PolicySnapshot(id=5, registered_on=ago(30))) == []
    assert fired("policy_without_manager", PolicySnapshot(id=5, registered_on=ago(400), manager_id=3)) == []


def test_policy_without_manager_counts_from_when_the_manager_left() -> None:
    left = PolicySnapshot(id=5, registered_on=ago(400), unmanaged_since=ago(10))
    assert fired("policy_without_manager", left) == []
    assert len(fired("policy_without_manager", left, grace_days=7)) == 1


# --- evaluation -----------------------------------------------------------------------------------


def test_evaluate_runs_every_rule_in_rule_then_policy_order() -> None:
    troubled = PolicySnapshot(id=2, registered_on=ago(100), judgments=LOW_TWO, levels=levels((100, 0), (1, 2)))
    unmanaged = PolicySnapshot(id=1, registered_on=ago(100))
    firings = evaluate([troubled, unmanaged], {}, TODAY)
    assert [(f.rule_key, f.subject_id) for f in firings] == [
        ("legitimacy_tension", 2),
        ("tension_escalating", 2),
        ("policy_without_manager", 1),
        ("policy_without_manager", 2),
    ]
    assert all(f.severity is None for f in firings)


def test_thresholds_fall_back_to_the_packs() -> None:
    assert set(RULE_KEYS) == set(DEFAULT_THRESHOLDS)
    assert thresholds_for("policy_without_manager", {"policy_without_manager": {"grace_days": 5, "x": 1}}) == {
        "grace_days": 5.0
    }
    assert thresholds_for("tension_escalating", {}) == {"min_rise": 1.0, "min_level": 2.0, "window_days": 90.0}


def test_legitimacy_tension_reads_an_organisations_own_states() -> None:
    states = ("accepted", "tolerated", "doubted", "opposed", "rejected")
    judgments = (Judgment(1, "normative", "opposed"), Judgment(2, "cognitive", "rejected"))
    (firing,) = evaluate([policy(judgments=judgments)], {}, TODAY, rules={"legitimacy_tension"}, states=states)
    assert firing.facts["worst_state"] == "rejected"
