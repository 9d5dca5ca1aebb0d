"""Where subjects stand: the heat map, the organisation view and the legitimacy timeline.

See the package docstring for the decisions these rules take."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from spaceforchange.legitimacy.domain.vocabulary import (
    DEFAULT_VOCABULARY,
    GrayZoneEntry,
    Judgment,
    Stakeholder,
    SubjectRef,
    Vocabulary,
    chronological,
    current_judgments,
)

# --- Heat map ------------------------------------------------------------------------------------

BY_STATE, BY_TACTIC = "state", "tactic"


@dataclass(frozen=True)
class HeatCell:
    type: str
    state: str | None
    position: int | None
    challenged: bool
    gray_zone_by: tuple[str, ...]
    judgment_id: int | None = None
    recorded_at: datetime | None = None

    @property
    def gray_zone(self) -> bool:
        return bool(self.gray_zone_by)


@dataclass(frozen=True)
class HeatRow:
    stakeholder: Stakeholder
    cells: tuple[HeatCell, ...]


@dataclass(frozen=True)
class HeatMap:
    """Stakeholders (most influential first) × types (pack order) for one subject."""

    subject: SubjectRef
    types: tuple[str, ...]
    rows: tuple[HeatRow, ...]
    tactics: tuple[GrayZoneEntry, ...]  # the subject's live tactics, oldest first

    @property
    def unapproved_tactics(self) -> tuple[GrayZoneEntry, ...]:
        return tuple(tactic for tactic in self.tactics if not tactic.approved)


def stakeholder_order(stakeholder: Stakeholder) -> tuple[int, str, int]:
    return (-stakeholder.influence, stakeholder.name.casefold(), stakeholder.id)


def _heat_cell(kind: str, judgment: Judgment | None, tactic_live: bool, vocabulary: Vocabulary) -> HeatCell:
    state = None if judgment is None else judgment.state
    position = None if state is None else vocabulary.position(state)
    by_state = state is not None and state in vocabulary.gray_zone_states
    by_tactic = tactic_live and kind in vocabulary.tactic_types
    return HeatCell(
        type=kind,
        state=state,
        position=position,
        challenged=position is not None and position > 1,
        gray_zone_by=(*((BY_STATE,) if by_state else ()), *((BY_TACTIC,) if by_tactic else ())),
        judgment_id=None if judgment is None else judgment.id,
        recorded_at=None if judgment is None else judgment.recorded_at,
    )


def heat_map(
    subject: SubjectRef,
    stakeholders: Iterable[Stakeholder],
    history: Iterable[Judgment],
    *,
    tactics: Iterable[GrayZoneEntry] = (),
    vocabulary: Vocabulary = DEFAULT_VOCABULARY,
) -> HeatMap:
    """The subject's heat map. ``stakeholders`` are its rows (pass every stakeholder linked to the
    subject or with a judgment of it); judgments of other subjects or stakeholders are ignored."""
    current = current_judgments(j for j in history if j.subject == subject)
    live = tuple(sorted((t for t in tactics if t.subject == subject and t.live), key=lambda t: (t.registered_on, t.id)))
    rows = tuple(
        HeatRow(
            stakeholder,
            tuple(
                _heat_cell(kind, current.get((stakeholder.id, subject, kind)), bool(live), vocabulary)
                for kind in vocabulary.types
            ),
        )
        for stakeholder in sorted(stakeholders, key=stakeholder_order)
    )
    return HeatMap(subject, vocabulary.types, rows, live)


# --- Organisation view ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SubjectStanding:
    """A subject's weakest current legitimacy, with the number of current judgments per state."""

    subject: SubjectRef
    weakest: str | None
    weakest_position: int | None
    counts: Mapping[str, int]  # every state of the pack, in pack order, zeros included

    @property
    def judged_cells(self) -> int:
        return sum(self.counts.values())


def state_counts(history: Iterable[Judgment]) -> dict[SubjectRef, Counter[str]]:
    """Current judgments per subject and state (what a selector may also count in SQL)."""
    counts: dict[SubjectRef, Counter[str]] = defaultdict(Counter)
    for judgment in current_judgments(history).values():
        counts[judgment.subject][judgment.state] += 1
    return counts


def rank_subjects(
    counts_by_subject: Mapping[SubjectRef, Mapping[str, int]], *, vocabulary: Vocabulary = DEFAULT_VOCABULARY
) -> list[SubjectStanding]:
    """Subjects weakest first: by their worst state, then by how many cells sit at each state from
    the worst up, then by subject; subjects without judgments come last."""
    standings = []
    for subject, counts in counts_by_subject.items():
        held = [state for state in vocabulary.states if counts.get(state, 0) > 0]
        weakest = held[-1] if held else None
        standings.append(
            SubjectStanding(
                subject=subject,
                weakest=weakest,
                weakest_position=None if weakest is None else vocabulary.position(weakest),
                counts={state: int(counts.get(state, 0)) for state in vocabulary.states},
            )
        )

    def weakest_first(standing: SubjectStanding) -> tuple[int, tuple[int, ...], SubjectRef]:
        by_worst = tuple(-standing.counts[state] for state in reversed(vocabulary.states))
        return (-(standing.weakest_position or 0), by_worst, standing.subject)

    return sorted(standings, key=weakest_first)


def organisation_view(
    history: Iterable[Judgment],
    *,
    subjects: Iterable[SubjectRef] = (),
    vocabulary: Vocabulary = DEFAULT_VOCABULARY,
) -> list[SubjectStanding]:
    """Every judged subject (and every one in ``subjects``) by its weakest legitimacy, weakest first."""
    counts: dict[SubjectRef, Mapping[str, int]] = {subject: {} for subject in subjects}
    counts.update(state_counts(history))
    return rank_subjects(counts, vocabulary=vocabulary)


# --- Timeline ------------------------------------------------------------------------------------

FIRST, BETTER, WORSE, SAME = "first", "better", "worse", "same"


@dataclass(frozen=True)
class TimelineEvent:
    """One judgment of the subject, and where its type stands across stakeholders right after it."""

    recorded_at: datetime
    judgment_id: int
    stakeholder_id: int
    type: str
    state: str
    position: int
    previous_state: str | None
    change: str  # first, better, worse or same, against the stakeholder's previous judgment
    weakest: str  # the type's weakest current state over stakeholders
    weakest_position: int
    mean_score: float  # mean pack score of the type's current judgments
    judged_by: int  # stakeholders with a current judgment of the type

    def as_row(self) -> dict[str, str | int | float | None]:
        """A flat, JSON-ready record for a chart's data and its table."""
        return {
            "recorded_at": self.recorded_at.isoformat(),
            "judgment_id": self.judgment_id,
            "stakeholder_id": self.stakeholder_id,
            "type": self.type,
            "state": self.state,
            "position": self.position,
            "previous_state": self.previous_state,
            "change": self.change,
            "weakest": self.weakest,
            "weakest_position": self.weakest_position,
            "mean_score": self.mean_score,
            "judged_by": self.judged_by,
        }


def _change(previous: str | None, state: str, vocabulary: Vocabulary) -> str:
    if previous is None:
        return FIRST
    step = vocabulary.position(state) - vocabulary.position(previous)
    return SAME if step == 0 else (WORSE if step > 0 else BETTER)


def timeline(
    subject: SubjectRef, history: Iterable[Judgment], *, vocabulary: Vocabulary = DEFAULT_VOCABULARY
) -> list[TimelineEvent]:
    """The subject's judgments in chronological order, each with its type's standing after it."""
    by_type: dict[str, dict[int, str]] = defaultdict(dict)
    events = []
    for judgment in sorted((j for j in history if j.subject == subject), key=chronological):
        standing = by_type[judgment.type]
        previous = standing.get(judgment.stakeholder_id)
        standing[judgment.stakeholder_id] = judgment.state
        weakest = max(standing.values(), key=vocabulary.position)
        events.append(
            TimelineEvent(
                recorded_at=judgment.recorded_at,
                judgment_id=judgment.id,
                stakeholder_id=judgment.stakeholder_id,
                type=judgment.type,
                state=judgment.state,
                position=vocabulary.position(judgment.state),
                previous_state=previous,
                change=_change(previous, judgment.state, vocabulary),
                weakest=weakest,
                weakest_position=vocabulary.position(weakest),
                mean_score=sum(vocabulary.scores.get(s, 0) for s in standing.values()) / len(standing),
                judged_by=len(standing),
            )
        )
    return events
