"""Invariants of the portfolio figures and the warning evaluation on generated portfolios."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spaceforchange.analytics.portfolio import (
    DEFAULT_GATES,
    BackingEntry,
    ConstraintRecord,
    Idea,
    Initiative,
    Move,
    PortfolioSnapshot,
    Scan,
    Setback,
    Stage,
    StageEntry,
    bottom_up,
    check_move,
    evaluate,
    form_mix,
    funnel,
    move_kind,
    pilot_to_scale,
)
from tests.unit.analytics.portfolio.builders import TODAY, ago

FORMS = ["incremental_change", "bold_experimentation", "strategic_transformation"]
LEVELS = ["front_line_staff", "middle_manager", "senior_leader", "politician", "external_partner"]
TRIGGERS = ["proactive", "crisis", "failure", "external_shock", "budget_cut", "technology_opportunity"]
COMMITMENTS = ["verbal", "formal_mandate", "budget", "political_cover", None]
NEXT = {
    Stage.IDEA: [Stage.EXPERIMENT, Stage.STOPPED],
    Stage.EXPERIMENT: [Stage.SCALING, Stage.IDEA, Stage.STOPPED],
    Stage.SCALING: [Stage.INTEGRATED, Stage.EXPERIMENT, Stage.STOPPED],
}

days_ago = st.integers(min_value=0, max_value=1200)


@st.composite
def histories(draw: st.DrawFn) -> tuple[StageEntry, ...]:
    stage = draw(st.sampled_from([Stage.IDEA, Stage.IDEA, Stage.EXPERIMENT, Stage.SCALING]))
    when = draw(st.integers(min_value=0, max_value=1500))
    entries = [StageEntry(stage, ago(when))]
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        if stage not in NEXT:
            break
        stage = draw(st.sampled_from(NEXT[stage]))
        when = max(0, when - draw(st.integers(min_value=0, max_value=300)))
        entries.append(StageEntry(stage, ago(when)))
    return tuple(entries)


@st.composite
def lean_initiatives(draw: st.DrawFn, initiative_id: int) -> Initiative:
    """Stage history, form, initiator and trigger only: what the portfolio figures read."""
    history = draw(histories())
    return Initiative(
        id=initiative_id,
        stage=history[-1].stage,
        history=history,
        change_form=draw(st.sampled_from([*FORMS, None])),
        initiator_level=draw(st.sampled_from([*LEVELS, None])),
        trigger=draw(st.sampled_from([*TRIGGERS, None])),
    )


@st.composite
def initiatives(draw: st.DrawFn, initiative_id: int) -> Initiative:
    history = draw(histories())
    backing = draw(
        st.lists(
            st.builds(
                BackingEntry,
                st.integers(1, 4),
                st.sampled_from(LEVELS),
                st.sampled_from(COMMITMENTS),
                days_ago.map(ago),
            ),
            max_size=3,
        )
    )
    constraints = draw(
        st.lists(
            st.builds(
                ConstraintRecord,
                st.integers(1, 10**6),
                st.sampled_from(["cognitive", "political", "regulatory"]),
                st.sampled_from(["active", "removed", "redefined"]),
                days_ago.map(ago),
            ),
            max_size=3,
        )
    )
    scores = st.dictionaries(st.sampled_from(["resilience", "resources"]), st.floats(1, 5), max_size=2)
    return Initiative(
        id=initiative_id,
        stage=history[-1].stage,
        history=history,
        change_form=draw(st.sampled_from([*FORMS, None])),
        initiator_level=draw(st.sampled_from([*LEVELS, None])),
        trigger=draw(st.sampled_from([*TRIGGERS, None])),
        backing=tuple(backing),
        constraints=tuple(constraints),
        setbacks=tuple(draw(st.lists(st.builds(Setback, days_ago.map(ago)), max_size=2))),
        scans=tuple(draw(st.lists(st.builds(Scan, days_ago.map(ago), scores), max_size=3))),
        proposed_stage=draw(st.sampled_from([None, Stage.SCALING])),
    )


@st.composite
def portfolios(draw: st.DrawFn, *, lean: bool = False) -> PortfolioSnapshot:
    count = draw(st.integers(min_value=0, max_value=10))
    build = lean_initiatives if lean else initiatives
    chosen = tuple(draw(build(n)) for n in range(count))
    ideas = draw(
        st.lists(
            st.tuples(days_ago, st.one_of(st.none(), days_ago)),
            max_size=10,
        )
    )
    return PortfolioSnapshot(
        chosen, tuple(Idea(n, ago(s), None if d is None else ago(d)) for n, (s, d) in enumerate(ideas))
    )


# Generating nested portfolios is slow on a busy machine; the properties do not depend on speed.
RELAXED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

TARGET = {"incremental_change": 0.6, "bold_experimentation": 0.3, "strategic_transformation": 0.1}


@RELAXED
@given(portfolios(lean=True))
def test_form_shares_sum_to_one_when_any_are_counted(snapshot: PortfolioSnapshot) -> None:
    mix = form_mix(snapshot.initiatives, TARGET, stages=set(Stage))
    if mix.counted:
        assert sum(share.share or 0.0 for share in mix.forms) == pytest.approx(1.0)
        assert sum(share.deviation or 0.0 for share in mix.forms) == pytest.approx(0.0, abs=1e-9)
    else:
        assert all(share.share is None for share in mix.forms)
    assert mix.counted + mix.unrecorded == len(snapshot.initiatives)


@RELAXED
@given(portfolios(lean=True))
def test_conversion_and_ratios_lie_within_zero_and_one(snapshot: PortfolioSnapshot) -> None:
    steps = funnel(snapshot.initiatives)
    assert steps[0].reached_from == len(snapshot.initiatives)
    for step in steps:
        assert step.reached_to <= step.reached_from
        assert step.conversion is None or 0.0 <= step.conversion <= 1.0
    ratio = pilot_to_scale(snapshot.initiatives)
    assert ratio.scaled + ratio.stopped_as_pilot + ratio.running == steps[1].reached_from
    assert ratio.ratio is None or 0.0 <= ratio.ratio <= 1.0
    who = bottom_up(snapshot.initiatives)
    assert who.bottom_up + who.senior + who.other + who.unrecorded == len(snapshot.initiatives)
    assert who.share is None or 0.0 <= who.share <= 1.0


@settings(RELAXED, max_examples=40)
@given(portfolios(), st.randoms(use_true_random=False))
def test_evaluate_does_not_depend_on_input_order(snapshot: PortfolioSnapshot, rng: random.Random) -> None:
    initiatives_shuffled = list(snapshot.initiatives)
    ideas_shuffled = list(snapshot.ideas)
    rng.shuffle(initiatives_shuffled)
    rng.shuffle(ideas_shuffled)
    shuffled = PortfolioSnapshot(tuple(initiatives_shuffled), tuple(ideas_shuffled))
    thresholds = {
        "pilot_graveyard": {"min_started": 1, "max_scaled_share": 0.5},
        "purely_incremental_portfolio": {"min_active": 1},
    }
    assert evaluate(shuffled, thresholds, TODAY) == evaluate(snapshot, thresholds, TODAY)


@RELAXED
@given(portfolios(lean=True), st.sampled_from(list(Stage)))
def test_an_allowed_move_is_a_move_of_the_life_cycle(snapshot: PortfolioSnapshot, target: Stage) -> None:
    for initiative in snapshot.initiatives:
        move = Move(target, decided_by=1, decided_on=TODAY, reason="recorded")
        check = check_move(initiative, move, gates=DEFAULT_GATES, today=TODAY)
        assert check.kind == move_kind(initiative.stage, target)
        if initiative.stage in (Stage.INTEGRATED, Stage.STOPPED):
            assert not check.allowed


def test_a_large_portfolio_evaluates_every_idea_and_initiative() -> None:
    rng = random.Random(4)
    scaling = tuple(
        Initiative(
            id=n,
            stage=Stage.SCALING,
            history=(StageEntry(Stage.EXPERIMENT, ago(400)), StageEntry(Stage.SCALING, ago(100))),
            constraints=(ConstraintRecord(n, "cognitive", "active", ago(300)),) if n % 2 else (),
        )
        for n in range(2000)
    )
    ideas = tuple(Idea(n, TODAY - timedelta(days=rng.randint(0, 60)), None if n % 3 else ago(1)) for n in range(20000))
    firings = evaluate(PortfolioSnapshot(scaling, ideas), {}, TODAY)
    overdue = sum(1 for idea in ideas if idea.decided_on is None and (TODAY - idea.submitted_on).days > 30)
    counts = {key: sum(1 for f in firings if f.rule_key == key) for key in {f.rule_key for f in firings}}
    assert counts == {
        "scaling_without_senior_backing": 2000,
        "cognitive_constraint_while_scaling": 1000,
        "idea_answer_overdue": overdue,
    }
