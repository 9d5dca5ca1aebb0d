"""Pure rules of legitimacy management (FRAMEWORKS.md §2–§4, "Warnings the product raises").

No Django here: the Django side loads one organisation's records, turns them into the frozen
dataclasses below and calls these functions; the same rules serve pages, API, CLI and alerts.
Keys (types, states, strategies, goals, modes, tactics) are item keys of the ``legitimacy``,
``legitimation``, ``gray_zone`` and ``warnings`` packs; ``Vocabulary`` and
``SuggestionParameters`` hold what the rules need to know about them, with the shipped packs'
values as defaults (``vocabulary_from_pack`` reads an organisation's own pack).

Decisions the packs leave open, as this module resolves them:

- **Order.** A state's *position* is its place on the pack's spectrum, 1 (legitimate) to 5
  (illegitimate); "weaker" means a higher position. The warnings pack's ``min_state`` uses the
  same 1–5 positions. The pack's ``score`` attribute (+2 … −2) splits the spectrum into an
  *accepting* side (score > 0: legitimate, conditional legitimacy) and a *rejecting* side
  (score < 0: conditional illegitimacy, illegitimate), with unknown in between.
- **Current judgment.** Judgments are appended, never edited: the current one per stakeholder ×
  subject × type is the latest by ``recorded_at``, ties broken by the higher id (the later row).
- **Challenged cell** (heat map): a current state below the best one, i.e. anything but
  legitimate. Conditional legitimacy counts: the acceptance hangs on conditions that can fail.
  The ``challenged_without_action`` warning is narrower, as its pack text says (see there).
- **Gray zone** (heat map): a cell is in the gray zone when its current state is one the pack
  marks ``gray_zone: true`` (conditional legitimacy, unknown, conditional illegitimacy: the
  spectrum between the two poles, §2), *or* when the subject has a live gray-zone tactic
  (proposed or approved) and the cell's type is one the tactics bend: regulatory, since
  distancing, circumventing and mystifying all concern a rule (§4). ``gray_zone_by`` says which.
- **Legitimation goal** of a cell, from its history: *repair* when the current state is weaker
  than an accepting state it held before; else *maintain* when the current state is accepting;
  else *acquire* (it has never been accepted).
- **Gray-zone register**: approval needs an ``innovation_lead`` or ``leader`` who is neither the
  proposer nor the accountable person (the pack's "second person, other than the accountable
  person"); the same people reject. Statuses only move forward (``TRANSITIONS``): proposed →
  approved, rejected or ended (a proposer withdrawing); approved → ended; ending needs a reason;
  nothing is deleted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

from spaceforchange.alerts.domain import Firing
from spaceforchange.frameworks.schema import ItemKind, Pack

# --- Vocabulary ----------------------------------------------------------------------------------

LEGITIMATE = "legitimate"
CONDITIONAL_LEGITIMACY = "conditional_legitimacy"
UNKNOWN_LEGITIMACY = "unknown_legitimacy"
CONDITIONAL_ILLEGITIMACY = "conditional_illegitimacy"
ILLEGITIMATE = "illegitimate"
REGULATORY, NORMATIVE, COGNITIVE, PRAGMATIC = "regulatory", "normative", "cognitive", "pragmatic"
ACQUIRE, MAINTAIN, REPAIR = "acquire", "maintain", "repair"
CONFORM, SHAPE = "conform", "shape"


@dataclass(frozen=True)
class Vocabulary:
    """What the ``legitimacy`` pack's keys mean to the rules; defaults are the shipped pack's."""

    # `type` items in pack order: the heat map's columns.
    types: tuple[str, ...] = (REGULATORY, NORMATIVE, COGNITIVE, PRAGMATIC)
    # `state` items in pack order, best first: position 1 … 5.
    states: tuple[str, ...] = (
        LEGITIMATE,
        CONDITIONAL_LEGITIMACY,
        UNKNOWN_LEGITIMACY,
        CONDITIONAL_ILLEGITIMACY,
        ILLEGITIMATE,
    )
    # Each state's `score` attribute.
    scores: Mapping[str, int] = field(
        default_factory=lambda: {
            LEGITIMATE: 2,
            CONDITIONAL_LEGITIMACY: 1,
            UNKNOWN_LEGITIMACY: 0,
            CONDITIONAL_ILLEGITIMACY: -1,
            ILLEGITIMATE: -2,
        }
    )
    # States with `gray_zone: true`.
    gray_zone_states: frozenset[str] = frozenset({CONDITIONAL_LEGITIMACY, UNKNOWN_LEGITIMACY, CONDITIONAL_ILLEGITIMACY})
    # The types a live gray-zone tactic puts in the gray zone: every tactic concerns a rule.
    tactic_types: frozenset[str] = frozenset({REGULATORY})
    # The state an unresolved judgment stands at (the `unknown_legitimacy_unresolved` rule).
    unknown_state: str = UNKNOWN_LEGITIMACY

    def position(self, state: str) -> int:
        """1 for the best state … ``len(states)`` for the worst; a key the pack lacks is an error."""
        try:
            return self.states.index(state) + 1
        except ValueError:
            raise KeyError(f"Unknown legitimacy state: {state!r}") from None

    def accepting(self, state: str) -> bool:
        return self.scores.get(state, 0) > 0

    def rejecting(self, state: str) -> bool:
        return self.scores.get(state, 0) < 0


DEFAULT_VOCABULARY = Vocabulary()


def vocabulary_from_pack(pack: Pack, *, tactic_types: frozenset[str] = frozenset({REGULATORY})) -> Vocabulary:
    """The vocabulary of an organisation's ``legitimacy`` pack: its types, states, scores and gray zone."""
    states = pack.items_of(ItemKind.STATE)
    return Vocabulary(
        types=tuple(item.key for item in pack.items_of(ItemKind.TYPE)),
        states=tuple(item.key for item in states),
        scores={item.key: int(item.attributes.get("score", 0)) for item in states},
        gray_zone_states=frozenset(item.key for item in states if item.attributes.get("gray_zone") is True),
        tactic_types=tactic_types,
    )


# --- Records -------------------------------------------------------------------------------------


class SubjectRef(NamedTuple):
    """What is judged: an initiative or a policy (``kind``) and its id."""

    kind: str
    id: int


CellKey = tuple[int, SubjectRef, str]  # (stakeholder id, subject, type)


@dataclass(frozen=True)
class Stakeholder:
    id: int
    name: str
    influence: int = 3
    interest: int = 3
    controls_resources: bool = False


@dataclass(frozen=True)
class Condition:
    """A condition of a conditional-legitimacy judgment, with its review date."""

    id: int
    review_on: date | None = None
    at_risk: bool = False


@dataclass(frozen=True)
class Judgment:
    """One appended judgment. ``recorded_at`` is aware; its date is read in its own time zone, so
    the caller converts it to the organisation's time zone for day-exact warnings."""

    id: int
    stakeholder_id: int
    subject: SubjectRef
    type: str
    state: str
    recorded_at: datetime
    conditions: tuple[Condition, ...] = ()
    unknown_cause: str | None = None

    @property
    def cell(self) -> CellKey:
        return (self.stakeholder_id, self.subject, self.type)


@dataclass(frozen=True)
class LegitimationAction:
    """A planned or done legitimation action on a subject, aimed at some stakeholders."""

    id: int
    subject: SubjectRef
    stakeholder_ids: frozenset[int]
    recorded_on: date
    done_on: date | None = None


PROPOSED, APPROVED, REJECTED, ENDED = "proposed", "approved", "rejected", "ended"
LIVE_STATUSES = frozenset({PROPOSED, APPROVED})


@dataclass(frozen=True)
class GrayZoneEntry:
    """A gray-zone register entry (a tactic used on a subject)."""

    id: int
    subject: SubjectRef
    tactic: str
    status: str
    proposer_id: int
    registered_on: date
    accountable_id: int | None = None
    approver_id: int | None = None
    risks: str = ""
    review_on: date | None = None

    @property
    def live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def approved(self) -> bool:
        """Approved by a second person; a self-approval in the data does not count."""
        return self.status == APPROVED and self.approver_id is not None and self.approver_id != self.proposer_id


# --- Judgments as a history ----------------------------------------------------------------------


def chronological(judgment: Judgment) -> tuple[datetime, int]:
    """Sort key of a history: by time recorded, then by id (a later row wins a tie)."""
    return (judgment.recorded_at, judgment.id)


def current_judgments(history: Iterable[Judgment]) -> dict[CellKey, Judgment]:
    """The latest judgment per stakeholder × subject × type; idempotent on its own values."""
    current: dict[CellKey, Judgment] = {}
    for judgment in history:
        held = current.get(judgment.cell)
        if held is None or chronological(judgment) > chronological(held):
            current[judgment.cell] = judgment
    return current


def cell_histories(history: Iterable[Judgment]) -> dict[CellKey, list[Judgment]]:
    """Each cell's judgments in chronological order."""
    cells: dict[CellKey, list[Judgment]] = defaultdict(list)
    for judgment in history:
        cells[judgment.cell].append(judgment)
    return {key: sorted(judgments, key=chronological) for key, judgments in cells.items()}


def trailing_run(cell_history: Sequence[Judgment]) -> tuple[Judgment, str | None]:
    """The first judgment of the run of equal states that ends the history, and the state before
    that run (``None`` if the run is the whole history). A repeated judgment does not restart the
    clock of a challenge or an unresolved unknown."""
    start = len(cell_history) - 1
    while start > 0 and cell_history[start - 1].state == cell_history[-1].state:
        start -= 1
    return cell_history[start], (cell_history[start - 1].state if start else None)


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


# --- Legitimation suggestions --------------------------------------------------------------------

ENGAGE, STORY, SYMBOLIC = "engage_in_dialogue", "storytelling", "symbolic_actions"
AFFILIATE, RESULTS, ARENA = "strategic_affiliations", "demonstrate_results", "choose_receptive_arena"


def _default_by_type() -> dict[str, tuple[str, ...]]:
    # From the pack texts: the law is met through early dialogue with the authority, the standing of
    # legitimate allies, evidence for a trial clause and the right committee; norms through dialogue,
    # value-laden acts and stories; beliefs through stories that make the unfamiliar familiar;
    # interests through results (the pack's own link) and learning what the judge needs.
    return {
        REGULATORY: (ENGAGE, AFFILIATE, RESULTS, ARENA),
        NORMATIVE: (ENGAGE, SYMBOLIC, STORY, AFFILIATE),
        COGNITIVE: (STORY, SYMBOLIC, AFFILIATE, RESULTS),
        PRAGMATIC: (RESULTS, ENGAGE, ARENA),
    }


def _default_by_goal() -> dict[str, tuple[str, ...]]:
    # Acquire: first impressions and early, proactive dialogue; maintain: show that conditions hold;
    # repair: acknowledge and change, "not only explanations", so no storytelling.
    return {
        ACQUIRE: (ENGAGE, STORY, AFFILIATE, ARENA),
        MAINTAIN: (ENGAGE, RESULTS, SYMBOLIC),
        REPAIR: (ENGAGE, RESULTS, AFFILIATE),
    }


def _default_by_state() -> dict[str, tuple[str, ...]]:
    # The `answered_by` of the warning rule that watches each state (warnings pack).
    return {
        CONDITIONAL_LEGITIMACY: (RESULTS, ENGAGE),
        UNKNOWN_LEGITIMACY: (ENGAGE, ARENA),
        CONDITIONAL_ILLEGITIMACY: (ENGAGE, STORY, RESULTS),
        ILLEGITIMATE: (ENGAGE, STORY, RESULTS),
    }


def _default_modes() -> dict[str, tuple[str, ...]]:
    # Preferred mode first. The law is the most authoritative type: conform first, shape the rule
    # (a trial clause, a change or a new reading: gray_zone:exit_the_gray_zone) second. New ideas
    # rarely have cognitive legitimacy, so beliefs are shaped first. Interests are served by
    # adapting the initiative.
    return {
        REGULATORY: (CONFORM, SHAPE),
        NORMATIVE: (CONFORM, SHAPE),
        COGNITIVE: (SHAPE, CONFORM),
        PRAGMATIC: (CONFORM,),
    }


@dataclass(frozen=True)
class SuggestionParameters:
    """Which strategies fit which type, goal and state, and which modes fit which type."""

    strategies_by_type: Mapping[str, tuple[str, ...]] = field(default_factory=_default_by_type)
    strategies_by_goal: Mapping[str, tuple[str, ...]] = field(default_factory=_default_by_goal)
    strategies_by_state: Mapping[str, tuple[str, ...]] = field(default_factory=_default_by_state)
    modes_by_type: Mapping[str, tuple[str, ...]] = field(default_factory=_default_modes)
    limit: int = 3


DEFAULT_SUGGESTION_PARAMETERS = SuggestionParameters()


@dataclass(frozen=True)
class Suggestion:
    cell: CellKey
    state: str | None
    goal: str
    modes: tuple[str, ...]
    strategies: tuple[str, ...]  # best first


def legitimation_goal(cell_history: Sequence[Judgment], vocabulary: Vocabulary = DEFAULT_VOCABULARY) -> str:
    """Repair, maintain or acquire (see the module docstring), from the cell's chronological history."""
    if not cell_history:
        return ACQUIRE
    current = vocabulary.position(cell_history[-1].state)
    held = [vocabulary.position(j.state) for j in cell_history[:-1] if vocabulary.accepting(j.state)]
    if held and min(held) < current:
        return REPAIR
    return MAINTAIN if vocabulary.accepting(cell_history[-1].state) else ACQUIRE


def strategy_links(pack: Pack) -> dict[str, tuple[str, ...]]:
    """Strategy key → the ``legitimacy`` types it links to, from a ``legitimation`` pack."""
    return {
        item.key: tuple(ref.split(":", 1)[1] for ref in item.links if ref.startswith("legitimacy:"))
        for item in pack.items_of(ItemKind.STRATEGY)
    }


def suggest(
    cell: CellKey,
    history: Iterable[Judgment],
    strategies: Sequence[str],
    *,
    linked_types: Mapping[str, Collection[str]] | None = None,
    parameters: SuggestionParameters = DEFAULT_SUGGESTION_PARAMETERS,
    vocabulary: Vocabulary = DEFAULT_VOCABULARY,
) -> Suggestion:
    """Strategies for one cell, drawn from ``strategies`` (the pack's strategy keys, pack order).

    A strategy scores one point for each table that lists it (the cell's type, goal and current
    state) and one for a pack link to the cell's type (``linked_types``, see ``strategy_links``);
    the best ``limit`` with a point are suggested, ties by their place in the type's list, then
    the pack's order.
    """
    own = sorted((j for j in history if j.cell == cell), key=chronological)
    state = own[-1].state if own else None
    goal = legitimation_goal(own, vocabulary)
    kind = cell[2]
    by_type = parameters.strategies_by_type.get(kind, ())
    lists = (by_type, parameters.strategies_by_goal.get(goal, ()), parameters.strategies_by_state.get(state or "", ()))
    links = linked_types or {}

    def score(strategy: str) -> int:
        return sum(strategy in listed for listed in lists) + (kind in links.get(strategy, ()))

    def rank(strategy: str) -> tuple[int, int, int]:
        in_type = by_type.index(strategy) if strategy in by_type else len(by_type)
        return (-score(strategy), in_type, strategies.index(strategy))

    chosen = sorted((s for s in dict.fromkeys(strategies) if score(s) > 0), key=rank)[: parameters.limit]
    return Suggestion(cell, state, goal, parameters.modes_by_type.get(kind, (CONFORM, SHAPE)), tuple(chosen))


# --- Gray-zone register: who may do what ---------------------------------------------------------

APPROVER_ROLES = frozenset({"innovation_lead", "leader"})
# Statuses move forward only; nothing is deleted. A proposer withdraws a proposal by ending it.
TRANSITIONS: Mapping[str, frozenset[str]] = {
    PROPOSED: frozenset({APPROVED, REJECTED, ENDED}),
    APPROVED: frozenset({ENDED}),
    REJECTED: frozenset(),
    ENDED: frozenset(),
}
REASON_REQUIRED = frozenset({ENDED})


def approval_refusals(
    proposer_id: int, approver_id: int, approver_roles: Collection[str], *, accountable_id: int | None = None
) -> tuple[str, ...]:
    """Why this person may not approve (or reject) the entry; empty when they may."""
    refusals = []
    if not APPROVER_ROLES & set(approver_roles):
        refusals.append("role_not_permitted")
    if approver_id == proposer_id:
        refusals.append("proposer_cannot_approve")
    if accountable_id is not None and approver_id == accountable_id:
        refusals.append("accountable_cannot_approve")
    return tuple(refusals)


def can_approve(
    proposer_id: int, approver_id: int, approver_roles: Collection[str], *, accountable_id: int | None = None
) -> bool:
    return not approval_refusals(proposer_id, approver_id, approver_roles, accountable_id=accountable_id)


def can_end(actor_id: int, actor_roles: Collection[str], *, proposer_id: int, accountable_id: int | None) -> bool:
    """Ending stops the rule-bending, so the proposer, the accountable person or any approver may."""
    return actor_id in (proposer_id, accountable_id) or bool(APPROVER_ROLES & set(actor_roles))


def transition_refusals(current: str, target: str, *, reason: str = "") -> tuple[str, ...]:
    """Why the status may not move from ``current`` to ``target``; empty when it may."""
    if target not in TRANSITIONS.get(current, frozenset()):
        return ("transition_not_allowed",)
    if target in REASON_REQUIRED and not reason.strip():
        return ("reason_required",)
    return ()


def can_transition(current: str, target: str) -> bool:
    """Whether ``TRANSITIONS`` allows the move (the reason an ending needs is checked apart)."""
    return target in TRANSITIONS.get(current, frozenset())


# --- Warning rules -------------------------------------------------------------------------------
#
# The five legitimacy rules of the warnings pack, keyed as its ``warning_rule`` items, with their
# thresholds by key. A judgment rule fires on the first judgment of the cell's trailing run of
# equal states (``trailing_run``), so re-recording the same state neither restarts its clock nor
# changes the alert's identity; ``condition_at_risk_or_overdue`` fires on the current judgment,
# whose conditions it reads. Only current judgments fire: a later judgment supersedes.
#
# - challenged_without_action: the run's state is on the rejecting side, or weaker than the state
#   before the run; fires when more than ``days`` whole days have passed since, and no action on
#   the subject aimed at that stakeholder was recorded or done from that day to today (a late
#   action still answers the challenge, so the warning then resolves).
# - condition_at_risk_or_overdue: a current condition marked at risk, past its review date, or
#   due within ``days_before_review`` days (today counts).
# - unknown_legitimacy_unresolved: the current state is unknown and has stood for more than
#   ``days`` whole days.
# - resource_holder_judges_illegitimate: a stakeholder controlling resources judges at position
#   ``min_state`` (1–5) or weaker.
# - gray_zone_tactic_unaccounted: a live entry with no risk note or no accountable person fires at
#   once; one not approved by a second person fires after ``approval_grace_days`` whole days.

JUDGMENT, GRAY_ZONE_ENTRY = "judgment", "gray_zone_entry"
FactValue = str | int | float | bool | None | list[int] | list[str]
Thresholds = Mapping[str, float]
Cells = Mapping[CellKey, Sequence[Judgment]]
# Threshold values are floats from the pack; 30.0 days must stay 30 whole days.
EPSILON = 1e-9


@dataclass(frozen=True)
class LegitimacySnapshot:
    """Everything the legitimacy warning rules read, for one organisation.

    ``judgments`` needs, per cell, its history (a selector may leave out cells whose current
    state is the best one: no rule fires on them)."""

    judgments: tuple[Judgment, ...] = ()
    stakeholders: tuple[Stakeholder, ...] = ()
    actions: tuple[LegitimationAction, ...] = ()
    tactics: tuple[GrayZoneEntry, ...] = ()


def _whole(thresholds: Thresholds, key: str) -> int:
    return int(thresholds[key] + EPSILON)


def _about(judgment: Judgment) -> dict[str, FactValue]:
    return {
        "stakeholder_id": judgment.stakeholder_id,
        f"{judgment.subject.kind}_id": judgment.subject.id,
        "type": judgment.type,
        "state": judgment.state,
    }


def _answered_on(actions: Iterable[LegitimationAction]) -> dict[tuple[int, SubjectRef], list[date]]:
    dates: dict[tuple[int, SubjectRef], list[date]] = defaultdict(list)
    for action in actions:
        when = [action.recorded_on, *([action.done_on] if action.done_on else [])]
        for stakeholder_id in action.stakeholder_ids:
            dates[(stakeholder_id, action.subject)] += when
    return dates


def challenged_without_action(
    cells: Cells, snapshot: LegitimacySnapshot, thresholds: Thresholds, today: date, vocabulary: Vocabulary
) -> list[Firing]:
    days = _whole(thresholds, "days")
    answered = _answered_on(snapshot.actions)
    firings = []
    for history in cells.values():
        start, before = trailing_run(history)
        dropped = before is not None and vocabulary.position(start.state) > vocabulary.position(before)
        judged_on = start.recorded_at.date()
        if not (dropped or vocabulary.rejecting(start.state)) or (today - judged_on).days <= days:
            continue
        if any(judged_on <= on <= today for on in answered.get((start.stakeholder_id, start.subject), ())):
            continue
        facts = {
            **_about(start),
            "previous_state": before,
            "judged_on": judged_on.isoformat(),
            "due_on": (judged_on + timedelta(days=days)).isoformat(),
            "days_waiting": (today - judged_on).days,
        }
        firings.append(Firing("challenged_without_action", JUDGMENT, start.id, facts))
    return firings


def condition_at_risk_or_overdue(
    cells: Cells, snapshot: LegitimacySnapshot, thresholds: Thresholds, today: date, vocabulary: Vocabulary
) -> list[Firing]:
    horizon = today + timedelta(days=_whole(thresholds, "days_before_review"))
    firings = []
    for history in cells.values():
        current = history[-1]
        reviews = {c.id: c.review_on for c in current.conditions if c.review_on is not None}
        at_risk = sorted(c.id for c in current.conditions if c.at_risk)
        overdue = sorted(key for key, on in reviews.items() if on < today)
        due = sorted(key for key, on in reviews.items() if today <= on <= horizon)
        if not (at_risk or overdue or due):
            continue
        flagged = [on for key, on in reviews.items() if key in {*at_risk, *overdue, *due}]
        facts = {
            **_about(current),
            "at_risk_condition_ids": at_risk,
            "overdue_condition_ids": overdue,
            "due_condition_ids": due,
            "next_review_on": min(flagged).isoformat() if flagged else None,
        }
        firings.append(Firing("condition_at_risk_or_overdue", JUDGMENT, current.id, facts))
    return firings


def unknown_legitimacy_unresolved(
    cells: Cells, snapshot: LegitimacySnapshot, thresholds: Thresholds, today: date, vocabulary: Vocabulary
) -> list[Firing]:
    days = _whole(thresholds, "days")
    firings = []
    for history in cells.values():
        if history[-1].state != vocabulary.unknown_state:
            continue
        start, _before = trailing_run(history)
        since = start.recorded_at.date()
        if (today - since).days <= days:
            continue
        facts = {
            **_about(start),
            "since": since.isoformat(),
            "days_unresolved": (today - since).days,
            "cause": history[-1].unknown_cause,
        }
        firings.append(Firing("unknown_legitimacy_unresolved", JUDGMENT, start.id, facts))
    return firings


def resource_holder_judges_illegitimate(
    cells: Cells, snapshot: LegitimacySnapshot, thresholds: Thresholds, today: date, vocabulary: Vocabulary
) -> list[Firing]:
    min_state = _whole(thresholds, "min_state")
    holders = {stakeholder.id for stakeholder in snapshot.stakeholders if stakeholder.controls_resources}
    firings = []
    for history in cells.values():
        start, _before = trailing_run(history)
        position = vocabulary.position(start.state)
        if start.stakeholder_id in holders and position >= min_state:
            facts = {**_about(start), "position": position, "judged_on": start.recorded_at.date().isoformat()}
            firings.append(Firing("resource_holder_judges_illegitimate", JUDGMENT, start.id, facts))
    return firings


def gray_zone_tactic_unaccounted(
    cells: Cells, snapshot: LegitimacySnapshot, thresholds: Thresholds, today: date, vocabulary: Vocabulary
) -> list[Firing]:
    grace = _whole(thresholds, "approval_grace_days")
    firings = []
    for entry in snapshot.tactics:
        if not entry.live:
            continue
        approval_due = entry.registered_on + timedelta(days=grace)
        missing = [
            key
            for key, lacking in (
                ("risks", not entry.risks.strip()),
                ("accountable_person", entry.accountable_id is None),
                ("approval", not entry.approved and today > approval_due),
            )
            if lacking
        ]
        if missing:
            facts: dict[str, FactValue] = {
                f"{entry.subject.kind}_id": entry.subject.id,
                "tactic": entry.tactic,
                "status": entry.status,
                "missing": missing,
                "registered_on": entry.registered_on.isoformat(),
                "approval_due_on": approval_due.isoformat(),
            }
            firings.append(Firing("gray_zone_tactic_unaccounted", GRAY_ZONE_ENTRY, entry.id, facts))
    return firings


Rule = Callable[[Cells, LegitimacySnapshot, Thresholds, date, Vocabulary], list[Firing]]
RULES: dict[str, Rule] = {
    "challenged_without_action": challenged_without_action,
    "condition_at_risk_or_overdue": condition_at_risk_or_overdue,
    "unknown_legitimacy_unresolved": unknown_legitimacy_unresolved,
    "resource_holder_judges_illegitimate": resource_holder_judges_illegitimate,
    "gray_zone_tactic_unaccounted": gray_zone_tactic_unaccounted,
}
RULE_KEYS: tuple[str, ...] = tuple(RULES)
# The shipped warnings pack's values; a threshold the caller leaves out falls back to these.
DEFAULT_THRESHOLDS: dict[str, dict[str, float]] = {
    "challenged_without_action": {"days": 30},
    "condition_at_risk_or_overdue": {"days_before_review": 14},
    "unknown_legitimacy_unresolved": {"days": 60},
    "resource_holder_judges_illegitimate": {"min_state": 5},
    "gray_zone_tactic_unaccounted": {"approval_grace_days": 7},
}


def thresholds_for(rule_key: str, thresholds_by_rule: Mapping[str, Thresholds]) -> dict[str, float]:
    """A rule's thresholds: the defaults, overridden by the caller's (other keys are ignored)."""
    given = thresholds_by_rule.get(rule_key, {})
    return {key: float(given.get(key, default)) for key, default in DEFAULT_THRESHOLDS[rule_key].items()}


def evaluate(
    snapshot: LegitimacySnapshot,
    thresholds_by_rule: Mapping[str, Thresholds],
    today: date,
    *,
    rules: Collection[str] | None = None,
    vocabulary: Vocabulary = DEFAULT_VOCABULARY,
) -> list[Firing]:
    """Every firing of the chosen rules (all of ``RULE_KEYS`` by default), in rule, subject order."""
    chosen = [key for key in RULE_KEYS if rules is None or key in rules]
    cells = cell_histories(snapshot.judgments)
    firings = [
        firing
        for key in chosen
        for firing in RULES[key](cells, snapshot, thresholds_for(key, thresholds_by_rule), today, vocabulary)
    ]
    order = {key: position for position, key in enumerate(RULE_KEYS)}
    return sorted(firings, key=lambda f: (order[f.rule_key], f.subject_id or 0))
