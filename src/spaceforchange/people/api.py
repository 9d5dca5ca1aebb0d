"""REST endpoints of teams and the people aggregates under ``/api/v1/organizations/{org_slug}/``.

Teams (list with filters, add, read, change, archive and restore), their members, leader roles,
exploration shares and alignment sessions; the archetype mix of a self-assessment for the
organisation and per unit or team; a team's composition against the organisation's mix; the
culture pulse over time; and the downloads of these aggregates.

Privacy: every archetype figure is a group's, and a group below the campaign's anonymity
threshold shows why it is hidden and no respondents, counts or shares. No endpoint returns one
person's archetype, whatever the caller's role. The order of checks is the other APIs': the
organisation and every id in the path and the body (404 for another organisation's), the role
(403), then the values (422, every invalid field at once), and nothing changes on a refusal.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from spaceforchange.api.fields import active_member, api_fields, caller
from spaceforchange.api.pagination import LimitOffsetPagination
from spaceforchange.api.tenancy import deny_unless, one_of, organization_from
from spaceforchange.api.tenancy import permitted_organization as permitted
from spaceforchange.core.models import Organization, Unit, User
from spaceforchange.people import api_selectors, export, selectors, services
from spaceforchange.people.models import Team, TransitionStatus
from spaceforchange.people.selectors import BY_TEAM, BY_UNIT
from spaceforchange.people.terms import LEADER_ROLES

router = Router(tags=["people"])

ORG = "/organizations/{org_slug}"
TEAMS = ORG + "/teams"
TEAM = TEAMS + "/{int:team_id}"
PEOPLE = ORG + "/people"
VIEW, MANAGE, RECORD = "people.view_people", "people.manage_teams", "people.record_team"
STATUSES = ", ".join(f"`{value}`" for value in TransitionStatus.values)
ROLES = ", ".join(f"`{key}`" for key in LEADER_ROLES)
FILE_RESPONSE = {
    "responses": {
        "200": {
            "description": "The file, as an attachment named after the organisation and the day.",
            "content": {content_type: {} for content_type in export.CONTENT_TYPES.values()},
        }
    }
}
INCLUDE_ARCHIVED = Query(False, description="Also list archived teams.")
FORMAT = Query("csv", max_length=20, description="The file's format: `csv` (UTF-8) or `xlsx`; any other is a 400.")

TEAM_ID = Path(..., description="The team's id, as listed by `GET .../teams`. Another organisation's answers 404.")
USER_ID = Path(..., description="The person's user id. A person who is not in the team answers 422.")
ROLE_KEY = Path(..., max_length=63, description=f"The leader role: one of {ROLES}.")
PERIOD = Path(..., max_length=20, description="The quarter, `YYYY-Qn` (for example `2026-Q3`).")
API_FIELDS = {"unit": "unit_id", "user": "user_id", "holder": "holder_id"}


def team_of(request: HttpRequest, org_slug: str, team_id: int, permission: str = VIEW) -> Team:
    """The organisation's team (404 otherwise), once the caller holds ``permission`` (403 otherwise);
    ``people.record_team`` is checked on the team itself, the others on the organisation."""
    organization = organization_from(request, org_slug)
    team = one_of(organization, Team, team_id, _("team"))
    team.organization = organization
    deny_unless(request, permission, team if permission == RECORD else organization)
    return team


def file_format(value: str) -> str:
    problem = export.format_error(value)
    if problem is not None:
        raise HttpError(400, problem)
    return value


# --- Schemas ----------------------------------------------------------------------------------


class TeamWarningOut(Schema):
    """A warning of FRAMEWORKS.md §9 or §12 that fires for the team, with the data behind it."""

    rule_key: str = Field(description="The rule's key in the warnings pack, such as `routine_lock_in`.")
    name: str = Field(description="The rule's name in the organisation's warnings pack.")
    facts: dict[str, Any] = Field(description="The data that made it fire, and the thresholds it was held against.")


class TeamOut(Schema):
    """A team: its unit, autonomy, transition, latest exploration share, alignment and leader roles covered."""

    id: int = Field(description="The team's id.")
    name: str = Field(description="The name, unique in the organisation (ignoring case).")
    unit_id: int | None = Field(description="The id of its unit; null when it has none.")
    unit_name: str | None = Field(description="The unit's name; null when it has none.")
    description: str = Field(description="What the team does; may be empty.")
    autonomy_level: int = Field(description="Its autonomy, 1 (manager-led) to 5; self-managed from 3.")
    transition_status: str = Field(description=f"Where it is on the way to self-management: {STATUSES}.")
    transition_started_on: date | None = Field(description="When its transition started; null when never.")
    self_managed: bool = Field(description="Whether it counts as self-managed (autonomy 3 or more, or that status).")
    last_alignment_on: date | None = Field(description="The day of its last strategic alignment session, or null.")
    exploration_share: float | None = Field(description="The latest recorded share of time on exploration, 0–1.")
    exploration_period: str | None = Field(description="The quarter of that share (`YYYY-Qn`), or null.")
    member_count: int = Field(description="How many people are in the team.")
    roles_covered: int = Field(description="How many of the four leader roles someone holds.")
    roles_total: int = Field(description="How many leader roles there are (4).")
    warnings: list[TeamWarningOut] = Field(description="The team warnings that fire (§12); empty when none.")
    archived: bool = Field(description="Whether the team is archived (no longer in the overview or the warnings).")
    created_at: datetime = Field(description="When the team was added.")
    updated_at: datetime = Field(description="When it was last changed.")


class TeamMemberOut(Schema):
    """A person in a team."""

    user_id: int = Field(description="The person's user id.")
    name: str = Field(description="The person's name (or email when they gave none).")
    added_at: datetime = Field(description="When they were added to the team.")


class LeaderRoleOut(Schema):
    """One of the four leader roles of self-managed teams, and who performs it for the team."""

    role_key: str = Field(description=f"The role: one of {ROLES}.")
    name: str = Field(description="The role's name.")
    covered: bool = Field(description="Whether someone performs it (a member or a named person).")
    holder_id: int | None = Field(description="The user id of the member who performs it; null for none.")
    holder_name: str = Field(description="The name of a person outside the system who performs it; may be empty.")
    held_by: str = Field(description="Who performs it, as the pages show it; empty when nobody.")


class ExplorationShareOut(Schema):
    """The team's share of working time on exploration in one quarter."""

    period: str = Field(description="The quarter, `YYYY-Qn`.")
    share: float = Field(description="The share of working time on exploration, 0–1.")
    note: str = Field(description="A note on the figure; may be empty.")
    recorded_at: datetime = Field(description="When it was last recorded.")


class TeamDetailOut(TeamOut):
    """A team with its members, its leader roles and its exploration history."""

    members: list[TeamMemberOut] = Field(description="The people in the team, by name.")
    leader_roles: list[LeaderRoleOut] = Field(description="The four leader roles in the pack's order.")
    exploration_shares: list[ExplorationShareOut] = Field(description="Every recorded quarter, latest first.")


class TeamFilter(Schema):
    """Which teams to list."""

    q: str = Field("", max_length=200, description="Only teams whose name or description contains this text.")
    unit_id: int | None = Field(None, description="Only the teams of this unit.")
    transition_status: str = Field("", max_length=20, description=f"Only teams with this status: {STATUSES}.")
    self_managed: bool | None = Field(None, description="Only self-managed teams (true) or the others (false).")
    with_warnings: bool | None = Field(None, description="Only teams with (true) or without (false) warnings.")
    include_archived: bool = Field(False, description="Also list archived teams.")


class TeamIn(Schema):
    """A team to add; `name` is needed."""

    name: str = Field("", max_length=400, description="The name (up to 200 characters), unique in the organisation.")
    unit_id: int | None = Field(None, description="The id of its unit, or null.")
    description: str = Field("", max_length=4000, description="What the team does (up to 2000 characters).")
    autonomy_level: int = Field(1, description="Its autonomy, a whole number 1–5; default 1.")
    transition_status: str = Field(
        TransitionStatus.NOT_STARTED, max_length=20, description=f"One of {STATUSES}; default `not_started`."
    )
    transition_started_on: date | None = Field(
        None, description="When the transition started (YYYY-MM-DD); a team in transition without one starts today."
    )


class TeamChanges(Schema):
    """Changes to a team: only the fields sent change."""

    name: str | None = Field(None, max_length=400, description="The name (up to 200 characters).")
    unit_id: int | None = Field(None, description="The id of its unit; null for none.")
    description: str | None = Field(None, max_length=4000, description="What the team does (up to 2000 characters).")
    autonomy_level: int | None = Field(None, description="Its autonomy, a whole number 1–5.")
    transition_status: str | None = Field(None, max_length=20, description=f"One of {STATUSES}.")
    transition_started_on: date | None = Field(None, description="When the transition started (YYYY-MM-DD).")


class TeamMemberIn(Schema):
    """The person to add to the team; `user_id` is needed."""

    user_id: int | None = Field(None, description="The user id of an active member of the organisation.")


class LeaderRoleIn(Schema):
    """Who performs the role: a member (`holder_id`), a person outside the system (`holder_name`), or nobody."""

    holder_id: int | None = Field(None, description="The user id of an active member; null for none.")
    holder_name: str = Field("", max_length=400, description="A name (up to 200 characters) when not a member.")


class ExplorationShareIn(Schema):
    """The team's share of working time on exploration in the quarter; `share` is needed."""

    share: Decimal | None = Field(None, description="A number from 0 to 1 (0.15 for 15 %), three decimals at most.")
    note: str = Field("", max_length=4000, description="A note on the figure (up to 2000 characters).")


class AlignmentSessionIn(Schema):
    """A strategic alignment session the team held; `held_on` is needed."""

    held_on: date | None = Field(None, description="The day it was held (YYYY-MM-DD), not in the future.")


class ArchetypeTermOut(Schema):
    """An archetype (or a culture dimension) of the pack, by key and name."""

    key: str = Field(description="Its key in the pack, such as `crusader`.")
    name: str = Field(description="Its name in the current language.")


class ArchetypeCampaignOut(Schema):
    """A survey campaign whose answers the people aggregates read."""

    id: int = Field(description="The campaign's id.")
    title: str = Field(description="The campaign's title.")
    status: str = Field(description="`open` or `closed`.")
    opens_at: datetime = Field(description="When it opened.")
    closes_at: datetime = Field(description="When it closes or closed.")
    anonymity_threshold: int = Field(description="The fewest answers a group needs before its figures are shown.")


class ArchetypeMixOut(Schema):
    """A group's archetype mix; a hidden group has no respondents, counts or shares, only why it is hidden."""

    suppressed: bool = Field(description="Whether the group is hidden.")
    reason: str | None = Field(
        description="Why it is hidden: `below_threshold`, `complementary` (so that a smaller group cannot be worked "
        "out) or `no_answers`; null when shown."
    )
    note: str = Field(description="Why it is hidden, in words, such as “Fewer than 5 answers”; empty when shown.")
    respondents: int | None = Field(description="How many respondents could be placed; null when hidden.")
    counts: dict[str, int] | None = Field(description="Respondents per archetype key; null when hidden.")
    shares: dict[str, float] | None = Field(description="Each archetype's share, 0–1; null when hidden.")


class ArchetypeGroupOut(Schema):
    """A unit or team in the archetype mix."""

    key: str = Field(description="The unit's or team's id as text; `none` for respondents without a unit.")
    label: str = Field(description="The unit's or team's name.")
    mix: ArchetypeMixOut = Field(description="Its mix, or why it is hidden.")
    difference: dict[str, float] = Field(
        description="Each archetype's share minus the organisation's, in percentage points; empty when hidden."
    )


class ArchetypeMixReportOut(Schema):
    """The archetype mix of one self-assessment for the organisation, and per unit or team."""

    campaign: ArchetypeCampaignOut | None = Field(description="The campaign read; null when none has opened.")
    by: str | None = Field(description="`unit`, `team`, or null for the organisation only.")
    threshold: int | None = Field(description="The campaign's anonymity threshold; null without a campaign.")
    archetypes: list[ArchetypeTermOut] = Field(description="The archetypes in the pack's order.")
    total: ArchetypeMixOut | None = Field(description="The organisation's mix; null without a campaign.")
    groups: list[ArchetypeGroupOut] = Field(description="The units or teams, by name; empty without `by`.")


class ArchetypeMixQuery(Schema):
    """Which self-assessment to read, and how to group it."""

    campaign_id: int | None = Field(None, description="The campaign's id; default the newest self-assessment.")
    by: str | None = Field(None, pattern="^(unit|team)$", description="`unit` or `team`; omit for the total only.")


class TeamCompositionOut(Schema):
    """A team's archetype mix against the organisation's, with the warnings of FRAMEWORKS.md §9 for it."""

    team_id: int = Field(description="The team's id.")
    campaign: ArchetypeCampaignOut | None = Field(description="The campaign read; null when none has opened.")
    threshold: int | None = Field(description="The campaign's anonymity threshold; null without a campaign.")
    archetypes: list[ArchetypeTermOut] = Field(description="The archetypes in the pack's order.")
    team: ArchetypeMixOut | None = Field(description="The team's mix, or why it is hidden; null without a campaign.")
    organization: ArchetypeMixOut | None = Field(description="The organisation's mix; null without a campaign.")
    gaps: dict[str, float] = Field(
        description="Each archetype's share in the team minus the organisation's, in percentage points; empty when "
        "either is hidden."
    )
    warnings: list[TeamWarningOut] = Field(description="The §9 warnings for the team's mix; empty when hidden.")


class CompositionQuery(Schema):
    """Which self-assessment to read."""

    campaign_id: int | None = Field(None, description="The campaign's id; default the newest self-assessment.")


class CultureChangeOut(Schema):
    """A dimension's change from the previous campaign."""

    previous: float | None = Field(description="The mean in the previous campaign; null when hidden or missing.")
    current: float | None = Field(description="The mean in this campaign; null when hidden or missing.")
    change: float | None = Field(description="Current minus previous; null when either is missing.")
    beyond_interval: bool | None = Field(
        description="Whether the change exceeds the uncertainty of the means; null when it cannot be told."
    )


class CulturePointOut(Schema):
    """The culture pulse in one campaign; a hidden one shows no respondents or means."""

    campaign_id: int = Field(description="The campaign's id.")
    campaign_title: str = Field(description="The campaign's title.")
    closed_on: date = Field(description="The day the answers stand for: when the campaign closed, or closes.")
    threshold: int = Field(description="The campaign's anonymity threshold.")
    suppressed: bool = Field(description="Whether the figures are hidden (too few answers).")
    note: str = Field(description="Why they are hidden, in words; empty when shown.")
    respondents: int | None = Field(description="How many answered; null when hidden.")
    means: dict[str, float | None] = Field(description="Each dimension's mean on the scale; null when hidden.")
    changes: dict[str, CultureChangeOut | None] = Field(
        description="Each dimension's change from the previous campaign; null for the first or a hidden one."
    )


class CultureTrendOut(Schema):
    """The culture pulse over the campaigns, for the organisation or one unit."""

    unit_id: int | None = Field(description="The unit read; null for the whole organisation.")
    dimensions: list[ArchetypeTermOut] = Field(description="The pulse's dimensions (its principles).")
    points: list[CulturePointOut] = Field(description="One point per campaign, oldest first.")


class EnablementOut(Schema):
    """A team's answers to the latest team-enablement survey beside everyone's; hidden below the threshold."""

    campaign_id: int | None = Field(description="The survey read; null when none has been run.")
    campaign_title: str = Field(description="The survey's title; empty when none has been run.")
    threshold: int | None = Field(description="The survey's anonymity threshold; null when none has been run.")
    dimensions: list[ArchetypeTermOut] = Field(description="The instrument's elements, in pack order.")
    team_suppressed: bool = Field(description="Whether the team's means are hidden (fewer answers than the threshold).")
    team_respondents: int | None = Field(description="How many of the team's members answered; null when hidden.")
    team_means: dict[str, float | None] = Field(description="Each element's mean for the team; null when hidden.")
    organization_means: dict[str, float | None] = Field(description="Each element's mean for everyone who answered.")


class CultureQuery(Schema):
    """Whose culture pulse to read."""

    unit_id: int | None = Field(None, description="A unit's id; omit for the whole organisation.")


# --- Teams ------------------------------------------------------------------------------------


def _filtered(rows: list[selectors.TeamRow], filters: TeamFilter) -> list[selectors.TeamRow]:
    text = filters.q.strip().casefold()
    if text:
        rows = [row for row in rows if text in row.team.name.casefold() or text in row.team.description.casefold()]
    if filters.unit_id is not None:
        rows = [row for row in rows if row.team.unit_id == filters.unit_id]
    if filters.transition_status:
        rows = [row for row in rows if row.transition_status == filters.transition_status]
    if filters.self_managed is not None:
        rows = [row for row in rows if row.self_managed == filters.self_managed]
    if filters.with_warnings is not None:
        rows = [row for row in rows if bool(row.warnings) == filters.with_warnings]
    return rows


@router.get(
    TEAMS,
    response=list[TeamOut],
    summary="List teams",
    description="The organisation's teams by name, with their figures and warnings, one page at a time. Any member.",
)
@paginate(LimitOffsetPagination)
def list_teams(request: HttpRequest, org_slug: str, filters: Query[TeamFilter]) -> list[dict[str, Any]]:
    organization = permitted(request, org_slug, VIEW)
    if filters.unit_id is not None:
        one_of(organization, Unit, filters.unit_id, _("unit"))
    if filters.transition_status and filters.transition_status not in TransitionStatus.values:
        raise ValidationError({"transition_status": [_("Choose one of: %(choices)s.") % {"choices": STATUSES}]})
    rows = selectors.teams_overview(organization, include_archived=filters.include_archived)
    return api_selectors.team_rows(organization, _filtered(rows, filters))


@router.get(
    TEAMS + "/export",
    summary="Export the teams overview",
    description="Every active team with its unit, members, autonomy, transition, latest exploration share, last "
    "alignment, leader roles covered and warnings, as CSV or XLSX. Any member.",
    openapi_extra=FILE_RESPONSE,
)
def export_teams(
    request: HttpRequest, org_slug: str, format: str = FORMAT, include_archived: bool = INCLUDE_ARCHIVED
) -> HttpResponse:
    organization = permitted(request, org_slug, VIEW)
    return export.teams_download(organization, file_format(format), include_archived=include_archived)


def _detail(team: Team) -> dict[str, Any]:
    return api_selectors.team_detail_as_dict(selectors.team_detail(selectors.team(team.organization, team.pk)))


@router.post(
    TEAMS,
    response={201: TeamDetailOut},
    summary="Add a team",
    description="Innovation leads and administrators (403 otherwise). A unit of another organisation answers 404; "
    "422 lists every invalid value and nothing is saved.",
)
@api_fields(API_FIELDS)
def create_team(request: HttpRequest, org_slug: str, payload: TeamIn) -> Status[dict[str, Any]]:
    organization = permitted(request, org_slug, MANAGE)
    unit = one_of(organization, Unit, payload.unit_id, _("unit")) if payload.unit_id is not None else None
    team = services.create_team(
        organization=organization,
        name=payload.name,
        unit=unit,
        description=payload.description,
        autonomy_level=payload.autonomy_level,
        transition_status=payload.transition_status,
        transition_started_on=payload.transition_started_on,
        actor=caller(request),
    )
    return Status(201, _detail(team))


@router.get(
    TEAM,
    response=TeamDetailOut,
    summary="Read a team",
    description="The team with its figures, warnings, members, leader roles and exploration history. Any member.",
)
def read_team(request: HttpRequest, org_slug: str, team_id: int = TEAM_ID) -> dict[str, Any]:
    return _detail(team_of(request, org_slug, team_id))


@router.patch(
    TEAM,
    response=TeamDetailOut,
    summary="Change a team",
    description="Innovation leads and administrators (403 otherwise). Only the fields sent change. A unit of "
    "another organisation answers 404; 422 lists every invalid value and nothing changes.",
)
@api_fields(API_FIELDS)
def update_team(request: HttpRequest, org_slug: str, payload: TeamChanges, team_id: int = TEAM_ID) -> dict[str, Any]:
    team = team_of(request, org_slug, team_id, MANAGE)
    sent = payload.model_dump(exclude_unset=True)
    unit = team.unit
    if "unit_id" in sent:
        unit = one_of(team.organization, Unit, sent["unit_id"], _("unit")) if sent["unit_id"] is not None else None
    values: dict[str, Any] = {
        "name": team.name,
        "description": team.description,
        "autonomy_level": team.autonomy_level,
        "transition_status": team.transition_status,
        "transition_started_on": team.transition_started_on,
    }
    values |= {key: value for key, value in sent.items() if key in values}
    for key in ("name", "description", "autonomy_level", "transition_status"):
        if values[key] is None:
            raise ValidationError({key: [_("Leave the field out to keep it; it cannot be null.")]})
    services.update_team(team=team, unit=unit, actor=caller(request), **values)
    return _detail(team)


def _archive(request: HttpRequest, org_slug: str, team_id: int, *, archived: bool) -> dict[str, Any]:
    team = team_of(request, org_slug, team_id, MANAGE)
    services.archive_team(team=team, archived=archived, actor=caller(request))
    return _detail(team)


@router.post(
    TEAM + "/archive",
    response=TeamDetailOut,
    summary="Archive a team",
    description="Innovation leads and administrators (403 otherwise). The team leaves the overview and the "
    "warnings; its record stays. Archiving an archived team changes nothing.",
)
def archive_team(request: HttpRequest, org_slug: str, team_id: int = TEAM_ID) -> dict[str, Any]:
    return _archive(request, org_slug, team_id, archived=True)


@router.post(
    TEAM + "/restore",
    response=TeamDetailOut,
    summary="Restore a team",
    description="Innovation leads and administrators (403 otherwise). Brings an archived team back.",
)
def restore_team(request: HttpRequest, org_slug: str, team_id: int = TEAM_ID) -> dict[str, Any]:
    return _archive(request, org_slug, team_id, archived=False)


# --- Members and leader roles -----------------------------------------------------------------


@router.post(
    TEAM + "/members",
    response={201: TeamDetailOut},
    summary="Add a person to a team",
    description="Innovation leads and administrators (403 otherwise). The person must be an active member of the "
    "organisation and not yet in the team (422 otherwise).",
)
@api_fields(API_FIELDS)
def add_team_member(
    request: HttpRequest, org_slug: str, payload: TeamMemberIn, team_id: int = TEAM_ID
) -> Status[dict[str, Any]]:
    team = team_of(request, org_slug, team_id, MANAGE)
    if payload.user_id is None:
        raise ValidationError({"user_id": [_("Name the person to add.")]})
    person = active_member(team.organization, payload.user_id, "user_id")
    assert person is not None
    services.add_team_member(team=team, user=person, actor=caller(request))
    return Status(201, _detail(team))


@router.delete(
    TEAM + "/members/{user_id}",
    response={204: None},
    summary="Remove a person from a team",
    description="Innovation leads and administrators (403 otherwise). A person not in the team answers 422.",
)
@api_fields(API_FIELDS)
def remove_team_member(
    request: HttpRequest, org_slug: str, team_id: int = TEAM_ID, user_id: int = USER_ID
) -> Status[None]:
    team = team_of(request, org_slug, team_id, MANAGE)
    person = User.objects.filter(pk=user_id, team_memberships__team=team).first()
    if person is None:
        raise ValidationError({"user_id": [_("The person is not a member of the team.")]})
    services.remove_team_member(team=team, user=person, actor=caller(request))
    return Status(204, None)


@router.put(
    TEAM + "/leader-roles/{role_key}",
    response=LeaderRoleOut,
    summary="Set who performs a leader role",
    description="Innovation leads and administrators (403 otherwise). A member (`holder_id`), a person outside the "
    "system (`holder_name`), or nobody (both empty: the role is no longer covered). 422 for an unknown role or a "
    "holder who is not an active member.",
)
@api_fields(API_FIELDS)
def set_leader_role(
    request: HttpRequest, org_slug: str, payload: LeaderRoleIn, team_id: int = TEAM_ID, role_key: str = ROLE_KEY
) -> dict[str, Any]:
    team = team_of(request, org_slug, team_id, MANAGE)
    holder = active_member(team.organization, payload.holder_id, "holder_id")
    services.assign_leader_role(
        team=team, role_key=role_key, holder=holder, holder_name=payload.holder_name, actor=caller(request)
    )
    roles = api_selectors.team_detail_as_dict(selectors.team_detail(team))["leader_roles"]
    return next(role for role in roles if role["role_key"] == role_key)  # type: ignore[no-any-return]


# --- Exploration shares and alignment sessions ------------------------------------------------


@router.get(
    TEAM + "/exploration-shares",
    response=list[ExplorationShareOut],
    summary="List a team's exploration shares",
    description="The team's share of working time on exploration per quarter, latest first, one page at a time. "
    "Any member.",
)
@paginate(LimitOffsetPagination)
def list_exploration_shares(request: HttpRequest, org_slug: str, team_id: int = TEAM_ID) -> list[dict[str, Any]]:
    team = team_of(request, org_slug, team_id)
    return [api_selectors.exploration_as_dict(entry) for entry in team.exploration_shares.order_by("-period")]


@router.put(
    TEAM + "/exploration-shares/{period}",
    response=ExplorationShareOut,
    summary="Record a team's exploration share",
    description="Innovation leads, administrators and the team's own members (403 otherwise). Recording a quarter "
    "again replaces its figure. 422 for a malformed quarter, a share outside 0–1 or a note too long.",
)
def record_exploration_share(
    request: HttpRequest, org_slug: str, payload: ExplorationShareIn, team_id: int = TEAM_ID, period: str = PERIOD
) -> dict[str, Any]:
    team = team_of(request, org_slug, team_id, RECORD)
    if payload.share is None:
        raise ValidationError({"share": [_("Give the share of time on exploration, from 0 to 1.")]})
    entry = services.record_exploration_share(
        team=team, period=period, share=payload.share, note=payload.note, actor=caller(request)
    )
    return api_selectors.exploration_as_dict(entry)


@router.post(
    TEAM + "/alignment-sessions",
    response=TeamDetailOut,
    summary="Record a strategic alignment session",
    description="Innovation leads, administrators and the team's own members (403 otherwise). The team keeps the "
    "day of its latest session. 422 for a missing or future day.",
)
def record_alignment_session(
    request: HttpRequest, org_slug: str, payload: AlignmentSessionIn, team_id: int = TEAM_ID
) -> dict[str, Any]:
    team = team_of(request, org_slug, team_id, RECORD)
    if payload.held_on is None:
        raise ValidationError({"held_on": [_("Give the date the session was held.")]})
    services.record_alignment_session(team=team, held_on=payload.held_on, actor=caller(request))
    return _detail(team)


# --- Composition, archetype mix and culture ---------------------------------------------------


@router.get(
    TEAM + "/composition",
    response=TeamCompositionOut,
    summary="Read a team's composition",
    description="The team's archetype mix in a self-assessment against the organisation's, with the §9 warnings "
    "for the team's mix. A team with fewer answers than the campaign's anonymity threshold is hidden: no counts. "
    "Any member; never one person's archetype.",
)
def team_composition(
    request: HttpRequest, org_slug: str, query: Query[CompositionQuery], team_id: int = TEAM_ID
) -> dict[str, Any]:
    team = team_of(request, org_slug, team_id)
    campaign = api_selectors.archetype_campaign_of(team.organization, query.campaign_id)
    return api_selectors.composition_as_dict(selectors.team_composition(team, campaign))


@router.get(
    TEAM + "/enablement",
    response=EnablementOut,
    summary="Read a team's enablement",
    description="How the team's members answered the latest team-enablement survey (the newest closed one, else the "
    "newest opened) beside everyone who answered. Fewer team answers than the survey's anonymity threshold hide the "
    "team's means. Any member.",
)
def team_enablement(request: HttpRequest, org_slug: str, team_id: int = TEAM_ID) -> dict[str, Any]:
    team = team_of(request, org_slug, team_id)
    return api_selectors.enablement_as_dict(selectors.team_enablement(team))


@router.get(
    PEOPLE + "/archetype-campaigns",
    response=list[ArchetypeCampaignOut],
    summary="List archetype self-assessments",
    description="The organisation's archetype self-assessments that have opened, newest first, one page at a time. "
    "Any member.",
)
@paginate(LimitOffsetPagination)
def list_archetype_campaigns(request: HttpRequest, org_slug: str) -> list[dict[str, Any]]:
    organization = permitted(request, org_slug, VIEW)
    return [api_selectors.campaign_as_dict(campaign) for campaign in selectors.archetype_campaigns(organization)]


@router.get(
    PEOPLE + "/archetype-mix",
    response=ArchetypeMixReportOut,
    summary="Read the archetype mix",
    description="The organisation's archetype mix in a self-assessment, and per unit (`by=unit`) or per team "
    "(`by=team`). A group with fewer answers than the campaign's anonymity threshold is hidden and shows no counts; "
    "units are also hidden when a small unit could be worked out from the others. Any member; never one person's "
    "archetype. 404 for another organisation's campaign, 422 for a campaign of another instrument.",
)
def archetype_mix(request: HttpRequest, org_slug: str, query: Query[ArchetypeMixQuery]) -> dict[str, Any]:
    organization = permitted(request, org_slug, VIEW)
    campaign = api_selectors.archetype_campaign_of(organization, query.campaign_id)
    by = query.by if query.by in (BY_UNIT, BY_TEAM) else None
    report = selectors.archetype_mix(campaign, by=by) if campaign is not None else None
    return api_selectors.mix_report_as_dict(report)


@router.get(
    PEOPLE + "/archetype-mix/export",
    summary="Export the archetype mix",
    description="A self-assessment's archetype mix for the organisation, per unit and per team, as CSV or XLSX. "
    "Hidden groups are rows marked `suppressed` with no counts. Any member. 404 when no self-assessment has opened.",
    openapi_extra=FILE_RESPONSE,
)
def export_archetype_mix(
    request: HttpRequest, org_slug: str, query: Query[CompositionQuery], format: str = FORMAT
) -> HttpResponse:
    organization = permitted(request, org_slug, VIEW)
    chosen = file_format(format)
    campaign = api_selectors.archetype_campaign_of(organization, query.campaign_id)
    if campaign is None:
        raise HttpError(404, _("No archetype self-assessment has opened yet."))
    return export.archetype_download(organization, campaign, chosen)


def _unit(organization: Organization, unit_id: int | None) -> Unit | None:
    return one_of(organization, Unit, unit_id, _("unit")) if unit_id is not None else None


@router.get(
    PEOPLE + "/culture-trend",
    response=CultureTrendOut,
    summary="Read the culture trend",
    description="The culture pulse's dimensions per campaign, oldest first, with the change between consecutive "
    "campaigns, for the organisation or one unit. A campaign with too few answers shows no means. Any member.",
)
def culture_trend(request: HttpRequest, org_slug: str, query: Query[CultureQuery]) -> dict[str, Any]:
    organization = permitted(request, org_slug, VIEW)
    return api_selectors.trend_as_dict(selectors.culture_trend(organization, _unit(organization, query.unit_id)))


@router.get(
    PEOPLE + "/culture-trend/export",
    summary="Export the culture trend",
    description="The culture trend as CSV or XLSX: one row per campaign and dimension; hidden campaigns have no "
    "means. Any member.",
    openapi_extra=FILE_RESPONSE,
)
def export_culture_trend(
    request: HttpRequest, org_slug: str, query: Query[CultureQuery], format: str = FORMAT
) -> HttpResponse:
    organization = permitted(request, org_slug, VIEW)
    chosen = file_format(format)
    return export.culture_download(organization, _unit(organization, query.unit_id), chosen)
