"""Demo step: Northbay's innovator archetypes, culture pulse and six teams (FRAMEWORKS.md §9, §12).

Runs after the budgeting and assessments steps. Northbay's staff answered the archetype
self-assessment twice, about ten months ago and two months ago, and the culture pulse three times,
six months apart; a third archetype self-assessment is open for the demo logins to take. The
demo's sixty logins stand for a municipality of a few thousand employees, so most answers come
from colleagues without a login. Every answer carries the groups the respondent-groups rule of
issue #8 records for a signed-in member: their unit and, once the teams existed, the sorted ids
of their teams. The team members' own answers are theirs: each team member answered with their
membership unit and teams.

The figures are made so that the people warnings have something to show: Water and Wastewater
has few Crusaders and Revolutionists, Team North's innovator share fell by more than ten points
between the two self-assessments, and the Educational Psychology Service is too small to be
shown. Six teams cover the §12 warnings: a healthy self-managed studio, a home-care team in a
transition to self-management without leader support, a self-managed home-care team locked in
its routine, a planning team that has not met its leader for alignment in over a year, a
manager-led team, and a team that has just started its transition.

Answers are drawn from a seeded generator, so every run builds the same figures, and written in
bulk as the survey import does (a few thousand rows through the answering services would take a
minute). A campaign or team that exists already is left alone, and the open survey is opened
again only when it has been closed.
"""

from __future__ import annotations

import base64
import datetime
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from spaceforchange.assessments import domain, services
from spaceforchange.assessments.domain import Availability
from spaceforchange.assessments.models import Answer, Campaign, Response, ResponseSource, ResponseStatus
from spaceforchange.assessments.selectors import instrument_of
from spaceforchange.assessments.snapshots import answers_changed
from spaceforchange.core.models import Membership, Organization, Unit, User
from spaceforchange.core.selectors import organization_zone
from spaceforchange.people import services as people_services
from spaceforchange.people.models import Team, TransitionStatus
from spaceforchange.people.terms import (
    ARCHETYPE_INSTRUMENT,
    ARCHETYPE_PACK,
    CULTURE_INSTRUMENT,
    ENABLEMENT_INSTRUMENT,
    ENABLEMENT_PACK,
    LEADER_ROLES,
    TEAMS_ATTRIBUTE,
)

LEAD = "lead@northbay.example"
SEED = 20260929

ARCHETYPES = ("magistrate", "bohemian", "crusader", "revolutionist")
# (challenges the rules, high innovation drive) for each archetype: the pack's placement on its two axes.
POLES: dict[str, tuple[bool, bool]] = {
    "magistrate": (False, False),
    "bohemian": (True, False),
    "crusader": (False, True),
    "revolutionist": (True, True),
}
AXES = ("stance_towards_rules", "innovation_drive")

# Respondents per unit and archetype (Magistrates, Bohemians, Crusaders, Revolutionists) two months ago.
# fmt: off
ARCHETYPE_MIX: dict[str, tuple[int, int, int, int]] = {
    "Team North": (12, 6, 4, 2),
    "Team South": (14, 5, 5, 2),
    "Home Care Services": (4, 1, 2, 1),
    "Seaview Nursing Home": (16, 6, 5, 3),
    "Public Health": (5, 2, 3, 2),
    "Northbay Primary School": (14, 5, 6, 3),
    "Harbour Primary School": (13, 5, 5, 3),
    "Kindergartens": (13, 5, 4, 2),
    "Educational Psychology Service": (1, 1, 1, 0),
    "Water and Wastewater": (22, 6, 2, 0),
    "Roads and Parks": (10, 3, 3, 2),
    "Planning and Building": (8, 3, 3, 2),
    "Library": (6, 3, 3, 2),
    "Culture School": (4, 2, 2, 1),
    "Child Welfare": (10, 4, 4, 2),
    "Refugee Services": (5, 2, 3, 2),
    "Innovation Unit": (1, 1, 2, 2),
    "Team Service Design": (2, 1, 3, 2),
    "Digitalisation": (4, 2, 2, 2),
}
# A year earlier the same, but Team North still had its innovators.
EARLIER_MIX: dict[str, tuple[int, int, int, int]] = {**ARCHETYPE_MIX, "Team North": (9, 4, 8, 4)}
# fmt: on
ATTRITION_UNIT, FEW_INNOVATORS_UNIT, SMALL_UNIT = "Team North", "Water and Wastewater", "Educational Psychology Service"

EARLIER_TITLE = "Innovator archetypes 2026 (winter)"
LATEST_TITLE = "Innovator archetypes 2026 (autumn)"
EARLIER_CLOSED_DAYS_AGO, LATEST_CLOSED_DAYS_AGO = 300, 60
OPEN_TITLE = "Innovator archetypes: find yours"
OPEN_DAYS = 365  # open long enough that a demo database kept for months still takes answers
DEMO_LINK_LABEL = "spaceforchange.people.demo.archetype-link"
CAMPAIGN_DAYS = 21  # how long each closed survey was open
TEAMS_SINCE_DAYS = 120  # the teams were set up about four months ago; older answers name no team

# Culture pulse: (title, closed days ago, mean per dimension across Northbay). Risk-taking and
# experimentation improve, autonomy grows, but learning from failure and trust fall.
CULTURE_POINTS: tuple[tuple[str, int, dict[str, float]], ...] = (
    (
        "Culture pulse 2025 (autumn)",
        395,
        {
            "calculated_risk_taking": 2.6,
            "experimentation": 2.7,
            "learning_from_failure": 3.3,
            "responsibility": 3.6,
            "autonomy": 3.0,
            "trust": 3.4,
        },
    ),
    (
        "Culture pulse 2026 (spring)",
        215,
        {
            "calculated_risk_taking": 2.9,
            "experimentation": 3.1,
            "learning_from_failure": 3.1,
            "responsibility": 3.6,
            "autonomy": 3.2,
            "trust": 3.3,
        },
    ),
    (
        "Culture pulse 2026 (autumn)",
        35,
        {
            "calculated_risk_taking": 3.2,
            "experimentation": 3.5,
            "learning_from_failure": 2.8,
            "responsibility": 3.7,
            "autonomy": 3.4,
            "trust": 3.0,
        },
    ),
)
TYPICAL_MEAN = 3.3  # for a dimension a newer pack adds and the demo does not name
CULTURE_SHARE = 0.6  # of the archetype respondents who answer each pulse
# Units that see their culture differently from Northbay as a whole.
CULTURE_OFFSETS: dict[str, dict[str, float]] = {
    "Team North": {"learning_from_failure": -0.5, "calculated_risk_taking": -0.2},
    "Water and Wastewater": {"calculated_risk_taking": -0.4, "experimentation": -0.4, "learning_from_failure": -0.2},
    "Innovation Unit": {"calculated_risk_taking": 0.6, "experimentation": 0.6, "learning_from_failure": 0.5},
    "Team Service Design": {"calculated_risk_taking": 0.5, "experimentation": 0.7, "learning_from_failure": 0.5},
}

ENABLEMENT_TITLE = "Team enablement 2026"
ENABLEMENT_CLOSED_DAYS_AGO = 20


@dataclass(frozen=True)
class TeamSpec:
    """One demo team: who is in it (with their archetype), how it works, and what was recorded."""

    name: str
    unit: str
    description: str
    autonomy: int
    status: str
    started_days_ago: int | None
    alignment_days_ago: int | None
    # (email, archetype) of each member
    members: tuple[tuple[str, str], ...]
    # leader role → a member's email, or a name for someone outside the system
    roles: Mapping[str, str] = field(default_factory=dict)
    # exploration share of each of the last quarters, oldest first, ending with the last complete quarter
    exploration: tuple[float, ...] = ()
    # team enablement means: risk taking, learning from mistakes, strategic alignment
    enablement: tuple[float, float, float] = (3.4, 3.4, 3.4)


def _person(name: str) -> str:
    return f"{name}@northbay.example"


PARADOXICAL, PROTECT, ALIGNMENT, CLIMATE = LEADER_ROLES
STUDIO, NORTH, SOUTH, PLANNING = (
    "Service design studio",
    "Home care North",
    "Home care South",
    "Planning and permits",
)

TEAMS: tuple[TeamSpec, ...] = (
    TeamSpec(
        STUDIO,
        "Team Service Design",
        "Designs services with residents and staff; runs the municipality's user research.",
        autonomy=4,
        status=TransitionStatus.SELF_MANAGED,
        started_days_ago=700,
        alignment_days_ago=21,
        members=(
            (_person("thea.mathisen"), "crusader"),
            (_person("emil.kowalski"), "revolutionist"),
            (_person("aleksander.nguyen"), "revolutionist"),
            (_person("sofie.berntsen"), "crusader"),
            (_person("simen.amundsen"), "magistrate"),
            (_person("oda.brekke"), "bohemian"),
        ),
        roles={
            PARADOXICAL: _person("oda.brekke"),
            PROTECT: LEAD,
            ALIGNMENT: _person("oda.brekke"),
            CLIMATE: _person("aleksander.nguyen"),
        },
        exploration=(0.25, 0.30, 0.28, 0.32),
        enablement=(4.2, 4.1, 4.0),
    ),
    TeamSpec(
        NORTH,
        "Team North",
        "Home care in the northern districts. Asked to plan its own rota and visits from this year.",
        autonomy=2,
        status=TransitionStatus.IN_TRANSITION,
        started_days_ago=150,
        alignment_days_ago=40,
        members=(
            ("member@northbay.example", "magistrate"),
            (_person("kari.nordmann"), "magistrate"),
            (_person("lars.hansen"), "crusader"),
            (_person("amina.hassan"), "magistrate"),
            (_person("julie.tveit"), "bohemian"),
        ),
        roles={PROTECT: _person("lars.hansen")},
        exploration=(0.10, 0.08, 0.06, 0.05),
        enablement=(2.6, 2.4, 2.3),
    ),
    TeamSpec(
        SOUTH,
        "Team South",
        "Home care in the southern districts; self-managed since 2024, with its own rota and budget.",
        autonomy=4,
        status=TransitionStatus.SELF_MANAGED,
        started_days_ago=800,
        alignment_days_ago=45,
        members=(
            (_person("silje.pedersen"), "magistrate"),
            (_person("jonas.andersen"), "bohemian"),
            (_person("hanne.nilsen"), "magistrate"),
            (_person("petter.bakke"), "magistrate"),
            (_person("tone.eriksen"), "magistrate"),
        ),
        roles={
            PARADOXICAL: _person("hanne.nilsen"),
            ALIGNMENT: "owner@northbay.example",
            CLIMATE: _person("hanne.nilsen"),
        },
        exploration=(0.04, 0.0, 0.0, 0.0),
        enablement=(2.9, 3.2, 3.8),
    ),
    TeamSpec(
        PLANNING,
        "Planning and Building",
        "Building permits, zoning and the roads and water connections they need, in one team.",
        autonomy=3,
        status=TransitionStatus.SELF_MANAGED,
        started_days_ago=900,
        alignment_days_ago=430,
        members=(
            (_person("vegard.haugland"), "magistrate"),
            (_person("mona.fredriksen"), "crusader"),
            (_person("heidi.ruud"), "magistrate"),
            (_person("stian.iversen"), "bohemian"),
            (_person("marius.holm"), "magistrate"),
            (_person("ase.lund"), "magistrate"),
        ),
        roles={
            PARADOXICAL: _person("trond.sandvik"),
            PROTECT: _person("heidi.ruud"),
            CLIMATE: _person("mona.fredriksen"),
        },
        exploration=(0.12, 0.10, 0.10, 0.08),
        enablement=(3.3, 3.5, 2.2),
    ),
    TeamSpec(
        "Early help for families",
        "Child Welfare",
        "Child welfare, schools, health nurses and refugee services meet families early.",
        autonomy=2,
        status=TransitionStatus.NOT_STARTED,
        started_days_ago=None,
        alignment_days_ago=30,
        members=(
            (_person("hilde.aasen"), "crusader"),
            (_person("rune.odegard"), "magistrate"),
            (_person("linn.halvorsen"), "crusader"),
            (_person("synnove.ronning"), "bohemian"),
            (_person("mari.engen"), "magistrate"),
            (_person("khalid.ahmed"), "revolutionist"),
        ),
        roles={PARADOXICAL: _person("elin.gundersen"), ALIGNMENT: _person("elin.gundersen")},
        exploration=(0.10, 0.12, 0.15, 0.15),
        enablement=(3.6, 3.7, 3.5),
    ),
    TeamSpec(
        "Library and culture house",
        "Library",
        "One team for the library, the culture house and the youth club in the same building.",
        autonomy=2,
        status=TransitionStatus.IN_TRANSITION,
        started_days_ago=20,
        alignment_days_ago=20,
        members=(
            (_person("guro.hovland"), "crusader"),
            (_person("espen.knutsen"), "magistrate"),
            (_person("marianne.tangen"), "bohemian"),
        ),
        roles={PARADOXICAL: _person("jorgen.vik"), PROTECT: _person("espen.knutsen")},
        exploration=(0.05, 0.08),
        enablement=(3.5, 3.6, 3.2),
    ),
)


def seed(context: Any) -> None:
    organization: Organization = context.organizations["northbay"]
    people: dict[str, User] = context.people
    lead = people.get(LEAD)
    today = timezone.localtime(timezone.now(), organization_zone(organization)).date()
    teams = _teams(organization, people, lead, today)
    groups = _member_groups(organization, teams)
    existing = set(Campaign.objects.filter(organization=organization).values_list("title", flat=True))
    # (title, closed days ago, mix, team members answering with their teams)
    for title, days_ago, mix, members in (
        (EARLIER_TITLE, EARLIER_CLOSED_DAYS_AGO, EARLIER_MIX, ()),
        (LATEST_TITLE, LATEST_CLOSED_DAYS_AGO, ARCHETYPE_MIX, groups),
    ):
        if title not in existing:
            _archetype_campaign(organization, lead, title, days_ago, mix, members, random.Random(f"{SEED}-{title}"))
    for title, days_ago, means in CULTURE_POINTS:
        if title not in existing:
            _culture_campaign(organization, lead, title, days_ago, means, random.Random(f"{SEED}-{title}"))
    if ENABLEMENT_TITLE not in existing:
        _enablement_campaign(organization, lead, groups, random.Random(f"{SEED}-enablement"))
    campaign = open_archetype_campaign(organization, lead)
    context.links.append(("Find your innovator archetype (only you see the result)", archetype_survey_link(campaign)))


# --- Teams ----------------------------------------------------------------------------------


def last_quarters(today: datetime.date, count: int) -> list[str]:
    """The ``count`` complete quarters before ``today``'s, oldest first, as "YYYY-Qn"."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    periods: list[str] = []
    for _step in range(count):
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        periods.append(f"{year}-Q{quarter}")
    return list(reversed(periods))


def _teams(
    organization: Organization, people: Mapping[str, User], lead: User | None, today: datetime.date
) -> dict[str, Team]:
    units = {unit.name: unit for unit in organization.units.all()}
    existing = {team.name: team for team in Team.objects.filter(organization=organization)}
    teams: dict[str, Team] = {}
    for spec in TEAMS:
        team = existing.get(spec.name)
        if team is None:
            team = _new_team(organization, spec, units, people, lead, today)
        teams[spec.name] = team
    return teams


def _days_ago(today: datetime.date, days: int | None) -> datetime.date | None:
    return None if days is None else today - datetime.timedelta(days=days)


def _new_team(
    organization: Organization,
    spec: TeamSpec,
    units: Mapping[str, Unit],
    people: Mapping[str, User],
    lead: User | None,
    today: datetime.date,
) -> Team:
    team = people_services.create_team(
        organization=organization,
        name=spec.name,
        unit=units[spec.unit],
        description=spec.description,
        autonomy_level=spec.autonomy,
        transition_status=spec.status,
        transition_started_on=_days_ago(today, spec.started_days_ago),
        actor=lead,
    )
    for email, _archetype in spec.members:
        people_services.add_team_member(team=team, user=people[email], actor=lead)
    for role_key, holder in spec.roles.items():
        person = people.get(holder)
        people_services.assign_leader_role(
            team=team,
            role_key=role_key,
            holder=person,
            holder_name="" if person is not None else holder,
            actor=lead,
        )
    for period, share in zip(last_quarters(today, len(spec.exploration)), spec.exploration, strict=True):
        people_services.record_exploration_share(
            team=team, period=period, share=Decimal(str(share)), note="", actor=lead
        )
    held_on = _days_ago(today, spec.alignment_days_ago)
    if held_on is not None:
        people_services.record_alignment_session(team=team, held_on=held_on, actor=lead)
    team.refresh_from_db()
    return team


@dataclass(frozen=True)
class MemberGroups:
    """A team member's answer groups (as the respondent-groups rule records them) and archetype."""

    email: str
    unit: str
    unit_id: int | None
    teams: tuple[str, ...]
    archetype: str


def _member_groups(organization: Organization, teams: Mapping[str, Team]) -> list[MemberGroups]:
    """Each team member once, with their membership unit and the sorted ids of their teams."""
    archetypes: dict[str, str] = {}
    their_teams: dict[str, list[str]] = {}
    for spec in TEAMS:
        for email, archetype in spec.members:
            archetypes.setdefault(email, archetype)
            their_teams.setdefault(email, []).append(str(teams[spec.name].pk))
    memberships = {
        membership.user.email: membership
        for membership in Membership.objects.filter(
            organization=organization, user__email__in=list(archetypes), is_active=True
        ).select_related("user", "unit")
    }
    groups: list[MemberGroups] = []
    for email, archetype in archetypes.items():
        membership = memberships.get(email)
        if membership is None:
            continue
        unit = membership.unit
        groups.append(
            MemberGroups(
                email,
                unit.name if unit is not None else "",
                unit.pk if unit is not None else None,
                tuple(sorted(their_teams[email])),
                archetype,
            )
        )
    return groups


# --- Survey answers -------------------------------------------------------------------------

Row = tuple[int | None, dict[str, object], dict[str, int | None]]  # unit id, attributes, answers


def _closed_campaign(
    organization: Organization, lead: User | None, title: str, instrument: str, pack: str, closed_days_ago: int
) -> Campaign:
    """A whole-organisation campaign whose answering window lies in the past."""
    closes_at = timezone.now() - datetime.timedelta(days=closed_days_ago)
    return services.create_campaign(
        organization=organization,
        created_by=lead,
        title=title,
        instrument_key=instrument,
        pack_key=pack,
        opens_at=closes_at - datetime.timedelta(days=CAMPAIGN_DAYS),
        closes_at=closes_at,
    )


def _write_answers(campaign: Campaign, rows: Sequence[Row], rng: random.Random) -> None:
    """The rows as submitted web answers, spread over the campaign's window, then closed as of its end."""
    window = (campaign.closes_at - campaign.opens_at).total_seconds()
    responses: list[Response] = []
    for unit_id, attributes, _answers in rows:
        started = campaign.opens_at + datetime.timedelta(seconds=rng.uniform(0, window * 0.95))
        responses.append(
            Response(
                organization_id=campaign.organization_id,
                campaign=campaign,
                status=ResponseStatus.SUBMITTED,
                source=ResponseSource.WEB,
                started_at=started,
                submitted_at=started + datetime.timedelta(minutes=rng.randint(3, 15)),
                unit_id=unit_id,
                attributes=attributes,
            )
        )
    created = Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(
        [
            Answer(organization_id=campaign.organization_id, response=response, statement_key=key, value=value)
            for response, (_unit, _attributes, answers) in zip(created, rows, strict=True)
            for key, value in answers.items()
        ],
        batch_size=2000,
    )
    answers_changed(campaign.pk)
    services.close_campaign(campaign=campaign)
    Campaign.objects.filter(pk=campaign.pk).update(closed_at=campaign.closes_at)


def _answers_for(
    campaign: Campaign, means: Mapping[str, float], rng: random.Random, *, spread: float = 0.8
) -> dict[str, int | None]:
    """One respondent's answers around the dimension means, with a personal leaning and some "don't know"."""
    instrument = instrument_of(campaign)
    low, high = instrument.scale.min, instrument.scale.max
    leaning = rng.gauss(0, 0.35)
    answers: dict[str, int | None] = {}
    for statement in instrument.statements:
        if statement.dont_know_allowed and rng.random() < 0.03:
            answers[statement.key] = None
            continue
        value = min(high, max(low, round(rng.gauss(means.get(statement.dimension, TYPICAL_MEAN) + leaning, spread))))
        answers[statement.key] = low + high - value if statement.reverse else value
    return answers


def archetype_answers(campaign: Campaign, archetype: str, rng: random.Random) -> dict[str, int | None]:
    """Answers that place the respondent as ``archetype``: each axis mean on the archetype's side of 3.0."""
    instrument = instrument_of(campaign)
    low, high = instrument.scale.min, instrument.scale.max
    cut = (low + high) / 2
    wanted = dict(zip(AXES, POLES[archetype], strict=True))
    while True:
        centres = {axis: rng.uniform(3.6, 4.3) if wanted[axis] else rng.uniform(1.8, 2.5) for axis in AXES}
        answers = _answers_for(campaign, centres, rng, spread=0.7)
        if all((_axis_mean(instrument.statements, answers, axis, low + high) > cut) == wanted[axis] for axis in AXES):
            return answers


def _axis_mean(statements: Sequence[Any], answers: Mapping[str, int | None], axis: str, flip: int) -> float:
    """The axis mean with reverse-worded statements reversed; "don't know" answers left out."""
    values: list[int] = []
    for statement in statements:
        value = answers.get(statement.key)
        if statement.dimension == axis and value is not None:
            values.append(flip - value if statement.reverse else value)
    return sum(values) / len(values)


def _unit_ids(organization: Organization) -> dict[str, int]:
    return dict(organization.units.values_list("name", "pk"))


def _archetype_campaign(
    organization: Organization,
    lead: User | None,
    title: str,
    closed_days_ago: int,
    mix: Mapping[str, tuple[int, int, int, int]],
    members: Sequence[MemberGroups],
    rng: random.Random,
) -> None:
    campaign = _closed_campaign(organization, lead, title, ARCHETYPE_INSTRUMENT, ARCHETYPE_PACK, closed_days_ago)
    units = _unit_ids(organization)
    rows: list[Row] = []
    remaining = {unit: dict(zip(ARCHETYPES, counts, strict=True)) for unit, counts in mix.items()}
    with_teams = closed_days_ago < TEAMS_SINCE_DAYS
    for member in members:
        attributes: dict[str, object] = {TEAMS_ATTRIBUTE: list(member.teams)} if with_teams else {}
        rows.append((member.unit_id, attributes, archetype_answers(campaign, member.archetype, rng)))
        counts = remaining.get(member.unit)
        if counts is not None and counts[member.archetype] > 0:
            counts[member.archetype] -= 1
    # Colleagues in no team: once teams exist, their answers record an empty list of teams.
    no_team: dict[str, object] = {TEAMS_ATTRIBUTE: []} if with_teams else {}
    for unit, counts in remaining.items():
        for archetype, count in counts.items():
            rows.extend(
                (units[unit], dict(no_team), archetype_answers(campaign, archetype, rng)) for _n in range(count)
            )
    rng.shuffle(rows)
    _write_answers(campaign, rows, rng)


def _culture_campaign(
    organization: Organization,
    lead: User | None,
    title: str,
    closed_days_ago: int,
    means: Mapping[str, float],
    rng: random.Random,
) -> None:
    """About 60 % of the archetype respondents of each unit rate their unit's culture (by unit only)."""
    campaign = _closed_campaign(organization, lead, title, CULTURE_INSTRUMENT, ARCHETYPE_PACK, closed_days_ago)
    units = _unit_ids(organization)
    rows: list[Row] = []
    for unit, counts in ARCHETYPE_MIX.items():
        offsets = CULTURE_OFFSETS.get(unit, {})
        unit_means = {key: mean + offsets.get(key, 0.0) for key, mean in means.items()}
        for _n in range(max(1, round(sum(counts) * CULTURE_SHARE))):
            rows.append((units[unit], {}, _answers_for(campaign, unit_means, rng)))
    rng.shuffle(rows)
    _write_answers(campaign, rows, rng)


def _enablement_campaign(
    organization: Organization, lead: User | None, members: Sequence[MemberGroups], rng: random.Random
) -> None:
    """Each team member's view of how their team is enabled, recorded with their unit and teams."""
    campaign = _closed_campaign(
        organization, lead, ENABLEMENT_TITLE, ENABLEMENT_INSTRUMENT, ENABLEMENT_PACK, ENABLEMENT_CLOSED_DAYS_AGO
    )
    spec_of = {spec.name: spec for spec in TEAMS}
    team_names = dict(Team.objects.filter(organization=organization).values_list("pk", "name"))
    rows: list[Row] = []
    for member in members:
        spec = spec_of[team_names[int(member.teams[0])]]
        risk, learning, alignment = spec.enablement
        means = {"risk_taking": risk, "learning_from_mistakes": learning, "strategic_alignment": alignment}
        rows.append((member.unit_id, {TEAMS_ATTRIBUTE: list(member.teams)}, _answers_for(campaign, means, rng)))
    _write_answers(campaign, rows, rng)


# --- The open self-assessment ---------------------------------------------------------------


def demo_link_token() -> str:
    """The open self-assessment's shared link token: the same on every run with the same secret key."""
    digest = salted_hmac(DEMO_LINK_LABEL, "northbay", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def archetype_survey_link(campaign: Campaign) -> str:
    """The open self-assessment's address, after making its shared link the demo token's."""
    token = demo_link_token()
    if campaign.shared_link_token_hash != domain.hash_token(token):
        services.create_shared_link(campaign=campaign, token=token)
    return settings.SITE_URL + reverse("respond:start", kwargs={"token": token})


def open_archetype_campaign(organization: Organization, lead: User | None) -> Campaign:
    """The archetype self-assessment that takes answers now (a new one when there is none), with its link."""
    for campaign in Campaign.objects.filter(organization=organization, title=OPEN_TITLE):
        if campaign.availability() is Availability.OPEN:
            archetype_survey_link(campaign)
            return campaign
    now = timezone.now()
    campaign = services.create_campaign(
        organization=organization,
        created_by=lead,
        title=OPEN_TITLE,
        instrument_key=ARCHETYPE_INSTRUMENT,
        pack_key=ARCHETYPE_PACK,
        opens_at=now - datetime.timedelta(days=5),
        closes_at=now + datetime.timedelta(days=OPEN_DAYS),
    )
    services.open_campaign(campaign=campaign)
    archetype_survey_link(campaign)
    return campaign
