"""The change-readiness gate condition: each linked programme must score and name a sponsor."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spaceforchange.analytics.change.readiness import FACTORS
from spaceforchange.analytics.portfolio import DEFAULT_VOCABULARY, Move, Stage, check_move, parse_condition
from spaceforchange.analytics.portfolio.snapshot import Initiative, ProgrammeReadiness
from spaceforchange.analytics.portfolio.stages import ChangeReadiness, Problem
from tests.unit.analytics.portfolio.builders import TODAY, walked

SCALING_MOVE = Move(Stage.SCALING, decided_by=7, decided_on=TODAY)


# Generation time depends on the machine's load, never on the code under test.
RELAXED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def programme(
    scores: dict[str, float | None] | None = None, *, sponsor: bool = True, pk: int = 1, name: str = "Home care reform"
) -> ProgrammeReadiness:
    names = {"ensure_top_management_support": "Ensure top-management support and commitment"}
    return ProgrammeReadiness(pk, name, dict.fromkeys(FACTORS, 3.0) if scores is None else scores, sponsor, names)


def experimenting(*readiness: ProgrammeReadiness) -> Initiative:
    return walked(1, (Stage.IDEA, 90), (Stage.EXPERIMENT, 60), readiness=readiness)


def failures(condition: ChangeReadiness, initiative: Initiative) -> list[Problem]:
    return condition.failures(initiative, SCALING_MOVE, TODAY, DEFAULT_VOCABULARY)


def test_defaults_ask_factors_one_to_six_at_three_and_a_sponsor() -> None:
    condition = ChangeReadiness()
    assert condition.kind == "change_readiness"
    assert condition.factors == FACTORS[:6]
    assert condition.min_score == 3.0 and condition.require_sponsor is True


def test_without_a_linked_programme_the_condition_fails() -> None:
    assert [problem.code for problem in failures(ChangeReadiness(), experimenting())] == ["readiness_missing"]


def test_a_ready_programme_with_a_sponsor_passes() -> None:
    assert failures(ChangeReadiness(), experimenting(programme())) == []


def test_a_low_factor_is_named_with_its_number_name_and_score() -> None:
    scores: dict[str, float | None] = {**dict.fromkeys(FACTORS, 4.0), "ensure_top_management_support": 2.4}
    [problem] = failures(ChangeReadiness(), experimenting(programme(scores)))
    assert problem.code == "readiness_factor_low"
    assert problem.params == {
        "programme": "Home care reform",
        "programme_id": 1,
        "factor": "ensure_top_management_support",
        "factor_number": 4,
        "factor_name": "Ensure top-management support and commitment",
        "score": 2.4,
        "min_score": 3.0,
    }


def test_an_unscored_factor_and_a_missing_sponsor_fail_separately() -> None:
    scores = {**dict.fromkeys(FACTORS, 4.0), "provide_plan": None}
    problems = failures(ChangeReadiness(), experimenting(programme(scores, sponsor=False)))
    assert [(problem.code, problem.params.get("factor_number")) for problem in problems] == [
        ("readiness_factor_unscored", 2),
        ("readiness_sponsor_missing", None),
    ]


def test_factors_outside_the_condition_do_not_count() -> None:
    scores = {**dict.fromkeys(FACTORS, 4.0), "institutionalize_change": 1.0, "pursue_comprehensive_change": None}
    assert failures(ChangeReadiness(), experimenting(programme(scores))) == []


def test_every_linked_programme_must_pass() -> None:
    weak = programme({**dict.fromkeys(FACTORS, 4.0), "ensure_need": 2.0}, pk=2, name="Front door")
    problems = failures(ChangeReadiness(), experimenting(programme(), weak))
    assert [(problem.code, problem.params["programme"]) for problem in problems] == [
        ("readiness_factor_low", "Front door")
    ]


def test_the_sponsor_may_be_left_out() -> None:
    assert failures(ChangeReadiness(require_sponsor=False), experimenting(programme(sponsor=False))) == []


def test_check_move_refuses_scaling_and_allows_stepping_back() -> None:
    gates = {Stage.SCALING: (ChangeReadiness(),)}
    initiative = experimenting(programme({**dict.fromkeys(FACTORS, 3.0), "ensure_need": 1.0}))
    refused = check_move(initiative, SCALING_MOVE, gates=gates, today=TODAY)
    assert not refused.allowed
    assert [problem.code for problem in refused.problems] == ["readiness_factor_low"]
    back = Move(Stage.IDEA, decided_by=7, decided_on=TODAY, reason="Not ready")
    assert check_move(initiative, back, gates=gates, today=TODAY).allowed


def test_stored_form_round_trips() -> None:
    condition = ChangeReadiness(3.5, ("ensure_need", "provide_resources"), False)
    assert condition.as_dict() == {
        "kind": "change_readiness",
        "min_score": 3.5,
        "factors": ["ensure_need", "provide_resources"],
        "require_sponsor": False,
    }
    assert parse_condition(condition.as_dict()) == condition


def test_parsing_fills_defaults_and_orders_factors() -> None:
    assert parse_condition({"kind": "change_readiness"}) == ChangeReadiness()
    parsed = parse_condition(
        {"kind": "change_readiness", "min_score": 4, "factors": ["provide_resources", "ensure_need"]}
    )
    assert parsed == ChangeReadiness(4.0, ("ensure_need", "provide_resources"), True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"min_score": 0.5}, "min_score"),
        ({"min_score": 6}, "min_score"),
        ({"min_score": True}, "min_score"),
        ({"min_score": "3"}, "min_score"),
        ({"factors": ["not_a_factor"]}, "unknown change readiness factors"),
        ({"factors": "ensure_need"}, "factors must be a list"),
        ({"factors": [3]}, "factors must be a list"),
        ({"require_sponsor": "yes"}, "require_sponsor"),
        ({"factors": [], "require_sponsor": False}, "at least one factor"),
    ],
)
def test_malformed_conditions_are_refused_clearly(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_condition({"kind": "change_readiness", **data})


score = st.one_of(st.none(), st.floats(min_value=1, max_value=5, allow_nan=False))
scores_strategy = st.fixed_dictionaries({factor: score for factor in FACTORS})
conditions = st.builds(
    ChangeReadiness,
    st.floats(min_value=1, max_value=5),
    st.lists(st.sampled_from(FACTORS), unique=True).map(tuple),
    st.booleans(),
)


@RELAXED
@given(conditions, st.lists(st.tuples(scores_strategy, st.booleans()), min_size=1, max_size=3), st.data())
def test_raising_any_score_never_adds_a_failure(
    condition: ChangeReadiness, programmes: list[tuple[dict[str, float | None], bool]], data: st.DataObject
) -> None:
    which = data.draw(st.integers(min_value=0, max_value=len(programmes) - 1))
    factor = data.draw(st.sampled_from(FACTORS))
    before_scores, sponsor = programmes[which]
    current = before_scores[factor]
    raised_to = data.draw(st.floats(min_value=current if current is not None else 1, max_value=5))
    raised = list(programmes)
    raised[which] = ({**before_scores, factor: raised_to}, sponsor)

    def problems(chosen: list[tuple[dict[str, float | None], bool]]) -> set[tuple[object, object]]:
        initiative = experimenting(
            *(programme(scores, sponsor=named, pk=pk) for pk, (scores, named) in enumerate(chosen, start=1))
        )
        found = failures(condition, initiative)
        # A failure is identified by what fails; giving an unscored factor a score may turn
        # "unscored" into "low", which is the same failure, not an added one.
        return {(p.params.get("programme_id"), p.params.get("factor", p.code)) for p in found}

    assert problems(raised) <= problems(programmes)


@RELAXED
@given(conditions, scores_strategy, st.data())
def test_a_factor_below_the_minimum_is_always_named(
    condition: ChangeReadiness, scores: dict[str, float | None], data: st.DataObject
) -> None:
    if not condition.factors:
        return
    factor = data.draw(st.sampled_from(condition.factors))
    low = (
        data.draw(st.floats(min_value=1, max_value=condition.min_score, exclude_max=True))
        if condition.min_score > 1
        else None
    )
    chosen = {**scores, factor: low}
    named = [
        problem
        for problem in failures(condition, experimenting(programme(chosen)))
        if problem.params.get("factor") == factor
    ]
    assert len(named) == 1
    assert named[0].code == ("readiness_factor_low" if low is not None else "readiness_factor_unscored")
    assert named[0].params["factor_number"] == FACTORS.index(factor) + 1
