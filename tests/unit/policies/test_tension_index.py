"""The tension index and the ladder on hand-worked examples (docs/reference/tension-index.md)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from spaceforchange.policies.domain import (
    COMPLAINTS,
    DEFAULT_PARAMETERS,
    LITIGATION,
    MEDIA_ATTENTION,
    NON_COMPLIANCE,
    SCRUTINY_REPORT,
    Judgment,
    PolicyStrain,
    Reason,
    SignalCount,
    SignalTuning,
    TensionParameters,
    linear_strain,
    place,
    tension_index,
)

TODAY = date(2026, 11, 15)
# The recent window is September to November 2026, the earlier one June to August.


def judged(stakeholder: int, legitimacy_type: str, state: str, influence: int = 3) -> Judgment:
    return Judgment(stakeholder, legitimacy_type, state, influence)


def reports(*days: date, signal: str = SCRUTINY_REPORT) -> tuple[SignalCount, ...]:
    return tuple(SignalCount(signal, day) for day in days)


# The worked example of the reference page.
WORKED = PolicyStrain(
    judgments=(
        judged(1, "regulatory", "legitimate", 5),
        judged(1, "normative", "conditional_illegitimacy", 5),
        judged(2, "pragmatic", "illegitimate", 2),
        judged(3, "cognitive", "legitimate", 3),
        judged(3, "normative", "conditional_legitimacy", 3),
    ),
    signals=(
        *reports(date(2026, 11, 3), date(2026, 10, 3), date(2026, 10, 20), date(2026, 6, 1)),
        SignalCount(COMPLAINTS, date(2026, 9, 1), 6),
        SignalCount(COMPLAINTS, date(2026, 7, 1), 3),
    ),
)


def test_the_worked_example() -> None:
    result = tension_index(WORKED, TODAY)
    values = {c.key: (round(c.value, 4), round(c.weight, 2), round(c.points, 2)) for c in result.components}
    assert values == {
        "judgment_gap": (0.7, 0.3, 21.0),
        "scrutiny_report": (0.5, 0.2, 10.0),
        "complaints": (0.2857, 0.1, 2.86),
        "media_attention": (0.0, 0.1, 0.0),
        "litigation": (0.0, 0.1, 0.0),
        "non_compliance": (0.0, 0.1, 0.0),
        "divided_consultation": (0.0, 0.1, 0.0),
    }
    assert result.index == 33.9
    assert (result.level, result.level_key) == (2, "manifest_tension")
    assert [(r.code, r.params["level"]) for r in result.reasons] == [
        ("scrutiny_report", 2),
        ("complaints", 2),
        ("judgment_gap", 1),
    ]
    assert result.reasons[-1].params == {
        "level": 1,
        "stakeholder_ids": [1, 2],
        "state": "conditional_illegitimacy",
        "threshold": 1,
    }


def test_the_worked_examples_reasons_carry_what_the_page_shows() -> None:
    components = {c.key: c for c in tension_index(WORKED, TODAY).components}
    assert components["judgment_gap"].reason == Reason(
        "judged",
        {
            "stakeholders": 3,
            "low_stakeholders": 2,
            "strongest_stakeholder_id": 1,
            "strongest_type": "normative",
            "strongest_state": "conditional_illegitimacy",
            "strongest": 0.75,
            "mean": 0.65,
            "regulatory_state": "legitimate",
        },
    )
    assert components["scrutiny_report"].reason == Reason(
        "rate",
        {
            "recent_count": 3,
            "earlier_count": 1,
            "recent_rate": 1.0,
            "earlier_rate": 0.3333,
            "trend": "rising",
            "strain": 1.0,
            "half_rate": 1.0,
        },
    )
    assert components["media_attention"].reason == Reason("none_recorded", {"months": 6})
    assert components["divided_consultation"].reason == Reason("no_consultation")


def test_nothing_recorded_is_aligned_at_zero() -> None:
    result = tension_index(PolicyStrain(), TODAY)
    assert (result.index, result.level) == (0.0, 0)
    assert result.reasons == (Reason("aligned", {"level": 0}),)
    assert result.components[0].reason == Reason("no_judgments", {"regulatory_state": None})


def test_all_legitimate_is_aligned_at_zero() -> None:
    strain = PolicyStrain(judgments=tuple(judged(1, kind, "legitimate", 5) for kind in ("normative", "pragmatic")))
    result = tension_index(strain, TODAY)
    assert (result.index, result.level) == (0.0, 0)


def test_one_stakeholder_judging_low_is_a_latent_tension() -> None:
    # Influence 4 of 5, illegitimate: strongest 1.0 × 4/5 = 0.8, mean 1.0 → value 0.9, 27 points.
    strain = PolicyStrain(judgments=(judged(7, "normative", "illegitimate", 4),))
    result = tension_index(strain, TODAY)
    assert (result.index, result.level, result.level_key) == (27.0, 1, "latent_tension")


def test_unknown_is_strain_but_not_a_gap() -> None:
    # Strain 0.5 at influence 5: strongest 0.5, mean 0.5 → 15 points, but no state at or below the low state.
    result = tension_index(PolicyStrain(judgments=(judged(1, "cognitive", "unknown_legitimacy", 5),)), TODAY)
    assert (result.index, result.level) == (15.0, 0)


def test_a_stakeholder_counts_once_with_their_worst_type() -> None:
    one = PolicyStrain(judgments=(judged(1, "normative", "illegitimate"), judged(1, "pragmatic", "legitimate")))
    alone = PolicyStrain(judgments=(judged(1, "normative", "illegitimate"),))
    assert tension_index(one, TODAY) == tension_index(alone, TODAY)


def test_regulatory_doubt_neither_adds_nor_relieves() -> None:
    base = (judged(1, "normative", "illegitimate", 5),)
    doubted = PolicyStrain(judgments=(*base, judged(2, "regulatory", "illegitimate", 5)))
    plain = tension_index(PolicyStrain(judgments=base), TODAY)
    result = tension_index(doubted, TODAY)
    assert (result.index, result.level) == (plain.index, plain.level) == (30.0, 1)
    assert result.components[0].reason.params["regulatory_state"] == "illegitimate"


def test_falling_reports_keep_half_their_memory() -> None:
    # Six reports in June–August, none since: strain is the six-month mean 1.0, value 0.5, 10 points.
    strain = PolicyStrain(signals=reports(*(date(2026, month, day) for month in (6, 7, 8) for day in (1, 2))))
    result = tension_index(strain, TODAY)
    component = result.components[1]
    assert (component.value, component.reason.params["trend"]) == (0.5, "falling")
    assert (result.index, result.level) == (10.0, 0)


def test_reports_outside_both_windows_or_in_the_future_do_not_count() -> None:
    strain = PolicyStrain(signals=reports(date(2026, 5, 31), date(2026, 12, 1)))
    assert tension_index(strain, TODAY).index == 0.0


def test_a_single_report_is_strain_but_not_yet_manifest() -> None:
    # One report this month: recent rate 1/3, strain 1/3, value (1/3)/(4/3) = 0.25, 5 points.
    result = tension_index(PolicyStrain(signals=reports(date(2026, 11, 1))), TODAY)
    assert (result.index, result.level) == (5.0, 0)


def test_divided_consultation_makes_a_tension_manifest() -> None:
    result = tension_index(PolicyStrain(division=0.6), TODAY)
    assert (result.index, result.level) == (6.0, 2)
    assert result.reasons == (Reason("divided_consultation", {"level": 2, "division": 0.6, "threshold": 0.5}),)


def test_absent_consultation_is_no_division() -> None:
    absent = tension_index(WORKED, TODAY)
    measured = tension_index(PolicyStrain(WORKED.judgments, WORKED.signals, 0.0), TODAY)
    assert (absent.index, absent.level) == (measured.index, measured.level)


@pytest.mark.parametrize("signal", [MEDIA_ATTENTION, LITIGATION])
def test_one_media_story_or_court_case_is_escalating(signal: str) -> None:
    result = tension_index(PolicyStrain(signals=(SignalCount(signal, date(2026, 10, 5)),)), TODAY)
    assert result.level == 3
    assert result.reasons[0].code == signal


CRISIS = PolicyStrain(
    judgments=(judged(1, "normative", "illegitimate", 5), judged(2, "pragmatic", "illegitimate", 5)),
    signals=(
        SignalCount(SCRUTINY_REPORT, date(2026, 11, 1), 15),
        SignalCount(COMPLAINTS, date(2026, 10, 1), 60),
        SignalCount(MEDIA_ATTENTION, date(2026, 11, 2), 6),
        SignalCount(LITIGATION, date(2026, 9, 2), 3),
        SignalCount(NON_COMPLIANCE, date(2026, 11, 1), 30),
    ),
    division=0.8,
)


def test_escalating_evidence_with_a_high_index_is_a_crisis() -> None:
    # Gap 1.0 → 30; reports 5/month → 5/6 → 16.67; complaints 20/month → 0.8 → 8; media 2/month → 2/3 → 6.67;
    # litigation 1/month → 2/3 → 6.67; non-compliance 10/month → 2/3 → 6.67; division 0.8 → 8. Sum 82.67.
    result = tension_index(CRISIS, TODAY)
    assert result.index == 82.7
    assert (result.level, result.level_key) == (4, "crisis")
    assert result.reasons[0] == Reason("crisis", {"level": 4, "index": 82.7, "threshold": 70})


def test_a_high_index_without_escalating_evidence_stays_manifest() -> None:
    quiet = PolicyStrain(
        CRISIS.judgments, tuple(s for s in CRISIS.signals if s.signal in (SCRUTINY_REPORT, COMPLAINTS))
    )
    tuned = TensionParameters(crisis_index=40)
    result = tension_index(quiet, TODAY, tuned)
    assert result.index >= 40
    assert result.level == 2


def test_the_components_add_up_to_the_index() -> None:
    for strain in (WORKED, CRISIS):
        result = tension_index(strain, TODAY)
        assert sum(c.weight for c in result.components) == pytest.approx(1.0)
        assert sum(c.points for c in result.components) == pytest.approx(result.index, abs=0.05)


def test_as_dict_is_what_the_cli_lists() -> None:
    data = tension_index(WORKED, TODAY).as_dict()
    assert (data["index"], data["level"], data["level_key"]) == (33.9, 2, "manifest_tension")
    components = data["components"]
    assert isinstance(components, list)
    assert components[0] == {
        "key": "judgment_gap",
        "value": 0.7,
        "weight": 0.3,
        "points": 21.0,
        "reason": tension_index(WORKED, TODAY).components[0].reason.as_dict(),
    }


def test_place_without_evidence_is_aligned() -> None:
    assert place([], 95.0, DEFAULT_PARAMETERS) == (0, (Reason("aligned", {"level": 0}),))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rise_weight": 0.6}, "rise_weight"),
        ({"gap_weight": -1}, "negative"),
        ({"state_strain": {"legitimate": 0.5, "conditional_legitimacy": 0.25}}, "state_strain"),
        ({"signals": {SCRUTINY_REPORT: SignalTuning(1, 1, 1, 2)}}, "signals"),
        ({"low_state": "doubtful"}, "unknown legitimacy state"),
    ],
)
def test_parameters_refuse_what_would_break_the_index(changes: dict[str, object], message: str) -> None:
    if "state_strain" in changes:
        changes = {"state_strain": {**DEFAULT_PARAMETERS.state_strain, **changes["state_strain"]}}  # type: ignore[dict-item]
    with pytest.raises(ValueError, match=message):
        TensionParameters(**changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "strain",
    [
        PolicyStrain(judgments=(judged(1, "normative", "doubtful"),)),
        PolicyStrain(judgments=(judged(1, "normative", "legitimate", 6),)),
        PolicyStrain(signals=(SignalCount("rumours", TODAY),)),
        PolicyStrain(signals=(SignalCount(COMPLAINTS, TODAY, -1),)),
        PolicyStrain(division=1.5),
    ],
)
def test_bad_input_is_refused(strain: PolicyStrain) -> None:
    with pytest.raises(ValueError):
        tension_index(strain, TODAY)


def test_the_domain_imports_no_django() -> None:
    code = "import sys, spaceforchange.policies.domain; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_an_organisations_own_states_can_replace_the_shipped_ones() -> None:
    states = ("accepted", "doubted", "rejected")
    tuned = TensionParameters(states=states, state_strain=linear_strain(states), low_state="rejected")
    strain = PolicyStrain(judgments=(judged(1, "normative", "doubted", 5), judged(2, "pragmatic", "rejected", 5)))
    result = tension_index(strain, TODAY, tuned)
    # Strains 0.5 and 1 at influence 5: strongest 1, mean 0.75 → 0.875 × 30 = 26.25 points.
    assert (result.index, result.level) == (26.2, 1)
    assert result.reasons[0].params["stakeholder_ids"] == [2]
    with pytest.raises(ValueError, match="unknown legitimacy state"):
        tension_index(strain, TODAY)
