"""The five change-programme warnings of FRAMEWORKS.md ("Warnings the product raises").

Each rule reads a ``ProgrammeFacts`` snapshot and the thresholds of the ``warnings`` pack item of
the same key (defaults below mirror the shipped pack). A rule fires on the programme's plan
*or* on its readiness score for the factor the rule answers; a factor without a score does not
fire the score clause (nothing is known yet, which is not a low score), but the structural clause
still can. The facts name every clause, so the warning shows what triggered it.

- ``plan_too_vague``: fewer than ``min_milestones`` milestones, no causal theory, or factor 2
  (provide a plan) below ``min_factor_score``.
- ``unfunded_change``: fewer than ``min_budget_lines`` linked budget lines, or factor 6 (provide
  resources) below ``min_factor_score``.
- ``no_institutionalization_step``: fewer than ``min_steps`` milestones marked as
  institutionalisation, or factor 7 (institutionalize change) below ``min_factor_score``.
- ``partial_change``: fewer than ``min_subsystems`` subsystems recorded as part of the change, or
  factor 8 (pursue comprehensive change) below ``min_factor_score``.
- ``no_top_sponsor_or_external_support``: fewer than ``min_top_sponsors`` top sponsors (the named
  sponsor and top-management supporters, each person once) or fewer than
  ``min_external_supporters`` political or outside supporters, or factor 4 or 5 below
  ``min_factor_score``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

PROGRAMME = "programme"
FactValue = str | int | float | bool | None
Thresholds = Mapping[str, float]
# A score a hair below the threshold because of float arithmetic still counts as reaching it.
EPSILON = 1e-9

PLAN_TOO_VAGUE = "plan_too_vague"
UNFUNDED_CHANGE = "unfunded_change"
NO_INSTITUTIONALIZATION_STEP = "no_institutionalization_step"
PARTIAL_CHANGE = "partial_change"
NO_TOP_SPONSOR_OR_EXTERNAL_SUPPORT = "no_top_sponsor_or_external_support"
RULE_KEYS: tuple[str, ...] = (
    PLAN_TOO_VAGUE,
    UNFUNDED_CHANGE,
    NO_INSTITUTIONALIZATION_STEP,
    PARTIAL_CHANGE,
    NO_TOP_SPONSOR_OR_EXTERNAL_SUPPORT,
)

DEFAULT_THRESHOLDS: Mapping[str, Mapping[str, float]] = {
    PLAN_TOO_VAGUE: {"min_milestones": 2, "min_factor_score": 3.0},
    UNFUNDED_CHANGE: {"min_budget_lines": 1, "min_factor_score": 3.0},
    NO_INSTITUTIONALIZATION_STEP: {"min_steps": 1, "min_factor_score": 3.0},
    PARTIAL_CHANGE: {"min_subsystems": 2, "min_factor_score": 3.0},
    NO_TOP_SPONSOR_OR_EXTERNAL_SUPPORT: {
        "min_top_sponsors": 1,
        "min_external_supporters": 1,
        "min_factor_score": 3.0,
    },
}


@dataclass(frozen=True)
class ProgrammeFacts:
    """One change programme as the rules read it; ``scores`` holds the current score per factor."""

    id: int
    name: str = ""
    milestones: int = 0
    institutionalisation_steps: int = 0
    has_causal_theory: bool = False
    budget_lines: int = 0
    subsystems: int = 0
    top_sponsors: int = 0
    external_supporters: int = 0
    scores: Mapping[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Firing:
    """One warning fired (the fields of ``alerts.domain.Firing``, kept here so analytics stay self-contained)."""

    rule_key: str
    subject_kind: str
    subject_id: int | None
    facts: Mapping[str, FactValue] = field(default_factory=dict)
    subject_label: str = ""


def thresholds_for(rule_key: str, thresholds_by_rule: Mapping[str, Thresholds]) -> dict[str, float]:
    """A rule's thresholds: the defaults, overridden by the caller's (keys the rule does not read are ignored)."""
    given = thresholds_by_rule.get(rule_key, {})
    return {key: float(given.get(key, default)) for key, default in DEFAULT_THRESHOLDS[rule_key].items()}


def _below(score: float | None, minimum: float) -> bool:
    return score is not None and score < minimum - EPSILON


def _fire(rule_key: str, programme: ProgrammeFacts, facts: dict[str, FactValue]) -> Firing:
    return Firing(rule_key, PROGRAMME, programme.id, facts, programme.name)


def plan_too_vague(programme: ProgrammeFacts, thresholds: Thresholds) -> Firing | None:
    score = programme.scores.get("provide_plan")
    few = programme.milestones < thresholds["min_milestones"]
    if not (few or not programme.has_causal_theory or _below(score, thresholds["min_factor_score"])):
        return None
    facts: dict[str, FactValue] = {
        "milestones": programme.milestones,
        "min_milestones": int(thresholds["min_milestones"]),
        "causal_theory_recorded": programme.has_causal_theory,
        "provide_plan_score": score,
        "min_factor_score": thresholds["min_factor_score"],
    }
    return _fire(PLAN_TOO_VAGUE, programme, facts)


def unfunded_change(programme: ProgrammeFacts, thresholds: Thresholds) -> Firing | None:
    score = programme.scores.get("provide_resources")
    few = programme.budget_lines < thresholds["min_budget_lines"]
    if not (few or _below(score, thresholds["min_factor_score"])):
        return None
    facts: dict[str, FactValue] = {
        "budget_lines": programme.budget_lines,
        "min_budget_lines": int(thresholds["min_budget_lines"]),
        "provide_resources_score": score,
        "min_factor_score": thresholds["min_factor_score"],
    }
    return _fire(UNFUNDED_CHANGE, programme, facts)


def no_institutionalization_step(programme: ProgrammeFacts, thresholds: Thresholds) -> Firing | None:
    score = programme.scores.get("institutionalize_change")
    few = programme.institutionalisation_steps < thresholds["min_steps"]
    if not (few or _below(score, thresholds["min_factor_score"])):
        return None
    facts: dict[str, FactValue] = {
        "institutionalisation_steps": programme.institutionalisation_steps,
        "min_steps": int(thresholds["min_steps"]),
        "institutionalize_change_score": score,
        "min_factor_score": thresholds["min_factor_score"],
    }
    return _fire(NO_INSTITUTIONALIZATION_STEP, programme, facts)


def partial_change(programme: ProgrammeFacts, thresholds: Thresholds) -> Firing | None:
    score = programme.scores.get("pursue_comprehensive_change")
    few = programme.subsystems < thresholds["min_subsystems"]
    if not (few or _below(score, thresholds["min_factor_score"])):
        return None
    facts: dict[str, FactValue] = {
        "subsystems": programme.subsystems,
        "min_subsystems": int(thresholds["min_subsystems"]),
        "pursue_comprehensive_change_score": score,
        "min_factor_score": thresholds["min_factor_score"],
    }
    return _fire(PARTIAL_CHANGE, programme, facts)


def no_top_sponsor_or_external_support(programme: ProgrammeFacts, thresholds: Thresholds) -> Firing | None:
    top = programme.scores.get("ensure_top_management_support")
    external = programme.scores.get("build_external_support")
    minimum = thresholds["min_factor_score"]
    fires = (
        programme.top_sponsors < thresholds["min_top_sponsors"]
        or programme.external_supporters < thresholds["min_external_supporters"]
        or _below(top, minimum)
        or _below(external, minimum)
    )
    if not fires:
        return None
    facts: dict[str, FactValue] = {
        "top_sponsors": programme.top_sponsors,
        "min_top_sponsors": int(thresholds["min_top_sponsors"]),
        "external_supporters": programme.external_supporters,
        "min_external_supporters": int(thresholds["min_external_supporters"]),
        "ensure_top_management_support_score": top,
        "build_external_support_score": external,
        "min_factor_score": minimum,
    }
    return _fire(NO_TOP_SPONSOR_OR_EXTERNAL_SUPPORT, programme, facts)


RULES = {
    PLAN_TOO_VAGUE: plan_too_vague,
    UNFUNDED_CHANGE: unfunded_change,
    NO_INSTITUTIONALIZATION_STEP: no_institutionalization_step,
    PARTIAL_CHANGE: partial_change,
    NO_TOP_SPONSOR_OR_EXTERNAL_SUPPORT: no_top_sponsor_or_external_support,
}


def evaluate(
    programmes: Iterable[ProgrammeFacts],
    thresholds_by_rule: Mapping[str, Thresholds],
    *,
    rules: Collection[str] | None = None,
) -> list[Firing]:
    """Every firing of the chosen rules (all of ``RULE_KEYS`` by default), in rule, then programme order."""
    chosen = RULE_KEYS if rules is None else tuple(key for key in RULE_KEYS if key in rules)
    snapshot = sorted(programmes, key=lambda programme: programme.id)
    firings: list[Firing] = []
    for rule_key in chosen:
        thresholds = thresholds_for(rule_key, thresholds_by_rule)
        for programme in snapshot:
            firing = RULES[rule_key](programme, thresholds)
            if firing is not None:
                firings.append(firing)
    return firings
