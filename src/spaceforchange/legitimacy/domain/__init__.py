"""Pure rules of legitimacy management (FRAMEWORKS.md §2–§4, "Warnings the product raises").

No Django here: the Django side loads one organisation's records, turns them into the frozen
dataclasses below and calls these functions; the same rules serve pages, API, CLI and alerts.
Keys (types, states, strategies, goals, modes, tactics) are item keys of the ``legitimacy``,
``legitimation``, ``gray_zone`` and ``warnings`` packs; ``Vocabulary`` and
``SuggestionParameters`` hold what the rules need to know about them, with the shipped packs'
values as defaults (``vocabulary_from_pack`` reads an organisation's own pack).

The package is split by concern (``vocabulary``: keys, records and histories; ``standing``: heat
map, organisation view, timeline; ``suggestions``; ``gray_zone``; ``warnings``); every public
name is re-exported here, so callers import from ``spaceforchange.legitimacy.domain``.

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

from spaceforchange.legitimacy.domain.gray_zone import (
    APPROVER_ROLES,
    REASON_REQUIRED,
    TRANSITIONS,
    approval_refusals,
    can_approve,
    can_end,
    can_transition,
    transition_refusals,
)
from spaceforchange.legitimacy.domain.standing import (
    BETTER,
    BY_STATE,
    BY_TACTIC,
    FIRST,
    SAME,
    WORSE,
    HeatCell,
    HeatMap,
    HeatRow,
    SubjectStanding,
    TimelineEvent,
    _change,
    _heat_cell,
    heat_map,
    organisation_view,
    rank_subjects,
    stakeholder_order,
    state_counts,
    timeline,
)
from spaceforchange.legitimacy.domain.suggestions import (
    AFFILIATE,
    ARENA,
    DEFAULT_SUGGESTION_PARAMETERS,
    ENGAGE,
    RESULTS,
    STORY,
    SYMBOLIC,
    Suggestion,
    SuggestionParameters,
    _default_by_goal,
    _default_by_state,
    _default_by_type,
    _default_modes,
    legitimation_goal,
    strategy_links,
    suggest,
)
from spaceforchange.legitimacy.domain.vocabulary import (
    ACQUIRE,
    APPROVED,
    COGNITIVE,
    CONDITIONAL_ILLEGITIMACY,
    CONDITIONAL_LEGITIMACY,
    CONFORM,
    DEFAULT_VOCABULARY,
    ENDED,
    ILLEGITIMATE,
    LEGITIMATE,
    LIVE_STATUSES,
    MAINTAIN,
    NORMATIVE,
    PRAGMATIC,
    PROPOSED,
    REGULATORY,
    REJECTED,
    REPAIR,
    SHAPE,
    UNKNOWN_LEGITIMACY,
    CellKey,
    Condition,
    GrayZoneEntry,
    Judgment,
    LegitimationAction,
    Stakeholder,
    SubjectRef,
    Vocabulary,
    cell_histories,
    chronological,
    current_judgments,
    trailing_run,
    vocabulary_from_pack,
)
from spaceforchange.legitimacy.domain.warnings import (
    DEFAULT_THRESHOLDS,
    EPSILON,
    GRAY_ZONE_ENTRY,
    JUDGMENT,
    RULE_KEYS,
    RULES,
    Cells,
    FactValue,
    LegitimacySnapshot,
    Rule,
    Thresholds,
    _about,
    _answered_on,
    _whole,
    challenged_without_action,
    condition_at_risk_or_overdue,
    evaluate,
    gray_zone_tactic_unaccounted,
    resource_holder_judges_illegitimate,
    thresholds_for,
    unknown_legitimacy_unresolved,
)

__all__ = [
    "ACQUIRE",
    "AFFILIATE",
    "APPROVED",
    "APPROVER_ROLES",
    "ARENA",
    "BETTER",
    "BY_STATE",
    "BY_TACTIC",
    "COGNITIVE",
    "CONDITIONAL_ILLEGITIMACY",
    "CONDITIONAL_LEGITIMACY",
    "CONFORM",
    "DEFAULT_SUGGESTION_PARAMETERS",
    "DEFAULT_THRESHOLDS",
    "DEFAULT_VOCABULARY",
    "ENDED",
    "ENGAGE",
    "EPSILON",
    "FIRST",
    "GRAY_ZONE_ENTRY",
    "ILLEGITIMATE",
    "JUDGMENT",
    "LEGITIMATE",
    "LIVE_STATUSES",
    "MAINTAIN",
    "NORMATIVE",
    "PRAGMATIC",
    "PROPOSED",
    "REASON_REQUIRED",
    "REGULATORY",
    "REJECTED",
    "REPAIR",
    "RESULTS",
    "RULES",
    "RULE_KEYS",
    "SAME",
    "SHAPE",
    "STORY",
    "SYMBOLIC",
    "TRANSITIONS",
    "UNKNOWN_LEGITIMACY",
    "WORSE",
    "CellKey",
    "Cells",
    "Condition",
    "FactValue",
    "GrayZoneEntry",
    "HeatCell",
    "HeatMap",
    "HeatRow",
    "Judgment",
    "LegitimacySnapshot",
    "LegitimationAction",
    "Rule",
    "Stakeholder",
    "SubjectRef",
    "SubjectStanding",
    "Suggestion",
    "SuggestionParameters",
    "Thresholds",
    "TimelineEvent",
    "Vocabulary",
    "_about",
    "_answered_on",
    "_change",
    "_default_by_goal",
    "_default_by_state",
    "_default_by_type",
    "_default_modes",
    "_heat_cell",
    "_whole",
    "approval_refusals",
    "can_approve",
    "can_end",
    "can_transition",
    "cell_histories",
    "challenged_without_action",
    "chronological",
    "condition_at_risk_or_overdue",
    "current_judgments",
    "evaluate",
    "gray_zone_tactic_unaccounted",
    "heat_map",
    "legitimation_goal",
    "organisation_view",
    "rank_subjects",
    "resource_holder_judges_illegitimate",
    "stakeholder_order",
    "state_counts",
    "strategy_links",
    "suggest",
    "thresholds_for",
    "timeline",
    "trailing_run",
    "transition_refusals",
    "unknown_legitimacy_unresolved",
    "vocabulary_from_pack",
]
