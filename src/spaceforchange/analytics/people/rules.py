"""The six people and team warning rules of the warnings pack (FRAMEWORKS.md §9 and §12), over snapshots.

Unit rules read archetype mixes (``UnitMix``: one unit in one self-assessment campaign):

- ``few_crusaders_and_revolutionists``: in the unit's latest mix with at least ``min_respondents``
  respondents, Crusaders and Revolutionists together are below ``min_innovator_share``;
- ``bohemians_without_strategy``: in that mix Bohemians are at or above ``min_bohemian_share`` and
  the organisation has no strategy, or has not revised it for more than ``max_strategy_age_months``;
- ``innovator_attrition``: the innovator share of the unit's latest qualifying mix is at least
  ``max_share_drop`` below an earlier qualifying mix of the same unit less than ``window_months``
  before it (both with at least ``min_respondents``).

Team rules read ``TeamFacts`` (archived teams are never judged):

- ``routine_lock_in``: autonomy at or above ``min_autonomy_level`` and the latest recorded
  exploration share at or below ``max_exploration_share`` (no share recorded: no judgment);
- ``strategic_drift``: a self-managed team whose last alignment session is more than ``months``
  months ago, or that never had one;
- ``unsupported_transition``: in transition for more than ``grace_days`` days with fewer than
  ``min_roles_covered`` leader roles covered, or without paradoxical leadership.

Shares are compared with a small tolerance so that 0.3 − 0.2 counts as a drop of 0.1.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

FEW_INNOVATORS = "few_crusaders_and_revolutionists"
BOHEMIANS_WITHOUT_STRATEGY = "bohemians_without_strategy"
INNOVATOR_ATTRITION = "innovator_attrition"
ROUTINE_LOCK_IN = "routine_lock_in"
STRATEGIC_DRIFT = "strategic_drift"
UNSUPPORTED_TRANSITION = "unsupported_transition"

UNIT_RULES = (FEW_INNOVATORS, BOHEMIANS_WITHOUT_STRATEGY, INNOVATOR_ATTRITION)
TEAM_RULES = (ROUTINE_LOCK_IN, STRATEGIC_DRIFT, UNSUPPORTED_TRANSITION)
RULE_KEYS = UNIT_RULES + TEAM_RULES
MIX_RULES = (FEW_INNOVATORS, BOHEMIANS_WITHOUT_STRATEGY)  # also shown for one team's mix

UNIT, TEAM = "unit", "team"
INNOVATORS = ("crusader", "revolutionist")
BOHEMIAN = "bohemian"
PARADOXICAL_LEADERSHIP = "paradoxical_leadership"
IN_TRANSITION, SELF_MANAGED = "in_transition", "self_managed"
SELF_MANAGED_AUTONOMY = 3
TOLERANCE = 1e-9

# The shipped pack's values, used when an organisation's pack leaves a threshold out.
DEFAULTS: Mapping[str, Mapping[str, float]] = {
    FEW_INNOVATORS: {"min_respondents": 10, "min_innovator_share": 0.2},
    BOHEMIANS_WITHOUT_STRATEGY: {"min_respondents": 10, "min_bohemian_share": 0.3, "max_strategy_age_months": 24},
    INNOVATOR_ATTRITION: {"max_share_drop": 0.1, "window_months": 12, "min_respondents": 10},
    ROUTINE_LOCK_IN: {"min_autonomy_level": 3, "max_exploration_share": 0.05},
    STRATEGIC_DRIFT: {"months": 6},
    UNSUPPORTED_TRANSITION: {"min_roles_covered": 3, "grace_days": 30},
}


@dataclass(frozen=True)
class Firing:
    """One warning fired; the same fields as ``spaceforchange.alerts.domain.Firing``."""

    rule_key: str
    subject_kind: str
    subject_id: int | None
    facts: Mapping[str, Any] = field(default_factory=dict)
    subject_label: str = ""


@dataclass(frozen=True)
class UnitMix:
    """The archetype counts of one group (a unit, or a team) in one self-assessment campaign."""

    unit_id: int
    label: str
    assessed_on: date
    counts: Mapping[str, int]
    campaign_id: int | None = None

    @property
    def respondents(self) -> int:
        return sum(self.counts.values())

    @property
    def innovator_share(self) -> float:
        return _share(self.counts, INNOVATORS)

    @property
    def bohemian_share(self) -> float:
        return _share(self.counts, (BOHEMIAN,))


@dataclass(frozen=True)
class StrategyFacts:
    """Whether the organisation has a strategy and when it was last revised (None: never)."""

    last_revised_on: date | None = None


@dataclass(frozen=True)
class TeamFacts:
    team_id: int
    label: str
    autonomy_level: int
    transition_status: str
    transition_started_on: date | None = None
    last_alignment_on: date | None = None
    exploration_share: float | None = None
    exploration_period: str = ""
    roles_covered: frozenset[str] = frozenset()
    archived: bool = False

    @property
    def self_managed(self) -> bool:
        return self.autonomy_level >= SELF_MANAGED_AUTONOMY or self.transition_status == SELF_MANAGED


def _share(counts: Mapping[str, int], keys: Iterable[str]) -> float:
    total = sum(counts.values())
    return sum(counts.get(key, 0) for key in keys) / total if total else 0.0


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (earlier when negative), on the month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _threshold(thresholds: Mapping[str, Mapping[str, float]], rule: str, key: str) -> float:
    return float(thresholds.get(rule, {}).get(key, DEFAULTS[rule][key]))


def latest_mixes(mixes: Iterable[UnitMix]) -> dict[int, list[UnitMix]]:
    """Unit → its mixes, newest first (ties: the later campaign first)."""
    grouped: dict[int, list[UnitMix]] = {}
    for mix in mixes:
        grouped.setdefault(mix.unit_id, []).append(mix)
    for entries in grouped.values():
        entries.sort(key=lambda mix: (mix.assessed_on, mix.campaign_id or 0), reverse=True)
    return grouped


def few_innovators(mix: UnitMix, thresholds: Mapping[str, Mapping[str, float]], *, kind: str = UNIT) -> Firing | None:
    minimum = _threshold(thresholds, FEW_INNOVATORS, "min_respondents")
    floor = _threshold(thresholds, FEW_INNOVATORS, "min_innovator_share")
    if mix.respondents < minimum or mix.innovator_share >= floor - TOLERANCE:
        return None
    facts = {
        "respondents": mix.respondents,
        "innovator_share": round(mix.innovator_share, 4),
        "min_innovator_share": floor,
        "assessed_on": mix.assessed_on,
        "campaign_id": mix.campaign_id,
    }
    return Firing(FEW_INNOVATORS, kind, mix.unit_id, facts, mix.label)


def bohemians_without_strategy(
    mix: UnitMix,
    strategy: StrategyFacts,
    thresholds: Mapping[str, Mapping[str, float]],
    today: date,
    *,
    kind: str = UNIT,
) -> Firing | None:
    minimum = _threshold(thresholds, BOHEMIANS_WITHOUT_STRATEGY, "min_respondents")
    floor = _threshold(thresholds, BOHEMIANS_WITHOUT_STRATEGY, "min_bohemian_share")
    age = int(_threshold(thresholds, BOHEMIANS_WITHOUT_STRATEGY, "max_strategy_age_months"))
    if mix.respondents < minimum or mix.bohemian_share < floor - TOLERANCE:
        return None
    revised = strategy.last_revised_on
    if revised is not None and add_months(revised, age) >= today:
        return None
    facts = {
        "respondents": mix.respondents,
        "bohemian_share": round(mix.bohemian_share, 4),
        "min_bohemian_share": floor,
        "strategy_last_revised_on": revised,
        "max_strategy_age_months": age,
        "assessed_on": mix.assessed_on,
        "campaign_id": mix.campaign_id,
    }
    return Firing(BOHEMIANS_WITHOUT_STRATEGY, kind, mix.unit_id, facts, mix.label)


def innovator_attrition(history: Sequence[UnitMix], thresholds: Mapping[str, Mapping[str, float]]) -> Firing | None:
    """``history``: one unit's mixes, newest first."""
    minimum = _threshold(thresholds, INNOVATOR_ATTRITION, "min_respondents")
    drop_needed = _threshold(thresholds, INNOVATOR_ATTRITION, "max_share_drop")
    window = int(_threshold(thresholds, INNOVATOR_ATTRITION, "window_months"))
    qualifying = [mix for mix in history if mix.respondents >= minimum]
    if len(qualifying) < 2:
        return None
    latest = qualifying[0]
    earlier = [
        mix
        for mix in qualifying[1:]
        if mix.assessed_on <= latest.assessed_on and add_months(mix.assessed_on, window) > latest.assessed_on
    ]
    if not earlier:
        return None
    previous = max(earlier, key=lambda mix: mix.innovator_share - latest.innovator_share)
    drop = previous.innovator_share - latest.innovator_share
    if drop < drop_needed - TOLERANCE:
        return None
    facts = {
        "previous_share": round(previous.innovator_share, 4),
        "current_share": round(latest.innovator_share, 4),
        "drop": round(drop, 4),
        "max_share_drop": drop_needed,
        "previous_assessed_on": previous.assessed_on,
        "assessed_on": latest.assessed_on,
        "previous_campaign_id": previous.campaign_id,
        "campaign_id": latest.campaign_id,
    }
    return Firing(INNOVATOR_ATTRITION, UNIT, latest.unit_id, facts, latest.label)


def routine_lock_in(team: TeamFacts, thresholds: Mapping[str, Mapping[str, float]]) -> Firing | None:
    level = _threshold(thresholds, ROUTINE_LOCK_IN, "min_autonomy_level")
    ceiling = _threshold(thresholds, ROUTINE_LOCK_IN, "max_exploration_share")
    if team.exploration_share is None or team.autonomy_level < level or team.exploration_share > ceiling + TOLERANCE:
        return None
    facts = {
        "autonomy_level": team.autonomy_level,
        "exploration_share": team.exploration_share,
        "period": team.exploration_period,
        "max_exploration_share": ceiling,
    }
    return Firing(ROUTINE_LOCK_IN, TEAM, team.team_id, facts, team.label)


def strategic_drift(team: TeamFacts, thresholds: Mapping[str, Mapping[str, float]], today: date) -> Firing | None:
    months = int(_threshold(thresholds, STRATEGIC_DRIFT, "months"))
    if not team.self_managed:
        return None
    last = team.last_alignment_on
    if last is not None and add_months(last, months) >= today:
        return None
    facts = {"last_alignment_on": last, "months": months}
    return Firing(STRATEGIC_DRIFT, TEAM, team.team_id, facts, team.label)


def unsupported_transition(
    team: TeamFacts, thresholds: Mapping[str, Mapping[str, float]], today: date
) -> Firing | None:
    needed = int(_threshold(thresholds, UNSUPPORTED_TRANSITION, "min_roles_covered"))
    grace = int(_threshold(thresholds, UNSUPPORTED_TRANSITION, "grace_days"))
    started = team.transition_started_on
    if team.transition_status != IN_TRANSITION or started is None or (today - started).days <= grace:
        return None
    covered = len(team.roles_covered)
    paradoxical = PARADOXICAL_LEADERSHIP in team.roles_covered
    if covered >= needed and paradoxical:
        return None
    facts = {
        "transition_started_on": started,
        "days_in_transition": (today - started).days,
        "roles_covered": covered,
        "min_roles_covered": needed,
        "paradoxical_leadership_covered": paradoxical,
        "covered_roles": sorted(team.roles_covered),
    }
    return Firing(UNSUPPORTED_TRANSITION, TEAM, team.team_id, facts, team.label)


def evaluate(
    *,
    mixes: Iterable[UnitMix] = (),
    teams: Iterable[TeamFacts] = (),
    strategy: StrategyFacts = StrategyFacts(),
    thresholds_by_rule: Mapping[str, Mapping[str, float]],
    today: date,
    rules: Collection[str] | None = None,
) -> list[Firing]:
    """Every firing of the enabled rules (all six when ``rules`` is None), units first, then teams."""
    enabled = set(RULE_KEYS if rules is None else rules)
    firings: list[Firing | None] = []
    for _unit, history in sorted(latest_mixes(mixes).items()):
        latest = next((mix for mix in history if mix.respondents > 0), None)
        if latest is not None and FEW_INNOVATORS in enabled:
            firings.append(few_innovators(latest, thresholds_by_rule))
        if latest is not None and BOHEMIANS_WITHOUT_STRATEGY in enabled:
            firings.append(bohemians_without_strategy(latest, strategy, thresholds_by_rule, today))
        if INNOVATOR_ATTRITION in enabled:
            firings.append(innovator_attrition(history, thresholds_by_rule))
    for team in sorted(teams, key=lambda facts: facts.team_id):
        if team.archived:
            continue
        if ROUTINE_LOCK_IN in enabled:
            firings.append(routine_lock_in(team, thresholds_by_rule))
        if STRATEGIC_DRIFT in enabled:
            firings.append(strategic_drift(team, thresholds_by_rule, today))
        if UNSUPPORTED_TRANSITION in enabled:
            firings.append(unsupported_transition(team, thresholds_by_rule, today))
    return [firing for firing in firings if firing is not None]


def composition_warnings(
    mix: UnitMix,
    strategy: StrategyFacts,
    thresholds_by_rule: Mapping[str, Mapping[str, float]],
    today: date,
) -> list[Firing]:
    """The §9 mix warnings for one team's archetype mix (the team composition page)."""
    found = [
        few_innovators(mix, thresholds_by_rule, kind=TEAM),
        bohemians_without_strategy(mix, strategy, thresholds_by_rule, today, kind=TEAM),
    ]
    return [firing for firing in found if firing is not None]
