"""Reads of the portfolio page: filters, the sorted initiative table, the target mix and the figures.

The figures come from ``analytics.portfolio.balance``; this module only loads the filtered
initiatives with their stage history (one query for the initiatives, one for their transitions)
and the organisation's target mix.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet

from spaceforchange.analytics import portfolio as rules
from spaceforchange.analytics.portfolio.balance import TARGET_SUM_TOLERANCE
from spaceforchange.core.models import Organization, Unit
from spaceforchange.portfolio import selectors
from spaceforchange.portfolio.models import Goal, Initiative, PortfolioTarget, StageTransition
from spaceforchange.portfolio.terms import Terms

# Sort key (as in ``?sort=``) → the ordering field; a leading "-" in the parameter reverses it.
SORTS: dict[str, str] = {
    "title": "title",
    "stage": "stage",
    "change_form": "change_form",
    "unit": "unit__name",
    "updated": "updated_at",
}
DEFAULT_SORT = "title"
# Stored shares are percentages typed in and divided by 100; their sum may drift this far from 1
# before they are normalised.
STORED_SUM_TOLERANCE = TARGET_SUM_TOLERANCE * 1000


@dataclass(frozen=True)
class Filters:
    """The page's filters after checking them against the organisation; ``ignored`` names what was dropped."""

    unit: Unit | None = None
    goal: Goal | None = None
    sort: str = DEFAULT_SORT
    ignored: tuple[str, ...] = field(default_factory=tuple)

    @property
    def query(self) -> dict[str, str]:
        """The filters and sort as GET parameters, for links and downloads."""
        params = {"sort": self.sort}
        if self.unit is not None:
            params["unit"] = str(self.unit.pk)
        if self.goal is not None:
            params["goal"] = str(self.goal.pk)
        return params


def _own_id(value: str | None) -> int | None:
    if not value or not value.isdigit() or len(value) > 18:
        return None
    return int(value)


def parse_filters(organization: Organization, params: Mapping[str, str]) -> Filters:
    """Unit, goal and sort from GET parameters; an id that is not the organisation's is dropped, never used."""
    ignored: list[str] = []
    unit = goal = None
    if params.get("unit"):
        unit_id = _own_id(params.get("unit"))
        unit = Unit.objects.filter(organization=organization, pk=unit_id).first() if unit_id else None
        if unit is None:
            ignored.append("unit")
    if params.get("goal"):
        goal_id = _own_id(params.get("goal"))
        goal = selectors.goals_for(organization).filter(pk=goal_id).first() if goal_id else None
        if goal is None:
            ignored.append("goal")
    sort = params.get("sort", DEFAULT_SORT) or DEFAULT_SORT
    if sort.removeprefix("-") not in SORTS:
        if "sort" in params:
            ignored.append("sort")
        sort = DEFAULT_SORT
    return Filters(unit, goal, sort, tuple(ignored))


def filtered_initiatives(organization: Organization, filters: Filters) -> QuerySet[Initiative]:
    """The organisation's initiatives led by or shared with the unit and linked to the goal, sorted."""
    queryset = Initiative.objects.filter(organization=organization)
    if filters.unit is not None:
        queryset = queryset.filter(Q(unit=filters.unit) | Q(units=filters.unit))
    if filters.goal is not None:
        queryset = queryset.filter(goals=filters.goal)
    column = F(SORTS[filters.sort.removeprefix("-")])
    # Empty units sort last either way, on SQLite and PostgreSQL alike (their defaults differ).
    ordering = column.desc(nulls_last=True) if filters.sort.startswith("-") else column.asc(nulls_last=True)
    # A filter through a many-to-many relation can match an initiative twice; the id subquery keeps
    # each once while the ordering stays free to use any column.
    ids = queryset.values("pk")
    return (
        Initiative.objects.filter(organization=organization, pk__in=ids)
        .select_related("unit", "owner", "organization")
        .prefetch_related("goals")
        .order_by(ordering, "title", "pk")
    )


def figure_snapshots(initiatives: Iterable[Initiative]) -> tuple[rules.Initiative, ...]:
    """The initiatives as the figures read them: stage, form, initiator, trigger and stage history."""
    chosen = list(initiatives)
    transitions: dict[int, list[StageTransition]] = defaultdict(list)
    rows = StageTransition.objects.filter(initiative__in=[initiative.pk for initiative in chosen])
    for row in rows.order_by("decided_on", "pk"):
        transitions[row.initiative_id].append(row)
    return tuple(
        selectors.initiative_snapshot(
            initiative,
            scans=[],
            records=selectors.Records(
                transitions=transitions.get(initiative.pk, []),
                constraints=[],
                status_changes=[],
                backing=[],
                setbacks=[],
            ),
        )
        for initiative in chosen
    )


def equal_shares(forms: Iterable[str]) -> dict[str, float]:
    keys = list(dict.fromkeys(forms))
    return {key: 1 / len(keys) for key in keys} if keys else {}


def target_mix(organization: Organization, forms: Iterable[str]) -> dict[str, float]:
    """The stored target over the pack's forms; equal shares when none is stored or it no longer fits.

    The forms_of_change pack suggests no shares of its own, so equal shares are the neutral start.
    A stored target naming forms the pack has since dropped is not used: its shares would not add up.
    """
    keys = list(dict.fromkeys(forms))
    stored = PortfolioTarget.objects.filter(organization=organization).first()
    if stored is not None and keys and set(stored.shares) <= set(keys):
        shares = {key: float(stored.shares.get(key, 0.0)) for key in keys}
        if abs(sum(shares.values()) - 1) <= STORED_SUM_TOLERANCE:
            return _normalised(shares)
    return equal_shares(keys)


def _normalised(shares: Mapping[str, float]) -> dict[str, float]:
    total = sum(shares.values())
    return {key: value / total for key, value in shares.items()}


def figures(
    snapshots: tuple[rules.Initiative, ...], terms: Terms, target: Mapping[str, float]
) -> rules.PortfolioFigures:
    """Every figure of the page over the filtered initiatives."""
    forms = [term.key for term in terms.forms]
    triggers = [term.key for term in terms.triggers]
    if target:
        return rules.portfolio_figures(snapshots, target, forms=forms, triggers=triggers, vocabulary=terms.vocabulary)
    # An organisation without the forms_of_change pack has no forms to aim for: no mix, the rest stands.
    unrecorded = sum(1 for initiative in snapshots if initiative.stage in rules.ACTIVE_STAGES)
    return rules.PortfolioFigures(
        rules.stage_form_counts(snapshots, forms),
        rules.FormMix((), 0, unrecorded),
        rules.funnel(snapshots),
        rules.pilot_to_scale(snapshots),
        rules.bottom_up(snapshots, terms.vocabulary),
        rules.trigger_counts(snapshots, triggers),
    )
