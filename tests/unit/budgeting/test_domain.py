"""The pure rules of strategy and money: months, revision diffs, indicators, structure change, warnings."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spaceforchange.budgeting import domain
from spaceforchange.budgeting.domain import LineFacts


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2027, 11, 15), 3, date(2028, 2, 15)),
        (date(2027, 6, 30), 12, date(2028, 6, 30)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert domain.add_months(day, months) == expected


def _goal(pk: int, title: str, weight: int, **fields: object) -> dict[str, object]:
    return {"id": pk, "title": title, "weight": weight, "owner_id": None, "description": "", "active": True} | fields


def test_diff_names_what_changed() -> None:
    before = {"vision": "v1", "cadence_months": 12, "goals": [_goal(1, "A", 60), _goal(2, "B", 40)]}
    after = {"vision": "v1", "cadence_months": 12, "goals": [_goal(1, "A2", 70, owner_id=5), _goal(3, "C", 30)]}
    diff = domain.diff_snapshots(before, after)
    assert diff["vision_changed"] is False and diff["cadence"] is None
    assert diff["goals_added"] == [{"id": 3, "title": "C", "weight": 30}]
    assert diff["goals_retired"] == [{"id": 2, "title": "B", "weight": 40}]
    assert diff["goals_changed"] == [
        {"id": 1, "title": "A2", "changes": {"title": ["A", "A2"], "weight": [60, 70], "owner_id": [None, 5]}}
    ]
    assert domain.diff_snapshots(None, after)["goals_added"][0]["title"] == "A2"


LINES = [
    LineFacts("A1", 1, 600.0, "service_delivery", "carried_over", {1: 4}),
    LineFacts("A2", 2, 300.0, "innovation", "re_decided", {1: 2, 2: 2}),
    LineFacts("A3", 3, 100.0, "efficiency", "carried_over", {2: 0}),
]


def test_indicators_by_hand() -> None:
    assert domain.share_linked(LINES) == 0.9
    assert domain.share_carried_over(LINES) == 0.7
    assert domain.purpose_mix(LINES, ["innovation", "efficiency", "service_delivery"]) == {
        "innovation": 0.3,
        "efficiency": 0.1,
        "service_delivery": 0.6,
    }
    assert domain.money_by_goal(LINES) == {"1": 750.0, "2": 150.0, "unlinked": 100.0}
    assert domain.share_linked([]) == 0.0


def test_structure_change_by_hand() -> None:
    before = [
        LineFacts("A1", 1, 900.0, "service_delivery", "carried_over", {1: 4}),
        LineFacts("A3", 3, 100.0, "efficiency", "carried_over", {}),
    ]
    assert domain.structure_change(before, LINES) == {"by_goal": 0.15, "by_line": 0.3, "by_purpose": 0.3, "change": 0.3}
    assert domain.structure_change(LINES, LINES)["change"] == 0.0


shares_of = st.dictionaries(st.sampled_from("abcdef"), st.floats(0, 1000), min_size=1).map(domain.shares)


@given(shares_of, shares_of)
def test_distance_is_a_share_and_symmetric(first: dict[str, float], second: dict[str, float]) -> None:
    value = domain.distance(first, second)
    assert 0.0 <= value <= 1.0
    assert value == domain.distance(second, first)
    assert domain.distance(first, first) == 0.0


def test_the_rules_read_their_thresholds() -> None:
    snapshot = domain.MoneySnapshot(
        cycle_name="2027",
        linked_share=0.4,
        structure=0.2,
        unit_streaks={7: 2, 8: 1},
        unit_names={7: "Roads"},
        strategy_id=3,
        revision_due=date(2027, 1, 1),
        cadence_months=12,
    )
    fired = domain.evaluate(snapshot, {}, date(2027, 2, 1))
    assert [(f.rule_key, f.subject_id) for f in fired] == [
        ("strategy_budget_disconnect", None),
        ("unit_without_contribution", 7),
        ("unit_without_contribution", 8),
        ("ai_strategy_not_revised", 3),
    ]
    assert fired[1].subject_label == "Roads"
    stricter = {"unit_without_contribution": {"max_cycles": 2}, "ai_strategy_not_revised": {"grace_days": 60}}
    keys = [(f.rule_key, f.subject_id) for f in domain.evaluate(snapshot, stricter, date(2027, 2, 1))]
    assert keys == [("strategy_budget_disconnect", None), ("unit_without_contribution", 7)]
    relaxed = {"strategy_budget_disconnect": {"min_linked_share": 0.3, "min_structure_change": 0.1}}
    assert domain.evaluate(snapshot, relaxed, date(2027, 2, 1), rules={"strategy_budget_disconnect"}) == []


def test_the_defaults_are_the_warnings_packs() -> None:
    from pathlib import Path

    import yaml

    pack = yaml.safe_load((Path(domain.__file__).parents[1] / "frameworks/packs/warnings.yaml").read_text())
    shipped = {
        item["key"]: {threshold["key"]: threshold["value"] for threshold in item.get("thresholds", [])}
        for item in pack["items"]
        if item["key"] in domain.RULE_KEYS
    }
    assert shipped == domain.DEFAULT_THRESHOLDS
