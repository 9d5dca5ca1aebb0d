"""Funding options of a budget line: the default three (none, half, full) and scaled contributions.

A scaled option (``scale`` set) contributes the line's goal scores times its scale; it is
recomputed whenever the line's scores change, so the optimiser always reads the current scores.
Called by the services inside their transactions; not a service of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from spaceforchange.budgeting.models import BudgetLine, FundingOption, GoalContribution

# key, share of the line's amount and of its contribution
DEFAULT_LEVELS = (("none", 0.0), ("half", 0.5), ("full", 1.0))
CENT = Decimal("0.01")


def default_label(key: str) -> str:
    labels = {"none": _("Not funded"), "half": _("Half funded"), "full": _("Fully funded")}
    return labels.get(key, key)


def line_scores(line: BudgetLine) -> dict[int, int]:
    rows = GoalContribution.objects.filter(budget_line=line, score__gt=0).values_list("goal_id", "score")
    return {goal_id: score or 0 for goal_id, score in rows}


def scaled(scores: Mapping[int, int], scale: float) -> dict[str, float]:
    """The contributions of an option delivering ``scale`` of the line's scores (capped at 5)."""
    return {str(goal): round(min(5.0, score * scale), 3) for goal, score in sorted(scores.items()) if score * scale > 0}


def default_cost(amount: Decimal, level: float) -> Decimal:
    return (amount * Decimal(str(level))).quantize(CENT, rounding=ROUND_HALF_UP)


def default_options(line: BudgetLine, scores: Mapping[int, int]) -> list[FundingOption]:
    """Unsaved: none, half and full of the line's amount, contributing that share of its scores."""
    return [
        FundingOption(
            organization_id=line.organization_id,
            line=line,
            key=key,
            label=default_label(key),
            cost=default_cost(line.amount, level),
            contributions=scaled(scores, level),
            scale=level,
        )
        for key, level in DEFAULT_LEVELS
    ]


def refresh_scaled_options(line: BudgetLine) -> None:
    scores = line_scores(line)
    options = list(FundingOption.objects.filter(line=line, scale__isnull=False))
    for option in options:
        option.contributions = scaled(scores, option.scale or 0.0)
    FundingOption.objects.bulk_update(options, ["contributions"])
