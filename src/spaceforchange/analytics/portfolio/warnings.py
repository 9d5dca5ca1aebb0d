"""The portfolio and first-step warning rules, and the idea answer guarantee, as pure functions.

The rules are those of FRAMEWORKS.md "Warnings the product raises" (portfolio: §8 and §10;
first step: §7), keyed exactly as the ``warning_rule`` items of the ``warnings`` pack, whose
descriptions state them; the thresholds are those items' ``thresholds``, by key. The idea
answer guarantee (issue #4; ``who_innovates:open_channel_for_ideas``) is ``idea_answer_overdue``.

Definitions that the pack leaves open, as this module resolves them:

- *Active* initiatives are those at idea, experiment or scaling; the first-step rules judge
  active initiatives only, as a stopped or integrated one has no next step to protect.
- Unrecorded values (no change form, no trigger) are neither counted for nor against a share.
- ``pilot_graveyard``: initiatives whose first entry into the experiment stage lies within the
  last ``window_months`` calendar months (today's day of month, clamped, counts as inside); the
  scaled share is those of them that ever reached scaling or integrated.
- ``reactive_radicalism`` and ``crisis_only_leadership`` read the whole portfolio, every stage:
  a stopped crisis-triggered transformation is still part of the pattern. Senior involvement is a
  senior initiator, or a senior backer whose recorded commitment ever reached a formal mandate.
- ``scaling_without_senior_backing`` reads the backers' current commitments; ``proposed for
  scaling`` is ``Initiative.proposed_stage``.
- ``supported_in_principle_controlled_in_practice``: approval is the first entry into
  experiment, scaling or integrated; constraints added on the approval day are conditions of the
  approval itself, so only those added in the ``window_days`` after it count.
- ``fragile_space``: for each setback, backers whose commitment fell (to a lower rank or a
  withdrawal) from the setback day to ``window_days`` after; and the resilience score of the
  latest scan before the setback day against the first scan from the setback day within the
  window. One firing per initiative, for the most recent setback that fires.
- ``idea_answer_overdue``: an idea without a decision more than ``days`` whole days after
  submission (on day ``days`` it is still within the guarantee). ``days`` is the organisation's
  answer guarantee, 30 by default; the caller passes the organisation's setting as this threshold.

Each rule returns ``Firing`` records; their ``facts`` hold only JSON-ready values (dates as ISO
strings); portfolio-wide firings carry counts, not lists of initiatives, so a firing stays small
at any portfolio size. The
severity belongs to the pack item; ``Firing.severity`` stays ``None`` for the caller to fill.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from spaceforchange.analytics.portfolio.snapshot import (
    ACTIVE_STAGES,
    DEFAULT_VOCABULARY,
    PROGRESSION,
    Idea,
    Initiative,
    PortfolioSnapshot,
    Scan,
    Setback,
    Stage,
    Vocabulary,
    active_cognitive_constraints,
    first_entered,
    highest_reached,
    strongest_senior_rank,
)

FactValue = str | int | float | bool | None | list[int]
Thresholds = Mapping[str, float]
# Shares and score differences are compared with this much slack, so 3.6 − 3.1 counts as 0.5.
EPSILON = 1e-9

PORTFOLIO = "portfolio"
INITIATIVE = "initiative"
IDEA = "idea"


@dataclass(frozen=True)
class Firing:
    """One warning fired: the rule, what it is about and the data that fired it."""

    rule_key: str
    subject_kind: str
    subject_id: int | None
    facts: Mapping[str, FactValue] = field(default_factory=dict)
    severity: str | None = None


def _at_least(value: float, threshold: float) -> bool:
    return value >= threshold - EPSILON


def _at_most(value: float, threshold: float) -> bool:
    return value <= threshold + EPSILON


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier, clamped to the month's last day."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _active(initiatives: Iterable[Initiative]) -> list[Initiative]:
    return [initiative for initiative in initiatives if initiative.stage in ACTIVE_STAGES]


# --- Portfolio rules ----------------------------------------------------------------------------


def pilot_graveyard(
    snapshot: PortfolioSnapshot, thresholds: Thresholds, today: date, vocabulary: Vocabulary
) -> list[Firing]:
    since = months_before(today, int(thresholds["window_months"]))
    scaling = PROGRESSION.index(Stage.SCALING)
    started = [
        initiative
        for initiative in snapshot.initiatives
        if (entered := first_entered(initiative, frozenset({Stage.EXPERIMENT}))) is not None
        and since <= entered <= today
    ]
    scaled = sum(1 for initiative in started if (highest_reached(initiative) or 0) >= scaling)
    if not started or not _at_least(len(started), thresholds["min_started"]):
        return []
    share = scaled / len(started)
    if not _at_most(share, thresholds["max_scaled_share"]):
        return []
    facts: dict[str, FactValue] = {
        "started": len(started),
        "scaled": scaled,
        "scaled_share": share,
        "since": since.isoformat(),
    }
    return [Firing("pilot_graveyard", PORTFOLIO, None, facts)]


def purely_incremental_portfolio(
    snapshot: PortfolioSnapshot, thresholds: Thresholds, today: date, vocabulary: Vocabulary
) -> list[Firing]:
    active = _active(snapshot.initiatives)
    recorded = [initiative for initiative in active if initiative.change_form is not None]
    radical = sum(1 for initiative in recorded if initiative.change_form in vocabulary.radical_forms)
    if not recorded or not _at_least(len(recorded), thresholds["min_active"]):
        return []
    share = radical / len(recorded)
    if not _at_most(share, thresholds["max_radical_share"]):
        return []
    facts: dict[str, FactValue] = {
        "active": len(recorded),
        "radical": radical,
        "radical_share": share,
        "unrecorded": len(active) - len(recorded),
    }
    return [Firing("purely_incremental_portfolio", PORTFOLIO, None, facts)]


def reactive_radicalism(
    snapshot: PortfolioSnapshot, thresholds: Thresholds, today: date, vocabulary: Vocabulary
) -> list[Firing]:
    transformations = [
        initiative
        for initiative in snapshot.initiatives
        if initiative.change_form == vocabulary.transformation_form and initiative.trigger is not None
    ]
    reactive = sum(1 for initiative in transformations if initiative.trigger in vocabulary.reactive_triggers)
    if not transformations or not _at_least(len(transformations), thresholds["min_transformations"]):
        return []
    share = reactive / len(transformations)
    if not _at_least(share, thresholds["min_reactive_share"]):
        return []
    facts: dict[str, FactValue] = {
        "transformations": len(transformations),
        "reactive": reactive,
        "reactive_share": share,
    }
    return [Firing("reactive_radicalism", PORTFOLIO, None, facts)]


def _senior_involved(initiative: Initiative, vocabulary: Vocabulary) -> bool:
    if initiative.initiator_level in vocabulary.senior_levels:
        return True
    return any(
        entry.level in vocabulary.senior_levels
        and vocabulary.rank(entry.commitment) >= vocabulary.formal_commitment_rank
        for entry in initiative.backing
    )


def crisis_only_leadership(
    snapshot: PortfolioSnapshot, thresholds: Thresholds, today: date, vocabulary: Vocabulary
) -> list[Firing]:
    involved = [
        initiative
        for initiative in snapshot.initiatives
        if initiative.trigger is not None and _senior_involved(initiative, vocabulary)
    ]
    crisis = sum(1 for initiative in involved if initiative.trigger in vocabulary.crisis_triggers)
    if not involved or not _at_least(len(involved), thresholds["min_senior_initiatives"]):
        return []
    share = crisis / len(involved)
    if not _at_least(share, thresholds["min_crisis_share"]):
        return []
    facts: dict[str, FactValue] = {
        "senior_initiatives": len(involved),
        "crisis_triggered": crisis,
        "crisis_share": share,
    }
    return [Firing("crisis_only_leadership", PORTFOLIO, None, facts)]


# --- First-step rules, one initiative at a time -------------------------------------------------


def scaling_without_senior_backing(
    initiative: Initiative, thresholds: Thresholds, today: date, vocabulary: Vocabulary
) -> Firing | None:
    if Stage.SCALING not in (initiative.stage, initiative.proposed_stage):
        return None
    strongest = strongest_senior_rank(initiative, vocabulary)
    if strongest is not None and _at_least(strongest, thresholds["min_commitment_rank"]):
        return None
    facts: dict[str, FactValue] = {
        "stage": str(initiative.stage),
        "proposed_stage": None if initiative.proposed_stage is None else str(initiative.proposed_stage),
        "strongest_senior_rank": strongest,
    }
    return Firing("scaling_without_senior_backing", INITIATIVE, initiative.id, facts)


def cognitive_constraint_while_scaling(
    initiative: Initiative, thresholds: Thresholds, today: date, vocabulary: Vocabulary
) -> Firing | None:
    if initiative.stage is not Stage.SCALING:
        return None
    active = active_cognitive_constraints(initiative, vocabulary)
    if _at_most(len(active), thresholds["max_active_cognitive"]):
        return None
    facts: dict[str, FactValue] = {"active_cognitive": len(active), "constraint_ids": active}
    return Firing("cognitive_constraint_while_scaling", INITIATIVE, initiative.id, facts)


APPROVED_STAGES = frozenset({Stage.EXPERIMENT, Stage.SCALING, Stage.INTEGRATED})


def supported_in_principle_controlled_in_practice(
    initiative: Initiative, thresholds: Thresholds, today: date, vocabulary: Vocabulary
) -> Firing | None:
    approved_on = first_entered(initiative, APPROVED_STAGES)
    if approved_on is None:
        return None
    until = approved_on + timedelta(days=thresholds["window_days"])
    added = sorted(c.id for c in initiative.constraints if approved_on < c.added_on <= min(until, today))
    if not added or not _at_least(len(added), thresholds["min_added_after_approval"]):
        return None
    facts: dict[str, FactValue] = {
        "approved_on": approved_on.isoformat(),
        "added_after_approval": len(added),
        "constraint_ids": added,
    }
    return Firing("supported_in_principle_controlled_in_practice", INITIATIVE, initiative.id, facts)


def _backers_lost(initiative: Initiative, start: date, end: date, vocabulary: Vocabulary) -> list[int]:
    """Backers whose commitment fell between ``start`` and ``end`` inclusive, sorted."""
    previous: dict[int, int] = {}
    lost: set[int] = set()
    for entry in sorted(initiative.backing, key=lambda entry: entry.recorded_on):
        rank = vocabulary.rank(entry.commitment)
        before = previous.get(entry.backer_id)
        if before is not None and rank < before and start <= entry.recorded_on <= end:
            lost.add(entry.backer_id)
        previous[entry.backer_id] = rank
    return sorted(lost)


def _resilience_drop(scans: Iterable[Scan], setback: Setback, end: date, dimension: str) -> tuple[float, float] | None:
    scored = sorted((scan.taken_on, scan.scores[dimension]) for scan in scans if dimension in scan.scores)
    before = [score for taken_on, score in scored if taken_on < setback.occurred_on]
    after = [score for taken_on, score in scored if setback.occurred_on <= taken_on <= end]
    return (before[-1], after[0]) if before and after else None


def _setback_facts(
    initiative: Initiative, setback: Setback, thresholds: Thresholds, today: date, vocabulary: Vocabulary
) -> dict[str, FactValue] | None:
    end = min(setback.occurred_on + timedelta(days=thresholds["window_days"]), today)
    lost = _backers_lost(initiative, setback.occurred_on, end, vocabulary)
    scores = _resilience_drop(initiative.scans, setback, end, vocabulary.resilience_dimension)
    drop = None if scores is None else scores[0] - scores[1]
    lost_fires = bool(lost) and _at_least(len(lost), thresholds["min_backers_lost"])
    drop_fires = drop is not None and _at_least(drop, thresholds["min_resilience_drop"])
    if not (lost_fires or drop_fires):
        return None
    return {
        "setback_on": setback.occurred_on.isoformat(),
        "support_held": setback.support_held,
        "backers_lost": len(lost),
        "backer_ids": lost,
        "resilience_before": None if scores is None else scores[0],
        "resilience_after": None if scores is None else scores[1],
    }


def fragile_space(initiative: Initiative, thresholds: Thresholds, today: date, vocabulary: Vocabulary) -> Firing | None:
    for setback in sorted(initiative.setbacks, key=lambda setback: setback.occurred_on, reverse=True):
        if setback.occurred_on > today:
            continue
        facts = _setback_facts(initiative, setback, thresholds, today, vocabulary)
        if facts is not None:
            return Firing("fragile_space", INITIATIVE, initiative.id, facts)
    return None


# --- The idea answer guarantee ------------------------------------------------------------------


def idea_answer_overdue(ideas: Iterable[Idea], thresholds: Thresholds, today: date) -> list[Firing]:
    days = math.floor(thresholds["days"] + EPSILON)
    # Waiting more than `days` whole days is the same as being submitted before this date; one
    # comparison per idea keeps 200,000 ideas cheap.
    cutoff = today - timedelta(days=days)
    return [_overdue(idea, days, today) for idea in ideas if idea.decided_on is None and idea.submitted_on < cutoff]


def _overdue(idea: Idea, days: int, today: date) -> Firing:
    facts: dict[str, FactValue] = {
        "submitted_on": idea.submitted_on.isoformat(),
        "due_on": (idea.submitted_on + timedelta(days=days)).isoformat(),
        "days_waiting": (today - idea.submitted_on).days,
        "sponsor_id": idea.sponsor_id,
    }
    return Firing("idea_answer_overdue", IDEA, idea.id, facts)


# --- Registry and evaluation --------------------------------------------------------------------

PortfolioRule = Callable[[PortfolioSnapshot, Thresholds, date, Vocabulary], list[Firing]]
InitiativeRule = Callable[[Initiative, Thresholds, date, Vocabulary], Firing | None]

PORTFOLIO_RULES: dict[str, PortfolioRule] = {
    "pilot_graveyard": pilot_graveyard,
    "purely_incremental_portfolio": purely_incremental_portfolio,
    "reactive_radicalism": reactive_radicalism,
    "crisis_only_leadership": crisis_only_leadership,
}
INITIATIVE_RULES: dict[str, InitiativeRule] = {
    "scaling_without_senior_backing": scaling_without_senior_backing,
    "cognitive_constraint_while_scaling": cognitive_constraint_while_scaling,
    "supported_in_principle_controlled_in_practice": supported_in_principle_controlled_in_practice,
    "fragile_space": fragile_space,
}
IDEA_RULE = "idea_answer_overdue"

# The shipped pack's values; a threshold the caller leaves out falls back to these.
DEFAULT_THRESHOLDS: dict[str, dict[str, float]] = {
    "pilot_graveyard": {"min_started": 5, "max_scaled_share": 0.2, "window_months": 24},
    "purely_incremental_portfolio": {"min_active": 5, "max_radical_share": 0.1},
    "reactive_radicalism": {"min_transformations": 2, "min_reactive_share": 1.0},
    "crisis_only_leadership": {"min_senior_initiatives": 2, "min_crisis_share": 1.0},
    "scaling_without_senior_backing": {"min_commitment_rank": 2},
    "cognitive_constraint_while_scaling": {"max_active_cognitive": 0},
    "supported_in_principle_controlled_in_practice": {"min_added_after_approval": 2, "window_days": 365},
    "fragile_space": {"window_days": 90, "min_backers_lost": 1, "min_resilience_drop": 0.5},
    "idea_answer_overdue": {"days": 30},
}
RULE_KEYS: tuple[str, ...] = (*PORTFOLIO_RULES, *INITIATIVE_RULES, IDEA_RULE)
_RULE_ORDER = {key: position for position, key in enumerate(RULE_KEYS)}


def thresholds_for(rule_key: str, thresholds_by_rule: Mapping[str, Thresholds]) -> dict[str, float]:
    """A rule's thresholds: the defaults, overridden by the caller's (keys the rule does not read are ignored)."""
    given = thresholds_by_rule.get(rule_key, {})
    return {key: float(given.get(key, default)) for key, default in DEFAULT_THRESHOLDS[rule_key].items()}


def evaluate(
    snapshot: PortfolioSnapshot,
    thresholds_by_rule: Mapping[str, Thresholds],
    today: date,
    *,
    rules: Collection[str] | None = None,
    vocabulary: Vocabulary = DEFAULT_VOCABULARY,
) -> list[Firing]:
    """Every firing of the chosen rules (all of ``RULE_KEYS`` by default), in rule, subject order."""
    chosen = RULE_KEYS if rules is None else tuple(key for key in RULE_KEYS if key in rules)
    limits = {key: thresholds_for(key, thresholds_by_rule) for key in chosen}
    firings: list[Firing] = []
    for key, portfolio_rule in PORTFOLIO_RULES.items():
        if key in limits:
            firings += portfolio_rule(snapshot, limits[key], today, vocabulary)
    initiative_rules = [(rule, limits[key]) for key, rule in INITIATIVE_RULES.items() if key in limits]
    if initiative_rules:
        active = _active(snapshot.initiatives)
        firings += [f for rule, limit in initiative_rules for i in active if (f := rule(i, limit, today, vocabulary))]
    if IDEA_RULE in limits:
        firings += idea_answer_overdue(snapshot.ideas, limits[IDEA_RULE], today)
    return sorted(firings, key=_firing_order)


def _firing_order(firing: Firing) -> tuple[int, str, int]:
    return (_RULE_ORDER[firing.rule_key], firing.subject_kind, -1 if firing.subject_id is None else firing.subject_id)
