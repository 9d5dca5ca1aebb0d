"""Portfolio figures on a hand-computed portfolio of nine initiatives."""

from __future__ import annotations

import pytest

from spaceforchange.analytics.portfolio import (
    BottomUp,
    FormShare,
    FunnelStep,
    PilotToScale,
    Stage,
    bottom_up,
    form_mix,
    funnel,
    pilot_to_scale,
    portfolio_figures,
    stage_form_counts,
    trigger_counts,
)
from tests.unit.analytics.portfolio.builders import walked

ID, E, S, N, X = Stage.IDEA, Stage.EXPERIMENT, Stage.SCALING, Stage.INTEGRATED, Stage.STOPPED
INC, BOLD, STRAT = "incremental_change", "bold_experimentation", "strategic_transformation"
TARGET = {INC: 0.5, BOLD: 0.3, STRAT: 0.2}

# id: path → furthest stage reached (0 idea … 3 integrated)
PORTFOLIO = (
    walked(1, (ID, 90), change_form=INC, initiator_level="front_line_staff", trigger="proactive"),  # 0
    walked(2, (ID, 90), (E, 60), change_form=INC, initiator_level="middle_manager", trigger="crisis"),  # 1
    walked(3, (ID, 90), (E, 60), (X, 30), change_form=BOLD, initiator_level="senior_leader", trigger="crisis"),  # 1
    walked(4, (ID, 90), (E, 60), (S, 30), change_form=BOLD, initiator_level="politician", trigger="failure"),  # 2
    walked(5, (ID, 90), (E, 60), (S, 30), (N, 5), change_form=STRAT, initiator_level="external_partner"),  # 3
    walked(6, (ID, 90), (E, 60), (S, 30), (X, 5), change_form=INC),  # 2
    walked(7, (S, 30), initiator_level="front_line_staff", trigger="technology_opportunity"),  # 2
    walked(8, (ID, 90), (X, 30), change_form="pilot_sprint"),  # 0
    walked(9, (ID, 90), (E, 60), (S, 30), (E, 5), change_form=STRAT, initiator_level="middle_manager"),  # 2
)


def test_stage_form_counts() -> None:
    counts = stage_form_counts(PORTFOLIO, [INC, BOLD, STRAT])
    assert list(counts) == [ID, E, S, N, X]
    assert list(counts[ID]) == [INC, BOLD, STRAT, "pilot_sprint", None]
    assert counts[ID] == {INC: 1, BOLD: 0, STRAT: 0, "pilot_sprint": 0, None: 0}
    assert counts[E] == {INC: 1, BOLD: 0, STRAT: 1, "pilot_sprint": 0, None: 0}
    assert counts[S] == {INC: 0, BOLD: 1, STRAT: 0, "pilot_sprint": 0, None: 1}
    assert counts[N] == {INC: 0, BOLD: 0, STRAT: 1, "pilot_sprint": 0, None: 0}
    assert counts[X] == {INC: 1, BOLD: 1, STRAT: 0, "pilot_sprint": 1, None: 0}
    assert sum(sum(row.values()) for row in counts.values()) == len(PORTFOLIO)


def test_form_mix_over_active_initiatives() -> None:
    mix = form_mix(PORTFOLIO, TARGET)
    # Active: 1 (inc), 2 (inc), 4 (bold), 7 (no form), 9 (strat).
    assert mix.counted == 4
    assert mix.unrecorded == 1
    assert [share.form for share in mix.forms] == [INC, BOLD, STRAT]
    assert mix.forms[0] == FormShare(INC, 2, 0.5, 0.5, 0.0)
    assert mix.forms[1].share == pytest.approx(0.25)
    assert mix.forms[1].deviation == pytest.approx(-0.05)
    assert mix.forms[2].deviation == pytest.approx(0.05)


def test_form_mix_reports_forms_outside_the_target() -> None:
    mix = form_mix(PORTFOLIO, TARGET, stages=set(Stage))
    assert [share.form for share in mix.forms] == [INC, BOLD, STRAT, "pilot_sprint"]
    assert mix.forms[3] == FormShare("pilot_sprint", 1, 1 / 8, 0.0, 1 / 8)
    assert mix.counted == 8


def test_form_mix_without_initiatives_has_no_shares() -> None:
    mix = form_mix((), TARGET)
    assert mix.counted == 0
    assert all(share.share is None and share.deviation is None for share in mix.forms)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ({}, "at least one form"),
        ({INC: 0.5, BOLD: 0.4}, "add up to 1"),
        ({INC: 1.2, BOLD: -0.2}, "between 0 and 1"),
    ],
)
def test_form_mix_refuses_a_bad_target(target: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        form_mix(PORTFOLIO, target)


def test_form_mix_accepts_typed_in_rounding() -> None:
    mix = form_mix(PORTFOLIO, {INC: 0.3333333, BOLD: 0.3333333, STRAT: 0.3333334})
    assert mix.counted == 4


def test_funnel() -> None:
    # Furthest reached: 0,1,1,2,3,2,2,0,2 → reached idea 9, experiment 7, scaling 5, integrated 1.
    assert funnel(PORTFOLIO) == (
        FunnelStep(ID, E, 9, 7, 7 / 9),
        FunnelStep(E, S, 7, 5, 5 / 7),
        FunnelStep(S, N, 5, 1, 1 / 5),
    )


def test_funnel_of_nothing() -> None:
    assert all(step.conversion is None and step.reached_from == 0 for step in funnel(()))


def test_pilot_to_scale() -> None:
    # Reached experiment: 2,3,4,5,6,7,9. Scaled: 4,5,6,7,9. Stopped as pilot: 3. Running: 2.
    assert pilot_to_scale(PORTFOLIO) == PilotToScale(scaled=5, stopped_as_pilot=1, running=1, ratio=5 / 6)


def test_pilot_to_scale_without_ended_pilots() -> None:
    running = (walked(1, (ID, 90), (E, 60)), walked(2, (ID, 10), (X, 5)))
    assert pilot_to_scale(running) == PilotToScale(0, 0, 1, None)


def test_bottom_up() -> None:
    assert bottom_up(PORTFOLIO) == BottomUp(bottom_up=4, senior=2, other=1, unrecorded=2, share=4 / 7)
    assert bottom_up(()).share is None


def test_trigger_counts() -> None:
    counts = trigger_counts(PORTFOLIO, ["proactive", "crisis", "failure", "external_shock"])
    assert counts == {
        "proactive": 1,
        "crisis": 2,
        "failure": 1,
        "external_shock": 0,
        "technology_opportunity": 1,
        None: 4,
    }
    assert list(counts)[-1] is None


def test_portfolio_figures_bundle_the_figures() -> None:
    figures = portfolio_figures(PORTFOLIO, TARGET)
    assert figures.funnel == funnel(PORTFOLIO)
    assert figures.pilot_to_scale.ratio == pytest.approx(5 / 6)
    assert figures.bottom_up.share == pytest.approx(4 / 7)
    assert list(figures.stage_form_counts[ID]) == [INC, BOLD, STRAT, "pilot_sprint", None]
    assert figures.mix.counted == 4
    assert figures.triggers[None] == 4
