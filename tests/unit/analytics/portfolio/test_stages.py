"""The initiative life cycle: allowed and refused moves, decisions, and each gate condition alone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from spaceforchange.analytics.portfolio import (
    DEFAULT_GATES,
    CognitiveConstraintsAddressed,
    DecisionReference,
    Move,
    MoveKind,
    RecentScan,
    ScanMinimum,
    SeniorBacking,
    Stage,
    check_move,
    check_transition,
    move_kind,
    parse_condition,
)
from spaceforchange.analytics.portfolio.stages import Problem
from tests.unit.analytics.portfolio.builders import TODAY, ago, backer, constraint, scan, walked

ID, E, S, N, X = Stage.IDEA, Stage.EXPERIMENT, Stage.SCALING, Stage.INTEGRATED, Stage.STOPPED


def decided(target: Stage, reason: str = "", reference: str = "") -> Move:
    return Move(target, decided_by=7, decided_on=TODAY, reason=reason, reference=reference)


def codes(problems: tuple[Problem, ...] | list[Problem]) -> list[str]:
    return [problem.code for problem in problems]


@pytest.mark.parametrize(
    ("current", "target", "kind"),
    [
        (ID, E, MoveKind.FORWARD),
        (E, S, MoveKind.FORWARD),
        (S, N, MoveKind.FORWARD),
        (E, ID, MoveKind.BACK),
        (S, E, MoveKind.BACK),
        (ID, X, MoveKind.STOP),
        (E, X, MoveKind.STOP),
        (S, X, MoveKind.STOP),
    ],
)
def test_allowed_moves_have_their_kind(current: Stage, target: Stage, kind: MoveKind) -> None:
    assert move_kind(current, target) is kind
    reason = "" if kind is MoveKind.FORWARD else "the pilot showed no benefit"
    assert check_transition(current, decided(target, reason), entered_current_on=ago(30), today=TODAY) == []


@pytest.mark.parametrize(
    ("current", "target", "code"),
    [
        (ID, S, "skips_stage"),
        (ID, N, "skips_stage"),
        (E, N, "skips_stage"),
        (S, ID, "skips_stage"),
        (N, S, "terminal_stage"),
        (N, X, "terminal_stage"),
        (X, ID, "terminal_stage"),
        (X, E, "terminal_stage"),
        (E, E, "same_stage"),
        (X, X, "same_stage"),
    ],
)
def test_refused_moves_name_why(current: Stage, target: Stage, code: str) -> None:
    assert move_kind(current, target) is None
    problems = check_transition(current, decided(target, "because"), entered_current_on=ago(30), today=TODAY)
    assert problems == [Problem(code, {"from_stage": str(current), "to_stage": str(target)})]


@pytest.mark.parametrize(("current", "target"), [(E, ID), (S, E), (ID, X), (S, X)])
def test_back_and_stop_need_a_reason(current: Stage, target: Stage) -> None:
    problems = check_transition(current, decided(target, "   "), entered_current_on=ago(30), today=TODAY)
    assert codes(problems) == ["reason_required"]


def test_forward_needs_no_reason() -> None:
    assert check_transition(ID, decided(E), entered_current_on=ago(30), today=TODAY) == []


def test_every_move_needs_a_decider_and_a_date() -> None:
    problems = check_transition(ID, Move(E), entered_current_on=ago(30), today=TODAY)
    assert codes(problems) == ["decider_missing", "decision_date_missing"]


def test_decision_may_not_lie_in_the_future() -> None:
    move = Move(E, decided_by=1, decided_on=TODAY + timedelta(days=1))
    problems = check_transition(ID, move, entered_current_on=ago(30), today=TODAY)
    assert problems == [Problem("decision_in_future", {"decided_on": "2025-07-01"})]


def test_decision_may_not_precede_the_current_stage() -> None:
    move = Move(S, decided_by=1, decided_on=ago(31))
    problems = check_transition(E, move, entered_current_on=ago(30), today=TODAY)
    assert problems == [Problem("decision_before_stage", {"decided_on": "2025-05-30", "entered_on": "2025-05-31"})]
    same_day = Move(S, decided_by=1, decided_on=ago(30))
    assert check_transition(E, same_day, entered_current_on=ago(30), today=TODAY) == []


# --- Gates -------------------------------------------------------------------------------------

READY = walked(
    1,
    (ID, 200),
    (E, 100),
    backing=(backer(10, "senior_leader", "formal_mandate"),),
    constraints=(constraint(20, status="removed"),),
    scans=(scan(10, resilience=3.5, resources=3.0),),
)


def test_a_ready_initiative_passes_the_default_scaling_gate() -> None:
    check = check_move(READY, decided(S), gates=DEFAULT_GATES, today=TODAY)
    assert check.allowed
    assert check.kind is MoveKind.FORWARD
    assert check.problems == ()


def test_default_gate_refuses_scaling_without_backing() -> None:
    bare = walked(2, (ID, 200), (E, 100))
    check = check_move(bare, decided(S), gates=DEFAULT_GATES, today=TODAY)
    assert not check.allowed
    assert check.problems == (
        Problem("senior_backing_missing", {"min_commitment_rank": 2, "strongest_senior_rank": None}),
    )


def test_gates_apply_to_forward_moves_only() -> None:
    bare = walked(2, (ID, 200), (E, 100), (S, 50))
    assert check_move(bare, decided(X, "no budget"), gates=DEFAULT_GATES, today=TODAY).allowed
    assert check_move(bare, decided(E, "backing lost"), gates=DEFAULT_GATES, today=TODAY).allowed


def test_a_refused_shape_is_reported_with_no_kind() -> None:
    check = check_move(READY, decided(N), gates=DEFAULT_GATES, today=TODAY)
    assert check.kind is None
    assert not check.allowed
    assert codes(check.problems) == ["skips_stage"]


def test_recent_scan_boundary() -> None:
    gate = {S: (RecentScan(10),)}
    assert check_move(READY, decided(S), gates=gate, today=TODAY).allowed
    strict = {S: (RecentScan(9),)}
    params = {"max_age_days": 9, "scan_age_days": 10, "scan_taken_on": "2025-06-20"}
    assert check_move(READY, decided(S), gates=strict, today=TODAY).problems == (Problem("scan_too_old", params),)


def test_recent_scan_missing_and_future_scans_ignored() -> None:
    future_only = walked(3, (ID, 200), (E, 100), scans=(scan(-5, resilience=4.0),))
    check = check_move(future_only, decided(S), gates={S: (RecentScan(30),)}, today=TODAY)
    assert check.problems == (Problem("scan_missing", {"max_age_days": 30}),)


def test_scan_minimum_on_every_dimension() -> None:
    assert check_move(READY, decided(S), gates={S: (ScanMinimum(3.0),)}, today=TODAY).allowed
    check = check_move(READY, decided(S), gates={S: (ScanMinimum(3.2),)}, today=TODAY)
    assert check.problems == (
        Problem("scan_dimension_low", {"dimension": "resources", "score": 3.0, "min_score": 3.2}),
    )


def test_scan_minimum_on_named_dimensions() -> None:
    gate = {S: (ScanMinimum(3.2, ("resilience", "political_backing")),)}
    check = check_move(READY, decided(S), gates=gate, today=TODAY)
    assert check.problems == (Problem("scan_dimension_missing", {"dimension": "political_backing"}),)


def test_scan_minimum_without_a_scan() -> None:
    bare = walked(2, (ID, 200), (E, 100))
    check = check_move(bare, decided(S), gates={S: (ScanMinimum(3.0),)}, today=TODAY)
    assert codes(check.problems) == ["scan_missing"]


@pytest.mark.parametrize(
    ("entries", "passes"),
    [
        ((backer(1, "politician", "budget"),), True),
        ((backer(1, "senior_leader", "verbal"),), False),
        ((backer(1, "middle_manager", "political_cover"),), False),
        ((backer(1, "senior_leader", "budget", 20), backer(1, "senior_leader", None, 5)), False),
        ((backer(1, "senior_leader", "verbal", 20), backer(1, "senior_leader", "formal_mandate", 5)), True),
    ],
)
def test_senior_backing_reads_current_senior_commitments(entries: tuple, passes: bool) -> None:
    initiative = walked(4, (ID, 200), (E, 100), backing=entries)
    check = check_move(initiative, decided(S), gates={S: (SeniorBacking(2),)}, today=TODAY)
    assert check.allowed is passes


def test_senior_backing_reports_the_strongest_senior_rank() -> None:
    initiative = walked(4, (ID, 200), (E, 100), backing=(backer(1, "senior_leader", "formal_mandate"),))
    check = check_move(initiative, decided(S), gates={S: (SeniorBacking(3),)}, today=TODAY)
    assert check.problems == (
        Problem("senior_backing_missing", {"min_commitment_rank": 3, "strongest_senior_rank": 2}),
    )


def test_cognitive_constraints_boundary() -> None:
    carrying = walked(
        5,
        (ID, 200),
        (E, 100),
        constraints=(constraint(1), constraint(2, status="redefined"), constraint(3, family="regulatory")),
    )
    assert check_move(carrying, decided(S), gates={S: (CognitiveConstraintsAddressed(1),)}, today=TODAY).allowed
    check = check_move(carrying, decided(S), gates={S: (CognitiveConstraintsAddressed(0),)}, today=TODAY)
    assert check.problems == (Problem("cognitive_constraints_active", {"max_active": 0, "active_count": 1}),)


def test_decision_reference() -> None:
    gate = {E: (DecisionReference(),)}
    idea = walked(6, (ID, 10))
    assert check_move(idea, decided(E, reference="2025/114"), gates=gate, today=TODAY).allowed
    assert codes(check_move(idea, decided(E), gates=gate, today=TODAY).problems) == ["decision_reference_missing"]


def test_gate_problems_come_after_decision_problems() -> None:
    bare = walked(2, (ID, 200), (E, 100))
    check = check_move(bare, Move(S), gates=DEFAULT_GATES, today=TODAY)
    assert codes(check.problems) == ["decider_missing", "decision_date_missing", "senior_backing_missing"]


@pytest.mark.parametrize(
    "condition",
    [
        RecentScan(90),
        ScanMinimum(3.5, ("resilience",)),
        ScanMinimum(2.0),
        SeniorBacking(3),
        CognitiveConstraintsAddressed(1),
        DecisionReference(),
    ],
)
def test_conditions_round_trip_through_their_stored_form(condition: object) -> None:
    assert parse_condition(condition.as_dict()) == condition  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "unknown gate condition kind None"),
        ({"kind": "drop_tables"}, "unknown gate condition kind 'drop_tables'"),
        ({"kind": "recent_scan"}, "max_age_days must be a whole number"),
        ({"kind": "recent_scan", "max_age_days": -1}, "max_age_days must be a whole number"),
        ({"kind": "recent_scan", "max_age_days": True}, "max_age_days must be a whole number"),
        ({"kind": "recent_scan", "max_age_days": "30"}, "max_age_days must be a whole number"),
        ({"kind": "scan_minimum", "min_score": 11}, "min_score must be a number"),
        ({"kind": "scan_minimum", "min_score": 3, "dimensions": "resilience"}, "dimensions must be a list"),
        ({"kind": "scan_minimum", "min_score": 3, "dimensions": [""]}, "dimensions must be a list"),
        ({"kind": "senior_backing", "min_commitment_rank": 2.5}, "min_commitment_rank must be a whole number"),
    ],
)
def test_bad_stored_conditions_are_refused_clearly(data: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_condition(data)
