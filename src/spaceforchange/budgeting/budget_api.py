"""REST endpoints of budget cycles and their lines, under ``/api/v1/organizations/{org_slug}/budget-cycles``.

Cycles (list, open, read with the indicators of FRAMEWORKS.md §11, change) and lines (list with
filters, add, read with their funding options and dependencies, change); the units' envelopes come
from ``envelope_api``, the lines' files and funding options from ``line_api``. The order of checks
is the strategy API's: organisation and ids (404), role (403), values (422).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from spaceforchange.api.fields import api_fields, caller
from spaceforchange.api.pagination import LimitOffsetPagination
from spaceforchange.budgeting import api_selectors, budget_services, selectors
from spaceforchange.budgeting.envelope_api import router as envelope_router
from spaceforchange.budgeting.line_api import FundingOptionOut
from spaceforchange.budgeting.line_api import router as line_router
from spaceforchange.budgeting.models import BudgetCycle, BudgetLine
from spaceforchange.budgeting.strategy_api import ORG, all_of, one_of, permitted
from spaceforchange.core.models import Organization, Unit

router = Router(tags=["budgeting"])
router.add_router("/", envelope_router)
router.add_router("/", line_router)

CYCLES = ORG + "/budget-cycles"
CYCLE = CYCLES + "/{cycle_id}"
LINES = CYCLE + "/lines"
LINE = LINES + "/{int:line_id}"
VIEW, MANAGE = "budgeting.view_budgets", "budgeting.manage_budgets"
CYCLE_ID = Path(
    ..., description="The cycle's id, as listed by `GET .../budget-cycles`. Another organisation's answers 404."
)
LINE_ID = Path(..., description="The line's id, as listed by `GET .../lines`. A line of another cycle answers 404.")
PURPOSES = "`innovation`, `efficiency` or `service_delivery`"


def cycle_of(request: HttpRequest, org_slug: str, cycle_id: int, permission: str = VIEW) -> BudgetCycle:
    """The organisation's cycle (404 otherwise), once the caller holds ``permission`` (403 otherwise)."""
    return selectors.cycle_detail(permitted(request, org_slug, permission), cycle_id)


def line_in(cycle: BudgetCycle, line_id: int) -> BudgetLine:
    line = selectors.line_of(cycle.organization, line_id)
    if line.cycle_id != cycle.pk:
        raise HttpError(404, _("The cycle has no line with the id %(id)d.") % {"id": line_id})
    return line


# --- Cycles -----------------------------------------------------------------------------------


class BudgetCycleOut(Schema):
    """A budget year or period."""

    id: int = Field(description="The cycle's id.")
    name: str = Field(description="The cycle's name, unique in the organisation.")
    starts_on: date = Field(description="Its first day.")
    ends_on: date = Field(description="Its last day.")
    total_budget: float = Field(description="The money to allocate.")
    target_purpose_mix: dict[str, float] = Field(description="The aimed-for share of each purpose; adds up to 1.")
    purpose_bounds: dict[str, dict[str, float | None]] = Field(
        description="Hard bounds on each purpose's share for the optimiser: `{purpose: {min, max}}`."
    )
    status: str = Field(description="`draft`, or `decided` once a scenario is adopted.")
    line_count: int = Field(0, description="How many lines it has.")
    lines_total: float = Field(0, description="The sum of its lines' amounts.")
    created_at: datetime = Field(description="When it was opened.")

    @staticmethod
    def resolve_lines_total(cycle: BudgetCycle) -> float:
        return float(getattr(cycle, "lines_total", None) or 0)


class BudgetCycleIn(Schema):
    """A new cycle; `name`, `starts_on`, `ends_on` and `total_budget` are needed."""

    name: str = Field("", max_length=200, description="The name (up to 100 characters), unique in the organisation.")
    starts_on: date | None = Field(None, description="The first day (YYYY-MM-DD).")
    ends_on: date | None = Field(None, description="The last day (YYYY-MM-DD), not before the first.")
    total_budget: Decimal | None = Field(None, description="The money to allocate: 0 or more, at most two decimals.")
    target_purpose_mix: dict[str, float] = Field(
        default_factory=dict, max_length=10, description=f"The aimed-for share (0–1) of {PURPOSES}; adds up to 1."
    )
    purpose_bounds: dict[str, dict[str, float]] = Field(
        default_factory=dict, max_length=10, description="Bounds on each purpose's share: `{purpose: {min, max}}`."
    )


class BudgetCycleChanges(Schema):
    """Changes to a cycle: only the fields sent change. The status is not set here: adopting a scenario
    decides the cycle."""

    name: str | None = Field(None, max_length=200, description="The name (up to 100 characters), unique here.")
    starts_on: date | None = Field(None, description="The first day (YYYY-MM-DD).")
    ends_on: date | None = Field(None, description="The last day (YYYY-MM-DD), not before the first.")
    total_budget: Decimal | None = Field(None, description="The money to allocate: 0 or more, at most two decimals.")
    target_purpose_mix: dict[str, float] | None = Field(
        None, max_length=10, description=f"The aimed-for share (0–1) of {PURPOSES}; adds up to 1; `{{}}`: none."
    )
    purpose_bounds: dict[str, dict[str, float]] | None = Field(
        None, max_length=10, description="Bounds on each purpose's share: `{purpose: {min, max}}`; `{}`: none."
    )


class GoalMoneyOut(Schema):
    """The money of the cycle's lines attributed to one goal (by their contribution scores)."""

    goal_id: int | None = Field(description="The goal's id; null for the money of lines linked to no goal.")
    title: str = Field(description="The goal's title; empty for the unlinked money.")
    weight: int = Field(description="The goal's weight, 0–100.")
    money: float = Field(description="The money attributed to it.")
    share: float = Field(description="Its share of the cycle's total, 0–1.")


class StructureChangeOut(Schema):
    """How much the budget's structure moved after the strategy revision the cycle follows."""

    revision_number: int = Field(description="The revision's number.")
    revised_on: date = Field(description="The day it was saved.")
    baseline: str = Field(description="The name of the cycle measured against.")
    change: float = Field(description="The largest of the three views, 0–1.")
    by_goal: float = Field(description="Change in the money by goal, 0–1.")
    by_line: float = Field(description="Change line by line, 0–1.")
    by_purpose: float = Field(description="Change in the purpose mix, 0–1.")
    first_after: bool = Field(description="Whether the cycle is the first budget after the revision.")


class BudgetIndicatorsOut(Schema):
    """The indicators of FRAMEWORKS.md §11 for a cycle."""

    total: float = Field(description="The sum of the lines' amounts.")
    line_count: int = Field(description="How many lines.")
    linked_share: float = Field(description="The share of the money in lines linked to a goal, 0–1.")
    carried_over_share: float = Field(description="The share of the money carried over, 0–1.")
    purpose_mix: dict[str, float] = Field(description="Each purpose's share of the money, 0–1.")
    target_mix: dict[str, float] = Field(description="The target mix of the cycle.")
    mix_distance: float | None = Field(description="How far the mix is from the target (0–1); null without target.")
    goals: list[GoalMoneyOut] = Field(description="Money by goal, then the unlinked money.")
    structure: StructureChangeOut | None = Field(description="The structure change; null without an earlier cycle.")


class BudgetCycleDetailOut(BudgetCycleOut):
    """A cycle with its indicators."""

    indicators: BudgetIndicatorsOut = Field(description="The cycle's indicators.")


@router.get(
    CYCLES,
    response=list[BudgetCycleOut],
    summary="List budget cycles",
    description="The organisation's cycles, latest first, one page at a time. Any member.",
)
@paginate(LimitOffsetPagination)
def list_cycles(request: HttpRequest, org_slug: str) -> QuerySet[BudgetCycle]:
    # Ordered here: a query with GROUP BY (the line count and total) drops the model's ordering.
    return selectors.cycles_for(permitted(request, org_slug, VIEW)).order_by("-starts_on", "pk")


def _detail(organization: Organization, cycle_id: int) -> BudgetCycle:
    cycle = selectors.cycles_for(organization).get(pk=cycle_id)
    cycle.indicators = api_selectors.indicators_as_dict(selectors.indicators(cycle))  # type: ignore[attr-defined]
    return cycle


@router.post(
    CYCLES,
    response={201: BudgetCycleDetailOut},
    summary="Open a budget cycle",
    description="Innovation leads and leaders (403 otherwise). 422 lists every invalid value; nothing changes.",
)
def create_cycle(request: HttpRequest, org_slug: str, payload: BudgetCycleIn) -> Status[BudgetCycle]:
    organization = permitted(request, org_slug, MANAGE)
    values = payload.model_dump()
    cycle = budget_services.create_budget_cycle(
        organization=organization, actor=caller(request), **values | {"total_budget": payload.total_budget}
    )
    return Status(201, _detail(organization, cycle.pk))


@router.get(
    CYCLE,
    response=BudgetCycleDetailOut,
    summary="Get a budget cycle",
    description="One cycle with its indicators: share linked to goals, share carried over, purpose mix against "
    "the target, money by goal, and the structure change after the last strategy revision. Any member.",
)
def get_cycle(request: HttpRequest, org_slug: str, cycle_id: int = CYCLE_ID) -> BudgetCycle:
    cycle = cycle_of(request, org_slug, cycle_id)
    return _detail(cycle.organization, cycle.pk)


@router.patch(
    CYCLE,
    response=BudgetCycleDetailOut,
    summary="Change a budget cycle",
    description="Innovation leads and leaders (403 otherwise). Only the fields sent change (null leaves a field "
    "as it is). 422 lists every invalid value; nothing changes.",
)
def update_cycle(
    request: HttpRequest, org_slug: str, payload: BudgetCycleChanges, cycle_id: int = CYCLE_ID
) -> BudgetCycle:
    cycle = cycle_of(request, org_slug, cycle_id, MANAGE)
    changes = {name: value for name, value in payload.model_dump(exclude_unset=True).items() if value is not None}
    budget_services.update_budget_cycle(cycle=cycle, actor=caller(request), **changes)
    return _detail(cycle.organization, cycle.pk)


# --- Lines ------------------------------------------------------------------------------------


class BudgetLineOut(Schema):
    """A line of a cycle's budget."""

    id: int = Field(description="The line's id.")
    cycle_id: int = Field(description="The cycle's id.")
    code: str = Field(description="The line's code, unique in the cycle.")
    title: str = Field(description="The line's title.")
    unit_id: int = Field(description="The id of the unit that spends it.")
    amount: float = Field(description="The amount asked for this cycle.")
    previous_amount: float | None = Field(description="Last cycle's amount; null for a new line.")
    purpose: str = Field(description=f"The purpose: {PURPOSES}.")
    basis: str = Field(description="`carried_over` or `re_decided`.")
    mandatory: bool = Field(description="Whether it is a legal obligation (it must be funded).")
    max_change: float | None = Field(description="The largest change from last cycle (0.2 = ±20 %); null: any.")
    locked: bool = Field(description="Whether the optimiser keeps it at its amount.")
    goal_scores: dict[str, int] = Field(description="Its contribution score (1–5) to each goal, by goal id.")
    updated_at: datetime = Field(description="When it was last changed.")

    @staticmethod
    def resolve_goal_scores(line: BudgetLine) -> dict[str, int]:
        rows = line.goal_contributions.all()
        return {str(row.goal_id): row.score for row in rows if row.score}


class BudgetLineDetailOut(BudgetLineOut):
    """A line with its funding options and dependencies."""

    options: list[FundingOptionOut] = Field(description="Its funding options, cheapest first.")
    requires_ids: list[int] = Field(description="The ids of the lines it can be funded only with.")

    @staticmethod
    def resolve_requires_ids(line: BudgetLine) -> list[int]:
        return sorted(row.requires_id for row in line.dependencies.all())


class LineFilter(Schema):
    """Which lines to list. Every filter given must match."""

    q: str = Field("", max_length=200, description="Search text, found (ignoring case) in the code or the title.")
    unit_id: int | None = Field(None, description="Only the lines of this unit.")
    purpose: str | None = Field(None, pattern="^(innovation|efficiency|service_delivery)$", description=PURPOSES)
    basis: str | None = Field(
        None, pattern="^(carried_over|re_decided)$", description="`carried_over` or `re_decided`."
    )
    mandatory: bool | None = Field(None, description="Only mandatory (true) or discretionary (false) lines.")
    linked: bool | None = Field(None, description="Only lines linked to a goal (true) or to none (false).")
    sort: str = Field("code", pattern="^(code|title|amount|unit)$", description="`code`, `title`, `amount`, `unit`.")


class BudgetLineChanges(Schema):
    """Changes to a line: only the fields sent change; `requires_ids` replaces the dependencies."""

    code: str | None = Field(None, max_length=200, description="The code (up to 40 characters), unique in the cycle.")
    title: str | None = Field(None, max_length=400, description="The title (up to 200 characters).")
    unit_id: int | None = Field(None, description="The id of a unit of the organisation.")
    amount: Decimal | None = Field(None, description="The amount: 0 or more, at most two decimals.")
    previous_amount: Decimal | None = Field(None, description="Last cycle's amount; null for a new line.")
    purpose: str | None = Field(None, max_length=40, description=f"The purpose: {PURPOSES}.")
    basis: str | None = Field(None, max_length=40, description="`carried_over` or `re_decided`.")
    mandatory: bool | None = Field(None, description="A legal obligation.")
    max_change: float | None = Field(None, description="The largest change from last cycle, 0–10; null: any.")
    locked: bool | None = Field(None, description="Keep the line at its amount.")
    requires_ids: list[int] | None = Field(
        None, max_length=100, description="The ids of lines of the same cycle it depends on."
    )


class BudgetLineIn(BudgetLineChanges):
    """A new line with the default funding options none, half and full; `code`, `title`, `unit_id`, `amount`
    and `purpose` are needed."""


LINE_FIELDS = {"unit": "unit_id", "requires": "requires_ids"}
# What a change keeps from the line when the body does not send it.
LINE_ATTRIBUTES = (
    *("code", "title", "unit", "amount", "previous_amount"),
    *("purpose", "basis", "mandatory", "max_change", "locked"),
)
LINE_DEFAULTS: dict[str, Any] = {"code": "", "title": "", "purpose": "", "basis": "re_decided"}


def _line_values(cycle: BudgetCycle, values: dict[str, Any], line: BudgetLine | None) -> dict[str, Any]:
    """The body's values for ``save_budget_line``: the line's current values where none are sent, ids as rows."""
    organization = cycle.organization
    current: dict[str, Any] = LINE_DEFAULTS | {"unit": None, "amount": None, "requires": []}
    if line is not None:
        current = {name: getattr(line, name) for name in LINE_ATTRIBUTES}
        current["requires"] = [row.requires for row in line.dependencies.all()]
    if values.get("unit_id") is not None:
        current["unit"] = one_of(organization, Unit, values.pop("unit_id"), _("unit"))
    if values.get("requires_ids") is not None:
        current["requires"] = all_of(organization, BudgetLine, values.pop("requires_ids"), _("budget line"))
    for key in ("unit_id", "requires_ids"):
        values.pop(key, None)
    for key in ("code", "title", "purpose", "basis", "mandatory", "locked", "amount"):
        if key in values and values[key] is None:
            del values[key]
    return current | values


@router.get(
    LINES,
    response=list[BudgetLineOut],
    summary="List a cycle's lines",
    description="One page at a time (`limit`, `offset`), searched, filtered and sorted. Any member.",
)
@paginate(LimitOffsetPagination)
def list_lines(
    request: HttpRequest, org_slug: str, filters: Query[LineFilter], cycle_id: int = CYCLE_ID
) -> QuerySet[BudgetLine]:
    cycle = cycle_of(request, org_slug, cycle_id)
    wanted = filters.model_dump(exclude={"q", "sort"})
    wanted["unit"] = wanted.pop("unit_id")
    return selectors.lines_for(cycle, search=filters.q, filters=wanted, sort=filters.sort)


@router.post(
    LINES,
    response={201: BudgetLineDetailOut},
    summary="Add a line",
    description="Innovation leads and leaders (403 otherwise). A unit or required line of another organisation "
    "answers 404; 422 lists every invalid value (a required line of another cycle included); nothing changes.",
)
def create_line(
    request: HttpRequest, org_slug: str, payload: BudgetLineIn, cycle_id: int = CYCLE_ID
) -> Status[BudgetLine]:
    cycle = cycle_of(request, org_slug, cycle_id, MANAGE)
    values = _line_values(cycle, payload.model_dump(), None)
    with api_fields(LINE_FIELDS):
        line = budget_services.save_budget_line(cycle=cycle, actor=caller(request), **values)
    return Status(201, selectors.line_of(cycle.organization, line.pk))


@router.get(
    LINE,
    response=BudgetLineDetailOut,
    summary="Get a line",
    description="One line with its goal scores, funding options and dependencies. Any member.",
)
def get_line(request: HttpRequest, org_slug: str, cycle_id: int = CYCLE_ID, line_id: int = LINE_ID) -> BudgetLine:
    return line_in(cycle_of(request, org_slug, cycle_id), line_id)


@router.patch(
    LINE,
    response=BudgetLineDetailOut,
    summary="Change a line",
    description="Innovation leads and leaders (403 otherwise). Only the fields sent change; a changed amount moves "
    "the default options' costs. 404 for ids of another organisation; 422 lists every invalid value.",
)
def update_line(
    request: HttpRequest, org_slug: str, payload: BudgetLineChanges, cycle_id: int = CYCLE_ID, line_id: int = LINE_ID
) -> BudgetLine:
    cycle = cycle_of(request, org_slug, cycle_id, MANAGE)
    line = line_in(cycle, line_id)
    values = _line_values(cycle, payload.model_dump(exclude_unset=True), line)
    with api_fields(LINE_FIELDS):
        budget_services.save_budget_line(cycle=cycle, line=line, actor=caller(request), **values)
    return selectors.line_of(cycle.organization, line.pk)
