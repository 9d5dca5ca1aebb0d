"""The initiative life cycle: which stage changes are allowed, and the gates in front of a stage.

Definitions (the product's; FRAMEWORKS.md §7 "The first step" is the source, the ``stage``
items of the ``first_step`` pack name the stages):

- The trajectory is idea → experiment → scaling → integrated (§7: start → scale → integrate).
  An initiative may also be **stopped**, with a reason, from idea, experiment or scaling.
- **Forward** moves go one step at a time, so no gate can be skipped: idea → scaling is refused.
- **Back** one step (experiment → idea, scaling → experiment) is allowed with a reason. §7's
  decision rule says not to scale while backing is weak or cognitive constraints are
  unaddressed; when that turns out to be so during scaling, stepping back to the experiment is
  the honest move, and the reason records why.
- **Integrated** and **stopped** are terminal (the pack marks both ``terminal: true``): nothing
  leaves them. A stopped initiative that comes back is a new initiative, so the funnel and the
  pilot-to-scale ratio keep their meaning.
- Every move is a recorded decision (issue #4): it needs a decider and a decision date, not in
  the future and not before the initiative entered its current stage.
- A **gate** is the list of conditions an organisation sets for entering a stage. Gates apply to
  forward moves only: stopping or stepping back must never be blocked by, say, missing backing.
  ``DEFAULT_GATES`` encodes §7's decision rule (``first_step:no_scaling_without_backing``):
  scaling needs a senior backer with at least a formal mandate and no active cognitive
  constraint.
- ``ChangeReadiness`` lets an organisation gate a stage on the readiness of the change
  programmes that carry the initiative (FRAMEWORKS.md §6, issue #8): e.g. "scaling requires
  factors 1–6 at 3 or more and a named sponsor". Every linked programme must pass.

Every refusal is a ``Problem`` with a stable code and the numbers behind it, so the Django side
can phrase it in each language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import ClassVar, Protocol

from spaceforchange.analytics.change.readiness import FACTORS, SCORE_MAX, SCORE_MIN, factor_number
from spaceforchange.analytics.portfolio.snapshot import (
    DEFAULT_VOCABULARY,
    TERMINAL_STAGES,
    Initiative,
    Stage,
    Vocabulary,
    active_cognitive_constraints,
    latest_scan,
    progression_index,
    strongest_senior_rank,
)

ProblemValue = str | int | float | bool | None | list[str]


@dataclass(frozen=True)
class Problem:
    """Why a move is refused: a stable code and the values a message needs."""

    code: str
    params: Mapping[str, ProblemValue] = field(default_factory=dict)


class MoveKind(StrEnum):
    FORWARD = "forward"
    BACK = "back"
    STOP = "stop"


@dataclass(frozen=True)
class Move:
    """A proposed stage change and the decision behind it."""

    target: Stage
    decided_by: int | None = None
    decided_on: date | None = None
    reason: str = ""
    # A reference to the decision record (case number, minutes), when the organisation keeps one.
    reference: str = ""


@dataclass(frozen=True)
class MoveCheck:
    """The verdict on a move: allowed, or refused with every problem found."""

    kind: MoveKind | None
    problems: tuple[Problem, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.kind is not None and not self.problems


def move_kind(current: Stage, target: Stage) -> MoveKind | None:
    """What kind of move ``current`` → ``target`` is, or ``None`` when the life cycle has no such move."""
    if current in TERMINAL_STAGES or current == target:
        return None
    if target is Stage.STOPPED:
        return MoveKind.STOP
    here, there = progression_index(current), progression_index(target)
    if here is None or there is None:
        return None
    return {1: MoveKind.FORWARD, -1: MoveKind.BACK}.get(there - here)


def check_transition(current: Stage, move: Move, *, entered_current_on: date | None, today: date) -> list[Problem]:
    """Problems with a move's shape and decision, gates aside."""
    problems = _shape_problems(current, move)
    kind = move_kind(current, move.target)
    if kind in (MoveKind.BACK, MoveKind.STOP) and not move.reason.strip():
        problems.append(Problem("reason_required", {"kind": str(kind)}))
    return problems + _decision_problems(move, entered_current_on, today)


def _shape_problems(current: Stage, move: Move) -> list[Problem]:
    params: dict[str, ProblemValue] = {"from_stage": str(current), "to_stage": str(move.target)}
    if current == move.target:
        return [Problem("same_stage", params)]
    if current in TERMINAL_STAGES:
        return [Problem("terminal_stage", params)]
    if move_kind(current, move.target) is None:
        return [Problem("skips_stage", params)]
    return []


def _decision_problems(move: Move, entered_current_on: date | None, today: date) -> list[Problem]:
    problems: list[Problem] = []
    if move.decided_by is None:
        problems.append(Problem("decider_missing"))
    if move.decided_on is None:
        problems.append(Problem("decision_date_missing"))
    elif move.decided_on > today:
        problems.append(Problem("decision_in_future", {"decided_on": move.decided_on.isoformat()}))
    elif entered_current_on is not None and move.decided_on < entered_current_on:
        params: dict[str, ProblemValue] = {
            "decided_on": move.decided_on.isoformat(),
            "entered_on": entered_current_on.isoformat(),
        }
        problems.append(Problem("decision_before_stage", params))
    return problems


class GateCondition(Protocol):
    """A condition an organisation can put in front of a stage."""

    @property
    def kind(self) -> str: ...

    def failures(self, initiative: Initiative, move: Move, today: date, vocabulary: Vocabulary) -> list[Problem]: ...

    def as_dict(self) -> dict[str, ProblemValue]: ...


@dataclass(frozen=True)
class RecentScan:
    """A space-for-change scan taken within the last ``max_age_days`` days."""

    max_age_days: int
    kind: ClassVar[str] = "recent_scan"

    def failures(self, initiative: Initiative, move: Move, today: date, vocabulary: Vocabulary) -> list[Problem]:
        scan = latest_scan(initiative, today)
        if scan is None:
            return [Problem("scan_missing", {"max_age_days": self.max_age_days})]
        age = (today - scan.taken_on).days
        if age > self.max_age_days:
            params: dict[str, ProblemValue] = {
                "max_age_days": self.max_age_days,
                "scan_age_days": age,
                "scan_taken_on": scan.taken_on.isoformat(),
            }
            return [Problem("scan_too_old", params)]
        return []

    def as_dict(self) -> dict[str, ProblemValue]:
        return {"kind": self.kind, "max_age_days": self.max_age_days}


@dataclass(frozen=True)
class ScanMinimum:
    """The latest scan scores at least ``min_score`` on each named dimension (every scored one if none named)."""

    min_score: float
    dimensions: tuple[str, ...] = ()
    kind: ClassVar[str] = "scan_minimum"

    def failures(self, initiative: Initiative, move: Move, today: date, vocabulary: Vocabulary) -> list[Problem]:
        scan = latest_scan(initiative, today)
        if scan is None:
            return [Problem("scan_missing", {"min_score": self.min_score})]
        problems: list[Problem] = []
        for dimension in self.dimensions or tuple(sorted(scan.scores)):
            score = scan.scores.get(dimension)
            if score is None:
                problems.append(Problem("scan_dimension_missing", {"dimension": dimension}))
            elif score < self.min_score:
                params: dict[str, ProblemValue] = {"dimension": dimension, "score": score, "min_score": self.min_score}
                problems.append(Problem("scan_dimension_low", params))
        return problems

    def as_dict(self) -> dict[str, ProblemValue]:
        return {"kind": self.kind, "min_score": self.min_score, "dimensions": list(self.dimensions)}


@dataclass(frozen=True)
class SeniorBacking:
    """A senior leader or politician currently backs the initiative at ``min_commitment_rank`` or stronger."""

    min_commitment_rank: int = 2
    kind: ClassVar[str] = "senior_backing"

    def failures(self, initiative: Initiative, move: Move, today: date, vocabulary: Vocabulary) -> list[Problem]:
        strongest = strongest_senior_rank(initiative, vocabulary)
        if strongest is not None and strongest >= self.min_commitment_rank:
            return []
        params: dict[str, ProblemValue] = {
            "min_commitment_rank": self.min_commitment_rank,
            "strongest_senior_rank": strongest,
        }
        return [Problem("senior_backing_missing", params)]

    def as_dict(self) -> dict[str, ProblemValue]:
        return {"kind": self.kind, "min_commitment_rank": self.min_commitment_rank}


@dataclass(frozen=True)
class CognitiveConstraintsAddressed:
    """At most ``max_active`` cognitive constraints are still in force."""

    max_active: int = 0
    kind: ClassVar[str] = "cognitive_constraints_addressed"

    def failures(self, initiative: Initiative, move: Move, today: date, vocabulary: Vocabulary) -> list[Problem]:
        active = active_cognitive_constraints(initiative, vocabulary)
        if len(active) <= self.max_active:
            return []
        return [Problem("cognitive_constraints_active", {"max_active": self.max_active, "active_count": len(active)})]

    def as_dict(self) -> dict[str, ProblemValue]:
        return {"kind": self.kind, "max_active": self.max_active}


@dataclass(frozen=True)
class DecisionReference:
    """The decision cites a record (case number, minutes)."""

    kind: ClassVar[str] = "decision_reference"

    def failures(self, initiative: Initiative, move: Move, today: date, vocabulary: Vocabulary) -> list[Problem]:
        return [] if move.reference.strip() else [Problem("decision_reference_missing")]

    def as_dict(self) -> dict[str, ProblemValue]:
        return {"kind": self.kind}


# What the readiness condition asks by default: factors 1–6 (need, plan, internal support, top
# management, external support, resources) at the neutral midpoint or above, and a named sponsor.
DEFAULT_READINESS_FACTORS: tuple[str, ...] = FACTORS[:6]


@dataclass(frozen=True)
class ChangeReadiness:
    """Every active change programme linked to the initiative scores at least ``min_score`` on each of
    ``factors`` and, when ``require_sponsor``, names a sponsor; an initiative with no such programme fails.

    A factor never assessed fails as unscored, not as low: the refusal should say what is missing.
    Failures come per programme (in the given order), then per factor in the source's order.
    """

    min_score: float = 3.0
    factors: tuple[str, ...] = DEFAULT_READINESS_FACTORS
    require_sponsor: bool = True
    kind: ClassVar[str] = "change_readiness"

    def failures(self, initiative: Initiative, move: Move, today: date, vocabulary: Vocabulary) -> list[Problem]:
        if not initiative.readiness:
            return [Problem("readiness_missing", {"min_score": self.min_score})]
        problems: list[Problem] = []
        for programme in initiative.readiness:
            for factor in self.factors:
                score = programme.scores.get(factor)
                params: dict[str, ProblemValue] = {
                    "programme": programme.name,
                    "programme_id": programme.programme_id,
                    "factor": factor,
                    "factor_number": factor_number(factor),
                    "factor_name": programme.factor_names.get(factor, factor),
                }
                if score is None:
                    problems.append(Problem("readiness_factor_unscored", {**params, "min_score": self.min_score}))
                elif score < self.min_score:
                    problems.append(
                        Problem("readiness_factor_low", {**params, "score": score, "min_score": self.min_score})
                    )
            if self.require_sponsor and not programme.sponsor_named:
                params = {"programme": programme.name, "programme_id": programme.programme_id}
                problems.append(Problem("readiness_sponsor_missing", params))
        return problems

    def as_dict(self) -> dict[str, ProblemValue]:
        return {
            "kind": self.kind,
            "min_score": self.min_score,
            "factors": list(self.factors),
            "require_sponsor": self.require_sponsor,
        }


Gates = Mapping[Stage, Sequence[GateCondition]]

DEFAULT_GATES: Gates = {Stage.SCALING: (SeniorBacking(2), CognitiveConstraintsAddressed(0))}


def check_move(
    initiative: Initiative,
    move: Move,
    *,
    gates: Gates,
    today: date,
    vocabulary: Vocabulary = DEFAULT_VOCABULARY,
) -> MoveCheck:
    """Judge a proposed move: its shape, its decision and, for a forward move, the target's gate."""
    entered = [entry.entered_on for entry in initiative.history if entry.stage == initiative.stage]
    problems = check_transition(initiative.stage, move, entered_current_on=max(entered, default=None), today=today)
    kind = move_kind(initiative.stage, move.target)
    if kind is MoveKind.FORWARD:
        for condition in gates.get(move.target, ()):
            problems += condition.failures(initiative, move, today, vocabulary)
    return MoveCheck(kind, tuple(problems))


def parse_condition(data: Mapping[str, object]) -> GateCondition:
    """Build a condition from its stored form (``as_dict``); a clear ``ValueError`` for anything else."""
    kind = data.get("kind")
    if kind == "recent_scan":
        return RecentScan(_count(data, "max_age_days"))
    if kind == "scan_minimum":
        return ScanMinimum(_score(data, "min_score"), _dimensions(data))
    if kind == "senior_backing":
        return SeniorBacking(_count(data, "min_commitment_rank"))
    if kind == "cognitive_constraints_addressed":
        return CognitiveConstraintsAddressed(_count(data, "max_active"))
    if kind == "decision_reference":
        return DecisionReference()
    if kind == "change_readiness":
        return _change_readiness(data)
    raise ValueError(f"unknown gate condition kind {kind!r}")


def _count(data: Mapping[str, object], key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{key} must be a whole number of at least 0")
    return value


def _score(data: Mapping[str, object], key: str) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 10:
        raise ValueError(f"{key} must be a number between 0 and 10")
    return float(value)


def _dimensions(data: Mapping[str, object]) -> tuple[str, ...]:
    value = data.get("dimensions", [])
    if not isinstance(value, list | tuple) or not all(isinstance(entry, str) and entry for entry in value):
        raise ValueError("dimensions must be a list of dimension keys")
    return tuple(str(entry) for entry in value)


def _change_readiness(data: Mapping[str, object]) -> ChangeReadiness:
    minimum = data.get("min_score", 3.0)
    if isinstance(minimum, bool) or not isinstance(minimum, int | float) or not SCORE_MIN <= minimum <= SCORE_MAX:
        raise ValueError(f"min_score must be a number between {SCORE_MIN:g} and {SCORE_MAX:g}")
    factors = data.get("factors", list(DEFAULT_READINESS_FACTORS))
    if not isinstance(factors, list | tuple) or not all(isinstance(entry, str) for entry in factors):
        raise ValueError("factors must be a list of factor keys")
    unknown = sorted({str(entry) for entry in factors} - set(FACTORS))
    if unknown:
        raise ValueError(f"unknown change readiness factors: {', '.join(entry[:63] for entry in unknown[:8])}")
    require_sponsor = data.get("require_sponsor", True)
    if not isinstance(require_sponsor, bool):
        raise ValueError("require_sponsor must be true or false")
    if not factors and not require_sponsor:
        raise ValueError("the change readiness condition must check at least one factor or require a sponsor")
    # Stored in the source's order, each factor once, so equal conditions compare equal.
    ordered = tuple(factor for factor in FACTORS if factor in factors)
    return ChangeReadiness(float(minimum), ordered, require_sponsor)
