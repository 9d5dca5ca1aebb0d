"""REST endpoints of a cycle's lines as files (import, export) and of a line's funding options, under
``/api/v1/organizations/{org_slug}/budget-cycles/{cycle_id}/lines``.

Mounted by ``budget_api``'s router. The order of checks is the budget API's: organisation and ids, the
goal ids in a body included (404), role (403), values (422; nothing changes).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from spaceforchange.api.fields import api_fields, caller
from spaceforchange.budgeting import budget_services, selectors
from spaceforchange.budgeting.import_lines import export_lines, import_budget_lines
from spaceforchange.budgeting.models import BudgetCycle, BudgetLine, FundingOption, StrategicGoal
from spaceforchange.budgeting.strategy_api import ORG, all_of, permitted

# Mounted by ``budget_api``'s router, so the paths and lookups are spelt here rather than imported.
router = Router(tags=["budgeting"])

LINES = ORG + "/budget-cycles/{cycle_id}/lines"
OPTIONS = LINES + "/{line_id}/options"
VIEW, MANAGE = "budgeting.view_budgets", "budgeting.manage_budgets"
CYCLE_ID = Path(
    ..., description="The cycle's id, as listed by `GET .../budget-cycles`. Another organisation's answers 404."
)
LINE_ID = Path(..., description="The line's id, as listed by `GET .../lines`. A line of another cycle answers 404.")
UPLOAD = File(None, description="The CSV or XLSX file (needed).")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def cycle_of(request: HttpRequest, org_slug: str, cycle_id: int, permission: str = VIEW) -> BudgetCycle:
    """The organisation's cycle (404 otherwise), once the caller holds ``permission`` (403 otherwise)."""
    return selectors.cycle_detail(permitted(request, org_slug, permission), cycle_id)


def line_in(cycle: BudgetCycle, line_id: int) -> BudgetLine:
    line = BudgetLine.objects.filter(cycle=cycle, pk=line_id).first()
    if line is None:
        raise HttpError(404, _("The cycle has no line with the id %(id)d.") % {"id": line_id})
    return line


# --- Files ------------------------------------------------------------------------------------


class LineImportOut(Schema):
    """What an import wrote."""

    created: int = Field(description="How many lines were added.")
    updated: int = Field(description="How many existing lines (by code) were changed.")


@router.post(
    LINES + "/import",
    response=LineImportOut,
    summary="Import lines from a file",
    description="Innovation leads and leaders (403 otherwise). A CSV or XLSX file (up to 20 MiB) in the columns of "
    "the export; the whole file is checked first: 422 lists every bad row with its line and column, and then "
    "nothing is imported.",
)
def import_lines(
    request: HttpRequest,
    org_slug: str,
    file: UploadedFile | None = UPLOAD,
    format: str = Form("csv", pattern="^(csv|xlsx)$", description="The file's format: `csv` or `xlsx`."),
    cycle_id: int = CYCLE_ID,
) -> dict[str, int]:
    cycle = cycle_of(request, org_slug, cycle_id, MANAGE)
    if file is None:
        raise ValidationError({"file": [_("Choose a CSV or XLSX file.")]})
    summary = import_budget_lines(cycle=cycle, file=file, format=format, actor=caller(request))
    return {"created": summary.created, "updated": summary.updated}


@router.get(
    LINES + "/export",
    summary="Export the lines as a file",
    description="The cycle's lines as CSV (UTF-8) or XLSX, in the columns the import reads, so that the file "
    "imports back to the same lines, goal scores and funding options; formulas are neutralised. Any member.",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file, as an attachment.",
                "content": {content_type: {} for content_type in CONTENT_TYPES.values()},
            }
        }
    },
)
def export_lines_file(
    request: HttpRequest,
    org_slug: str,
    cycle_id: int = CYCLE_ID,
    format: str = Query("csv", pattern="^(csv|xlsx)$", description="The file's format: `csv` or `xlsx`."),
) -> HttpResponse:
    cycle = cycle_of(request, org_slug, cycle_id)
    response = HttpResponse(export_lines(cycle, format), content_type=CONTENT_TYPES[format])
    name = slugify(cycle.name) or "budget"
    response["Content-Disposition"] = f'attachment; filename="{name}-lines.{format}"'
    return response


# --- Funding options --------------------------------------------------------------------------


class FundingOptionOut(Schema):
    """One way to fund a line: its cost and what it contributes."""

    key: str = Field(description="The option's key, unique in the line (`none`, `half`, `full` by default).")
    label: str = Field(description="The option's name.")
    cost: float = Field(description="What it costs.")
    contributions: dict[str, float] = Field(description="Its contribution (0–5) to each goal, by goal id.")
    scale: float | None = Field(description="The share of the line's scores it delivers; null for a package.")


class FundingOptionIn(Schema):
    """One option: a scaled option (`scale`) or, with `contributions`, a package with scores of its own."""

    key: str = Field("", max_length=200, description="A key of letters, digits, - and _ (up to 40), unique here.")
    label: str = Field("", max_length=400, description="The name shown (up to 100 characters); empty: the key.")
    cost: Decimal | None = Field(None, description="What it costs: 0 or more, at most two decimals.")
    scale: float | None = Field(
        None, description="The share (0–5) of the line's goal scores it delivers; ignored for a package."
    )
    contributions: dict[int, float] | None = Field(
        None,
        max_length=100,
        description="A package's own scores (0–5) by goal id (active goals of the organisation); null: scaled.",
    )


class FundingOptionsIn(Schema):
    """The line's new funding options, replacing all of them; one must cost 0."""

    options: list[FundingOptionIn] = Field(
        default_factory=list, max_length=100, description="From 1 to 20 options, one costing 0."
    )


def _options_out(line: BudgetLine) -> list[FundingOption]:
    return list(FundingOption.objects.filter(line=line).order_by("cost", "key"))


@router.get(
    OPTIONS,
    response=list[FundingOptionOut],
    summary="List a line's funding options",
    description="Its funding options, cheapest first, each with what it contributes to each goal. Any member.",
)
def list_options(
    request: HttpRequest, org_slug: str, cycle_id: int = CYCLE_ID, line_id: int = LINE_ID
) -> list[FundingOption]:
    return _options_out(line_in(cycle_of(request, org_slug, cycle_id), line_id))


@router.put(
    OPTIONS,
    response=list[FundingOptionOut],
    summary="Replace a line's funding options",
    description="Innovation leads and leaders (403 otherwise). A goal id of another organisation answers 404; 422 "
    "lists every invalid option (a key twice, a negative cost, a score out of 0–5, an inactive goal, no option "
    "costing 0); nothing changes.",
)
def set_options(
    request: HttpRequest, org_slug: str, payload: FundingOptionsIn, cycle_id: int = CYCLE_ID, line_id: int = LINE_ID
) -> list[FundingOption]:
    cycle = cycle_of(request, org_slug, cycle_id, MANAGE)
    line = line_in(cycle, line_id)
    options = [option.model_dump() for option in payload.options]
    goal_ids = {goal for option in options for goal in (option["contributions"] or {})}
    all_of(cycle.organization, StrategicGoal, sorted(goal_ids), _("goal"))
    with api_fields({}):
        budget_services.set_funding_options(line=line, options=options, actor=caller(request))
    return _options_out(line)
