"""Every portfolio and first-step rule, and the idea guarantee, firing and not firing at its thresholds."""

from __future__ import annotations

from datetime import date

import pytest

from spaceforchange.analytics.portfolio import (
    DEFAULT_THRESHOLDS,
    RULE_KEYS,
    Firing,
    Idea,
    Initiative,
    PortfolioSnapshot,
    Stage,
    evaluate,
    thresholds_for,
)
from spaceforchange.analytics.portfolio.warnings import months_before
from tests.unit.analytics.portfolio.builders import TODAY, ago, backer, constraint, scan, setback, walked

ID, E, S, N, X = Stage.IDEA, Stage.EXPERIMENT, Stage.SCALING, Stage.INTEGRATED, Stage.STOPPED
INC, BOLD, STRAT = "incremental_change", "bold_experimentation", "strategic_transformation"


def fired(
    rule: str, initiatives: tuple[Initiative, ...] = (), ideas: tuple[Idea, ...] = (), **limits: float
) -> list[Firing]:
    snapshot = PortfolioSnapshot(tuple(initiatives), tuple(ideas))
    return evaluate(snapshot, {rule: limits}, TODAY, rules={rule})


def subjects(firings: list[Firing]) -> list[int | None]:
    return [firing.subject_id for firing in firings]


# --- pilot_graveyard -------------------------------------------------------------------------------


def pilots(count: int, scaled: int, started_days_ago: int = 100) -> tuple[Initiative, ...]:
    return tuple(
        walked(n, (ID, started_days_ago + 10), (E, started_days_ago), *([(S, 10)] if n < scaled else []))
        for n in range(count)
    )


def test_pilot_graveyard_fires_at_the_scaled_share() -> None:
    firings = fired("pilot_graveyard", pilots(5, 1))
    assert firings == [
        Firing(
            "pilot_graveyard",
            "portfolio",
            None,
            {"started": 5, "scaled": 1, "scaled_share": 0.2, "since": "2023-06-30"},
        )
    ]


def test_pilot_graveyard_quiet_above_the_share_or_below_the_sample() -> None:
    assert fired("pilot_graveyard", pilots(5, 2)) == []
    assert fired("pilot_graveyard", pilots(4, 0)) == []
    assert fired("pilot_graveyard", pilots(4, 0), min_started=4) != []


def test_pilot_graveyard_window_boundary() -> None:
    edge = (TODAY - date(2023, 6, 30)).days
    assert len(fired("pilot_graveyard", pilots(5, 0, started_days_ago=edge))) == 1
    assert fired("pilot_graveyard", pilots(5, 0, started_days_ago=edge + 1)) == []
    assert len(fired("pilot_graveyard", pilots(5, 0, started_days_ago=edge + 1), window_months=25)) == 1


def test_pilot_graveyard_counts_integrated_as_scaled_and_skips_never_piloted() -> None:
    integrated = walked(9, (ID, 100), (E, 90), (S, 50), (N, 10))
    straight_to_scaling = walked(10, (S, 50))
    assert fired("pilot_graveyard", (*pilots(4, 0), integrated, straight_to_scaling))[0].facts["scaled"] == 1


def test_months_before_clamps_to_the_month_end() -> None:
    assert months_before(date(2024, 3, 31), 1) == date(2024, 2, 29)
    assert months_before(date(2025, 1, 15), 13) == date(2023, 12, 15)


# --- purely_incremental_portfolio ------------------------------------------------------------------


def mix(forms: list[str | None], stage: Stage = E) -> tuple[Initiative, ...]:
    return tuple(walked(n, (stage, 10), change_form=form) for n, form in enumerate(forms))


def test_purely_incremental_fires_at_the_radical_share() -> None:
    firings = fired("purely_incremental_portfolio", mix([INC] * 4 + [BOLD]), max_radical_share=0.2)
    assert firings[0].facts == {"active": 5, "radical": 1, "radical_share": 0.2, "unrecorded": 0}
    assert fired("purely_incremental_portfolio", mix([INC] * 3 + [BOLD, STRAT]), max_radical_share=0.2) == []


def test_purely_incremental_needs_enough_recorded_active_initiatives() -> None:
    assert fired("purely_incremental_portfolio", mix([INC] * 4 + [None])) == []
    assert len(fired("purely_incremental_portfolio", mix([INC] * 5 + [None]))) == 1
    closed = (*mix([INC] * 4), walked(9, (ID, 20), (X, 10), change_form=INC))
    assert fired("purely_incremental_portfolio", closed) == []


# --- reactive_radicalism ---------------------------------------------------------------------------


def transformations(*triggers: str | None) -> tuple[Initiative, ...]:
    return tuple(walked(n, (S, 10), change_form=STRAT, trigger=t) for n, t in enumerate(triggers))


def test_reactive_radicalism_fires_when_all_transformations_are_reactive() -> None:
    firings = fired("reactive_radicalism", transformations("crisis", "budget_cut", None))
    assert firings[0].facts == {"transformations": 2, "reactive": 2, "reactive_share": 1.0}


def test_reactive_radicalism_quiet_with_one_chosen_or_too_few() -> None:
    assert fired("reactive_radicalism", transformations("crisis", "proactive")) == []
    assert fired("reactive_radicalism", transformations("crisis")) == []
    assert len(fired("reactive_radicalism", transformations("crisis", "proactive"), min_reactive_share=0.5)) == 1


def test_reactive_radicalism_reads_stopped_transformations_too() -> None:
    stopped = walked(5, (E, 20), (X, 10), change_form=STRAT, trigger="external_shock")
    assert len(fired("reactive_radicalism", (*transformations("failure"), stopped))) == 1


# --- crisis_only_leadership ------------------------------------------------------------------------


def test_crisis_only_leadership_fires_on_senior_initiators_and_formal_backers() -> None:
    led = walked(1, (E, 10), initiator_level="politician", trigger="crisis")
    backed = walked(2, (E, 10), trigger="failure", backing=(backer(5, "senior_leader", "formal_mandate"),))
    firings = fired("crisis_only_leadership", (led, backed))
    assert firings[0].facts == {"senior_initiatives": 2, "crisis_triggered": 2, "crisis_share": 1.0}


def test_crisis_only_leadership_quiet_when_seniors_also_back_chosen_work() -> None:
    led = walked(1, (E, 10), initiator_level="politician", trigger="crisis")
    chosen = walked(2, (E, 10), initiator_level="senior_leader", trigger="proactive")
    assert fired("crisis_only_leadership", (led, chosen)) == []


def test_crisis_only_leadership_ignores_verbal_backing_and_other_reactive_triggers() -> None:
    led = walked(1, (E, 10), initiator_level="politician", trigger="crisis")
    verbal = walked(2, (E, 10), trigger="crisis", backing=(backer(5, "senior_leader", "verbal"),))
    assert fired("crisis_only_leadership", (led, verbal)) == []
    shock = walked(3, (E, 10), initiator_level="politician", trigger="external_shock")
    assert fired("crisis_only_leadership", (led, shock)) == []


# --- scaling_without_senior_backing ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("entries", "fires"),
    [
        ((), True),
        ((backer(1, "senior_leader", "verbal"),), True),
        ((backer(1, "front_line_staff", "budget"),), True),
        ((backer(1, "senior_leader", "formal_mandate"),), False),
        ((backer(1, "politician", "political_cover", 30), backer(1, "politician", None, 5)), True),
    ],
)
def test_scaling_without_senior_backing(entries: tuple, fires: bool) -> None:
    scaling = walked(1, (E, 100), (S, 10), backing=entries)
    assert bool(fired("scaling_without_senior_backing", (scaling,))) is fires


def test_scaling_without_senior_backing_threshold_and_facts() -> None:
    scaling = walked(1, (E, 100), (S, 10), backing=(backer(1, "senior_leader", "formal_mandate"),))
    firings = fired("scaling_without_senior_backing", (scaling,), min_commitment_rank=3)
    assert firings[0].facts == {"stage": "scaling", "proposed_stage": None, "strongest_senior_rank": 2}


def test_scaling_without_senior_backing_covers_proposals_only_for_scaling() -> None:
    proposed = walked(1, (E, 100), proposed_stage=S)
    unproposed = walked(2, (E, 100))
    proposed_elsewhere = walked(3, (E, 100), proposed_stage=X)
    assert subjects(fired("scaling_without_senior_backing", (proposed, unproposed, proposed_elsewhere))) == [1]


# --- cognitive_constraint_while_scaling ------------------------------------------------------------


def test_cognitive_constraint_while_scaling() -> None:
    carrying = walked(
        1,
        (S, 10),
        constraints=(constraint(7), constraint(3), constraint(4, status="deprioritized"), constraint(5, "political")),
    )
    firings = fired("cognitive_constraint_while_scaling", (carrying,))
    assert firings[0].facts == {"active_cognitive": 2, "constraint_ids": [3, 7]}
    assert len(fired("cognitive_constraint_while_scaling", (carrying,), max_active_cognitive=1)) == 1
    assert fired("cognitive_constraint_while_scaling", (carrying,), max_active_cognitive=2) == []


def test_cognitive_constraint_only_while_scaling() -> None:
    piloting = walked(1, (E, 10), constraints=(constraint(7),))
    assert fired("cognitive_constraint_while_scaling", (piloting,)) == []


# --- supported_in_principle_controlled_in_practice -------------------------------------------------

RULE_SIPCIP = "supported_in_principle_controlled_in_practice"


def test_constraints_added_after_approval_fire() -> None:
    approved = walked(1, (ID, 200), (E, 100), constraints=(constraint(1, days_ago=99), constraint(2, days_ago=50)))
    firings = fired(RULE_SIPCIP, (approved,))
    assert firings[0].facts == {"approved_on": "2025-03-22", "added_after_approval": 2, "constraint_ids": [1, 2]}


def test_constraints_on_or_before_the_approval_day_do_not_count() -> None:
    approved = walked(
        1,
        (ID, 200),
        (E, 100),
        constraints=(constraint(1, days_ago=100), constraint(2, days_ago=150), constraint(3, days_ago=50)),
    )
    assert fired(RULE_SIPCIP, (approved,)) == []
    assert len(fired(RULE_SIPCIP, (approved,), min_added_after_approval=1)) == 1


def test_constraints_window_boundary() -> None:
    inside = walked(1, (E, 400), (S, 300), constraints=(constraint(1, days_ago=380), constraint(2, days_ago=35)))
    outside = walked(2, (E, 400), (S, 300), constraints=(constraint(1, days_ago=380), constraint(2, days_ago=34)))
    assert subjects(fired(RULE_SIPCIP, (inside, outside))) == [1]


def test_no_approval_no_warning() -> None:
    idea = walked(1, (ID, 200), constraints=(constraint(1, days_ago=99), constraint(2, days_ago=50)))
    assert fired(RULE_SIPCIP, (idea,)) == []


# --- fragile_space ---------------------------------------------------------------------------------


def test_fragile_space_fires_on_a_backer_withdrawing_after_a_setback() -> None:
    fragile = walked(
        1,
        (E, 200),
        setbacks=(setback(30, support_held=False),),
        backing=(backer(4, "senior_leader", "budget", 60), backer(4, "senior_leader", None, 20)),
    )
    firings = fired("fragile_space", (fragile,))
    assert firings[0].facts == {
        "setback_on": "2025-05-31",
        "support_held": False,
        "backers_lost": 1,
        "backer_ids": [4],
        "resilience_before": None,
        "resilience_after": None,
    }


@pytest.mark.parametrize(
    ("later", "fires"),
    [
        (backer(4, "middle_manager", "verbal", 10), True),
        (backer(4, "middle_manager", "political_cover", 10), False),
        (backer(4, "middle_manager", None, 110), False),
        (backer(4, "middle_manager", None, 100), True),
        (backer(4, "middle_manager", None, 10), True),
        (backer(4, "middle_manager", None, 9), False),
    ],
)
def test_fragile_space_backing_window(later: object, fires: bool) -> None:
    fragile = walked(1, (E, 300), setbacks=(setback(100),), backing=(backer(4, "middle_manager", "budget", 200), later))
    assert bool(fired("fragile_space", (fragile,))) is fires


def test_fragile_space_needs_the_set_number_of_backers() -> None:
    fragile = walked(
        1,
        (E, 300),
        setbacks=(setback(100),),
        backing=(backer(4, "middle_manager", "budget", 200), backer(4, "middle_manager", None, 50)),
    )
    assert fired("fragile_space", (fragile,), min_backers_lost=2) == []


@pytest.mark.parametrize(("after", "fires"), [(3.1, True), (3.2, False)])
def test_fragile_space_resilience_drop_boundary(after: float, fires: bool) -> None:
    fragile = walked(
        1, (E, 300), setbacks=(setback(100),), scans=(scan(150, resilience=3.6), scan(60, resilience=after))
    )
    assert bool(fired("fragile_space", (fragile,))) is fires


def test_fragile_space_reads_the_first_scan_in_the_window_only() -> None:
    late = walked(1, (E, 300), setbacks=(setback(100),), scans=(scan(150, resilience=3.6), scan(5, resilience=2.0)))
    assert fired("fragile_space", (late,)) == []
    steady = walked(
        2,
        (E, 300),
        setbacks=(setback(100),),
        scans=(scan(150, resilience=3.6), scan(90, resilience=3.5), scan(50, resilience=2.0)),
    )
    assert fired("fragile_space", (steady,)) == []


def test_fragile_space_reports_the_most_recent_firing_setback() -> None:
    fragile = walked(
        1,
        (E, 300),
        setbacks=(setback(200), setback(100), setback(20)),
        backing=(
            backer(4, "senior_leader", "budget", 250),
            backer(4, "senior_leader", "verbal", 190),
            backer(4, "senior_leader", None, 90),
        ),
    )
    firings = fired("fragile_space", (fragile,))
    assert len(firings) == 1
    assert firings[0].facts["setback_on"] == ago(100).isoformat()


# --- idea_answer_overdue ---------------------------------------------------------------------------


def test_idea_answer_guarantee_boundary() -> None:
    ideas = (
        Idea(1, ago(30)),
        Idea(2, ago(31), sponsor_id=8),
        Idea(3, ago(90), decided_on=ago(60)),
        Idea(4, ago(-3)),
    )
    firings = fired("idea_answer_overdue", ideas=ideas)
    assert firings == [
        Firing(
            "idea_answer_overdue",
            "idea",
            2,
            {"submitted_on": "2025-05-30", "due_on": "2025-06-29", "days_waiting": 31, "sponsor_id": 8},
        )
    ]
    assert subjects(fired("idea_answer_overdue", ideas=ideas, days=29)) == [1, 2]


# --- evaluate --------------------------------------------------------------------------------------


FIRST_STEP_RULES = {
    "scaling_without_senior_backing",
    "cognitive_constraint_while_scaling",
    "supported_in_principle_controlled_in_practice",
    "fragile_space",
}


@pytest.mark.parametrize(("end", "expected"), [((), set(FIRST_STEP_RULES)), (((X, 10),), set())])
def test_the_first_step_rules_skip_closed_initiatives(end: tuple, expected: set[str]) -> None:
    troubled = walked(
        1,
        (E, 300),
        (S, 200),
        *end,
        constraints=(constraint(1, days_ago=250), constraint(2, days_ago=240)),
        setbacks=(setback(100),),
        backing=(backer(4, "middle_manager", "budget", 200), backer(4, "middle_manager", None, 50)),
    )
    firings = evaluate(PortfolioSnapshot((troubled,)), {}, TODAY, rules=FIRST_STEP_RULES)
    assert {firing.rule_key for firing in firings} == expected


def test_evaluate_sorts_by_rule_then_subject_and_respects_the_rule_choice() -> None:
    scaling = tuple(walked(n, (E, 100), (S, 10), constraints=(constraint(n),)) for n in (3, 1, 2))
    snapshot = PortfolioSnapshot(scaling, (Idea(9, ago(40)), Idea(5, ago(40))))
    order = [(firing.rule_key, firing.subject_id) for firing in evaluate(snapshot, {}, TODAY)]
    assert order == [
        ("scaling_without_senior_backing", 1),
        ("scaling_without_senior_backing", 2),
        ("scaling_without_senior_backing", 3),
        ("cognitive_constraint_while_scaling", 1),
        ("cognitive_constraint_while_scaling", 2),
        ("cognitive_constraint_while_scaling", 3),
        ("idea_answer_overdue", 5),
        ("idea_answer_overdue", 9),
    ]
    assert [f.rule_key for f in evaluate(snapshot, {}, TODAY, rules={"idea_answer_overdue", "no_such_rule"})] == [
        "idea_answer_overdue",
        "idea_answer_overdue",
    ]
    assert evaluate(snapshot, {}, TODAY, rules=()) == []


def test_evaluate_of_an_empty_portfolio_is_quiet() -> None:
    assert evaluate(PortfolioSnapshot(), {}, TODAY) == []


def test_thresholds_fall_back_to_the_pack_defaults_and_ignore_unknown_keys() -> None:
    given = {"fragile_space": {"window_days": 30, "typo": 4}, "challenged_without_action": {"days": 3}}
    assert thresholds_for("fragile_space", given) == {
        "window_days": 30.0,
        "min_backers_lost": 1.0,
        "min_resilience_drop": 0.5,
    }
    assert thresholds_for("pilot_graveyard", given) == DEFAULT_THRESHOLDS["pilot_graveyard"]


def test_every_rule_has_defaults_and_the_registry_order() -> None:
    assert list(DEFAULT_THRESHOLDS) == list(RULE_KEYS)
    assert RULE_KEYS[-1] == "idea_answer_overdue"
