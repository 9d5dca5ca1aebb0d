"""REST endpoints of strategy and money under ``/api/v1/organizations/{org_slug}/``.

The strategy, its revisions and goal contributions live in ``strategy_api``; budget cycles and
lines in ``budget_api``; here are the cycle's unit contribution statements (list, submit,
review), the demonstrate-or-change list, and scenarios (list, run, read, compare, adopt). This
router mounts all three and is mounted by ``spaceforchange.api.api``.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from spaceforchange.api.fields import api_fields, caller
from spaceforchange.api.pagination import LimitOffsetPagination, PageQuery
from spaceforchange.budgeting import api_selectors, scenario_services, selectors, services
from spaceforchange.budgeting.budget_api import CYCLE, CYCLE_ID, BudgetLineOut, cycle_of
from spaceforchange.budgeting.budget_api import router as budget_router
from spaceforchange.budgeting.models import BudgetCycle, Scenario, StrategicGoal, UnitContributionStatement
from spaceforchange.budgeting.strategy_api import all_of, deny_unless, one_of
from spaceforchange.budgeting.strategy_api import router as strategy_router
from spaceforchange.core.models import Unit

router = Router(tags=["budgeting"])
for child in (strategy_router, budget_router):
    router.add_router("/", child)

STATEMENTS = CYCLE + "/statements"
SCENARIOS = CYCLE + "/scenarios"
SCENARIO = SCENARIOS + "/{scenario_id}"
STATEMENT_ID = Path(..., description="The statement's id, as listed by `GET .../statements`.")
SCENARIO_ID = Path(..., description="The scenario's id, as listed by `GET .../scenarios`. Another cycle's: 404.")


def _in_cycle(row: Any, cycle: BudgetCycle, what: str) -> Any:
    if row.cycle_id != cycle.pk:
        raise HttpError(404, _("The cycle has no %(what)s with this id.") % {"what": what})
    return row


# --- Unit contribution statements -------------------------------------------------------------


class ContributionStatementOut(Schema):
    """A unit's statement of its strategic contribution in a cycle, and leadership's review of it."""

    id: int = Field(description="The statement's id.")
    cycle_id: int = Field(description="The cycle's id.")
    unit_id: int = Field(description="The unit's id.")
    statement: str = Field(description="What the unit contributes to the strategy.")
    evidence: str = Field(description="The evidence for it; may be empty.")
    goal_ids: list[int] = Field(description="The ids of the goals it contributes to.")
    submitted_by_id: int | None = Field(description="Who submitted it; null when not known.")
    submitted_at: datetime = Field(description="When it was submitted.")
    demonstrated: bool = Field(description="Whether leadership found the contribution demonstrated.")
    review_note: str = Field(description="Leadership's note; what is missing when not demonstrated.")
    reviewed_by_id: int | None = Field(description="Who reviewed it; null until reviewed.")
    reviewed_at: datetime | None = Field(description="When it was reviewed; null until reviewed.")

    @staticmethod
    def resolve_goal_ids(row: UnitContributionStatement) -> list[int]:
        return sorted(goal.pk for goal in row.goals.all())


class ContributionStatementIn(Schema):
    """A unit's statement for the cycle; `unit_id` and `statement` are needed. It replaces the unit's earlier one."""

    unit_id: int | None = Field(
        None, description="The unit's id: your own unit, or any for innovation leads and leaders."
    )
    statement: str = Field("", max_length=8000, description="What the unit contributes (up to 4000 characters).")
    evidence: str = Field("", max_length=8000, description="The evidence (up to 4000 characters).")
    goal_ids: list[int] = Field(default_factory=list, max_length=100, description="The ids of the goals served.")


class StatementReviewIn(Schema):
    """Leadership's review; `demonstrated` is needed, and a `note` when it is false."""

    demonstrated: bool | None = Field(None, description="Whether the statement demonstrates the contribution.")
    note: str = Field("", max_length=8000, description="Why; what is missing when not demonstrated.")


@router.get(
    STATEMENTS,
    response=list[ContributionStatementOut],
    summary="List contribution statements",
    description="The cycle's statements by unit name, one page at a time. Innovation leads, leaders and oversight "
    "see every unit's; any other member only their own unit's.",
)
@paginate(LimitOffsetPagination)
def list_statements(
    request: HttpRequest, org_slug: str, cycle_id: int = CYCLE_ID
) -> QuerySet[UnitContributionStatement]:
    cycle = cycle_of(request, org_slug, cycle_id)
    rows = selectors.statements_for(cycle)
    if not request.user.has_perm("budgeting.view_statement", cycle.organization):
        unit = getattr(request.membership, "unit", None)  # type: ignore[attr-defined]
        rows = rows.filter(unit=unit) if unit is not None else rows.none()
    return rows


@router.post(
    STATEMENTS,
    response={201: ContributionStatementOut},
    summary="Submit a contribution statement",
    description="A member for their own unit, innovation leads and leaders for any unit (403 otherwise). A unit or "
    "goal of another organisation answers 404; 422 lists every invalid value. The statement waits for review.",
)
def submit_statement(
    request: HttpRequest, org_slug: str, payload: ContributionStatementIn, cycle_id: int = CYCLE_ID
) -> Status[UnitContributionStatement]:
    cycle = cycle_of(request, org_slug, cycle_id)
    if payload.unit_id is None:
        raise ValidationError({"unit_id": [_("Name the unit.")]})
    unit = one_of(cycle.organization, Unit, payload.unit_id, _("unit"))
    goals = all_of(cycle.organization, StrategicGoal, payload.goal_ids, _("goal"))
    deny_unless(request, "budgeting.submit_statement", unit)
    with api_fields({"unit": "unit_id", "goals": "goal_ids"}):
        row = services.submit_contribution_statement(
            cycle=cycle,
            unit=unit,
            statement=payload.statement,
            evidence=payload.evidence,
            goals=goals,
            submitted_by=caller(request),
        )
    return Status(201, selectors.statements_for(cycle).get(pk=row.pk))


@router.post(
    STATEMENTS + "/{statement_id}/review",
    response=ContributionStatementOut,
    summary="Review a contribution statement",
    description="Leaders only (403 otherwise). Records whether the contribution is demonstrated; a statement not "
    "demonstrated needs a note saying what is missing (422 otherwise).",
)
def review_statement(
    request: HttpRequest,
    org_slug: str,
    payload: StatementReviewIn,
    cycle_id: int = CYCLE_ID,
    statement_id: int = STATEMENT_ID,
) -> UnitContributionStatement:
    cycle = cycle_of(request, org_slug, cycle_id)
    row = _in_cycle(selectors.statement_of(cycle.organization, statement_id), cycle, _("statement"))
    deny_unless(request, "budgeting.review_statement", cycle.organization)
    if payload.demonstrated is None:
        raise ValidationError({"demonstrated": [_("Say whether the contribution is demonstrated.")]})
    services.review_contribution_statement(
        statement=row, demonstrated=payload.demonstrated, note=payload.note, reviewed_by=caller(request)
    )
    return selectors.statements_for(cycle).get(pk=row.pk)


class UnitChallengeOut(Schema):
    """A unit with money in the cycle and no demonstrated contribution."""

    unit_id: int = Field(description="The unit's id.")
    unit_name: str = Field(description="The unit's name.")
    amount: float = Field(description="The unit's money in the cycle.")
    status: str = Field(description="`missing` (no statement), `pending` (not reviewed) or `not_demonstrated`.")
    statement_id: int | None = Field(description="The id of its statement; null when it has none.")


class DemonstrateOrChangeOut(Schema):
    """For leadership: units without a demonstrated contribution, and lines linked to no goal."""

    units: list[UnitChallengeOut] = Field(description="Every such unit, by name.")
    line_count: int = Field(description="How many lines are linked to no goal.")
    lines: list[BudgetLineOut] = Field(description="A page of those lines (`limit`, `offset`), largest first.")


@router.get(
    CYCLE + "/demonstrate-or-change",
    response=DemonstrateOrChangeOut,
    summary="List what must demonstrate or change",
    description="The units with money in the cycle and no demonstrated contribution, and a page of the lines "
    "linked to no goal. Innovation leads, leaders and oversight (403 otherwise).",
)
def demonstrate_or_change(
    request: HttpRequest, org_slug: str, page: Query[PageQuery], cycle_id: int = CYCLE_ID
) -> dict[str, Any]:
    cycle = cycle_of(request, org_slug, cycle_id, "budgeting.view_demonstrate_or_change")
    found = selectors.demonstrate_or_change(cycle)
    lines = found.lines.prefetch_related("goal_contributions")
    return {
        "units": [
            {
                "unit_id": row.unit.pk,
                "unit_name": row.unit.name,
                "amount": row.amount,
                "status": row.status,
                "statement_id": row.statement.pk if row.statement else None,
            }
            for row in found.units
        ],
        "line_count": lines.count(),
        "lines": list(lines[page.offset : page.offset + page.limit]),
    }


# --- Scenarios --------------------------------------------------------------------------------


class ScenarioOut(Schema):
    """An allocation of a cycle: one funding option per line, and whether it was adopted."""

    id: int = Field(description="The scenario's id.")
    cycle_id: int = Field(description="The cycle's id.")
    name: str = Field(description="The scenario's name, unique in the cycle.")
    method: str = Field(description="`current`, `optimised`, `greedy` or `manual`.")
    status: str = Field(description="`optimal`, `feasible`, `infeasible`, `time_limit`, `error` or "
                        "`violates_constraints`.")  # fmt: skip
    objective: float = Field(description="The strategic value: Σ goal weight × chosen option's contribution.")
    total_cost: float = Field(description="The cost of the chosen options.")
    gap: float | None = Field(description="The optimality gap of an optimised scenario; null otherwise.")
    seconds: float = Field(description="How long it took to compute.")
    adopted_at: datetime | None = Field(description="When it was adopted; null if it was not.")
    adopted_by_id: int | None = Field(description="Who adopted it; null if nobody did.")
    adoption_note: str = Field(description="The recorded decision; empty until adopted.")
    created_by_id: int | None = Field(description="Who ran it; null when not known.")
    created_at: datetime = Field(description="When it was run.")


class ScenarioDetailOut(ScenarioOut):
    """A scenario with its choices, figures and conflicts."""

    chosen: dict[str, str] = Field(description="The chosen option's key by line id.")
    figures: dict[str, Any] = Field(description="Totals, value, purpose mix, per-unit and per-goal money, breaches.")
    conflicts: list[dict[str, Any]] = Field(description="The constraints that conflict (infeasible) or are broken.")


class ScenarioIn(Schema):
    """A scenario to run; `method` is needed. A manual scenario names its options in `chosen`."""

    method: str = Field("", max_length=20, description="`current`, `optimised`, `greedy` or `manual`.")
    name: str = Field("", max_length=200, description="A name (up to 100 characters); empty for a numbered one.")
    chosen: dict[str, str] | None = Field(
        None, max_length=50_000, description="For `manual` only: an option key for every line id."
    )


class ComparisonRowOut(Schema):
    """One figure of two scenarios side by side."""

    key: str = Field(description="What is compared: a figure's key, a purpose, a unit id or a goal id.")
    label: str = Field(description="Its name.")
    a: float = Field(description="The value in scenario `a`.")
    b: float = Field(description="The value in scenario `b`.")
    difference: float = Field(description="b − a.")


class LineChoiceOut(Schema):
    """A line whose chosen option differs between the two scenarios."""

    line_id: int = Field(description="The line's id.")
    label: str = Field(description="The line's code and title.")
    a: str = Field(description="The option key in scenario `a`.")
    b: str = Field(description="The option key in scenario `b`.")


class ScenarioComparisonOut(Schema):
    """Two scenarios side by side."""

    a: int = Field(description="The id of scenario `a`.")
    b: int = Field(description="The id of scenario `b`.")
    totals: list[ComparisonRowOut] = Field(description="Budget, total cost, previous total, value, funded lines.")
    purposes: list[ComparisonRowOut] = Field(description="Each purpose's share of the total cost.")
    purpose_money: list[ComparisonRowOut] = Field(description="Each purpose's money.")
    units: list[ComparisonRowOut] = Field(description="Each unit's money, keyed by unit id.")
    goals: list[ComparisonRowOut] = Field(description="The money by goal id, and `unattributed`.")
    lines: list[LineChoiceOut] = Field(description="The lines funded differently.")


class ComparisonQuery(Schema):
    """The two scenarios to compare, both of the cycle."""

    a: int | None = Field(None, description="The id of the first scenario (needed).")
    b: int | None = Field(None, description="The id of the second scenario (needed).")


class AdoptionIn(Schema):
    """The decision to record; `note` is needed."""

    note: str = Field("", max_length=8000, description="What is adopted and why (up to 4000 characters).")


def _scenario(cycle: BudgetCycle, scenario_id: int) -> Scenario:
    return _in_cycle(selectors.scenario_of(cycle.organization, scenario_id), cycle, _("scenario"))  # type: ignore[no-any-return]


@router.get(
    SCENARIOS,
    response=list[ScenarioOut],
    summary="List a cycle's scenarios",
    description="Oldest first, one page at a time. Innovation leads, leaders and oversight (403 otherwise).",
)
@paginate(LimitOffsetPagination)
def list_scenarios(request: HttpRequest, org_slug: str, cycle_id: int = CYCLE_ID) -> QuerySet[Scenario]:
    return selectors.scenarios_for(cycle_of(request, org_slug, cycle_id, "budgeting.view_scenarios"))


@router.post(
    SCENARIOS,
    response={201: ScenarioDetailOut},
    summary="Run a scenario",
    description="Innovation leads and leaders (403 otherwise). Allocates the cycle by the method and stores the "
    "result with its figures; an infeasible optimisation is stored too, with its conflicts. 422 for an unknown "
    "method, a taken name, or a cycle without lines.",
)
def run_scenario(
    request: HttpRequest, org_slug: str, payload: ScenarioIn, cycle_id: int = CYCLE_ID
) -> Status[Scenario]:
    cycle = cycle_of(request, org_slug, cycle_id, "budgeting.run_scenarios")
    scenario = scenario_services.run_scenario(
        cycle=cycle, method=payload.method, name=payload.name, chosen=payload.chosen, actor=caller(request)
    )
    return Status(201, scenario)


@router.get(
    SCENARIOS + "/compare",
    response=ScenarioComparisonOut,
    summary="Compare two scenarios",
    description="Two scenarios of the cycle side by side: totals, purpose mix, money per unit and per goal, and "
    "the lines funded differently. The roles that see scenarios; 404 for a scenario of another cycle.",
)
def compare_scenarios(
    request: HttpRequest, org_slug: str, pair: Query[ComparisonQuery], cycle_id: int = CYCLE_ID
) -> dict[str, Any]:
    cycle = cycle_of(request, org_slug, cycle_id, "budgeting.view_scenarios")
    missing = {name: [_("Name the scenario.")] for name in ("a", "b") if getattr(pair, name) is None}
    if missing:
        raise ValidationError(missing)
    assert pair.a is not None and pair.b is not None
    found = selectors.scenario_comparison(_scenario(cycle, pair.a), _scenario(cycle, pair.b))
    return api_selectors.comparison_as_dict(found)


@router.get(
    SCENARIO,
    response=ScenarioDetailOut,
    summary="Get a scenario",
    description="One scenario with its choices and figures. Innovation leads, leaders and oversight.",
)
def get_scenario(
    request: HttpRequest, org_slug: str, cycle_id: int = CYCLE_ID, scenario_id: int = SCENARIO_ID
) -> Scenario:
    return _scenario(cycle_of(request, org_slug, cycle_id, "budgeting.view_scenarios"), scenario_id)


@router.post(
    SCENARIO + "/adopt",
    response=ScenarioDetailOut,
    summary="Adopt a scenario",
    description="Leaders only (403 otherwise). Records the decision with its note; the cycle becomes decided. 422 "
    "without a note, for a scenario without an allocation, or when the cycle already has an adopted scenario.",
)
def adopt_scenario(
    request: HttpRequest, org_slug: str, payload: AdoptionIn, cycle_id: int = CYCLE_ID, scenario_id: int = SCENARIO_ID
) -> Scenario:
    cycle = cycle_of(request, org_slug, cycle_id, "budgeting.view_scenarios")
    scenario = _scenario(cycle, scenario_id)
    deny_unless(request, "budgeting.adopt_scenario", cycle.organization)
    return scenario_services.adopt_scenario(scenario=scenario, note=payload.note, actor=caller(request))
