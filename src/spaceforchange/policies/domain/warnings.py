"""The three policy warning rules of FRAMEWORKS.md (``legitimacy_tension``, ``tension_escalating``,
``policy_without_manager``), pure; thresholds default to the ``warnings`` pack's.

Every firing is shaped like ``analytics.portfolio.warnings.Firing``. No Django here.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from spaceforchange.policies.domain.tension import (
    EPSILON,
    POLICY,
    REGULATORY,
    STATES,
    FactValue,
    Judgment,
    regulatory_state,
    state_rank,
)

# --- Warning rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelPoint:
    """The ladder level a policy stood at on a day (a stored tension index)."""

    on: date
    level: int


@dataclass(frozen=True)
class PolicySnapshot:
    """What the policy warning rules read. ``unmanaged_since`` is when the last manager left
    (``registered_on`` if there never was one); ``levels`` must include the latest placement."""

    id: int
    registered_on: date
    manager_id: int | None = None
    unmanaged_since: date | None = None
    judgments: tuple[Judgment, ...] = ()
    levels: tuple[LevelPoint, ...] = ()


@dataclass(frozen=True)
class Firing:
    """One warning fired: the rule, what it is about and the data that fired it."""

    rule_key: str
    subject_kind: str
    subject_id: int | None
    facts: Mapping[str, FactValue] = field(default_factory=dict)
    severity: str | None = None


Thresholds = Mapping[str, float]


def legitimacy_tension(
    policy: PolicySnapshot, thresholds: Thresholds, today: date, states: tuple[str, ...] = STATES
) -> Firing | None:
    """Regulatory legitimacy high (worst current regulatory judgment, or none: presumed lawful) while
    at least ``min_stakeholders`` judge another type at ``min_other_state`` or worse."""
    regulatory = regulatory_state(policy.judgments, states)
    if regulatory is not None and state_rank(regulatory, states) > thresholds["max_regulatory_state"] + EPSILON:
        return None
    low = [
        j
        for j in policy.judgments
        if j.legitimacy_type != REGULATORY and state_rank(j.state, states) >= thresholds["min_other_state"] - EPSILON
    ]
    stakeholders = sorted({j.stakeholder_id for j in low})
    if not stakeholders or len(stakeholders) < thresholds["min_stakeholders"] - EPSILON:
        return None
    facts: dict[str, FactValue] = {
        "regulatory_state": regulatory,
        "low_stakeholders": len(stakeholders),
        "stakeholder_ids": stakeholders,
        "types": sorted({j.legitimacy_type for j in low}),
        "worst_state": states[max(state_rank(j.state, states) for j in low) - 1],
    }
    return Firing("legitimacy_tension", POLICY, policy.id, facts)


def tension_escalating(
    policy: PolicySnapshot, thresholds: Thresholds, today: date, states: tuple[str, ...] = STATES
) -> Firing | None:
    """The latest level is at least ``min_level`` and at least ``min_rise`` above the lowest level held
    within the last ``window_days`` (the level standing at the window's start included)."""
    points = sorted((point for point in policy.levels if point.on <= today), key=lambda point: point.on)
    if not points or points[-1].level < thresholds["min_level"] - EPSILON:
        return None
    since = today - timedelta(days=int(thresholds["window_days"]))
    before = [point for point in points if point.on < since]
    held = before[-1:] + [point for point in points if point.on >= since]
    lowest = min(held, key=lambda point: (point.level, point.on))
    rise = points[-1].level - lowest.level
    if rise <= 0 or rise < thresholds["min_rise"] - EPSILON:
        return None
    facts: dict[str, FactValue] = {
        "level": points[-1].level,
        "lowest_level": lowest.level,
        "lowest_on": lowest.on.isoformat(),
        "risen_by": rise,
        "since": since.isoformat(),
    }
    return Firing("tension_escalating", POLICY, policy.id, facts)


def policy_without_manager(
    policy: PolicySnapshot, thresholds: Thresholds, today: date, states: tuple[str, ...] = STATES
) -> Firing | None:
    """No policy manager for more than ``grace_days`` whole days (on day ``grace_days`` it is still in grace)."""
    if policy.manager_id is not None:
        return None
    since = policy.unmanaged_since or policy.registered_on
    grace = int(thresholds["grace_days"] + EPSILON)
    if (today - since).days <= grace:
        return None
    facts: dict[str, FactValue] = {
        "unmanaged_since": since.isoformat(),
        "due_on": (since + timedelta(days=grace)).isoformat(),
        "days_without_manager": (today - since).days,
    }
    return Firing("policy_without_manager", POLICY, policy.id, facts)


PolicyRule = Callable[[PolicySnapshot, Thresholds, date, tuple[str, ...]], Firing | None]
RULES: dict[str, PolicyRule] = {
    "legitimacy_tension": legitimacy_tension,
    "tension_escalating": tension_escalating,
    "policy_without_manager": policy_without_manager,
}
RULE_KEYS: tuple[str, ...] = tuple(RULES)
# The shipped warnings pack's values; a threshold the caller leaves out falls back to these.
DEFAULT_THRESHOLDS: dict[str, dict[str, float]] = {
    "legitimacy_tension": {"max_regulatory_state": 2, "min_other_state": 4, "min_stakeholders": 2},
    "tension_escalating": {"min_rise": 1, "min_level": 2, "window_days": 90},
    "policy_without_manager": {"grace_days": 30},
}


def thresholds_for(rule_key: str, thresholds_by_rule: Mapping[str, Thresholds]) -> dict[str, float]:
    """A rule's thresholds: the defaults, overridden by the caller's (keys the rule does not read are ignored)."""
    given = thresholds_by_rule.get(rule_key, {})
    return {key: float(given.get(key, default)) for key, default in DEFAULT_THRESHOLDS[rule_key].items()}


def evaluate(
    policies: Iterable[PolicySnapshot],
    thresholds_by_rule: Mapping[str, Thresholds],
    today: date,
    *,
    rules: Collection[str] | None = None,
    states: tuple[str, ...] = STATES,
) -> list[Firing]:
    """Every firing of the chosen rules (all of ``RULE_KEYS`` by default), in rule, then policy order.

    ``states`` is the order of the organisation's ``legitimacy`` pack states, best first.
    """
    chosen = [(key, rule, thresholds_for(key, thresholds_by_rule)) for key, rule in RULES.items()]
    chosen = [entry for entry in chosen if rules is None or entry[0] in rules]
    ordered = sorted(policies, key=lambda policy: policy.id)
    return [
        firing for _, rule, limits in chosen for policy in ordered if (firing := rule(policy, limits, today, states))
    ]
