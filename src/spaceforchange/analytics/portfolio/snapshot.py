"""Plain records of initiatives and ideas, as the portfolio analytics read them.

The Django side loads one organisation's initiatives and ideas (already filtered by unit or goal),
turns each into these frozen dataclasses and passes them to the pure functions of this package.
Keys (stage, change form, initiator level, trigger, commitment, constraint family and status,
scan dimension) are the item keys of the framework packs: ``first_step`` (stages, commitments),
``forms_of_change`` (forms), ``who_innovates`` (initiator levels, triggers) and
``space_for_change`` (constraint families and statuses, scan dimensions). Which keys count as
senior, bottom-up, reactive, radical and so on is read from the packs' item attributes into a
``Vocabulary``; its defaults are those of the shipped packs (FRAMEWORKS.md §1, §7, §8, §10).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Stage(StrEnum):
    """The stages of an initiative: the ``stage`` items of the ``first_step`` pack (FRAMEWORKS.md §7)."""

    IDEA = "idea"
    EXPERIMENT = "experiment"
    SCALING = "scaling"
    INTEGRATED = "integrated"
    STOPPED = "stopped"


# The trajectory of FRAMEWORKS.md §7: start (an experiment) → scale → integrate, preceded by the idea.
PROGRESSION: tuple[Stage, ...] = (Stage.IDEA, Stage.EXPERIMENT, Stage.SCALING, Stage.INTEGRATED)
TERMINAL_STAGES = frozenset({Stage.INTEGRATED, Stage.STOPPED})
ACTIVE_STAGES = frozenset({Stage.IDEA, Stage.EXPERIMENT, Stage.SCALING})


def progression_index(stage: Stage) -> int | None:
    """Position of a stage on the trajectory (idea 0 … integrated 3); ``None`` for stopped."""
    return PROGRESSION.index(stage) if stage in PROGRESSION else None


@dataclass(frozen=True)
class StageEntry:
    """One step of an initiative's history: it entered ``stage`` on ``entered_on``."""

    stage: Stage
    entered_on: date


@dataclass(frozen=True)
class BackingEntry:
    """A backer's commitment as recorded on a date; ``commitment=None`` records a withdrawal.

    A backer's entries form its history: the latest entry is its current commitment, and an entry
    of lower rank than the one before is a loss of backing (FRAMEWORKS.md §7, "fragile space").
    Entries of one backer on the same date are read in the order given.
    """

    backer_id: int
    level: str
    commitment: str | None
    recorded_on: date


@dataclass(frozen=True)
class ConstraintRecord:
    """A constraint of the inventory (FRAMEWORKS.md §1): its family, current status and when it was added."""

    id: int
    family: str
    status: str
    added_on: date


@dataclass(frozen=True)
class Setback:
    """A recorded setback, and whether the person recording it judged that support held."""

    occurred_on: date
    support_held: bool | None = None


@dataclass(frozen=True)
class Scan:
    """A space-for-change scan of the initiative: dimension key → mean score (1–5).

    Dimensions without a published score (no answers, suppressed for anonymity) are left out.
    """

    taken_on: date
    scores: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ProgrammeReadiness:
    """The readiness of a change programme that carries the initiative (FRAMEWORKS.md §6).

    ``scores`` maps each of the eight factor keys to its current score (1–5), ``None`` when never
    assessed; ``sponsor_named`` says whether the programme names a sponsor. ``factor_names`` are
    the factors' names in the reader's language, so a refusal can name them; they never change a
    verdict.
    """

    programme_id: int
    name: str
    scores: Mapping[str, float | None] = field(default_factory=dict)
    sponsor_named: bool = False
    factor_names: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Initiative:
    """One initiative as the rules see it. ``history`` holds every stage it entered, current included."""

    id: int
    stage: Stage
    history: tuple[StageEntry, ...] = ()
    change_form: str | None = None
    initiator_level: str | None = None
    trigger: str | None = None
    backing: tuple[BackingEntry, ...] = ()
    constraints: tuple[ConstraintRecord, ...] = ()
    setbacks: tuple[Setback, ...] = ()
    scans: tuple[Scan, ...] = ()
    # The readiness of every active change programme linked to the initiative.
    readiness: tuple[ProgrammeReadiness, ...] = ()
    # A stage change that has been proposed and awaits its decision, if any.
    proposed_stage: Stage | None = None


@dataclass(frozen=True)
class Idea:
    """An idea from the idea box; ``decided_on`` is the date of its decision (adopt, merge, decline, park)."""

    id: int
    submitted_on: date
    decided_on: date | None = None
    sponsor_id: int | None = None


@dataclass(frozen=True)
class PortfolioSnapshot:
    """Everything the warning rules read, for one organisation (or one filtered part of it)."""

    initiatives: tuple[Initiative, ...] = ()
    ideas: tuple[Idea, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    """What the pack keys mean to the rules; the defaults are the attributes of the shipped packs."""

    # who_innovates initiators with `senior: true` / `bottom_up: true`.
    senior_levels: frozenset[str] = frozenset({"senior_leader", "politician"})
    bottom_up_levels: frozenset[str] = frozenset({"front_line_staff", "middle_manager"})
    # who_innovates triggers with `reactive: true`; crisis_triggers are the "crisis or failure" of
    # the crisis-only-leadership rule, a narrower set than reactive.
    reactive_triggers: frozenset[str] = frozenset({"crisis", "failure", "external_shock", "budget_cut"})
    crisis_triggers: frozenset[str] = frozenset({"crisis", "failure"})
    # forms_of_change forms with `radical: true`, and the form the reactive-radicalism rule reads.
    radical_forms: frozenset[str] = frozenset({"bold_experimentation", "strategic_transformation"})
    transformation_form: str = "strategic_transformation"
    # first_step commitments by their `order`: verbal 1, formal mandate 2, budget 3, political cover 4.
    commitment_ranks: Mapping[str, int] = field(
        default_factory=lambda: {"verbal": 1, "formal_mandate": 2, "budget": 3, "political_cover": 4}
    )
    # The rank from which a backer counts as a formal backer (a formal mandate).
    formal_commitment_rank: int = 2
    # space_for_change constraint family and the statuses that leave a constraint in force.
    cognitive_family: str = "cognitive"
    active_statuses: frozenset[str] = frozenset({"active"})
    resilience_dimension: str = "resilience"

    def rank(self, commitment: str | None) -> int:
        """Rank of a commitment; 0 for a withdrawal or a key the packs do not rank."""
        return self.commitment_ranks.get(commitment, 0) if commitment is not None else 0


DEFAULT_VOCABULARY = Vocabulary()


def current_backing(initiative: Initiative) -> dict[int, BackingEntry]:
    """Each backer's latest entry (withdrawals included), by backer id."""
    latest: dict[int, BackingEntry] = {}
    for entry in sorted(initiative.backing, key=lambda entry: entry.recorded_on):
        latest[entry.backer_id] = entry
    return latest


def strongest_senior_rank(initiative: Initiative, vocabulary: Vocabulary) -> int | None:
    """The highest current commitment rank among senior backers; ``None`` when no senior backs it."""
    ranks = [
        vocabulary.rank(entry.commitment)
        for entry in current_backing(initiative).values()
        if entry.level in vocabulary.senior_levels and entry.commitment is not None
    ]
    return max(ranks) if ranks else None


def active_cognitive_constraints(initiative: Initiative, vocabulary: Vocabulary) -> list[int]:
    """Ids of constraints in the cognitive family that are still in force, sorted."""
    return sorted(
        constraint.id
        for constraint in initiative.constraints
        if constraint.family == vocabulary.cognitive_family and constraint.status in vocabulary.active_statuses
    )


def highest_reached(initiative: Initiative) -> int | None:
    """The furthest trajectory position the initiative ever entered, current stage included."""
    positions = [progression_index(entry.stage) for entry in initiative.history]
    positions.append(progression_index(initiative.stage))
    reached = [position for position in positions if position is not None]
    return max(reached) if reached else None


def first_entered(initiative: Initiative, stages: frozenset[Stage]) -> date | None:
    """The earliest date the initiative entered any of ``stages``."""
    dates = [entry.entered_on for entry in initiative.history if entry.stage in stages]
    return min(dates) if dates else None


def latest_scan(initiative: Initiative, today: date) -> Scan | None:
    """The most recent scan taken on or before ``today``."""
    taken = [scan for scan in initiative.scans if scan.taken_on <= today]
    return max(taken, key=lambda scan: scan.taken_on) if taken else None
