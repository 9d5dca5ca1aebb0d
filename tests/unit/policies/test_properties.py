"""Invariants of the tension index and the ladder on generated policies: more strain never lowers either."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from spaceforchange.policies.domain import (
    REGULATORY,
    SIGNALS,
    STATES,
    Judgment,
    PolicyStrain,
    SignalCount,
    TensionParameters,
    tension_index,
)

TODAY = date(2026, 11, 15)
TYPES = (REGULATORY, "normative", "cognitive", "pragmatic")
OTHER_TYPES = TYPES[1:]

stakeholder_ids = st.integers(min_value=1, max_value=8)
influences = st.fixed_dictionaries({sid: st.integers(min_value=1, max_value=5) for sid in range(1, 9)})


@st.composite
def judgments(draw: st.DrawFn) -> tuple[Judgment, ...]:
    """Current judgments: at most one per stakeholder × type, one influence per stakeholder."""
    influence = draw(influences)
    cells = draw(st.lists(st.tuples(stakeholder_ids, st.sampled_from(TYPES)), unique=True, max_size=16))
    return tuple(Judgment(sid, kind, draw(st.sampled_from(STATES)), influence[sid]) for sid, kind in cells)


signal_counts = st.lists(
    st.builds(
        SignalCount,
        st.sampled_from(SIGNALS),
        st.integers(min_value=-30, max_value=240).map(lambda days: TODAY - timedelta(days=days)),
        st.integers(min_value=0, max_value=40),
    ),
    max_size=20,
)
divisions = st.one_of(st.none(), st.floats(min_value=0, max_value=1))
strains = st.builds(PolicyStrain, judgments(), signal_counts.map(tuple), divisions)


@st.composite
def worsened(draw: st.DrawFn, strain: PolicyStrain) -> PolicyStrain:
    """The same policy under more strain: states no better (regulatory anyhow), more signals, more division."""
    more_judgments = []
    for judgment in strain.judgments:
        if judgment.legitimacy_type == REGULATORY:
            state = draw(st.sampled_from(STATES))
        else:
            state = draw(st.sampled_from(STATES[STATES.index(judgment.state) :]))
        more_judgments.append(replace(judgment, state=state))
    added = draw(signal_counts)
    division = strain.division
    if draw(st.booleans()):
        division = draw(st.floats(min_value=division or 0.0, max_value=1))
    return PolicyStrain(tuple(more_judgments), strain.signals + tuple(added), division)


@given(strains, st.data())
def test_more_strain_never_lowers_the_index_or_the_level(strain: PolicyStrain, data: st.DataObject) -> None:
    before = tension_index(strain, TODAY)
    after = tension_index(data.draw(worsened(strain)), TODAY)
    assert after.index >= before.index
    assert after.level >= before.level


@given(strains, st.data())
def test_more_strain_never_lowers_anything_under_other_tunings(strain: PolicyStrain, data: st.DataObject) -> None:
    tuned = TensionParameters(
        strongest_share=data.draw(st.floats(min_value=0, max_value=1)),
        rise_weight=data.draw(st.floats(min_value=0, max_value=0.5)),
        recent_months=2,
        earlier_months=2,
        crisis_index=data.draw(st.floats(min_value=0, max_value=100)),
    )
    before = tension_index(strain, TODAY, tuned)
    after = tension_index(data.draw(worsened(strain)), TODAY, tuned)
    assert after.index >= before.index and after.level >= before.level


@given(strains)
def test_index_and_components_stay_in_range(strain: PolicyStrain) -> None:
    result = tension_index(strain, TODAY)
    assert 0 <= result.index <= 100
    assert 0 <= result.level <= 4
    assert all(0 <= c.value <= 1 and 0 <= c.points <= 100 * c.weight for c in result.components)
    assert abs(sum(c.points for c in result.components) - result.index) <= 0.05 + 1e-9
    assert result.reasons, "every placement says why"


@given(strains)
def test_absent_consultation_equals_zero_division_not_a_penalty(strain: PolicyStrain) -> None:
    absent = tension_index(replace(strain, division=None), TODAY)
    zero = tension_index(replace(strain, division=0.0), TODAY)
    assert (absent.index, absent.level) == (zero.index, zero.level)


@given(st.lists(st.tuples(stakeholder_ids, st.sampled_from(TYPES)), unique=True), influences)
def test_all_legitimate_without_signals_is_aligned(cells: list[tuple[int, str]], influence: dict[int, int]) -> None:
    strain = PolicyStrain(tuple(Judgment(sid, kind, "legitimate", influence[sid]) for sid, kind in cells))
    result = tension_index(strain, TODAY)
    assert (result.index, result.level, result.level_key) == (0.0, 0, "aligned")


@given(strains, st.randoms(use_true_random=False))
def test_the_order_of_the_input_does_not_matter(strain: PolicyStrain, rng: random.Random) -> None:
    shuffled_judgments, shuffled_signals = list(strain.judgments), list(strain.signals)
    rng.shuffle(shuffled_judgments)
    rng.shuffle(shuffled_signals)
    shuffled = PolicyStrain(tuple(shuffled_judgments), tuple(shuffled_signals), strain.division)
    assert tension_index(shuffled, TODAY) == tension_index(strain, TODAY)


@given(strains)
def test_a_level_of_two_or_more_needs_more_than_judgments(strain: PolicyStrain) -> None:
    judged_only = tension_index(PolicyStrain(strain.judgments), TODAY)
    assert judged_only.level <= 1
    assert judged_only.index <= 30
