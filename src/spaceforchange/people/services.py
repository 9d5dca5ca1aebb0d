"""Every write to teams: the team record, its members, leader roles, exploration shares and alignment sessions.

Units and people must belong to the team's organisation (people as active members); a period is
a quarter written "YYYY-Qn" (years 2000–2100); a share is a fraction from 0 to 1. Every refusal
is a ``ValidationError`` naming the field, and changes nothing. Every write asks the alerts app
to re-evaluate the organisation's warnings once it commits.
"""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from spaceforchange.alerts.tasks import alerts_may_have_changed
from spaceforchange.core.models import Organization, Unit, User
from spaceforchange.people.models import (
    DESCRIPTION_MAX,
    NAME_MAX,
    NOTE_MAX,
    ExplorationShare,
    LeaderRole,
    Team,
    TeamMember,
    TransitionStatus,
)
from spaceforchange.people.terms import AUTONOMY_MAX, AUTONOMY_MIN, LEADER_ROLES
from spaceforchange.portfolio.services import check_length, is_member, today_in

Errors = dict[str, list[str]]
PERIOD = re.compile(r"^(\d{4})-Q([1-4])$")
YEAR_MIN, YEAR_MAX = 2000, 2100
SHARE_PLACES = Decimal("0.001")


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _check_team_fields(
    errors: Errors,
    organization: Organization,
    *,
    name: str,
    unit: Unit | None,
    description: str,
    autonomy_level: Any,
    transition_status: str,
    transition_started_on: Any,
    exclude_team: int | None = None,
) -> None:
    if not name:
        _add(errors, "name", _("Give the team a name."))
    check_length(errors, "name", name, NAME_MAX)
    if name and len(name) <= NAME_MAX:
        taken = Team.objects.filter(organization=organization, name__iexact=name)
        if exclude_team is not None:
            taken = taken.exclude(pk=exclude_team)
        if taken.exists():
            _add(errors, "name", _("The organisation already has a team called “%(name)s”.") % {"name": name})
    if unit is not None and (not isinstance(unit, Unit) or unit.organization_id != organization.pk):
        _add(errors, "unit", _("The unit belongs to another organisation."))
    check_length(errors, "description", description, DESCRIPTION_MAX)
    if (
        isinstance(autonomy_level, bool)
        or not isinstance(autonomy_level, int)
        or not AUTONOMY_MIN <= autonomy_level <= AUTONOMY_MAX
    ):
        _add(
            errors,
            "autonomy_level",
            _("The autonomy level is a whole number from %(low)d to %(high)d.")
            % {"low": AUTONOMY_MIN, "high": AUTONOMY_MAX},
        )
    if transition_status not in TransitionStatus.values:
        _add(
            errors,
            "transition_status",
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(TransitionStatus.values)},
        )
    if transition_started_on is not None and not _is_date(transition_started_on):
        _add(errors, "transition_started_on", _("Give the date the transition started."))
    elif transition_started_on is not None and transition_started_on > today_in(organization):
        _add(errors, "transition_started_on", _("The transition cannot start in the future."))


def _is_date(value: Any) -> bool:
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)


def _transition_start(
    organization: Organization, status: str, started_on: datetime.date | None, previous: Team | None
) -> datetime.date | None:
    """A team in transition always has a start: the one given, the one it had, or today."""
    if status != TransitionStatus.IN_TRANSITION:
        return started_on
    if started_on is not None:
        return started_on
    if previous is not None and previous.transition_status == TransitionStatus.IN_TRANSITION:
        return previous.transition_started_on or today_in(organization)
    return today_in(organization)


@transaction.atomic
def create_team(
    *,
    organization: Organization,
    name: str,
    unit: Unit | None = None,
    description: str = "",
    autonomy_level: int = AUTONOMY_MIN,
    transition_status: str = TransitionStatus.NOT_STARTED,
    transition_started_on: datetime.date | None = None,
    actor: User | None,
) -> Team:
    name, description = _text(name), _text(description)
    errors: Errors = {}
    _check_team_fields(
        errors,
        organization,
        name=name,
        unit=unit,
        description=description,
        autonomy_level=autonomy_level,
        transition_status=transition_status,
        transition_started_on=transition_started_on,
    )
    _raise(errors)
    try:
        with transaction.atomic():
            team = Team.objects.create(
                organization=organization,
                name=name,
                unit=unit,
                description=description,
                autonomy_level=autonomy_level,
                transition_status=transition_status,
                transition_started_on=_transition_start(organization, transition_status, transition_started_on, None),
            )
    except IntegrityError as error:
        raise ValidationError(
            {"name": [_("The organisation already has a team called “%(name)s”.") % {"name": name}]}
        ) from error
    alerts_may_have_changed(organization.pk)
    return team


@transaction.atomic
def update_team(
    *,
    team: Team,
    name: str,
    unit: Unit | None,
    description: str,
    autonomy_level: int,
    transition_status: str,
    transition_started_on: datetime.date | None = None,
    actor: User | None,
) -> Team:
    """Change the team's record; a team moving into transition without a start date starts today."""
    organization = team.organization
    name, description = _text(name), _text(description)
    errors: Errors = {}
    _check_team_fields(
        errors,
        organization,
        name=name,
        unit=unit,
        description=description,
        autonomy_level=autonomy_level,
        transition_status=transition_status,
        transition_started_on=transition_started_on,
        exclude_team=team.pk,
    )
    _raise(errors)
    started = _transition_start(organization, transition_status, transition_started_on, team)
    team.name, team.unit, team.description = name, unit, description
    team.autonomy_level, team.transition_status, team.transition_started_on = autonomy_level, transition_status, started
    try:
        with transaction.atomic():
            team.save()
    except IntegrityError as error:
        raise ValidationError(
            {"name": [_("The organisation already has a team called “%(name)s”.") % {"name": name}]}
        ) from error
    alerts_may_have_changed(organization.pk)
    return team


@transaction.atomic
def archive_team(*, team: Team, archived: bool = True, actor: User | None) -> Team:
    """Archive the team (it leaves the overview and the warnings), or bring it back."""
    if team.archived != archived:
        team.archived = archived
        team.save(update_fields=["archived", "updated_at"])
        alerts_may_have_changed(team.organization_id)
    return team


def _check_person(errors: Errors, organization: Organization, field: str, person: Any) -> None:
    if not isinstance(person, User) or not is_member(organization, person):
        _add(errors, field, _("The person must be an active member of the organisation."))


@transaction.atomic
def add_team_member(*, team: Team, user: User, actor: User | None) -> TeamMember:
    errors: Errors = {}
    if team.archived:
        _add(errors, "team", _("The team is archived; restore it before adding members."))
    _check_person(errors, team.organization, "user", user)
    if not errors and TeamMember.objects.filter(team=team, user=user).exists():
        _add(errors, "user", _("%(person)s is already a member of the team.") % {"person": user})
    _raise(errors)
    member = TeamMember.objects.create(organization_id=team.organization_id, team=team, user=user)
    alerts_may_have_changed(team.organization_id)
    return member


@transaction.atomic
def remove_team_member(*, team: Team, user: User, actor: User | None) -> None:
    member = TeamMember.objects.filter(team=team, user=user).first() if isinstance(user, User) else None
    if member is None:
        raise ValidationError({"user": [_("The person is not a member of the team.")]})
    member.delete()
    alerts_may_have_changed(team.organization_id)


def parse_period(value: Any) -> str:
    """The quarter ``value`` names, as "YYYY-Qn"; ``ValidationError`` otherwise."""
    text = _text(value).upper()
    match = PERIOD.match(text)
    if match is None or not YEAR_MIN <= int(match.group(1)) <= YEAR_MAX:
        raise ValidationError(
            {
                "period": [
                    _("Give the period as a quarter, YYYY-Qn (years %(low)d–%(high)d), for example 2026-Q3.")
                    % {"low": YEAR_MIN, "high": YEAR_MAX}
                ]
            }
        )
    return text


def parse_share(value: Any) -> Decimal:
    """``value`` as a share from 0 to 1 with three decimals; ``ValidationError`` otherwise."""
    message = _("The share of time on exploration is a number from 0 to 1 (for example 0.15 for 15 %).")
    if isinstance(value, bool) or value is None:
        raise ValidationError({"share": [message]})
    try:
        share = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({"share": [message]}) from error
    if not share.is_finite() or not Decimal(0) <= share <= Decimal(1):
        raise ValidationError({"share": [message]})
    return share.quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


@transaction.atomic
def record_exploration_share(
    *, team: Team, period: str, share: Any, note: str = "", actor: User | None
) -> ExplorationShare:
    """Record the team's share of time on exploration for a quarter; recording a quarter again updates it."""
    errors: Errors = {}
    note = _text(note)
    for check in (lambda: parse_period(period), lambda: parse_share(share)):
        try:
            check()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    check_length(errors, "note", note, NOTE_MAX)
    if team.archived:
        _add(errors, "team", _("The team is archived; restore it before recording for it."))
    _raise(errors)
    entry, _created = ExplorationShare.objects.update_or_create(
        team=team,
        period=parse_period(period),
        defaults={
            "organization_id": team.organization_id,
            "share": parse_share(share),
            "note": note,
            "recorded_by": actor,
        },
    )
    alerts_may_have_changed(team.organization_id)
    return entry


@transaction.atomic
def record_alignment_session(*, team: Team, held_on: datetime.date, actor: User | None) -> Team:
    """Record a strategic alignment session; the team keeps the date of its latest session."""
    errors: Errors = {}
    if not _is_date(held_on):
        _add(errors, "held_on", _("Give the date the session was held."))
    elif held_on > today_in(team.organization):
        _add(errors, "held_on", _("A session cannot be recorded before it is held."))
    elif held_on.year < YEAR_MIN:
        _add(errors, "held_on", _("Give a date from the year %(year)d on.") % {"year": YEAR_MIN})
    if team.archived:
        _add(errors, "team", _("The team is archived; restore it before recording for it."))
    _raise(errors)
    if team.last_alignment_on is None or held_on > team.last_alignment_on:
        team.last_alignment_on = held_on
        team.save(update_fields=["last_alignment_on", "updated_at"])
        alerts_may_have_changed(team.organization_id)
    return team


@transaction.atomic
def assign_leader_role(
    *, team: Team, role_key: str, holder: User | None = None, holder_name: str = "", actor: User | None
) -> LeaderRole:
    """Say who performs a leader role for the team: a member, a named person outside the system, or
    nobody (both empty: the role is no longer covered)."""
    errors: Errors = {}
    holder_name = _text(holder_name)
    if role_key not in LEADER_ROLES:
        _add(errors, "role_key", _("Choose one of the leader roles: %(roles)s.") % {"roles": ", ".join(LEADER_ROLES)})
    if holder is not None:
        _check_person(errors, team.organization, "holder", holder)
    check_length(errors, "holder_name", holder_name, NAME_MAX)
    if team.archived:
        _add(errors, "team", _("The team is archived; restore it before changing its roles."))
    _raise(errors)
    role, _created = LeaderRole.objects.update_or_create(
        team=team,
        role_key=role_key,
        defaults={"organization_id": team.organization_id, "holder": holder, "holder_name": holder_name},
    )
    alerts_may_have_changed(team.organization_id)
    return role
