"""Reads of the portfolio page: filters, the sorted initiative table, the target mix and the figures.

The figures come from ``analytics.portfolio.balance``. The page reads them from counted profiles
(``figure_profiles``: one query that groups the filtered initiatives by stage, change form,
initiator level, trigger and furthest stage entered), so its cost hardly grows with the number of
initiatives; ``figure_snapshots`` loads the initiatives with their stage history instead (one
query for the initiatives, one for their transitions) for callers that want the records.
"""

from __future__ import annotations

from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import F, Q, QuerySet

from spaceforchange.analytics import portfolio as rules
from spaceforchange.analytics.portfolio import balance
from spaceforchange.analytics.portfolio.balance import TARGET_SUM_TOLERANCE
from spaceforchange.analytics.portfolio.snapshot import progression_index
from spaceforchange.core.models import Organization, Unit
from spaceforchange.core.selectors import change_marker
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
NULLABLE_SORTS = frozenset({"unit"})
KEPT_PROFILES = 256  # (organisation, unit, goal) filters kept per process; each is a few hundred counts
# (organisation id, unit id, goal id) → (change marker, profiles), least recently used first
_kept_profiles: OrderedDict[tuple[int, int | None, int | None], tuple[str, Counter[rules.Profile]]] = OrderedDict()
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


def _matching(organization: Organization, filters: Filters) -> QuerySet[Initiative]:
    """The organisation's initiatives led by or shared with the unit and linked to the goal, each once."""
    queryset = Initiative.objects.filter(organization=organization)
    if filters.unit is None and filters.goal is None:
        return queryset
    if filters.unit is not None:
        queryset = queryset.filter(Q(unit=filters.unit) | Q(units=filters.unit))
    if filters.goal is not None:
        queryset = queryset.filter(goals=filters.goal)
    # A filter through a many-to-many relation can match an initiative twice; the id subquery keeps
    # each once while the ordering and grouping stay free to use any column.
    return Initiative.objects.filter(organization=organization, pk__in=queryset.values("pk"))


def filtered_initiatives(organization: Organization, filters: Filters) -> QuerySet[Initiative]:
    """The organisation's initiatives led by or shared with the unit and linked to the goal, sorted."""
    key = filters.sort.removeprefix("-")
    column = F(SORTS[key])
    # Empty units sort last either way, on SQLite and PostgreSQL alike (their defaults differ). The
    # other columns are never empty, and a plain order lets PostgreSQL read an index in order.
    nulls_last = True if key in NULLABLE_SORTS else None
    ordering = column.desc(nulls_last=nulls_last) if filters.sort.startswith("-") else column.asc(nulls_last=nulls_last)
    return (
        _matching(organization, filters)
        .select_related("unit", "owner", "organization")
        .prefetch_related("goals")
        .order_by(ordering, "title", "pk")
    )


def _profile_sql(organization: Organization, filters: Filters) -> tuple[str, list[Any]]:
    """One statement counting the filtered initiatives per profile (plain SQL that SQLite and PostgreSQL share).

    Each initiative's furthest transition is worked out per initiative in a derived table and the
    initiatives are then grouped by profile, so a few hundred rows leave the database rather than
    one per initiative; the ORM cannot group twice, hence the SQL.
    """
    quote = connection.ops.quote_name
    initiatives, transitions = Initiative._meta.db_table, StageTransition._meta.db_table
    positions = " ".join(f"WHEN %s THEN {index}" for index, _stage in enumerate(rules.PROGRESSION))
    columns = ", ".join(f"i.{quote(name)}" for name in ("stage", "change_form", "initiator_level", "trigger"))
    params: list[Any] = [stage.value for stage in rules.PROGRESSION] + [organization.pk, organization.pk]
    where = "i.organization_id = %s"
    if filters.unit is not None or filters.goal is not None:
        ids_sql, ids_params = _matching(organization, filters).values("pk").query.sql_with_params()
        where += f" AND i.id IN ({ids_sql})"
        params += list(ids_params)
    sql = (
        f"SELECT {columns}, t.furthest, COUNT(*) FROM {quote(initiatives)} i "  # noqa: S608 (names only)
        f"LEFT JOIN (SELECT initiative_id, MAX(CASE to_stage {positions} END) AS furthest "
        f"FROM {quote(transitions)} WHERE organization_id = %s GROUP BY initiative_id) t "
        f"ON t.initiative_id = i.id WHERE {where} GROUP BY {columns}, t.furthest"
    )
    return sql, params


def figure_profiles(organization: Organization, filters: Filters) -> Counter[rules.Profile]:
    """The filtered initiatives counted by what the figures read of them, in one query.

    The same profiles ``rules.profile_counts`` makes of ``figure_snapshots``: an initiative's
    furthest stage is the furthest its transitions or its current stage reached (one registered
    before transitions were recorded has only its current stage).
    """
    sql, params = _profile_sql(organization, filters)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    profiles: Counter[rules.Profile] = Counter()
    for stage_key, change_form, initiator_level, trigger, entered, count in rows:
        stage = rules.Stage(stage_key)
        reached = [position for position in (entered, progression_index(stage)) if position is not None]
        profile = rules.Profile(
            stage, change_form or None, initiator_level or None, trigger or None, max(reached) if reached else None
        )
        profiles[profile] += count
    return profiles


def page_profiles(organization: Organization, filters: Filters) -> Counter[rules.Profile]:
    """``figure_profiles``, kept in this process for as long as the organisation's initiatives stay unchanged.

    Every change of an initiative (its fields, units, goals, or a stage move with its transition)
    saves the initiative and so moves its ``updated_at``; ``change_marker`` reads that from an
    index on every call, so kept figures are never stale, and the grouped query over 20,000
    initiatives runs once per change instead of on every view.
    """
    marker = change_marker(Initiative.objects.filter(organization=organization))
    unit = filters.unit.pk if filters.unit is not None else None
    goal = filters.goal.pk if filters.goal is not None else None
    key = (organization.pk, unit, goal)
    kept = _kept_profiles.get(key)
    if kept is not None and kept[0] == marker:
        _kept_profiles.move_to_end(key)
        return Counter(kept[1])
    profiles = figure_profiles(organization, filters)
    _kept_profiles[key] = (marker, Counter(profiles))
    while len(_kept_profiles) > KEPT_PROFILES:
        _kept_profiles.popitem(last=False)
    return profiles


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
            readiness=(),  # the figures never read change readiness; looking it up costs queries per initiative
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
    snapshots: tuple[rules.Initiative, ...] | Mapping[rules.Profile, int], terms: Terms, target: Mapping[str, float]
) -> rules.PortfolioFigures:
    """Every figure of the page over the filtered initiatives (their snapshots or counted profiles)."""
    profiles = snapshots if isinstance(snapshots, Mapping) else rules.profile_counts(snapshots)
    forms = [term.key for term in terms.forms]
    triggers = [term.key for term in terms.triggers]
    if target:
        return rules.profile_figures(profiles, target, forms=forms, triggers=triggers, vocabulary=terms.vocabulary)
    # An organisation without the forms_of_change pack has no forms to aim for: no mix, the rest stands.
    unrecorded = sum(count for profile, count in profiles.items() if profile.stage in rules.ACTIVE_STAGES)
    return rules.PortfolioFigures(
        balance.profile_stage_form_counts(profiles, forms),
        rules.FormMix((), 0, unrecorded),
        balance.profile_funnel(profiles),
        balance.profile_pilot_to_scale(profiles),
        balance.profile_bottom_up(profiles, terms.vocabulary),
        balance.profile_trigger_counts(profiles, triggers),
    )
