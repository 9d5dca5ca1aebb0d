"""The constraints of an infeasible (or broken) scenario in words people read, in their language.

The optimiser names each constraint by kind and the ids it concerns (``analytics.allocation.Conflict``);
its English message is for files and logs. Here each kind has its own translatable sentence,
with the line, unit and purpose names and the limits of the cycle filled in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from spaceforchange.budgeting.models import BudgetCycle, BudgetLine, Purpose, UnitEnvelope
from spaceforchange.budgeting.page_selectors import Names


def _money(value: Any) -> str:
    return number_format(value, decimal_pos=0, force_grouping=True) if value is not None else "—"


def _share(value: Any) -> str:
    return f"{number_format(float(value) * 100, decimal_pos=1)} %" if value is not None else "—"


class Explainer:
    """Turns the conflicts of one cycle's scenario into sentences (two queries for the cycle's limits)."""

    def __init__(self, cycle: BudgetCycle, names: Names, conflicts: Sequence[Mapping[str, Any]]) -> None:
        self.cycle, self.names = cycle, names
        line_ids = [
            int(value) for conflict in conflicts for value in conflict.get("subject", ()) if str(value).isdigit()
        ]
        self.lines = {str(line.pk): line for line in BudgetLine.objects.filter(cycle=cycle, pk__in=line_ids)}
        self.envelopes = {str(row.unit_id): row for row in UnitEnvelope.objects.filter(cycle=cycle)}
        self.purposes = dict(Purpose.choices)

    def line(self, key: str) -> str:
        return self.names.lines.get(key, key)

    def unit(self, key: str) -> str:
        return self.names.units.get(key, key)

    def purpose(self, key: str) -> str:
        return str(self.purposes.get(key, key))

    def bound(self, purpose: str, which: str) -> str:
        return _share(self.cycle.purpose_bounds.get(purpose, {}).get(which))

    def sentence(self, conflict: Mapping[str, Any]) -> str:
        subject = [str(value) for value in conflict.get("subject", ())]
        writer = SENTENCES.get(str(conflict.get("kind")))
        return writer(self, subject) if writer is not None else str(conflict.get("message", ""))

    def sentences(self, conflicts: Sequence[Mapping[str, Any]]) -> list[str]:
        return [self.sentence(conflict) for conflict in conflicts]


def _stability(explainer: Explainer, subject: list[str]) -> str:
    line = explainer.lines.get(subject[0])
    limit = _share(line.max_change) if line is not None else "—"
    previous = _money(line.previous_amount) if line is not None else "—"
    return _("%(line)s may change by at most %(limit)s from its previous amount of %(previous)s.") % {
        "line": explainer.line(subject[0]),
        "limit": limit,
        "previous": previous,
    }


def _unit_limit(explainer: Explainer, subject: list[str], floor: bool) -> str:
    envelope = explainer.envelopes.get(subject[0])
    amount = _money((envelope.floor if floor else envelope.ceiling) if envelope is not None else None)
    text = _("%(unit)s must receive at least %(amount)s.") if floor else _("%(unit)s must receive at most %(amount)s.")
    return text % {"unit": explainer.unit(subject[0]), "amount": amount}


SENTENCES: dict[str, Callable[[Explainer, list[str]], str]] = {
    "budget": lambda e, s: (
        _("The total cost must stay within the budget of %(budget)s.") % {"budget": _money(e.cycle.total_budget)}
    ),
    "unit_floor": lambda e, s: _unit_limit(e, s, floor=True),
    "unit_ceiling": lambda e, s: _unit_limit(e, s, floor=False),
    "purpose_min": lambda e, s: (
        _("%(purpose)s must have at least %(share)s of the total cost.")
        % {"purpose": e.purpose(s[0]), "share": e.bound(s[0], "min")}
    ),
    "purpose_max": lambda e, s: (
        _("%(purpose)s must have at most %(share)s of the total cost.")
        % {"purpose": e.purpose(s[0]), "share": e.bound(s[0], "max")}
    ),
    "mandatory": lambda e, s: (
        _("%(line)s is mandatory (a legal obligation): it must be funded.") % {"line": e.line(s[0])}
    ),
    "requires": lambda e, s: (
        _("%(line)s can be funded only if %(required)s is funded.") % {"line": e.line(s[0]), "required": e.line(s[1])}
    ),
    "stability": _stability,
    "lock": lambda e, s: _("%(line)s is locked at its amount.") % {"line": e.line(s[0])},
    "all_mandatory": lambda e, s: _("Together, the mandatory lines must all be funded."),
    "all_requires": lambda e, s: _("Together, the dependencies between lines."),
    "all_stability": lambda e, s: _("Together, the limits on how much each line may change."),
    "all_locks": lambda e, s: _("Together, the locked lines."),
}
