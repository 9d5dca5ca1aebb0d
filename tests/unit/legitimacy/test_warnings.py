"""Each legitimacy warning rule firing and not firing at its thresholds, with the data that fired it."""

from __future__ import annotations

from spaceforchange.alerts.domain import Firing
from spaceforchange.legitimacy.domain import (
    DEFAULT_THRESHOLDS,
    RULE_KEYS,
    Condition,
    GrayZoneEntry,
    Judgment,
    LegitimacySnapshot,
    LegitimationAction,
    Stakeholder,
    evaluate,
    thresholds_for,
)
from tests.unit.legitimacy.builders import (
    CI,
    IL,
    NOR,
    OTHER,
    POLICY,
    TODAY,
    C,
    L,
    U,
    action,
    ago,
    entry,
    judge,
    person,
    walk,
)


def fired(
    rule: str,
    judgments: list[Judgment] | tuple[Judgment, ...] = (),
    *,
    actions: tuple[LegitimationAction, ...] = (),
    stakeholders: tuple[Stakeholder, ...] = (),
    tactics: tuple[GrayZoneEntry, ...] = (),
    **limits: float,
) -> list[Firing]:
    snapshot = LegitimacySnapshot(tuple(judgments), stakeholders, actions, tactics)
    return evaluate(snapshot, {rule: limits}, TODAY, rules={rule})


def ids(firings: list[Firing]) -> list[int | None]:
    return [firing.subject_id for firing in firings]


# --- challenged_without_action --------------------------------------------------------------------

CHALLENGED = "challenged_without_action"


def test_a_drop_unanswered_for_more_than_the_days_fires():
    assert fired(CHALLENGED, walk(10, (L, 60), (C, 31))) == [
        Firing(
            CHALLENGED,
            "judgment",
            2,
            {
                "stakeholder_id": 10,
                "initiative_id": 1,
                "type": "regulatory",
                "state": C,
                "previous_state": L,
                "judged_on": "2026-05-30",
                "due_on": "2026-06-29",
                "days_waiting": 31,
            },
        )
    ]
    assert fired(CHALLENGED, walk(10, (L, 60), (C, 30))) == []
    assert ids(fired(CHALLENGED, walk(10, (L, 60), (C, 20)), days=19)) == [2]


def test_what_counts_as_a_challenge():
    assert ids(fired(CHALLENGED, walk(10, (CI, 40)))) == [1]  # illegitimacy, even as a first judgment
    assert ids(fired(CHALLENGED, walk(10, (L, 60), (U, 40)))) == [2]  # lower than before
    assert fired(CHALLENGED, walk(10, (U, 40))) == []  # neither
    assert fired(CHALLENGED, walk(10, (IL, 90), (C, 40))) == []  # better than before
    assert fired(CHALLENGED, walk(10, (IL, 90), (L, 40))) == []


def test_re_recording_the_same_state_keeps_the_challenge_and_its_clock():
    firing = fired(CHALLENGED, walk(10, (L, 90), (IL, 50), (IL, 3)))
    assert ids(firing) == [2]
    assert (firing[0].facts["previous_state"], firing[0].facts["days_waiting"]) == (L, 50)


def test_an_action_aimed_at_the_stakeholder_answers_the_challenge():
    history = walk(10, (L, 90), (IL, 50))
    assert fired(CHALLENGED, history, actions=(action(1, {10, 11}, 45),)) == []
    assert fired(CHALLENGED, history, actions=(action(1, {10}, 5),)) == []  # late, but answered
    assert fired(CHALLENGED, history, actions=(action(1, {10}, 70, done_days_ago=40),)) == []
    unanswered = [
        action(1, {11}, 45),  # another stakeholder
        action(2, {10}, 45, subject=OTHER),  # another subject
        action(3, {10}, 70),  # planned before the challenge, not done since
    ]
    assert ids(fired(CHALLENGED, history, actions=tuple(unanswered))) == [2]


# --- condition_at_risk_or_overdue ----------------------------------------------------------------

CONDITION = "condition_at_risk_or_overdue"


def conditional(*conditions: Condition, judgment_id: int = 1) -> Judgment:
    return judge(judgment_id, 10, C, 100, conditions=conditions)


def test_conditions_at_risk_due_or_overdue_fire_on_the_current_judgment():
    judgment = conditional(
        Condition(1, ago(-20)),
        Condition(2, ago(-14)),
        Condition(3, ago(1)),
        Condition(4, None, at_risk=True),
    )
    [firing] = fired(CONDITION, [judgment])
    assert firing.subject_id == 1
    assert firing.facts == {
        "stakeholder_id": 10,
        "initiative_id": 1,
        "type": "regulatory",
        "state": C,
        "at_risk_condition_ids": [4],
        "overdue_condition_ids": [3],
        "due_condition_ids": [2],
        "next_review_on": "2026-06-29",
    }


def test_conditions_far_from_review_or_superseded_stay_quiet():
    assert fired(CONDITION, [conditional(Condition(1, ago(-15)))]) == []
    assert ids(fired(CONDITION, [conditional(Condition(1, ago(-15)))], days_before_review=15)) == [1]
    assert ids(fired(CONDITION, [conditional(Condition(1, TODAY))])) == [1]
    superseded = [conditional(Condition(1, ago(1)), Condition(2, None, at_risk=True)), judge(2, 10, L, 1)]
    assert fired(CONDITION, superseded) == []


def test_a_condition_at_risk_alone_has_no_review_date_to_show():
    [firing] = fired(CONDITION, [conditional(Condition(4, None, at_risk=True))])
    assert firing.facts["next_review_on"] is None


# --- unknown_legitimacy_unresolved ---------------------------------------------------------------

UNKNOWN = "unknown_legitimacy_unresolved"


def test_unknown_for_more_than_the_days_fires_from_when_it_began():
    assert fired(UNKNOWN, walk(10, (U, 60))) == []
    [firing] = fired(UNKNOWN, walk(10, (IL, 120), (U, 90), (U, 10)))
    assert firing.subject_id == 2
    assert firing.facts == {
        "stakeholder_id": 10,
        "initiative_id": 1,
        "type": "regulatory",
        "state": U,
        "since": "2026-04-01",
        "days_unresolved": 90,
        "cause": None,
    }


def test_the_cause_comes_from_the_current_judgment():
    history = [
        judge(1, 10, U, 70, subject=POLICY),
        judge(2, 10, U, 5, subject=POLICY, unknown_cause="stakeholders_disagree"),
    ]
    [firing] = fired(UNKNOWN, history)
    assert (firing.subject_id, firing.facts["cause"], firing.facts["policy_id"]) == (1, "stakeholders_disagree", 7)
    assert fired(UNKNOWN, [*history, judge(3, 10, C, 1, subject=POLICY)]) == []


# --- resource_holder_judges_illegitimate ---------------------------------------------------------

RESOURCE = "resource_holder_judges_illegitimate"
HOLDER = person(10, "Budget office", controls_resources=True)


def test_a_resource_holder_judging_illegitimate_fires_at_once():
    [firing] = fired(RESOURCE, walk(10, (L, 9), (IL, 2)), stakeholders=(HOLDER, person(11)))
    assert (firing.subject_id, firing.facts["position"], firing.facts["judged_on"]) == (2, 5, "2026-06-28")
    assert fired(RESOURCE, walk(11, (IL, 2)), stakeholders=(HOLDER, person(11))) == []


def test_min_state_four_also_fires_on_conditional_illegitimacy():
    history = [judge(1, 10, CI, 2), judge(2, 10, U, 2, type=NOR)]
    assert fired(RESOURCE, history, stakeholders=(HOLDER,)) == []
    assert ids(fired(RESOURCE, history, stakeholders=(HOLDER,), min_state=4)) == [1]


# --- gray_zone_tactic_unaccounted ----------------------------------------------------------------

GRAY = "gray_zone_tactic_unaccounted"


def test_an_unapproved_tactic_fires_after_the_grace_days():
    assert fired(GRAY, tactics=(entry(1, "proposed", days_ago=7),)) == []
    assert fired(GRAY, tactics=(entry(1, "proposed", days_ago=8),)) == [
        Firing(
            GRAY,
            "gray_zone_entry",
            1,
            {
                "initiative_id": 1,
                "tactic": "distancing",
                "status": "proposed",
                "missing": ["approval"],
                "registered_on": "2026-06-22",
                "approval_due_on": "2026-06-29",
            },
        )
    ]


def test_a_missing_risk_note_or_accountable_person_fires_at_once():
    tactics = (
        entry(1, "approved", risks="  "),
        entry(2, "proposed", days_ago=0, accountable_id=None),
        entry(3, "approved"),
        entry(4, "ended", risks="", accountable_id=None),
        entry(5, "rejected", days_ago=30),
        entry(6, "approved", days_ago=30, approver_id=100),  # approved by its own proposer
    )
    assert [(f.subject_id, f.facts["missing"]) for f in fired(GRAY, tactics=tactics)] == [
        (1, ["risks"]),
        (2, ["accountable_person"]),
        (6, ["approval"]),
    ]


# --- evaluation ----------------------------------------------------------------------------------


def test_evaluate_runs_every_rule_in_rule_then_subject_order():
    snapshot = LegitimacySnapshot(
        judgments=(
            judge(5, 10, IL, 40),
            judge(3, 11, U, 70, type=NOR),
            judge(4, 10, C, 3, type=NOR, conditions=(Condition(1, ago(1)),)),
        ),
        stakeholders=(HOLDER,),
        tactics=(entry(9, "proposed", days_ago=20),),
    )
    firings = evaluate(snapshot, {}, TODAY)
    assert [(f.rule_key, f.subject_id) for f in firings] == [
        (CHALLENGED, 5),
        (CONDITION, 4),
        (UNKNOWN, 3),
        (RESOURCE, 5),
        (GRAY, 9),
    ]
    assert [f.rule_key for f in evaluate(snapshot, {}, TODAY, rules={GRAY, "pilot_graveyard"})] == [GRAY]


def test_thresholds_fall_back_to_the_pack_defaults():
    assert thresholds_for(UNKNOWN, {}) == {"days": 60.0}
    assert thresholds_for(UNKNOWN, {UNKNOWN: {"days": 10, "other": 3}}) == {"days": 10.0}
    assert set(DEFAULT_THRESHOLDS) == set(RULE_KEYS)
