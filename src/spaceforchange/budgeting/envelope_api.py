"""REST endpoints of the units' floors and ceilings in a cycle (their envelopes), under
``/api/v1/organizations/{org_slug}/budget-cycles/{cycle_id}/envelopes``.

The order of checks is the budget API's: organisation and ids (404), role (403), values (422).
Clearing an envelope sets the floor to 0 and removes the ceiling: the optimiser then bounds the unit
by nothing but the total budget.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status

from spaceforchange.api.fields import caller
from spaceforchange.budgeting import budget_services, page_selectors, selectors
from spaceforchange.budgeting.models import BudgetCycle
from spaceforchange.budgeting.strategy_api import ORG, one_of, permitted
from spaceforchange.core.models import Unit

# Mounted by ``budget_api``'s router, so the cycle's path and lookup are spelt here rather than imported.
router = Router(tags=["budgeting"])

ENVELOPES = ORG + "/budget-cycles/{cycle_id}/envelopes"
ENVELOPE = ENVELOPES + "/{unit_id}"
VIEW, MANAGE = "budgeting.view_budgets", "budgeting.manage_budgets"
CYCLE_ID = Path(
    ..., description="The cycle's id, as listed by `GET .../budget-cycles`. Another organisation's answers 404."
)
UNIT_ID = Path(..., description="The unit's id. A unit of another organisation answers 404.")


class UnitEnvelopeOut(Schema):
    """A unit in a cycle: what its lines add up to, and the floor and ceiling the optimiser keeps it within."""

    unit_id: int = Field(description="The unit's id.")
    unit_name: str = Field(description="The unit's name.")
    line_count: int = Field(description="How many lines of the cycle the unit has.")
    total: float = Field(description="The sum of the amounts of the unit's lines in the cycle.")
    floor: float | None = Field(description="The least the unit receives in a scenario; null when never set.")
    ceiling: float | None = Field(description="The most the unit receives in a scenario; null: no upper limit.")


class UnitEnvelopeIn(Schema):
    """A unit's floor and ceiling; `floor` is needed."""

    floor: Decimal | None = Field(None, description="The least the unit receives: 0 or more, at most two decimals.")
    ceiling: Decimal | None = Field(
        None, description="The most the unit receives: at least the floor, at most two decimals; null: no limit."
    )


def cycle_of(request: HttpRequest, org_slug: str, cycle_id: int, permission: str = VIEW) -> BudgetCycle:
    """The organisation's cycle (404 otherwise), once the caller holds ``permission`` (403 otherwise)."""
    return selectors.cycle_detail(permitted(request, org_slug, permission), cycle_id)


def _row(cycle: BudgetCycle, unit: Unit) -> page_selectors.EnvelopeRow:
    return next(row for row in page_selectors.envelope_rows(cycle) if row.unit.pk == unit.pk)


def _as_out(row: page_selectors.EnvelopeRow) -> dict[str, object]:
    return {
        "unit_id": row.unit.pk,
        "unit_name": row.unit.name,
        "line_count": row.line_count,
        "total": float(row.total),
        "floor": None if row.floor is None else float(row.floor),
        "ceiling": None if row.ceiling is None else float(row.ceiling),
    }


@router.get(
    ENVELOPES,
    response=list[UnitEnvelopeOut],
    summary="List the units' envelopes",
    description="Every unit of the organisation with its lines' total in the cycle, its floor and its ceiling. "
    "Any member.",
)
def list_envelopes(request: HttpRequest, org_slug: str, cycle_id: int = CYCLE_ID) -> list[dict[str, object]]:
    return [_as_out(row) for row in page_selectors.envelope_rows(cycle_of(request, org_slug, cycle_id))]


@router.put(
    ENVELOPE,
    response=UnitEnvelopeOut,
    summary="Set a unit's envelope",
    description="Innovation leads and leaders (403 otherwise). A cycle or unit of another organisation answers 404; "
    "422 lists every invalid value (negative, more than two decimals, a ceiling below the floor); nothing changes.",
)
def set_envelope(
    request: HttpRequest, org_slug: str, payload: UnitEnvelopeIn, cycle_id: int = CYCLE_ID, unit_id: int = UNIT_ID
) -> dict[str, object]:
    cycle = cycle_of(request, org_slug, cycle_id, MANAGE)
    unit = one_of(cycle.organization, Unit, unit_id, "unit")
    # Optional in the schema so that ids and role are checked (404, 403) before the values (422).
    if payload.floor is None:
        raise ValidationError({"floor": [_("Give the floor: an amount of 0 or more.")]})
    budget_services.set_unit_envelope(
        cycle=cycle, unit=unit, floor=payload.floor, ceiling=payload.ceiling, actor=caller(request)
    )
    return _as_out(_row(cycle, unit))


@router.delete(
    ENVELOPE,
    response={204: None},
    summary="Clear a unit's envelope",
    description="Innovation leads and leaders (403 otherwise): the floor becomes 0 and the ceiling goes. A cycle or "
    "unit of another organisation answers 404.",
)
def clear_envelope(
    request: HttpRequest, org_slug: str, cycle_id: int = CYCLE_ID, unit_id: int = UNIT_ID
) -> Status[None]:
    cycle = cycle_of(request, org_slug, cycle_id, MANAGE)
    unit = one_of(cycle.organization, Unit, unit_id, "unit")
    budget_services.set_unit_envelope(cycle=cycle, unit=unit, floor=0, ceiling=None, actor=caller(request))
    return Status(204, None)
