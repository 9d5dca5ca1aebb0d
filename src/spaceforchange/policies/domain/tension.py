"""The tension index of a policy and its place on the escalation ladder (``warnings`` has the rules).

FRAMEWORKS.md §5: a legitimacy tension is a gap between a policy's regulatory legitimacy and its
normative, cognitive or pragmatic legitimacy; left alone it climbs the escalation ladder (0 aligned,
1 latent tension, 2 manifest tension, 3 escalating, 4 crisis) of the ``policy_management`` pack.
``docs/reference/tension-index.md`` states the formula, the ladder rules and a worked example; keep
the two in step. Choices this module makes, and why:

- A policy in force is presumed lawful, so the gap is what the *other* types lack below
  "legitimate". A doubt about lawfulness never lowers the index (it is no relief that a policy is
  also judged unlawful); the worst regulatory judgment is reported, and decides the
  ``legitimacy_tension`` warning, which the pack defines on it.
- Many stakeholders judge one policy. Each counts with their worst non-regulatory type; the
  component is half the strongest single objection (scaled by that stakeholder's influence) and
  half the influence-weighted mean, so one powerful objector and a broad unease both show.
- Signals are dated counts summed per calendar month. Each signal's strain per month is the mean
  over the recent and the earlier window plus ``rise_weight`` times the rise of the recent over the
  earlier; with the defaults that is the recent rate while rising and the six-month mean while
  falling. ``rise_weight`` is capped so that an earlier count never lowers the strain.
- An absent consultation counts as no division: its weight stays, its value is 0.
- The ladder is placed by evidence (each pack signal carries its level), not by index bands; the
  index decides only whether escalating evidence has become a crisis.

Reasons are a code and JSON-ready parameters, so the Django layer phrases them in each language.
Every firing is shaped like ``analytics.portfolio.warnings.Firing``. No Django here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache

# Pack keys: legitimacy types and states (``legitimacy``), ladder levels and signals (``policy_management``).
REGULATORY = "regulatory"
STATES = ("legitimate", "conditional_legitimacy", "unknown_legitimacy", "conditional_illegitimacy", "illegitimate")
LEVELS = ("aligned", "latent_tension", "manifest_tension", "escalating", "crisis")
JUDGMENT_GAP = "judgment_gap"
SCRUTINY_REPORT, COMPLAINTS = "scrutiny_report", "complaints"
MEDIA_ATTENTION, LITIGATION, NON_COMPLIANCE = "media_attention", "litigation", "non_compliance"
DIVIDED_CONSULTATION = "divided_consultation"
SIGNALS = (SCRUTINY_REPORT, COMPLAINTS, MEDIA_ATTENTION, LITIGATION, NON_COMPLIANCE)
POLICY = "policy"
EPSILON = 1e-9

ReasonValue = str | int | float | bool | None | list[int] | list[str]
FactValue = ReasonValue


@cache
def _positions(states: tuple[str, ...]) -> dict[str, int]:
    return {state: position for position, state in enumerate(states, start=1)}


def state_rank(state: str, states: tuple[str, ...] = STATES) -> int:
    """A state's place from 1 (legitimate) to 5 (illegitimate), the scale of the warning thresholds.

    ``states`` is the order of an organisation's own ``legitimacy`` pack, best first.
    """
    try:
        return _positions(states)[state]
    except KeyError:
        raise ValueError(f"unknown legitimacy state {state!r}") from None


# --- Inputs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Judgment:
    """A current judgment (the latest per stakeholder × policy × type) and the judge's influence (1–5)."""

    stakeholder_id: int
    legitimacy_type: str
    state: str
    influence: int = 3


@dataclass(frozen=True)
class SignalCount:
    """``count`` occurrences of a signal (a pack key of ``SIGNALS``) in the calendar month of ``on``.

    One scrutiny report is ``SignalCount(SCRUTINY_REPORT, filed_on)``; a hand-recorded figure is
    ``SignalCount(COMPLAINTS, period_start, 14)``. Counts in the same month add up.
    """

    signal: str
    on: date
    count: int = 1


@dataclass(frozen=True)
class PolicyStrain:
    """Everything the tension index reads for one policy; ``division`` is 0–1, ``None`` without consultation."""

    judgments: tuple[Judgment, ...] = ()
    signals: tuple[SignalCount, ...] = ()
    division: float | None = None


@dataclass(frozen=True)
class SignalTuning:
    """How one signal counts: its ``weight`` in the index, the monthly strain that fills its component
    halfway, and the count in the recent window that places the policy at ``level`` (the pack's)."""

    weight: float
    half_rate: float
    evidence_count: int
    level: int


def linear_strain(states: tuple[str, ...] = STATES) -> dict[str, float]:
    """Strain rising evenly from 0 (the best state) to 1 (the worst): for the shipped pack, whose
    scores run 2 … −2, the distance from 2 scaled to 0–1."""
    return {state: position / (len(states) - 1) for position, state in enumerate(states)}


def _signal_defaults() -> dict[str, SignalTuning]:
    return {
        SCRUTINY_REPORT: SignalTuning(weight=20, half_rate=1.0, evidence_count=2, level=2),
        COMPLAINTS: SignalTuning(weight=10, half_rate=5.0, evidence_count=3, level=2),
        MEDIA_ATTENTION: SignalTuning(weight=10, half_rate=1.0, evidence_count=1, level=3),
        LITIGATION: SignalTuning(weight=10, half_rate=0.5, evidence_count=1, level=3),
        NON_COMPLIANCE: SignalTuning(weight=10, half_rate=5.0, evidence_count=3, level=3),
    }


@dataclass(frozen=True)
class TensionParameters:
    """Every tunable of the index and the ladder. Levels and the low state are the packs'; the rest
    is our working model (docs/reference/tension-index.md)."""

    states: tuple[str, ...] = STATES
    state_strain: Mapping[str, float] = field(default_factory=linear_strain)
    gap_weight: float = 30
    strongest_share: float = 0.5
    max_influence: int = 5
    low_state: str = "conditional_illegitimacy"
    latent_min_stakeholders: int = 1
    gap_level: int = 1
    signals: Mapping[str, SignalTuning] = field(default_factory=_signal_defaults)
    consultation_weight: float = 10
    divided_min_division: float = 0.5
    consultation_level: int = 2
    recent_months: int = 3
    earlier_months: int = 3
    rise_weight: float = 0.5
    crisis_index: float = 70
    crisis_min_level: int = 3

    def __post_init__(self) -> None:
        if len(self.states) < 2 or set(self.state_strain) != set(self.states):
            raise ValueError("state_strain must give a strain for exactly the states, at least two")
        strains = [self.state_strain[state] for state in self.states]
        if strains != sorted(strains) or not 0 <= strains[0] <= strains[-1] <= 1:
            raise ValueError("state_strain must rise from legitimate to illegitimate within 0–1")
        if set(self.signals) != set(SIGNALS) or any(t.half_rate <= 0 for t in self.signals.values()):
            raise ValueError(f"signals must tune exactly {SIGNALS} with positive half rates")
        if self.recent_months < 1 or self.earlier_months < 1:
            raise ValueError("both windows need at least one month")
        if not 0 <= self.rise_weight <= self.earlier_months / (self.recent_months + self.earlier_months):
            raise ValueError("rise_weight above earlier/(recent+earlier) would let an earlier count lower the strain")
        if min(self.gap_weight, self.consultation_weight, *(t.weight for t in self.signals.values())) < 0:
            raise ValueError("weights cannot be negative")
        if not 0 <= self.strongest_share <= 1:
            raise ValueError("strongest_share must lie within 0–1")
        state_rank(self.low_state, self.states)
        levels = [self.gap_level, self.consultation_level, self.crisis_min_level]
        levels += [tuning.level for tuning in self.signals.values()]
        if not all(1 <= level < len(LEVELS) - 1 for level in levels):
            raise ValueError("evidence levels lie between latent tension (1) and escalating (3)")


DEFAULT_PARAMETERS = TensionParameters()


# --- Outputs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """Why a component has its value or the policy its level: a stable code and the values behind it."""

    code: str
    params: Mapping[str, ReasonValue] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "params": dict(self.params)}


@dataclass(frozen=True)
class Component:
    """One part of the index: ``value`` 0–1, ``weight`` its share of the index (the shares sum to 1),
    ``points`` what it adds to the 0–100 index, and the reason for its value."""

    key: str
    value: float
    weight: float
    points: float
    reason: Reason

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "value": round(self.value, 4),
            "weight": round(self.weight, 4),
            "points": round(self.points, 2),
            "reason": self.reason.as_dict(),
        }


@dataclass(frozen=True)
class TensionIndex:
    """A policy's index (0–100, one decimal), its components, its ladder level and why it stands there."""

    index: float
    level: int
    components: tuple[Component, ...]
    reasons: tuple[Reason, ...]

    @property
    def level_key(self) -> str:
        return LEVELS[self.level]

    def as_dict(self) -> dict[str, object]:
        return {
            "index": self.index,
            "level": self.level,
            "level_key": self.level_key,
            "components": [component.as_dict() for component in self.components],
            "reasons": [reason.as_dict() for reason in self.reasons],
        }


# --- The index ------------------------------------------------------------------------------------


def _month(day: date) -> int:
    return day.year * 12 + day.month - 1


@dataclass(frozen=True)
class _Judge:
    """A stakeholder as the gap reads them: their worst non-regulatory judgment and their influence."""

    worst: Judgment
    influence: int


def _judges(judgments: Iterable[Judgment], p: TensionParameters) -> dict[int, _Judge]:
    """Each stakeholder's worst non-regulatory judgment, with the highest influence given for them."""
    judges: dict[int, _Judge] = {}
    for judgment in judgments:
        rank = state_rank(judgment.state, p.states)
        if judgment.legitimacy_type == REGULATORY:
            continue
        if not 1 <= judgment.influence <= p.max_influence:
            raise ValueError(f"influence {judgment.influence} outside 1–{p.max_influence}")
        held = judges.get(judgment.stakeholder_id)
        if held is None:
            judges[judgment.stakeholder_id] = _Judge(judgment, judgment.influence)
            continue
        # Ties go to the first type by key, so the reason does not depend on the input's order.
        held_rank = state_rank(held.worst.state, p.states)
        worse = (-rank, judgment.legitimacy_type) < (-held_rank, held.worst.legitimacy_type)
        judges[judgment.stakeholder_id] = _Judge(
            judgment if worse else held.worst, max(held.influence, judgment.influence)
        )
    return judges


def regulatory_state(judgments: Iterable[Judgment], states: tuple[str, ...]) -> str | None:
    """The worst current regulatory judgment, if any."""
    ranks = [state_rank(j.state, states) for j in judgments if j.legitimacy_type == REGULATORY]
    return states[max(ranks) - 1] if ranks else None


def _judgment_gap(judgments: tuple[Judgment, ...], p: TensionParameters) -> tuple[float, Reason, Reason | None]:
    """The gap component's value and reason, and the latent-tension evidence if there is any."""
    judges = _judges(judgments, p)
    regulatory = regulatory_state(judgments, p.states)
    if not judges:
        return 0.0, Reason("no_judgments", {"regulatory_state": regulatory}), None
    # Sorted, so the float sums do not depend on the order the judgments came in.
    ordered = sorted(judges.items())
    strain = {sid: p.state_strain[judge.worst.state] for sid, judge in ordered}
    mean = sum(strain[sid] * judge.influence for sid, judge in ordered) / sum(judge.influence for _, judge in ordered)
    top = max(sorted(judges), key=lambda sid: strain[sid] * judges[sid].influence)
    strongest = strain[top] * judges[top].influence / p.max_influence
    value = p.strongest_share * strongest + (1 - p.strongest_share) * mean
    low_rank = state_rank(p.low_state, p.states)
    low = sorted(sid for sid, judge in judges.items() if state_rank(judge.worst.state, p.states) >= low_rank)
    reason = Reason(
        "judged",
        {
            "stakeholders": len(judges),
            "low_stakeholders": len(low),
            "strongest_stakeholder_id": top,
            "strongest_type": judges[top].worst.legitimacy_type,
            "strongest_state": judges[top].worst.state,
            "strongest": round(strongest, 4),
            "mean": round(mean, 4),
            "regulatory_state": regulatory,
        },
    )
    evidence = None
    if low and len(low) >= p.latent_min_stakeholders:
        params: dict[str, ReasonValue] = {"level": p.gap_level, "stakeholder_ids": low, "state": p.low_state}
        evidence = Reason(JUDGMENT_GAP, {**params, "threshold": p.latent_min_stakeholders})
    return value, reason, evidence


def _window_counts(signals: Iterable[SignalCount], today: date, p: TensionParameters) -> dict[str, tuple[int, int]]:
    """Per signal, the count in the recent window (this month and the months before) and the earlier one."""
    now = _month(today)
    counts = {key: [0, 0] for key in SIGNALS}
    for signal in signals:
        if signal.signal not in counts or signal.count < 0:
            raise ValueError(f"bad signal count {signal!r}")
        age = now - _month(signal.on)
        if 0 <= age < p.recent_months:
            counts[signal.signal][0] += signal.count
        elif p.recent_months <= age < p.recent_months + p.earlier_months:
            counts[signal.signal][1] += signal.count
    return {key: (recent, earlier) for key, (recent, earlier) in counts.items()}


def _signal(key: str, recent: int, earlier: int, p: TensionParameters) -> tuple[float, Reason, Reason | None]:
    tuning = p.signals[key]
    if recent == earlier == 0:
        return 0.0, Reason("none_recorded", {"months": p.recent_months + p.earlier_months}), None
    recent_rate, earlier_rate = recent / p.recent_months, earlier / p.earlier_months
    mean = (recent + earlier) / (p.recent_months + p.earlier_months)
    strain = mean + p.rise_weight * max(0.0, recent_rate - earlier_rate)
    value = 1 - tuning.half_rate / (strain + tuning.half_rate)
    trend = "rising" if recent_rate > earlier_rate else "falling" if recent_rate < earlier_rate else "steady"
    reason = Reason(
        "rate",
        {
            "recent_count": recent,
            "earlier_count": earlier,
            "recent_rate": round(recent_rate, 4),
            "earlier_rate": round(earlier_rate, 4),
            "trend": trend,
            "strain": round(strain, 4),
            "half_rate": tuning.half_rate,
        },
    )
    evidence = None
    if recent > 0 and recent >= tuning.evidence_count:
        evidence = Reason(
            key, {"level": tuning.level, "count": recent, "months": p.recent_months, "threshold": tuning.evidence_count}
        )
    return value, reason, evidence


def _consultation(division: float | None, p: TensionParameters) -> tuple[float, Reason, Reason | None]:
    if division is None:
        return 0.0, Reason("no_consultation"), None
    if not 0 <= division <= 1:
        raise ValueError(f"division {division} outside 0–1")
    evidence = None
    if division >= p.divided_min_division - EPSILON:
        params: dict[str, ReasonValue] = {"level": p.consultation_level, "division": division}
        evidence = Reason(DIVIDED_CONSULTATION, {**params, "threshold": p.divided_min_division})
    return division, Reason("measured", {"division": division}), evidence


def tension_index(
    strain: PolicyStrain, today: date, parameters: TensionParameters = DEFAULT_PARAMETERS
) -> TensionIndex:
    """The policy's tension index on ``today``, its components and its place on the escalation ladder."""
    p = parameters
    parts: list[tuple[str, float, tuple[float, Reason, Reason | None]]] = [
        (JUDGMENT_GAP, p.gap_weight, _judgment_gap(strain.judgments, p))
    ]
    windows = _window_counts(strain.signals, today, p)
    parts += [(key, p.signals[key].weight, _signal(key, *windows[key], p)) for key in SIGNALS]
    parts.append((DIVIDED_CONSULTATION, p.consultation_weight, _consultation(strain.division, p)))
    total_weight = sum(weight for _, weight, _ in parts) or 1.0
    components = tuple(
        Component(key, value, weight / total_weight, 100 * weight / total_weight * value, reason)
        for key, weight, (value, reason, _) in parts
    )
    index = round(min(100.0, max(0.0, sum(component.points for component in components))), 1)
    evidence = [found for _, _, (_, _, found) in parts if found is not None]
    level, reasons = place(evidence, index, p)
    return TensionIndex(index, level, components, reasons)


def place(evidence: Iterable[Reason], index: float, parameters: TensionParameters) -> tuple[int, tuple[Reason, ...]]:
    """The ladder level the evidence supports (each reason's ``level`` param) and the reasons, highest first.

    Escalating evidence becomes a crisis once the index reaches ``crisis_index``.
    """
    found = list(evidence)
    level = max((_level_of(reason) for reason in found), default=0)
    if level >= parameters.crisis_min_level and index >= parameters.crisis_index - EPSILON:
        params: dict[str, ReasonValue] = {"level": len(LEVELS) - 1, "index": index}
        found.append(Reason("crisis", {**params, "threshold": parameters.crisis_index}))
        level = len(LEVELS) - 1
    if not found:
        return 0, (Reason("aligned", {"level": 0}),)
    return min(level, len(LEVELS) - 1), tuple(sorted(found, key=_level_of, reverse=True))


def _level_of(reason: Reason) -> int:
    level = reason.params.get("level", 0)
    return level if isinstance(level, int) else 0
