"""Every write to budget cycles, budget lines, their funding options and dependencies, and unit envelopes.

Lines are also written in bulk by ``import_lines``, which validates with the same checks
(``check_line``). Every refusal is a ``ValidationError`` naming the field, and changes nothing.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from spaceforchange.alerts.tasks import alerts_may_have_changed
from spaceforchange.budgeting.models import (
    KEY_LENGTH,
    Basis,
    BudgetCycle,
    BudgetLine,
    CycleStatus,
    FundingOption,
    LineDependency,
    Purpose,
    StrategicGoal,
    UnitEnvelope,
)
from spaceforchange.budgeting.options import default_options, line_scores, scaled
from spaceforchange.core.models import Organization, Unit, User
from spaceforchange.portfolio.services import check_length

Errors = dict[str, list[str]]
NAME_MAX, TITLE_MAX, LABEL_MAX = 100, 200, 100
MONEY_MAX = Decimal("99999999999999.99")
MAX_CHANGE_MAX = 10.0
SHARE_TOLERANCE = 0.001
OPTIONS_MAX = 20


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def as_money(value: Any) -> Decimal | None:
    """A non-negative amount with at most two decimals, or None when it is not one."""
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).strip().replace(" ", "").replace("\u00a0", ""))
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or amount < 0 or amount > MONEY_MAX or amount != amount.quantize(Decimal("0.01")):
        return None
    return amount


# --- Cycles -----------------------------------------------------------------------------------


def _check_mix(errors: Errors, mix: Mapping[str, Any]) -> None:
    unknown = sorted(set(mix) - set(Purpose.values))
    values = list(mix.values())
    if unknown:
        errors["target_purpose_mix"] = [_("Unknown purpose: %(keys)s.") % {"keys": ", ".join(map(str, unknown))}]
    elif any(not isinstance(v, int | float) or isinstance(v, bool) or not 0 <= v <= 1 for v in values):
        errors["target_purpose_mix"] = [_("Each share is a number from 0 to 1.")]
    elif values and abs(sum(values) - 1) > SHARE_TOLERANCE:
        errors["target_purpose_mix"] = [_("The shares must add up to 1.")]


def _check_bounds(errors: Errors, bounds: Mapping[str, Any]) -> None:
    problems: list[str] = []
    for purpose, bound in bounds.items():
        if purpose not in Purpose.values:
            problems.append(_("Unknown purpose: %(keys)s.") % {"keys": purpose})
            continue
        limits = {key: bound.get(key) for key in ("min", "max")} if isinstance(bound, Mapping) else {}
        given = [value for value in limits.values() if value is not None]
        if not isinstance(bound, Mapping) or set(bound) - {"min", "max"}:
            problems.append(_("%(purpose)s: give a min and/or a max.") % {"purpose": purpose})
        elif any(isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 1 for v in given):
            problems.append(_("%(purpose)s: bounds are shares from 0 to 1.") % {"purpose": purpose})
        elif len(given) == 2 and limits["min"] > limits["max"]:  # type: ignore[operator]
            problems.append(_("%(purpose)s: the minimum exceeds the maximum.") % {"purpose": purpose})
    if problems:
        errors["purpose_bounds"] = problems


def _check_cycle(organization: Organization, fields: Mapping[str, Any], exclude_pk: int | None = None) -> None:
    errors: Errors = {}
    name = fields["name"]
    if not name or len(name) > NAME_MAX:
        errors["name"] = [_("Give the cycle a name of at most 100 characters.")]
    elif BudgetCycle.objects.filter(organization=organization, name__iexact=name).exclude(pk=exclude_pk or 0).exists():
        errors["name"] = [_("A budget cycle with this name already exists.")]
    starts, ends = fields["starts_on"], fields["ends_on"]
    if not isinstance(starts, datetime.date) or not isinstance(ends, datetime.date):
        errors["starts_on"] = [_("Give the first and last day of the cycle.")]
    elif ends < starts:
        errors["ends_on"] = [_("The cycle ends after it starts.")]
    if as_money(fields["total_budget"]) is None:
        errors["total_budget"] = [_("An amount of 0 or more with at most two decimals.")]
    _check_mix(errors, fields["target_purpose_mix"])
    _check_bounds(errors, fields["purpose_bounds"])
    _raise(errors)


@transaction.atomic
def create_budget_cycle(
    *,
    organization: Organization,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    total_budget: Decimal | int | str,
    target_purpose_mix: Mapping[str, float] | None = None,
    purpose_bounds: Mapping[str, Mapping[str, float]] | None = None,
    actor: User | None = None,
) -> BudgetCycle:
    """Open a budget cycle (a draft until a scenario of it is adopted).

    ``target_purpose_mix``: ``{purpose: share}`` adding up to 1; ``purpose_bounds``:
    ``{purpose: {"min": share, "max": share}}`` for the optimiser (either bound may be left out).
    """
    fields = {
        "name": name.strip(),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "total_budget": total_budget,
        "target_purpose_mix": dict(target_purpose_mix or {}),
        "purpose_bounds": {key: dict(value) for key, value in (purpose_bounds or {}).items()},
    }
    _check_cycle(organization, fields)
    fields["total_budget"] = as_money(total_budget)
    cycle = BudgetCycle.objects.create(organization=organization, created_by=actor, **fields)
    alerts_may_have_changed(organization.pk)
    return cycle


CYCLE_FIELDS = ("name", "starts_on", "ends_on", "total_budget", "target_purpose_mix", "purpose_bounds")


@transaction.atomic
def update_budget_cycle(*, cycle: BudgetCycle, actor: User | None = None, **changes: Any) -> BudgetCycle:
    """Change a cycle's name, dates, total, target mix or purpose bounds; only the fields given change."""
    unknown = set(changes) - set(CYCLE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in sorted(unknown)})
    fields = {name: getattr(cycle, name) for name in CYCLE_FIELDS} | changes
    fields["name"] = str(fields["name"]).strip()
    _check_cycle(cycle.organization, fields, exclude_pk=cycle.pk)
    fields["total_budget"] = as_money(fields["total_budget"])
    for name, value in fields.items():
        setattr(cycle, name, value)
    cycle.save()
    alerts_may_have_changed(cycle.organization_id)
    return cycle


# --- Lines ------------------------------------------------------------------------------------


def check_line(
    cycle: BudgetCycle, fields: Mapping[str, Any], exclude_pk: int | None = None, *, check_code: bool = True
) -> Errors:
    """Every problem with a line's fields, by field (with ``check_code``, the code's uniqueness in the cycle)."""
    errors: Errors = {}
    code, title = fields["code"], fields["title"]
    if not code or len(code) > KEY_LENGTH:
        errors["code"] = [_("Give a code of at most %(limit)d characters.") % {"limit": KEY_LENGTH}]
    elif check_code and BudgetLine.objects.filter(cycle=cycle, code=code).exclude(pk=exclude_pk or 0).exists():
        errors["code"] = [_("Another line of this cycle has the code “%(code)s”.") % {"code": code}]
    if not title:
        errors["title"] = [_("Give the line a title.")]
    check_length(errors, "title", title, TITLE_MAX)
    unit: Unit | None = fields["unit"]
    if unit is None or unit.organization_id != cycle.organization_id:
        errors["unit"] = [_("Choose a unit of the organisation.")]
    if as_money(fields["amount"]) is None:
        errors["amount"] = [_("An amount of 0 or more with at most two decimals.")]
    previous = fields.get("previous_amount")
    if previous not in (None, "") and as_money(previous) is None:
        errors["previous_amount"] = [_("An amount of 0 or more with at most two decimals, or nothing.")]
    if fields["purpose"] not in Purpose.values:
        errors["purpose"] = [_("Choose innovation, efficiency or service_delivery.")]
    if fields["basis"] not in Basis.values:
        errors["basis"] = [_("Choose carried_over or re_decided.")]
    change = fields.get("max_change")
    if change is not None and (
        isinstance(change, bool)
        or not isinstance(change, int | float)
        or not math.isfinite(change)
        or not 0 <= change <= MAX_CHANGE_MAX
    ):
        errors["max_change"] = [_("A share from 0 to 10 (0.2 = 20 %), or nothing.")]
    return errors


def _requires(cycle: BudgetCycle, line: BudgetLine | None, required: Sequence[BudgetLine]) -> Errors:
    if any(other.cycle_id != cycle.pk for other in required):
        return {"requires": [_("A line can depend only on lines of the same cycle.")]}
    if line is not None and any(other.pk == line.pk for other in required):
        return {"requires": [_("A line cannot depend on itself.")]}
    return {}


@transaction.atomic
def save_budget_line(
    *,
    cycle: BudgetCycle,
    code: str,
    title: str,
    unit: Unit,
    amount: Decimal | int | str,
    purpose: str,
    basis: str = Basis.RE_DECIDED,
    previous_amount: Decimal | int | str | None = None,
    mandatory: bool = False,
    max_change: float | None = None,
    locked: bool = False,
    requires: Sequence[BudgetLine] | None = None,
    line: BudgetLine | None = None,
    actor: User | None = None,
) -> BudgetLine:
    """Add a line to the cycle (with the default options none, half and full) or, given ``line``, change it.

    A changed amount moves the default options' costs with it. ``requires`` replaces the line's
    dependencies (None: a new line has none, a changed line keeps its own).
    """
    if line is not None and line.cycle_id != cycle.pk:
        raise ValidationError({"line": [_("The line belongs to another cycle.")]})
    fields: dict[str, Any] = {
        "code": code.strip(),
        "title": title.strip(),
        "unit": unit,
        "amount": amount,
        "previous_amount": previous_amount,
        "purpose": purpose,
        "basis": basis,
        "mandatory": bool(mandatory),
        "max_change": max_change,
        "locked": bool(locked),
    }
    errors = check_line(cycle, fields, exclude_pk=line.pk if line else None) | _requires(cycle, line, requires or ())
    _raise(errors)
    fields["amount"] = as_money(amount)
    fields["previous_amount"] = as_money(previous_amount)
    created = line is None
    line = line or BudgetLine(organization=cycle.organization, cycle=cycle)
    for name, value in fields.items():
        setattr(line, name, value)
    line.save()
    if created:
        FundingOption.objects.bulk_create(default_options(line, {}))
    else:
        _rescale_defaults(line)
    if requires is not None:
        set_dependencies(line, requires)
    alerts_may_have_changed(cycle.organization_id)
    return line


def _rescale_defaults(line: BudgetLine) -> None:
    fresh = {option.key: option for option in default_options(line, line_scores(line))}
    for option in FundingOption.objects.filter(line=line, key__in=fresh, scale__isnull=False):
        if option.scale == fresh[option.key].scale:
            option.cost, option.contributions = fresh[option.key].cost, fresh[option.key].contributions
            option.save(update_fields=["cost", "contributions"])


def set_dependencies(line: BudgetLine, requires: Sequence[BudgetLine]) -> None:
    """Replace the line's dependencies (inside the caller's transaction; checked by the caller)."""
    LineDependency.objects.filter(line=line).exclude(requires__in=list(requires)).delete()
    known = set(LineDependency.objects.filter(line=line).values_list("requires_id", flat=True))
    for other in requires:
        if other.pk not in known:
            LineDependency.objects.create(organization_id=line.organization_id, line=line, requires=other)
            known.add(other.pk)


@transaction.atomic
def delete_budget_line(*, line: BudgetLine, actor: User | None = None) -> None:
    """Remove a line with its options, contributions and dependencies (both ways); not once the cycle is
    decided, whose adopted scenario funds its lines."""
    if BudgetCycle.objects.filter(pk=line.cycle_id, status=CycleStatus.DECIDED).exists():
        raise ValidationError(_("The cycle is decided: its lines can no longer be removed."))
    organization_id = line.organization_id
    line.delete()
    alerts_may_have_changed(organization_id)


def _check_options(line: BudgetLine, options: Sequence[Mapping[str, Any]]) -> list[str]:
    problems: list[str] = []
    keys: set[str] = set()
    if not 1 <= len(options) <= OPTIONS_MAX:
        problems.append(_("Give from 1 to %(limit)d options.") % {"limit": OPTIONS_MAX})
    for position, option in enumerate(options, start=1):
        key = str(option.get("key") or "")
        prefix = _("Option %(number)d") % {"number": position}
        if not key or len(key) > KEY_LENGTH or not key.replace("-", "").replace("_", "").isalnum():
            problems.append(_("%(option)s: a key of letters, digits, - and _.") % {"option": prefix})
        elif key in keys:
            problems.append(_("%(option)s: the key “%(key)s” is used twice.") % {"option": prefix, "key": key})
        keys.add(key)
        if as_money(option.get("cost")) is None:
            problems.append(_("%(option)s: the cost is an amount of 0 or more.") % {"option": prefix})
        scale = option.get("scale")
        if scale is not None and (isinstance(scale, bool) or not isinstance(scale, int | float) or not 0 <= scale <= 5):
            problems.append(_("%(option)s: the share of the contribution is from 0 to 5.") % {"option": prefix})
        if option.get("contributions") is not None and _bad_contributions(line, option["contributions"]):
            problems.append(_("%(option)s: each contribution is from 0 to 5, to an active goal.") % {"option": prefix})
        if len(str(option.get("label") or "")) > LABEL_MAX:
            problems.append(_("%(option)s: the label is too long.") % {"option": prefix})
    if not any(as_money(option.get("cost")) == 0 for option in options):
        problems.append(_("Keep an option that costs 0 (not funding the line)."))
    return problems


def _bad_contributions(line: BudgetLine, contributions: Any) -> bool:
    """Whether ``contributions`` is not a mapping of the organisation's active goal ids to scores 0–5."""
    if not isinstance(contributions, Mapping):
        return True
    active = StrategicGoal.objects.filter(organization_id=line.organization_id, active=True)
    goals = {str(pk) for pk in active.values_list("pk", flat=True)}
    return any(
        str(goal) not in goals or isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 5
        for goal, score in contributions.items()
    )


def _option_row(line: BudgetLine, option: Mapping[str, Any], scores: Mapping[int, int]) -> FundingOption:
    """A package (``contributions`` given) keeps its own scores; any other option scales the line's."""
    own = option.get("contributions")
    scale = None if own is not None else float(option.get("scale") or 0.0)
    return FundingOption.objects.create(
        organization_id=line.organization_id,
        line=line,
        key=str(option["key"]),
        label=str(option.get("label") or option["key"]),
        cost=as_money(option["cost"]),
        scale=scale,
        contributions=(
            {str(goal): float(score) for goal, score in own.items() if score}
            if own is not None
            else scaled(scores, scale or 0.0)
        ),
    )


@transaction.atomic
def set_funding_options(
    *, line: BudgetLine, options: Sequence[Mapping[str, Any]], actor: User | None = None
) -> list[FundingOption]:
    """Replace the line's funding options: each ``{"key", "label", "cost", "scale", "contributions"}`` —
    ``scale`` the share of the line's goal scores the option delivers (1 = all of it), or, with
    ``contributions`` (``{goal id: 0–5}``) given, a package with scores of its own. One option must cost 0."""
    problems = _check_options(line, options)
    if problems:
        raise ValidationError({"options": problems})
    scores = line_scores(line)
    FundingOption.objects.filter(line=line).delete()
    rows = [_option_row(line, option, scores) for option in options]
    alerts_may_have_changed(line.organization_id)
    return rows


# --- Envelopes --------------------------------------------------------------------------------


@transaction.atomic
def set_unit_envelope(
    *,
    cycle: BudgetCycle,
    unit: Unit,
    floor: Decimal | int | str = 0,
    ceiling: Decimal | int | str | None = None,
    actor: User | None = None,
) -> UnitEnvelope:
    """Set the least and the most the unit may receive in the cycle (no ceiling: no upper limit)."""
    errors: Errors = {}
    if unit.organization_id != cycle.organization_id:
        errors["unit"] = [_("The unit belongs to another organisation.")]
    low, high = as_money(floor), as_money(ceiling) if ceiling not in (None, "") else None
    if low is None:
        errors["floor"] = [_("An amount of 0 or more with at most two decimals.")]
    if ceiling not in (None, "") and high is None:
        errors["ceiling"] = [_("An amount of 0 or more with at most two decimals, or nothing.")]
    elif low is not None and high is not None and high < low:
        errors["ceiling"] = [_("The ceiling is at least the floor.")]
    _raise(errors)
    envelope, _created = UnitEnvelope.objects.update_or_create(
        cycle=cycle, unit=unit, defaults={"organization_id": cycle.organization_id, "floor": low, "ceiling": high}
    )
    return envelope
