"""Reads of the people app: teams and their warnings, archetype mixes, team composition, the culture trend.

Privacy (FRAMEWORKS.md §9, the issue's privacy rules): nothing here returns an individual's
archetype to the organisation. ``archetype_mix`` and ``team_composition`` return group mixes,
with every group below the campaign's anonymity threshold suppressed (units with complementary
suppression, as they partition the total; teams overlap, so primary suppression only).
``personal_archetype`` reads one response and is called only by the respondent's own thank-you
page (``respondent_hooks``), which the assessments app serves through the resume token.

Query counts do not grow with the number of teams, members, responses or campaigns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from spaceforchange.alerts.selectors import effective_rules
from spaceforchange.analytics.people.archetypes import (
    NO_ANSWERS,
    ArchetypeModel,
    Axis,
    GroupMix,
    Placement,
    classify,
    compare_mix,
    count_placements,
    group_mix,
    whole_mix,
)
from spaceforchange.analytics.people.culture import DimensionFigure, PulsePoint, TrendPoint
from spaceforchange.analytics.people.culture import culture_trend as trend_of
from spaceforchange.analytics.people.rules import (
    RULE_KEYS,
    Firing,
    StrategyFacts,
    TeamFacts,
    UnitMix,
    composition_warnings,
    evaluate,
)
from spaceforchange.analytics.survey import InstrumentShape, ScoringParameters, score
from spaceforchange.assessments.models import Answer, Campaign, CampaignStatus, Response, ResponseStatus
from spaceforchange.assessments.results import favourable_cutoffs
from spaceforchange.assessments.selectors import answers_of, instrument_of, submitted_answers_matrix
from spaceforchange.core.models import Organization, Unit
from spaceforchange.core.selectors import organization_zone
from spaceforchange.frameworks.schema import Instrument, ItemKind, Pack
from spaceforchange.frameworks.selectors import parsed_pack
from spaceforchange.people.models import ExplorationShare, LeaderRole, LeaderRoleKey, Team, TeamMember
from spaceforchange.people.terms import (
    ARCHETYPE_INSTRUMENT,
    ARCHETYPE_PACK,
    CULTURE_INSTRUMENT,
    ENABLEMENT_INSTRUMENT,
    ENABLEMENT_PACK,
    LEADER_ROLES,
    TEAMS_ATTRIBUTE,
)
from spaceforchange.portfolio.services import today_in

NO_UNIT = "none"
BY_UNIT, BY_TEAM = "unit", "team"


# --- Pack content -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A pack item as the pages show it: key, name and description in the current language."""

    key: str
    name: str
    description: str = ""
    order: int = 0


def _language() -> str:
    return (get_language() or "en").split("-")[0]


def _terms(pack: Pack, kind: ItemKind | str) -> list[Term]:
    language = _language()
    items = sorted(pack.items_of(kind), key=lambda item: (item.order or 0, item.key))
    return [
        Term(
            key=item.key,
            name=item.name.get(language),
            description=item.description.get(language) if item.description else "",
            order=item.order or 0,
        )
        for item in items
    ]


def archetype_model(pack: Pack, instrument: Instrument) -> ArchetypeModel:
    """The pure archetype model of a pack version: its axes, archetypes and the instrument's statements."""
    axes = [
        Axis(
            key=item.key,
            cut_point=float(str(item.attributes.get("cut_point", 3.0))),
            low_pole=str(item.attributes.get("low_pole", "low")),
            high_pole=str(item.attributes.get("high_pole", "high")),
        )
        for item in sorted(pack.items_of(ItemKind.AXIS), key=lambda item: (item.order or 0, item.key))
    ]
    axis_keys = [axis.key for axis in axes]
    archetypes = {
        item.key: {axis: str(item.attributes.get(axis, "")) for axis in axis_keys}
        for item in sorted(pack.items_of(ItemKind.ARCHETYPE), key=lambda item: (item.order or 0, item.key))
    }
    statements = {statement.key: (statement.dimension, statement.reverse) for statement in instrument.statements}
    return ArchetypeModel(
        axes=axes,
        archetypes=archetypes,
        statements=statements,
        scale_min=instrument.scale.min,
        scale_max=instrument.scale.max,
    )


def is_archetype_campaign(campaign: Campaign) -> bool:
    return campaign.instrument_key == ARCHETYPE_INSTRUMENT and campaign.pack_version.pack.key == ARCHETYPE_PACK


def _campaign_model(campaign: Campaign) -> tuple[Pack, ArchetypeModel]:
    pack = parsed_pack(campaign.pack_version)
    return pack, archetype_model(pack, instrument_of(campaign))


def assessed_on(campaign: Campaign) -> date:
    """The day a campaign's answers stand for: when it closed, else when it closes."""
    moment = campaign.closed_at or campaign.closes_at
    return timezone.localtime(moment, organization_zone(campaign.organization)).date()


# --- The respondent's own result (thank-you page only) ----------------------------------------


@dataclass(frozen=True)
class AxisReading:
    key: str
    name: str
    mean: float
    cut_point: float
    high: bool  # the mean is above the cut point


@dataclass(frozen=True)
class PersonalArchetype:
    """One respondent's archetype, for their eyes only (see ``respondent_hooks``)."""

    key: str
    name: str
    description: str
    axes: tuple[AxisReading, ...]
    others: tuple[Term, ...] = ()


def personal_archetype(response: Response) -> PersonalArchetype | None:
    """The archetype of a submitted archetype self-assessment, or None (another instrument, a draft,
    or too few statements answered to place the person on both axes)."""
    campaign = response.campaign
    if response.status != ResponseStatus.SUBMITTED or not is_archetype_campaign(campaign):
        return None
    pack, model = _campaign_model(campaign)
    placement = classify(model, answers_of(response))
    if placement is None:
        return None
    archetypes = {term.key: term for term in _terms(pack, ItemKind.ARCHETYPE)}
    axis_names = {term.key: term.name for term in _terms(pack, ItemKind.AXIS)}
    mine = archetypes[placement.archetype]
    return PersonalArchetype(
        key=mine.key,
        name=mine.name,
        description=mine.description,
        axes=tuple(
            AxisReading(
                key=axis.key,
                name=axis_names.get(axis.key, axis.key),
                mean=round(placement.axis_means[axis.key], 2),
                cut_point=axis.cut_point,
                high=placement.poles[axis.key] == axis.high_pole,
            )
            for axis in model.axes
        ),
        others=tuple(term for key, term in archetypes.items() if key != placement.archetype),
    )


# --- Archetype mixes --------------------------------------------------------------------------


def archetype_campaigns(organization: Organization) -> list[Campaign]:
    """The organisation's archetype self-assessments that have opened, newest first."""
    return list(
        Campaign.objects.filter(
            organization=organization, instrument_key=ARCHETYPE_INSTRUMENT, pack_version__pack__key=ARCHETYPE_PACK
        )
        .exclude(status=CampaignStatus.DRAFT)
        .select_related("pack_version__pack", "organization")
        .order_by("-opens_at", "-pk")
    )


def default_archetype_campaign(campaigns: Sequence[Campaign]) -> Campaign | None:
    """The campaign pages and the API show when none is asked for: the newest closed one, since an
    open one may hold only its first few answers; the newest of all when none has closed."""
    closed = (campaign for campaign in campaigns if campaign.status == CampaignStatus.CLOSED)
    return next(closed, campaigns[0] if campaigns else None)


@dataclass(frozen=True)
class MixGroup:
    """One unit or team in a mix report: its mix (possibly suppressed) and its difference from the total."""

    key: str
    label: str
    mix: GroupMix
    difference: Mapping[str, float] = field(default_factory=dict)  # percentage points against the total


@dataclass(frozen=True)
class MixReport:
    campaign: Campaign
    by: str | None
    threshold: int
    archetypes: tuple[Term, ...]
    total: GroupMix
    groups: tuple[MixGroup, ...] = ()


@dataclass(frozen=True)
class _Placed:
    placement: Placement | None
    unit_id: int | None
    teams: tuple[str, ...]


def _placements(campaign: Campaign, model: ArchetypeModel) -> list[_Placed]:
    matrix = submitted_answers_matrix(campaign)
    placed = []
    for row in matrix.rows:
        answers = dict(zip(matrix.statement_keys, row.values, strict=True))
        teams = row.attributes.get(TEAMS_ATTRIBUTE)
        team_ids = tuple(str(team) for team in teams) if isinstance(teams, list) else ()
        placed.append(_Placed(classify(model, answers), row.unit_id, team_ids))
    return placed


def archetype_mix(campaign: Campaign, *, by: str | None = None) -> MixReport:
    """The campaign's archetype mix for the organisation, and per unit or per team (``by``), suppressed
    below the campaign's anonymity threshold. Four queries whatever the number of responses."""
    if by not in (None, BY_UNIT, BY_TEAM):
        raise ValueError(f"group archetype mixes by unit or team, not {by!r}")
    if not is_archetype_campaign(campaign):
        raise ValueError("the campaign does not ask the archetype self-assessment")
    pack, model = _campaign_model(campaign)
    archetypes = tuple(_terms(pack, ItemKind.ARCHETYPE))
    keys = [term.key for term in archetypes]
    threshold = campaign.anonymity_threshold
    placed = _placements(campaign, model)
    total = whole_mix(count_placements(entry.placement for entry in placed), threshold, archetypes=keys)
    groups: tuple[MixGroup, ...] = ()
    if by == BY_UNIT:
        groups = _unit_groups(campaign, placed, threshold, keys, total)
    elif by == BY_TEAM:
        groups = _team_groups(campaign, placed, threshold, keys, total)
    return MixReport(campaign=campaign, by=by, threshold=threshold, archetypes=archetypes, total=total, groups=groups)


def _grouped(
    labels: Mapping[str, str],
    counts: Mapping[str, Mapping[str, int]],
    threshold: int,
    keys: Sequence[str],
    total: GroupMix,
    *,
    partition: bool,
) -> tuple[MixGroup, ...]:
    mixes = group_mix(counts, threshold, partition=partition, archetypes=keys)
    groups = [
        MixGroup(key=key, label=labels[key], mix=mixes[key], difference=compare_mix(mixes[key], total))
        for key in counts
    ]
    return tuple(sorted(groups, key=lambda group: (group.key == NO_UNIT, group.label.casefold(), group.key)))


def _unit_groups(
    campaign: Campaign, placed: Iterable[_Placed], threshold: int, keys: Sequence[str], total: GroupMix
) -> tuple[MixGroup, ...]:
    placements: dict[str, list[Placement | None]] = defaultdict(list)
    for entry in placed:
        placements[str(entry.unit_id) if entry.unit_id is not None else NO_UNIT].append(entry.placement)
    names = dict(
        Unit.objects.filter(
            organization_id=campaign.organization_id, pk__in=[int(key) for key in placements if key != NO_UNIT]
        ).values_list("pk", "name")
    )
    labels = {
        key: names.get(int(key), _("Unit #%(id)s") % {"id": key}) if key != NO_UNIT else _("No unit")
        for key in placements
    }
    counts = {key: count_placements(values) for key, values in placements.items()}
    return _grouped(labels, counts, threshold, keys, total, partition=True)


def _team_groups(
    campaign: Campaign, placed: Iterable[_Placed], threshold: int, keys: Sequence[str], total: GroupMix
) -> tuple[MixGroup, ...]:
    entries = list(placed)
    mentioned = {team for entry in entries for team in entry.teams if team.isdigit()}
    names = {
        str(pk): name
        for pk, name in Team.objects.filter(
            organization_id=campaign.organization_id, pk__in=[int(team) for team in mentioned]
        ).values_list("pk", "name")
    }
    placements: dict[str, list[Placement | None]] = {key: [] for key in names}
    for entry in entries:
        for team in entry.teams:
            if team in names:
                placements[team].append(entry.placement)
    counts = {key: count_placements(values) for key, values in placements.items()}
    return _grouped(names, counts, threshold, keys, total, partition=False)


# --- Warnings inputs --------------------------------------------------------------------------


def warning_thresholds(organization: Organization) -> dict[str, dict[str, float]]:
    """Rule key → thresholds of the people rules the organisation's warnings pack enables."""
    rules = effective_rules(organization) or {}
    return {key: dict(rules[key].thresholds) for key in RULE_KEYS if key in rules}


def strategy_facts(organization: Organization) -> StrategyFacts:
    from spaceforchange.budgeting.models import Strategy

    revised = Strategy.objects.filter(organization=organization).values_list("last_revised_at", flat=True).first()
    if revised is None:
        return StrategyFacts()
    return StrategyFacts(last_revised_on=timezone.localtime(revised, organization_zone(organization)).date())


# --- Teams ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamRow:
    team: Team
    unit: Unit | None
    members: int
    autonomy_level: int
    transition_status: str
    self_managed: bool
    exploration_share: Decimal | None
    exploration_period: str
    last_alignment_on: date | None
    roles_covered: int
    roles_total: int
    warnings: tuple[Firing, ...]

    @property
    def archived(self) -> bool:
        return self.team.archived


def latest_shares(team_ids: Sequence[int]) -> dict[int, ExplorationShare]:
    latest: dict[int, ExplorationShare] = {}
    for entry in ExplorationShare.objects.filter(team_id__in=team_ids).order_by("team_id", "-period"):
        latest.setdefault(entry.team_id, entry)
    return latest


def covered_roles(team_ids: Sequence[int]) -> dict[int, frozenset[str]]:
    covered: dict[int, set[str]] = defaultdict(set)
    for role in LeaderRole.objects.filter(team_id__in=team_ids).only("team_id", "role_key", "holder_id", "holder_name"):
        if role.covered:
            covered[role.team_id].add(role.role_key)
    return {team_id: frozenset(keys) for team_id, keys in covered.items()}


def team_facts(team: Team, share: ExplorationShare | None, covered: frozenset[str]) -> TeamFacts:
    return TeamFacts(
        team_id=team.pk,
        label=team.name,
        autonomy_level=team.autonomy_level,
        transition_status=team.transition_status,
        transition_started_on=team.transition_started_on,
        last_alignment_on=team.last_alignment_on,
        exploration_share=float(share.share) if share is not None else None,
        exploration_period=share.period if share is not None else "",
        roles_covered=covered,
        archived=team.archived,
    )


def _rows(organization: Organization, teams: Sequence[Team]) -> list[TeamRow]:
    ids = [team.pk for team in teams]
    shares = latest_shares(ids)
    covered = covered_roles(ids)
    thresholds = warning_thresholds(organization)
    facts = [team_facts(team, shares.get(team.pk), covered.get(team.pk, frozenset())) for team in teams]
    firings = evaluate(teams=facts, thresholds_by_rule=thresholds, today=today_in(organization), rules=set(thresholds))
    by_team: dict[int | None, list[Firing]] = defaultdict(list)
    for firing in firings:
        by_team[firing.subject_id].append(firing)
    return [
        TeamRow(
            team=team,
            unit=team.unit,
            members=getattr(team, "member_count", 0),
            autonomy_level=team.autonomy_level,
            transition_status=team.transition_status,
            self_managed=team.self_managed,
            exploration_share=shares[team.pk].share if team.pk in shares else None,
            exploration_period=shares[team.pk].period if team.pk in shares else "",
            last_alignment_on=team.last_alignment_on,
            roles_covered=len(covered.get(team.pk, frozenset())),
            roles_total=len(LEADER_ROLES),
            warnings=tuple(by_team.get(team.pk, ())),
        )
        for team in teams
    ]


def teams_overview(organization: Organization, *, include_archived: bool = False) -> list[TeamRow]:
    """Every team of the organisation with its figures and warnings, by name; a fixed number of queries."""
    teams = (
        Team.objects.filter(organization=organization).select_related("unit").annotate(member_count=Count("members"))
    )
    if not include_archived:
        teams = teams.filter(archived=False)
    return _rows(organization, list(teams.order_by("name", "pk")))


def team(organization: Organization, team_id: int) -> Team:
    """The organisation's team with this id; ``Team.DoesNotExist`` also for another organisation's."""
    return Team.objects.select_related("unit", "organization").get(organization=organization, pk=team_id)


@dataclass(frozen=True)
class RoleRow:
    key: str
    name: str
    role: LeaderRole | None

    @property
    def covered(self) -> bool:
        return self.role is not None and self.role.covered

    @property
    def holder_label(self) -> str:
        if self.role is None:
            return ""
        if self.role.holder is not None:
            return str(self.role.holder)
        return self.role.holder_name


@dataclass(frozen=True)
class TeamDetail:
    team: Team
    row: TeamRow
    members: tuple[TeamMember, ...]
    roles: tuple[RoleRow, ...]
    exploration: tuple[ExplorationShare, ...]


def team_detail(team: Team) -> TeamDetail:
    """The team's page: its figures and warnings, members, the four leader roles and its exploration history."""
    organization = team.organization
    annotated = (
        Team.objects.filter(organization=organization, pk=team.pk)
        .select_related("unit")
        .annotate(member_count=Count("members"))
        .get()
    )
    row = _rows(organization, [annotated])[0]
    members = tuple(
        TeamMember.objects.filter(team=team).select_related("user").order_by("user__display_name", "user__email")
    )
    roles = {role.role_key: role for role in LeaderRole.objects.filter(team=team).select_related("holder")}
    exploration = tuple(ExplorationShare.objects.filter(team=team).select_related("recorded_by").order_by("-period"))
    names = dict(LeaderRoleKey.choices)
    return TeamDetail(
        team=annotated,
        row=row,
        members=members,
        roles=tuple(RoleRow(key=key, name=str(names[key]), role=roles.get(key)) for key in LEADER_ROLES),
        exploration=exploration,
    )


# --- Team composition -------------------------------------------------------------------------


@dataclass(frozen=True)
class CompositionReport:
    """A team's archetype mix against the organisation's, with the §9 warnings for the team's mix."""

    team: Team
    campaign: Campaign | None
    threshold: int | None
    archetypes: tuple[Term, ...]
    team_mix: GroupMix | None
    organization_mix: GroupMix | None
    gaps: Mapping[str, float]
    warnings: tuple[Firing, ...]

    @property
    def suppressed(self) -> bool:
        return self.team_mix is None or self.team_mix.suppressed


def team_composition(team: Team, campaign: Campaign | None = None) -> CompositionReport:
    """The team's mix in ``campaign`` (default: ``default_archetype_campaign``)."""
    organization = team.organization
    if campaign is None:
        campaign = default_archetype_campaign(archetype_campaigns(organization))
    elif campaign.organization_id != team.organization_id or not is_archetype_campaign(campaign):
        raise ValueError("the campaign is not an archetype self-assessment of the team's organisation")
    if campaign is None:
        return CompositionReport(team, None, None, (), None, None, {}, ())
    report = archetype_mix(campaign, by=BY_TEAM)
    found = next((group for group in report.groups if group.key == str(team.pk)), None)
    team_mix = found.mix if found is not None else GroupMix(None, None, None, suppressed=True, reason=NO_ANSWERS)
    warnings: tuple[Firing, ...] = ()
    if not team_mix.suppressed and team_mix.counts is not None:
        mix = UnitMix(team.pk, team.name, assessed_on(campaign), dict(team_mix.counts), campaign.pk)
        warnings = tuple(
            composition_warnings(
                mix, strategy_facts(organization), warning_thresholds(organization), today_in(organization)
            )
        )
    return CompositionReport(
        team=team,
        campaign=campaign,
        threshold=report.threshold,
        archetypes=report.archetypes,
        team_mix=team_mix,
        organization_mix=report.total,
        gaps=compare_mix(team_mix, report.total),
        warnings=warnings,
    )


# --- Culture pulse ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CultureRow:
    campaign: Campaign
    threshold: int
    point: TrendPoint


@dataclass(frozen=True)
class TrendReport:
    unit: Unit | None
    dimensions: tuple[Term, ...]
    rows: tuple[CultureRow, ...]


def culture_campaigns(organization: Organization) -> list[Campaign]:
    """The organisation's culture pulses that have opened, oldest first."""
    return list(
        Campaign.objects.filter(
            organization=organization, instrument_key=CULTURE_INSTRUMENT, pack_version__pack__key=ARCHETYPE_PACK
        )
        .exclude(status=CampaignStatus.DRAFT)
        .select_related("pack_version__pack", "organization")
        .order_by("opens_at", "pk")
    )


def culture_trend(organization: Organization, unit: Unit | None = None) -> TrendReport:
    """The culture pulse per campaign, for the organisation or one of its units, with the change
    between consecutive campaigns. A unit below the threshold, or hidden so that a small unit cannot
    be worked out from the others, shows no means. Four queries whatever the number of campaigns."""
    if unit is not None and unit.organization_id != organization.pk:
        raise ValueError("the unit belongs to another organisation")
    campaigns = culture_campaigns(organization)
    if not campaigns:
        return TrendReport(unit=unit, dimensions=(), rows=())
    responses = list(
        Response.objects.filter(
            organization=organization, campaign__in=campaigns, status=ResponseStatus.SUBMITTED
        ).values_list("pk", "campaign_id", "unit_id", "weight")
    )
    values: dict[int, dict[str, int | None]] = defaultdict(dict)
    for response_id, statement_key, value in Answer.objects.filter(
        organization=organization, response_id__in=[row[0] for row in responses]
    ).values_list("response_id", "statement_key", "value"):
        values[response_id][statement_key] = value
    by_campaign: dict[int, list[tuple[int, int | None, float]]] = defaultdict(list)
    for response_id, campaign_id, unit_id, weight in responses:
        by_campaign[campaign_id].append((response_id, unit_id, weight))
    latest_pack = parsed_pack(campaigns[-1].pack_version)
    principles = {term.key: term for term in _terms(latest_pack, ItemKind.PRINCIPLE)}
    dimensions = list(dict.fromkeys(s.dimension for s in instrument_of(campaigns[-1]).statements))
    points = [_pulse_point(campaign, by_campaign.get(campaign.pk, []), values, unit) for campaign in campaigns]
    trend = trend_of(points, dimensions)
    thresholds = {campaign.pk: campaign.anonymity_threshold for campaign in campaigns}
    by_id = {campaign.pk: campaign for campaign in campaigns}
    return TrendReport(
        unit=unit,
        dimensions=tuple(principles.get(key, Term(key=key, name=key)) for key in dimensions),
        rows=tuple(CultureRow(by_id[point.campaign_id], thresholds[point.campaign_id], point) for point in trend),
    )


def _pulse_point(
    campaign: Campaign,
    responses: Sequence[tuple[int, int | None, float]],
    values: Mapping[int, Mapping[str, int | None]],
    unit: Unit | None,
) -> PulsePoint:
    instrument = instrument_of(campaign)
    statements = instrument.statements
    shape = InstrumentShape(
        statement_keys=tuple(statement.key for statement in statements),
        dimension_keys=tuple(statement.dimension for statement in statements),
        reverse=tuple(statement.reverse for statement in statements),
    )
    favourable_min, unfavourable_max = favourable_cutoffs(instrument.scale)
    parameters = ScoringParameters(
        scale_min=instrument.scale.min,
        scale_max=instrument.scale.max,
        favourable_min=favourable_min,
        unfavourable_max=unfavourable_max,
        anonymity_threshold=campaign.anonymity_threshold,
    )
    answers = np.array(
        [[values.get(pk, {}).get(key) for key in shape.statement_keys] for pk, _unit, _weight in responses],
        dtype=np.float64,
    ).reshape(len(responses), len(statements))
    weights = np.array([weight for _pk, _unit, weight in responses], dtype=np.float64)
    codes = labels = None
    if unit is not None:
        labels = sorted({str(unit_id) if unit_id is not None else NO_UNIT for _pk, unit_id, _weight in responses})
        labels = labels or [str(unit.pk)]
        position = {label: index for index, label in enumerate(labels)}
        codes = np.array(
            [position[str(unit_id) if unit_id is not None else NO_UNIT] for _pk, unit_id, _weight in responses],
            dtype=np.intp,
        )
    scores = score(shape, answers, weights=weights, group_codes=codes, group_labels=labels, parameters=parameters)
    wanted = "all" if unit is None else str(unit.pk)
    group = next((entry for entry in scores if entry.group == wanted), None)
    closed_on = assessed_on(campaign)
    if group is None or group.n == 0:
        return PulsePoint(campaign.pk, closed_on, 0, {}, suppressed=False)
    figures = {
        key: DimensionFigure(mean=figure.mean, ci_low=figure.ci_low, ci_high=figure.ci_high)
        for key, figure in group.dimensions.items()
    }
    return PulsePoint(campaign.pk, closed_on, 0 if group.suppressed else group.n, figures, suppressed=group.suppressed)


@dataclass(frozen=True)
class EnablementReport:
    """A team's answers to the latest team-enablement survey beside the whole organisation's.

    Teams overlap, so only the team itself is suppressed below the survey's threshold (the
    organisation's figures are published anyway, and no other group is shown beside them).
    """

    team: Team
    campaign: Campaign | None
    dimensions: tuple[Term, ...]
    team_point: PulsePoint | None
    organization_point: PulsePoint | None

    @property
    def threshold(self) -> int | None:
        return self.campaign.anonymity_threshold if self.campaign is not None else None

    @property
    def team_unanswered(self) -> bool:
        """No member of the team answered (as opposed to too few to show)."""
        return self.team_point is None or (not self.team_point.suppressed and self.team_point.respondents == 0)

    def rows(self) -> list[tuple[Term, float | None, float | None]]:
        """Each dimension with the team's mean (None when suppressed) and the organisation's."""
        team, everyone = self.team_point, self.organization_point
        return [
            (
                term,
                team.mean(term.key) if team is not None else None,
                everyone.mean(term.key) if everyone is not None else None,
            )
            for term in self.dimensions
        ]


def enablement_campaign(organization: Organization) -> Campaign | None:
    """The team-enablement survey a team page reads: the newest closed one, else the newest opened."""
    campaigns = list(
        Campaign.objects.filter(
            organization=organization, instrument_key=ENABLEMENT_INSTRUMENT, pack_version__pack__key=ENABLEMENT_PACK
        )
        .exclude(status=CampaignStatus.DRAFT)
        .select_related("pack_version__pack", "organization")
        .order_by("-opens_at", "-pk")
    )
    closed = (campaign for campaign in campaigns if campaign.status == CampaignStatus.CLOSED)
    return next(closed, campaigns[0] if campaigns else None)


def team_enablement(team: Team) -> EnablementReport:
    """How the team's members answered the enablement survey (their responses carry the team under
    ``TEAMS_ATTRIBUTE``), against everyone who answered. Four queries."""
    organization = team.organization
    campaign = enablement_campaign(organization)
    if campaign is None:
        return EnablementReport(team, None, (), None, None)
    rows = list(
        Response.objects.filter(
            organization=organization, campaign=campaign, status=ResponseStatus.SUBMITTED
        ).values_list("pk", "unit_id", "weight", "attributes")
    )
    values: dict[int, dict[str, int | None]] = defaultdict(dict)
    for response_id, statement_key, value in Answer.objects.filter(
        organization=organization, response_id__in=[row[0] for row in rows]
    ).values_list("response_id", "statement_key", "value"):
        values[response_id][statement_key] = value
    key = str(team.pk)
    everyone = [(pk, unit_id, weight) for pk, unit_id, weight, _attributes in rows]
    members = [
        (pk, unit_id, weight)
        for pk, unit_id, weight, attributes in rows
        if isinstance(attributes, dict) and key in (attributes.get(TEAMS_ATTRIBUTE) or [])
    ]
    dimensions = tuple(_terms(parsed_pack(campaign.pack_version), ItemKind.ELEMENT))
    return EnablementReport(
        team=team,
        campaign=campaign,
        dimensions=dimensions,
        team_point=_pulse_point(campaign, members, values, None),
        organization_point=_pulse_point(campaign, everyone, values, None),
    )


def member_teams(organization: Organization, user: Any) -> list[Team]:
    """The active teams a person belongs to in the organisation."""
    return list(
        Team.objects.filter(organization=organization, archived=False, members__user=user).order_by("name", "pk")
    )


def unit_mixes(organization: Organization) -> list[UnitMix]:
    """Every unit's archetype counts in every archetype self-assessment, for the unit warning rules.

    Only units whose mix the organisation may see are given: a unit suppressed in a campaign
    (below the threshold, or hidden so that a small unit cannot be worked out) is left out, so a
    warning never reveals what the archetype page hides. Four queries whatever the number of
    campaigns and responses.
    """
    campaigns = archetype_campaigns(organization)
    if not campaigns:
        return []
    responses = list(
        Response.objects.filter(
            organization=organization, campaign__in=campaigns, status=ResponseStatus.SUBMITTED
        ).values_list("pk", "campaign_id", "unit_id")
    )
    values: dict[int, dict[str, int | None]] = defaultdict(dict)
    for response_id, statement_key, value in Answer.objects.filter(
        organization=organization, response_id__in=[row[0] for row in responses]
    ).values_list("response_id", "statement_key", "value"):
        values[response_id][statement_key] = value
    names = dict(Unit.objects.filter(organization=organization).values_list("pk", "name"))
    by_campaign: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    for response_id, campaign_id, respondent_unit in responses:
        by_campaign[campaign_id].append((response_id, respondent_unit))
    mixes: list[UnitMix] = []
    for campaign in campaigns:
        _pack, model = _campaign_model(campaign)
        placements: dict[str, list[Placement | None]] = defaultdict(list)
        for response_id, unit_id in by_campaign.get(campaign.pk, []):
            key = str(unit_id) if unit_id is not None else NO_UNIT
            placements[key].append(classify(model, values.get(response_id, {})))
        counts = {key: count_placements(entries) for key, entries in placements.items()}
        visible = group_mix(counts, campaign.anonymity_threshold, partition=True)
        day = assessed_on(campaign)
        for key, mix in visible.items():
            if key == NO_UNIT or mix.suppressed or mix.counts is None or int(key) not in names:
                continue
            mixes.append(UnitMix(int(key), names[int(key)], day, dict(mix.counts), campaign.pk))
    return mixes
