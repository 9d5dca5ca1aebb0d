"""The relief ratio and the wording of every refusal code and gate condition."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spaceforchange.analytics.portfolio import (
    CognitiveConstraintsAddressed,
    DecisionReference,
    Problem,
    RecentScan,
    ScanMinimum,
    SeniorBacking,
)
from spaceforchange.portfolio.domain import Naming, describe_condition, describe_problem, relief

NAMING = Naming(
    {
        "idea": "Idea",
        "scaling": "Scaling",
        "experiment": "Experiment",
        "resilience": "Resilience",
        "verbal": "Verbal support",
        "formal_mandate": "Formal mandate",
    },
    {1: "verbal", 2: "formal_mandate"},
)


def test_relief_is_weighted_by_severity():
    result = relief([("removed", 4), ("active", 4), ("redefined", 2)], frozenset({"removed", "redefined"}))
    assert (result.relieved, result.total, result.ratio) == (2, 3, 0.6)
    assert relief([], frozenset()).ratio is None


@given(st.lists(st.tuples(st.sampled_from(["active", "removed"]), st.integers(1, 5)), max_size=30))
def test_relief_ratio_stays_between_zero_and_one(pairs):
    ratio = relief(pairs, frozenset({"removed"})).ratio
    assert ratio is None if not pairs else 0 <= ratio <= 1


@pytest.mark.parametrize(
    "problem, expected",
    [
        (
            Problem("same_stage", {"from_stage": "idea", "to_stage": "idea"}),
            "The initiative is already at the stage Idea.",
        ),
        (
            Problem("terminal_stage", {"from_stage": "stopped", "to_stage": "idea"}),
            "stopped is a final stage: an initiative does not leave it.",
        ),
        (
            Problem("skips_stage", {"from_stage": "idea", "to_stage": "scaling"}),
            "An initiative cannot move from Idea to Scaling: it moves forward one stage at a time.",
        ),
        (Problem("reason_required", {"kind": "stop"}), "Stopping needs a reason."),
        (Problem("reason_required", {"kind": "back"}), "Stepping back needs a reason."),
        (Problem("decider_missing"), "Name the person who decided."),
        (Problem("decision_date_missing"), "Give the date of the decision."),
        (
            Problem("decision_in_future", {"decided_on": "2030-01-01"}),
            "The decision date 2030-01-01 lies in the future.",
        ),
        (
            Problem("decision_before_stage", {"decided_on": "2020-01-01", "entered_on": "2021-01-01"}),
            "The decision date 2020-01-01 is before the initiative entered its current stage on 2021-01-01.",
        ),
        (
            Problem("scan_missing", {"max_age_days": 90}),
            "Scaling needs a space-for-change scan from the last 90 days; the initiative has none.",
        ),
        (
            Problem("scan_missing", {"min_score": 3.0}),
            "Scaling needs a space-for-change scan; the initiative has none.",
        ),
        (
            Problem("scan_too_old", {"max_age_days": 90, "scan_age_days": 100, "scan_taken_on": "2025-01-01"}),
            "Scaling needs a space-for-change scan from the last 90 days; the latest is from 2025-01-01.",
        ),
        (
            Problem("scan_dimension_missing", {"dimension": "resilience"}),
            "Scaling needs a score on Resilience in the latest scan; it has none.",
        ),
        (
            Problem("scan_dimension_low", {"dimension": "resilience", "score": 2.456, "min_score": 3.0}),
            "Scaling needs at least 3 on Resilience; the latest scan has 2.46.",
        ),
        (
            Problem("senior_backing_missing", {"min_commitment_rank": 2, "strongest_senior_rank": None}),
            "Scaling needs named senior backing (at least Formal mandate); no senior backer is recorded.",
        ),
        (
            Problem("senior_backing_missing", {"min_commitment_rank": 2, "strongest_senior_rank": 1}),
            "Scaling needs named senior backing (at least Formal mandate); the strongest is Verbal support.",
        ),
        (
            Problem("cognitive_constraints_active", {"max_active": 0, "active_count": 2}),
            "Scaling needs the cognitive constraints addressed: 2 still active, at most 0 allowed.",
        ),
        (
            Problem("decision_reference_missing"),
            "Scaling needs a reference to the decision record, such as a case number.",
        ),
        (Problem("something_new"), "The move is refused (something_new)."),
    ],
)
def test_every_problem_code_is_worded(problem, expected):
    assert describe_problem(problem, target="scaling", naming=NAMING) == expected


@pytest.mark.parametrize(
    "condition, expected",
    [
        (RecentScan(90), "A space-for-change scan from the last 90 days"),
        (ScanMinimum(3.5, ("resilience",)), "A latest scan scoring at least 3.5 on Resilience"),
        (ScanMinimum(3.0), "A latest scan scoring at least 3 on every dimension"),
        (SeniorBacking(2), "Named senior backing of at least Formal mandate"),
        (SeniorBacking(9), "Named senior backing of at least 9"),
        (CognitiveConstraintsAddressed(1), "At most 1 active cognitive constraints"),
        (DecisionReference(), "A reference to the decision record"),
    ],
)
def test_every_condition_is_worded(condition, expected):
    assert describe_condition(condition, NAMING) == expected
