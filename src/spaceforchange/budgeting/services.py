"""Every write to the strategy, goal contributions and unit contribution statements.

Budget cycles, lines and envelopes are written by ``budget_services``, scenarios by
``scenario_services``, imports by ``import_lines``. People, units, goals and subjects must belong
to the organisation; every refusal is a ``ValidationError`` naming the field, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spaceforchange.alerts.tasks import alerts_may_have_changed
from spaceforchange.budgeting import domain
from spaceforchange.budgeting.models import (
    CADENCE_MAX_MONTHS,
    SCORE_MAX,
    BudgetCycle,
    BudgetLine,
    GoalContribution,
    StrategicGoal,
    Strategy,
    StrategyRevision,
    UnitContributionStatement,
)
from spaceforchange.budgeting.options import refresh_scaled_options
from spaceforchange.core.models import Organization, Unit, User
from spaceforchange.portfolio.models import WEIGHT_MAX, Initiative
from spaceforchange.portfolio.services import check_length, is_member, today_in

Errors = dict[str, list[str]]
VISION_MAX, TEXT_MAX, TITLE_MAX = 8000, 4000, 200
WEIGHT_TOTAL = 100
Subject = Initiative | BudgetLine | Unit


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


# --- Strategy ---------------------------------------------------------------------------------


@transaction.atomic
def ensure_strategy(*, organization: Organization) -> Strategy:
    """The organisation's strategy, created empty (no vision, never revised) on first use."""
    strategy, _created = Strategy.objects.get_or_create(organization=organization)
    return strategy


def _as_id(value: Any) -> Any:
    """A goal id as given by a form or the API (``"12"``) as the integer it names; anything else unchanged."""
    if value is None or value == "":
        return None
    return int(value) if isinstance(value, str) and value.isdigit() else value


def _goal_errors(organization: Organization, entries: Sequence[Mapping[str, Any]]) -> tuple[list[str], list[dict]]:
    """Check the revised goal list; returns messages (one per problem, naming the goal's position) and the
    cleaned entries."""
    messages: list[str] = []
    cleaned: list[dict[str, Any]] = []
    existing = {goal.pk: goal for goal in StrategicGoal.objects.filter(organization=organization)}
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        title = str(entry.get("title") or "").strip()
        goal_id, weight, owner = _as_id(entry.get("id")), entry.get("weight"), entry.get("owner")
        prefix = _("Goal %(number)d") % {"number": position}
        if goal_id is not None and (isinstance(goal_id, bool) or goal_id not in existing):
            messages.append(_("%(goal)s: no such goal in the organisation.") % {"goal": prefix})
        if not title and goal_id in existing:
            title = existing[goal_id].title
        if not title or len(title) > TITLE_MAX:
            messages.append(_("%(goal)s: give a title of at most 200 characters.") % {"goal": prefix})
        elif title.casefold() in seen:
            messages.append(_("%(goal)s: the title “%(title)s” is used twice.") % {"goal": prefix, "title": title})
        seen.add(title.casefold())
        if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= WEIGHT_MAX:
            messages.append(_("%(goal)s: the weight is a whole number from 0 to 100.") % {"goal": prefix})
        if owner is not None and not is_member(organization, owner):
            messages.append(_("%(goal)s: the owner must be a member of the organisation.") % {"goal": prefix})
        description = str(entry.get("description") or "").strip()
        if len(description) > TEXT_MAX:
            messages.append(_("%(goal)s: the description is too long.") % {"goal": prefix})
        cleaned.append({"id": goal_id, "title": title, "weight": weight, "owner": owner, "description": description})
    if cleaned and not messages and sum(entry["weight"] for entry in cleaned) != WEIGHT_TOTAL:
        total = sum(entry["weight"] for entry in cleaned)
        messages.append(_("The weights add up to %(total)d; they must add up to 100.") % {"total": total})
    return messages, cleaned


def _check_revision(organization: Organization, fields: Mapping[str, Any]) -> list[dict]:
    errors: Errors = {}
    check_length(errors, "vision", fields["vision"], VISION_MAX)
    for name in ("summary", "reason"):
        if not fields[name]:
            errors[name] = [_("Say what changed.") if name == "summary" else _("Say why.")]
        check_length(errors, name, fields[name], TEXT_MAX)
    cadence = fields["cadence_months"]
    if isinstance(cadence, bool) or not isinstance(cadence, int) or not 1 <= cadence <= CADENCE_MAX_MONTHS:
        errors["cadence_months"] = [_("A whole number of months from 1 to %(limit)d.") % {"limit": CADENCE_MAX_MONTHS}]
    messages, cleaned = _goal_errors(organization, fields["goals"])
    if not cleaned:
        messages.append(_("Name at least one goal."))
    if messages:
        errors["goals"] = messages
    _raise(errors)
    return cleaned


def _save_goals(organization: Organization, cleaned: list[dict]) -> list[StrategicGoal]:
    """Write the revised goal list: listed goals active with their weights, every other goal retired."""
    by_title = {goal.title.casefold(): goal for goal in StrategicGoal.objects.filter(organization=organization)}
    by_id = {goal.pk: goal for goal in by_title.values()}
    kept: list[StrategicGoal] = []
    for entry in cleaned:
        goal = by_id.get(entry["id"]) or by_title.get(entry["title"].casefold())
        if goal is None:
            goal = StrategicGoal(organization=organization)
        goal.title, goal.weight, goal.owner = entry["title"], entry["weight"], entry["owner"]
        goal.description, goal.active = entry["description"], True
        goal.save()
        kept.append(goal)
    for goal in StrategicGoal.objects.filter(organization=organization, active=True).exclude(
        pk__in=[goal.pk for goal in kept]
    ):
        goal.active, goal.weight = False, 0
        goal.save(update_fields=["active", "weight"])
    return kept


def strategy_snapshot(strategy: Strategy, goals: Sequence[StrategicGoal]) -> dict[str, Any]:
    return {
        "vision": strategy.vision,
        "cadence_months": strategy.revision_cadence_months,
        "goals": [
            {
                "id": goal.pk,
                "title": goal.title,
                "weight": goal.weight,
                "owner_id": goal.owner_id,
                "description": goal.description,
                "active": goal.active,
            }
            for goal in goals
        ],
    }


@transaction.atomic
def revise_strategy(
    *,
    organization: Organization,
    vision: str,
    goals: Sequence[Mapping[str, Any]],
    summary: str,
    reason: str,
    cadence_months: int | None = None,
    actor: User | None = None,
) -> StrategyRevision:
    """Save a new version of the strategy: the vision, the cadence and the full list of active goals.

    ``goals`` lists every goal that stays or becomes active, each ``{"id" (an existing goal) or
    "title", "weight", "owner" (a member or None), "description"}``; the weights add up to 100.
    An active goal left out is retired (weight 0). The revision keeps a snapshot and what changed
    against the previous revision; the next revision falls due a cadence from today.
    """
    strategy = Strategy.objects.select_for_update().get(pk=ensure_strategy(organization=organization).pk)
    fields: dict[str, Any] = {
        "vision": vision.strip(),
        "summary": summary.strip(),
        "reason": reason.strip(),
        "cadence_months": strategy.revision_cadence_months if cadence_months is None else cadence_months,
        "goals": list(goals),
    }
    cleaned = _check_revision(organization, fields)
    kept = _save_goals(organization, cleaned)
    now = timezone.now()
    strategy.vision, strategy.revision_cadence_months = fields["vision"], fields["cadence_months"]
    strategy.last_revised_at = now
    strategy.next_revision_due = domain.add_months(today_in(organization), fields["cadence_months"])
    strategy.save()
    previous = strategy.revisions.order_by("-number").first()
    snapshot = strategy_snapshot(strategy, kept)
    revision = StrategyRevision.objects.create(
        organization=organization,
        strategy=strategy,
        number=(previous.number + 1) if previous else 1,
        revised_at=now,
        revised_by=actor,
        summary=fields["summary"],
        reason=fields["reason"],
        snapshot=snapshot,
        changes=domain.diff_snapshots(previous.snapshot if previous else None, snapshot),
    )
    alerts_may_have_changed(organization.pk)
    return revision


# --- Goal contributions -----------------------------------------------------------------------


def _subject_field(subject: Subject) -> str:
    if isinstance(subject, Initiative):
        return "initiative"
    if isinstance(subject, BudgetLine):
        return "budget_line"
    if isinstance(subject, Unit):
        return "unit"
    raise ValidationError({"subject": [_("Only initiatives, budget lines and units contribute to goals.")]})


@transaction.atomic
def set_goal_contribution(
    *, goal: StrategicGoal, subject: Subject, score: int, evidence: str = "", actor: User | None = None
) -> GoalContribution | None:
    """Score how much an initiative, a budget line or a unit contributes to a goal (1–5), with evidence.

    A score of 0 removes the link (and returns None). A line's scaled funding options follow its
    new scores.
    """
    field = _subject_field(subject)
    errors: Errors = {}
    if subject.organization_id != goal.organization_id:
        errors["goal"] = [_("The goal belongs to another organisation.")]
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= SCORE_MAX:
        errors["score"] = [_("A whole number from 0 to 5.")]
    text = evidence.strip()
    check_length(errors, "evidence", text, TEXT_MAX)
    _raise(errors)
    contribution: GoalContribution | None = None
    if score == 0:
        GoalContribution.objects.filter(goal=goal, **{field: subject}).delete()
    else:
        lookup: dict[str, Any] = {"goal": goal, field: subject}
        contribution, _created = GoalContribution.objects.update_or_create(
            **lookup,
            defaults={"organization_id": goal.organization_id, "score": score, "evidence": text, "updated_by": actor},
        )
    if isinstance(subject, BudgetLine):
        refresh_scaled_options(subject)
    alerts_may_have_changed(goal.organization_id)
    return contribution


# --- Unit contribution statements -------------------------------------------------------------


@transaction.atomic
def submit_contribution_statement(
    *,
    cycle: BudgetCycle,
    unit: Unit,
    statement: str,
    submitted_by: User,
    evidence: str = "",
    goals: Sequence[StrategicGoal] = (),
) -> UnitContributionStatement:
    """A unit states and evidences its strategic contribution in a cycle; a new statement replaces the
    unit's earlier one and waits for leadership's review again."""
    organization = cycle.organization
    errors: Errors = {}
    if unit.organization_id != organization.pk:
        errors["unit"] = [_("The unit belongs to another organisation.")]
    if not is_member(organization, submitted_by):
        errors["submitted_by"] = [_("Only members of the organisation submit statements.")]
    text, proof = statement.strip(), evidence.strip()
    if not text:
        errors["statement"] = [_("State the unit's contribution.")]
    check_length(errors, "statement", text, TEXT_MAX)
    check_length(errors, "evidence", proof, TEXT_MAX)
    if any(goal.organization_id != organization.pk for goal in goals):
        errors["goals"] = [_("A goal belongs to another organisation.")]
    _raise(errors)
    row, _created = UnitContributionStatement.objects.update_or_create(
        cycle=cycle,
        unit=unit,
        defaults={
            "organization": organization,
            "statement": text,
            "evidence": proof,
            "submitted_by": submitted_by,
            "submitted_at": timezone.now(),
            "demonstrated": False,
            "review_note": "",
            "reviewed_by": None,
            "reviewed_at": None,
        },
    )
    row.goals.set(list(goals))
    alerts_may_have_changed(organization.pk)
    return row


@transaction.atomic
def review_contribution_statement(
    *, statement: UnitContributionStatement, demonstrated: bool, reviewed_by: User, note: str = ""
) -> UnitContributionStatement:
    """Leadership records whether the statement demonstrates the unit's contribution, and why."""
    errors: Errors = {}
    text = note.strip()
    check_length(errors, "note", text, TEXT_MAX)
    if not is_member(statement.organization, reviewed_by):
        errors["reviewed_by"] = [_("Only members of the organisation review statements.")]
    if not demonstrated and not text:
        errors["note"] = [_("Say what is missing, so that the unit can demonstrate or change.")]
    _raise(errors)
    statement.demonstrated, statement.review_note = bool(demonstrated), text
    statement.reviewed_by, statement.reviewed_at = reviewed_by, timezone.now()
    statement.save(update_fields=["demonstrated", "review_note", "reviewed_by", "reviewed_at"])
    alerts_may_have_changed(statement.organization_id)
    return statement
