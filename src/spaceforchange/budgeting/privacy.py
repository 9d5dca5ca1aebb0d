"""Strategy and money as personal data: goals a person owns, revisions they made, statements they
submitted or reviewed, scenarios they ran or adopted, contributions they scored, cycles they opened.

These rows are the organisation's record of its decisions, so erasure keeps them and drops the
link to the person; names in the free texts (statements, evidence, review notes, decisions,
revision reasons) are scrubbed.
"""

from __future__ import annotations

from typing import Any

from spaceforchange.budgeting.models import (
    BudgetCycle,
    GoalContribution,
    LineImport,
    Scenario,
    StrategicGoal,
    StrategyRevision,
    UnitContributionStatement,
)
from spaceforchange.core import privacy

# model → (person fields, text fields scrubbed of the person's names)
LINKS: privacy.Links = {
    StrategicGoal: (("owner",), ("description",)),
    StrategyRevision: (("revised_by",), ("summary", "reason")),
    UnitContributionStatement: (("submitted_by", "reviewed_by"), ("statement", "evidence", "review_note")),
    Scenario: (("created_by", "adopted_by"), ("adoption_note",)),
    GoalContribution: (("updated_by",), ("evidence",)),
    BudgetCycle: (("created_by",), ()),
    LineImport: (("imported_by",), ()),
}


def export_budgeting(user: Any) -> dict[str, Any]:
    statements = UnitContributionStatement.objects.filter(submitted_by=user).select_related(
        "organization", "cycle", "unit"
    )
    return {
        "goals_owned": [
            {"organization": goal.organization.slug, "goal": goal.title}
            for goal in StrategicGoal.objects.filter(owner=user).select_related("organization").order_by("pk")
        ],
        "strategy_revisions": [
            {
                "organization": row.organization.slug,
                "number": row.number,
                "revised_at": row.revised_at.isoformat(),
                "summary": row.summary,
                "reason": row.reason,
            }
            for row in StrategyRevision.objects.filter(revised_by=user).select_related("organization").order_by("pk")
        ],
        "contribution_statements": [
            {
                "organization": row.organization.slug,
                "cycle": row.cycle.name,
                "unit": row.unit.name,
                "statement": row.statement,
                "evidence": row.evidence,
                "submitted_at": row.submitted_at.isoformat(),
            }
            for row in statements.order_by("pk")
        ],
        "statements_reviewed": UnitContributionStatement.objects.filter(reviewed_by=user).count(),
        "scenarios_adopted": [
            {"organization": row.organization.slug, "scenario": row.name, "decision": row.adoption_note}
            for row in Scenario.objects.filter(adopted_by=user).select_related("organization").order_by("pk")
        ],
        "scenarios_run": Scenario.objects.filter(created_by=user).count(),
        "contributions_scored": GoalContribution.objects.filter(updated_by=user).count(),
    }


def erase_budgeting(erasure: privacy.Erasure) -> dict[str, int]:
    return privacy.unlink_and_scrub(erasure, LINKS)


privacy.register(
    "budgeting",
    exporter=export_budgeting,
    eraser=erase_budgeting,
    description="Goals the person owns, strategy revisions, contribution statements, scenarios and scores.",
)
