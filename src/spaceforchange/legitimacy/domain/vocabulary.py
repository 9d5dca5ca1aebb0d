"""The vocabulary of the legitimacy packs, the records the rules read, and judgments as a history.

See the package docstring for the decisions these rules take."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

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
