"""The whole demo, with the people and change steps where ``SEED_STEPS`` runs them, twice: the second
run writes nothing, and every alert rule evaluates on the result."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.db.models import Model

from spaceforchange.alerts.services import evaluate_alerts
from spaceforchange.assessments.models import Answer, Campaign, Response
from spaceforchange.change.models import (
    ChangeProgramme,
    EvidenceCheck,
    Milestone,
    ReadinessEntry,
    Subsystem,
    Supporter,
)
from spaceforchange.core.management.commands import seed_demo
from spaceforchange.people.models import ExplorationShare, LeaderRole, Team, TeamMember
from spaceforchange.portfolio.models import Initiative, StageGate, StageTransition

pytestmark = pytest.mark.django_db

OURS = ("spaceforchange.people.demo.seed", "spaceforchange.change.demo.seed")
MODELS: tuple[type[Model], ...] = (
    Team,
    TeamMember,
    ExplorationShare,
    LeaderRole,
    ChangeProgramme,
    Milestone,
    Subsystem,
    Supporter,
    ReadinessEntry,
    EvidenceCheck,
    Campaign,
    Response,
    Answer,
    StageGate,
    Initiative,
    StageTransition,
    LogEntry,
)


def all_steps() -> list[str]:
    """``SEED_STEPS``, with the people and change steps at the end unless it names them already."""
    return [*seed_demo.SEED_STEPS, *(step for step in OURS if step not in seed_demo.SEED_STEPS)]


def _counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in MODELS}


def test_seeding_twice_writes_nothing_new_and_every_rule_evaluates() -> None:
    context = seed_demo.run_steps(seed_demo.DemoContext(), all_steps())
    first = _counts()
    assert (first["Team"], first["ChangeProgramme"], first["StageGate"]) == (6, 2, 1)
    again = seed_demo.run_steps(seed_demo.DemoContext(), all_steps())
    assert _counts() == first
    assert again.logins == context.logins
    assert again.links == context.links

    summary = evaluate_alerts(organization=context.organizations["northbay"])
    assert summary.failed_rules == ()
    assert {"unsupported_transition", "routine_lock_in", "no_top_sponsor_or_external_support"} <= set(
        summary.rules_evaluated
    )
