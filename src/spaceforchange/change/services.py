"""Every write to change programmes: the programme, its parts, its readiness and evidence.

People must be active members of the programme's organisation; initiatives, budget lines and
campaigns must belong to it (tenancy). Factor keys are the eight of ``terms.FACTORS``; evidence
item keys are the checklist items of the organisation's ``change_management`` pack. Readiness
entries are appended, never edited: a new score for a factor is a new entry, and the latest
one is current. Every refusal is a ``ValidationError`` naming the field, and writes nothing.
Every write queues a re-evaluation of the organisation's warnings.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from spaceforchange.alerts.tasks import alerts_may_have_changed
from spaceforchange.assessments.models import Campaign, CampaignStatus, Response, ResponseStatus
from spaceforchange.assessments.snapshots import current_results
from spaceforchange.budgeting.models import BudgetLine
from spaceforchange.change.models import (
    NAME_LENGTH,
    NOTE_LENGTH,
    TEXT_LENGTH,
    ChangeProgramme,
    EvidenceCheck,
    Milestone,
    ProgrammeStatus,
    ReadinessEntry,
    ReadinessSource,
    Subsystem,
    Supporter,
    SupporterKind,
)
from spaceforchange.change.terms import (
    FACTORS,
    READINESS_INSTRUMENT,
    READINESS_PACK,
    SCORE_MAX,
    SCORE_MIN,
    change_terms,
)
from spaceforchange.core.models import Organization, User
from spaceforchange.core.selectors import organization_zone
from spaceforchange.portfolio.models import Initiative
from spaceforchange.portfolio.services import check_length, is_member, today_in

Errors = dict[str, list[str]]
BUDGET_MAX = Decimal("99999999999999.99")
FTE_MAX = Decimal("999999.99")
ORDER_MAX = 32767
CENT = Decimal("0.01")
RELATIONS = ("initiatives", "budget_lines")
TEXTS = {
    "vision": TEXT_LENGTH,
    "causal_theory": TEXT_LENGTH,
    "institutionalisation_plan": TEXT_LENGTH,
    "resource_training": NOTE_LENGTH,
    "resource_time": NOTE_LENGTH,
}
EDITABLE = (
    "name",
    "owner",
    "sponsor",
    *TEXTS,
    "resource_budget",
    "resource_fte",
    "status",
    "initiatives",
    "budget_lines",
)
MILESTONE_EDITABLE = ("title", "due_on", "done_on", "institutionalisation", "order")


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _add(errors: Errors, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _text(value: object) -> str:
    return str(value or "").strip()


def _changed(organization: Organization) -> None:
    alerts_may_have_changed(organization.pk)


# --- Checks ------------------------------------------------------------------------------------


def _check_name(errors: Errors, organization: Organization, name: str, exclude_pk: int | None) -> None:
    if not name:
        _add(errors, "name", _("Give the programme a name."))
    elif len(name) > NAME_LENGTH:
        _add(
            errors,
            "name",
            _("At most %(limit)d characters; this has %(count)d.") % {"limit": NAME_LENGTH, "count": len(name)},
        )
    elif (
        ChangeProgramme.objects.filter(organization=organization, name__iexact=name)
        .exclude(pk=exclude_pk or 0)
        .exists()
    ):
        _add(errors, "name", _("A change programme with this name already exists."))


def _check_person(errors: Errors, organization: Organization, field: str, person: User | None) -> None:
    if person is not None and not is_member(organization, person):
        _add(errors, field, _("The person must be an active member of the organisation."))


def _decimal(errors: Errors, field: str, value: object, maximum: Decimal) -> Decimal | None:
    """A non-negative amount with two decimals, or None; an error for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or (isinstance(value, float) and not math.isfinite(value)):
        _add(errors, field, _("Give a number."))
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        _add(errors, field, _("Give a number."))
        return None
    if not amount.is_finite() or amount < 0 or amount > maximum:
        _add(errors, field, _("Give a number from 0 to %(limit)s.") % {"limit": maximum})
        return None
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _check_relations(errors: Errors, organization: Organization, fields: Mapping[str, Any]) -> None:
    initiatives: Iterable[Initiative] = fields.get("initiatives", ())
    if any(initiative.organization_id != organization.pk for initiative in initiatives):
        _add(errors, "initiatives", _("An initiative belongs to another organisation."))
    lines: Iterable[BudgetLine] = fields.get("budget_lines", ())
    if any(line.organization_id != organization.pk for line in lines):
        _add(errors, "budget_lines", _("A budget line belongs to another organisation."))


def _check_programme(organization: Organization, fields: dict[str, Any], *, exclude_pk: int | None = None) -> None:
    """Validate and normalise the programme's fields in place."""
    errors: Errors = {}
    _check_name(errors, organization, fields["name"], exclude_pk)
    _check_person(errors, organization, "owner", fields.get("owner"))
    _check_person(errors, organization, "sponsor", fields.get("sponsor"))
    for name, limit in TEXTS.items():
        check_length(errors, name, fields[name], limit)
    fields["resource_budget"] = _decimal(errors, "resource_budget", fields.get("resource_budget"), BUDGET_MAX)
    fields["resource_fte"] = _decimal(errors, "resource_fte", fields.get("resource_fte"), FTE_MAX)
    if fields["status"] not in ProgrammeStatus.values:
        _add(errors, "status", _("Choose a status."))
    _check_relations(errors, organization, fields)
    _raise(errors)


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    fields["name"] = _text(fields.get("name"))
    for name in TEXTS:
        fields[name] = _text(fields.get(name))
    return fields


def _same_organization(programme: ChangeProgramme, thing: Any, field: str, message: str) -> None:
    if thing is None or thing.organization_id != programme.organization_id:
        raise ValidationError({field: [message]})


# --- Programmes --------------------------------------------------------------------------------


def _default_owner(organization: Organization, actor: User | None) -> User | None:
    return actor if actor is not None and is_member(organization, actor) else None


@transaction.atomic
def create_programme(
    *,
    organization: Organization,
    name: str,
    owner: User | None = None,
    sponsor: User | None = None,
    vision: str = "",
    causal_theory: str = "",
    institutionalisation_plan: str = "",
    resource_budget: Decimal | float | int | str | None = None,
    resource_fte: Decimal | float | int | str | None = None,
    resource_training: str = "",
    resource_time: str = "",
    status: str = ProgrammeStatus.PLANNED,
    initiatives: Sequence[Initiative] = (),
    budget_lines: Sequence[BudgetLine] = (),
    actor: User | None = None,
) -> ChangeProgramme:
    """Start a change programme; the owner defaults to the person creating it."""
    fields = _clean(
        {
            "name": name,
            "owner": owner if owner is not None else _default_owner(organization, actor),
            "sponsor": sponsor,
            "vision": vision,
            "causal_theory": causal_theory,
            "institutionalisation_plan": institutionalisation_plan,
            "resource_budget": resource_budget,
            "resource_fte": resource_fte,
            "resource_training": resource_training,
            "resource_time": resource_time,
            "status": str(status),
            "initiatives": list(initiatives),
            "budget_lines": list(budget_lines),
        }
    )
    _check_programme(organization, fields)
    scalar = {key: value for key, value in fields.items() if key not in RELATIONS}
    programme = ChangeProgramme.objects.create(organization=organization, **scalar)
    programme.initiatives.set(fields["initiatives"])
    programme.budget_lines.set(fields["budget_lines"])
    _changed(organization)
    return programme


@transaction.atomic
def update_programme(*, programme: ChangeProgramme, actor: User | None = None, **changes: Any) -> ChangeProgramme:
    """Change a programme's description, people, resources, status and links; only the fields given change."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in sorted(unknown)})
    current: dict[str, Any] = {name: getattr(programme, name) for name in EDITABLE if name not in RELATIONS}
    current.update({name: list(getattr(programme, name).all()) for name in RELATIONS})
    given = {key: list(value) if key in RELATIONS else value for key, value in changes.items()}
    fields = _clean({**current, **given})
    organization = programme.organization
    _check_programme(organization, fields, exclude_pk=programme.pk)
    for name in EDITABLE:
        if name not in RELATIONS:
            setattr(programme, name, fields[name])
    programme.save()
    for name in RELATIONS:
        if name in changes:
            getattr(programme, name).set(fields[name])
    _changed(organization)
    return programme


@transaction.atomic
def archive_programme(
    *, programme: ChangeProgramme, archived: bool = True, actor: User | None = None
) -> ChangeProgramme:
    """Archive a programme (it leaves the lists, the warnings and the readiness gate), or restore it."""
    programme.archived = bool(archived)
    programme.save(update_fields=["archived", "updated_at"])
    _changed(programme.organization)
    return programme


@transaction.atomic
def link_initiative(*, programme: ChangeProgramme, initiative: Initiative, actor: User | None = None) -> None:
    """The programme carries the initiative: its readiness then counts for the initiative's gates."""
    _same_organization(programme, initiative, "initiative", _("The initiative belongs to another organisation."))
    programme.initiatives.add(initiative)
    _changed(programme.organization)


@transaction.atomic
def unlink_initiative(*, programme: ChangeProgramme, initiative: Initiative, actor: User | None = None) -> None:
    _same_organization(programme, initiative, "initiative", _("The initiative belongs to another organisation."))
    programme.initiatives.remove(initiative)
    _changed(programme.organization)


@transaction.atomic
def link_budget_line(*, programme: ChangeProgramme, line: BudgetLine, actor: User | None = None) -> None:
    """The budget line funds the programme (the ``unfunded_change`` warning counts the linked lines)."""
    _same_organization(programme, line, "budget_line", _("The budget line belongs to another organisation."))
    programme.budget_lines.add(line)
    _changed(programme.organization)


@transaction.atomic
def unlink_budget_line(*, programme: ChangeProgramme, line: BudgetLine, actor: User | None = None) -> None:
    _same_organization(programme, line, "budget_line", _("The budget line belongs to another organisation."))
    programme.budget_lines.remove(line)
    _changed(programme.organization)


# --- Milestones --------------------------------------------------------------------------------


def _check_milestone(organization: Organization, fields: dict[str, Any]) -> None:
    errors: Errors = {}
    fields["title"] = _text(fields.get("title"))
    if not fields["title"]:
        _add(errors, "title", _("Give the milestone a title."))
    check_length(errors, "title", fields["title"], NAME_LENGTH)
    due_on, done_on = fields.get("due_on"), fields.get("done_on")
    if not isinstance(due_on, datetime.date):
        _add(errors, "due_on", _("Give the date the milestone is due."))
    if done_on is not None and not isinstance(done_on, datetime.date):
        _add(errors, "done_on", _("Give a date."))
    elif isinstance(done_on, datetime.date) and done_on > today_in(organization):
        _add(errors, "done_on", _("The date lies in the future."))
    order = fields.get("order")
    if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= ORDER_MAX:
        _add(errors, "order", _("A whole number from 0 to %(limit)d.") % {"limit": ORDER_MAX})
    fields["institutionalisation"] = bool(fields.get("institutionalisation"))
    _raise(errors)


@transaction.atomic
def add_milestone(
    *,
    programme: ChangeProgramme,
    title: str,
    due_on: datetime.date,
    done_on: datetime.date | None = None,
    institutionalisation: bool = False,
    order: int | None = None,
    actor: User | None = None,
) -> Milestone:
    """Add a step to the plan (at the end unless ``order`` is given); ``institutionalisation`` marks a
    step that embeds the change in routines."""
    if order is None:
        last = programme.milestones.order_by("-order").values_list("order", flat=True).first()
        order = 0 if last is None else min(last + 1, ORDER_MAX)
    fields: dict[str, Any] = {
        "title": title,
        "due_on": due_on,
        "done_on": done_on,
        "institutionalisation": institutionalisation,
        "order": order,
    }
    _check_milestone(programme.organization, fields)
    milestone = Milestone.objects.create(organization=programme.organization, programme=programme, **fields)
    _changed(programme.organization)
    return milestone


@transaction.atomic
def update_milestone(*, milestone: Milestone, actor: User | None = None, **changes: Any) -> Milestone:
    """Change a milestone (mark it done with ``done_on``); only the fields given change."""
    unknown = set(changes) - set(MILESTONE_EDITABLE)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in sorted(unknown)})
    fields = {name: getattr(milestone, name) for name in MILESTONE_EDITABLE} | changes
    _check_milestone(milestone.organization, fields)
    for name in MILESTONE_EDITABLE:
        setattr(milestone, name, fields[name])
    milestone.save()
    _changed(milestone.organization)
    return milestone


@transaction.atomic
def remove_milestone(*, milestone: Milestone, actor: User | None = None) -> None:
    organization = milestone.organization
    milestone.delete()
    _changed(organization)


# --- Subsystems and supporters -----------------------------------------------------------------


@transaction.atomic
def add_subsystem(
    *, programme: ChangeProgramme, name: str, aligned: bool = False, note: str = "", actor: User | None = None
) -> Subsystem:
    """Record a subsystem the change must align (structure, processes, technology, culture …)."""
    name, note = _text(name), _text(note)
    errors: Errors = {}
    if not name:
        _add(errors, "name", _("Name the subsystem."))
    check_length(errors, "name", name, NAME_LENGTH)
    check_length(errors, "note", note, NOTE_LENGTH)
    if name and programme.subsystems.filter(name__iexact=name).exists():
        _add(errors, "name", _("The programme already has this subsystem."))
    _raise(errors)
    subsystem = Subsystem.objects.create(
        organization=programme.organization, programme=programme, name=name, aligned=bool(aligned), note=note
    )
    _changed(programme.organization)
    return subsystem


@transaction.atomic
def update_subsystem(
    *, subsystem: Subsystem, aligned: bool, note: str | None = None, actor: User | None = None
) -> Subsystem:
    """Mark a subsystem aligned with the change or not (and change its note)."""
    errors: Errors = {}
    text = subsystem.note if note is None else _text(note)
    check_length(errors, "note", text, NOTE_LENGTH)
    _raise(errors)
    subsystem.aligned, subsystem.note = bool(aligned), text
    subsystem.save(update_fields=["aligned", "note"])
    _changed(subsystem.organization)
    return subsystem


@transaction.atomic
def remove_subsystem(*, subsystem: Subsystem, actor: User | None = None) -> None:
    organization = subsystem.organization
    subsystem.delete()
    _changed(organization)


@transaction.atomic
def add_supporter(
    *,
    programme: ChangeProgramme,
    name: str = "",
    kind: str,
    user: User | None = None,
    note: str = "",
    actor: User | None = None,
) -> Supporter:
    """Record a supporter: in top management, a political overseer or an outside stakeholder.

    A member may be linked with ``user`` (the name then defaults to theirs); anyone else is named.
    """
    name, note = _text(name), _text(note)
    errors: Errors = {}
    _check_person(errors, programme.organization, "user", user)
    if not name and user is not None:
        name = str(user)[:NAME_LENGTH]
    if not name:
        _add(errors, "name", _("Name the supporter."))
    check_length(errors, "name", name, NAME_LENGTH)
    check_length(errors, "note", note, NOTE_LENGTH)
    if kind not in SupporterKind.values:
        _add(errors, "kind", _("Choose the kind of support."))
    _raise(errors)
    supporter = Supporter.objects.create(
        organization=programme.organization, programme=programme, name=name, kind=kind, user=user, note=note
    )
    _changed(programme.organization)
    return supporter


@transaction.atomic
def remove_supporter(*, supporter: Supporter, actor: User | None = None) -> None:
    organization = supporter.organization
    supporter.delete()
    _changed(organization)


# --- Readiness ---------------------------------------------------------------------------------


def _score(errors: Errors, value: object) -> Decimal | None:
    if isinstance(value, bool) or value is None or (isinstance(value, float) and not math.isfinite(value)):
        _add(errors, "score", _("Give a score from %(min)d to %(max)d.") % {"min": SCORE_MIN, "max": SCORE_MAX})
        return None
    try:
        score = Decimal(str(value))
    except (InvalidOperation, ValueError):
        score = Decimal("NaN")
    if not score.is_finite() or not SCORE_MIN <= score <= SCORE_MAX:
        _add(errors, "score", _("Give a score from %(min)d to %(max)d.") % {"min": SCORE_MIN, "max": SCORE_MAX})
        return None
    return score.quantize(CENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def record_readiness(
    *,
    programme: ChangeProgramme,
    factor_key: str,
    score: Decimal | float | int | str,
    assessed_on: datetime.date | None = None,
    note: str = "",
    actor: User | None = None,
) -> ReadinessEntry:
    """Record a workshop's score (1–5) for one factor; it becomes the factor's current score."""
    organization = programme.organization
    errors: Errors = {}
    if factor_key not in FACTORS:
        _add(errors, "factor_key", _("Choose one of the eight factors."))
    value = _score(errors, score)
    day = assessed_on or today_in(organization)
    if not isinstance(day, datetime.date):
        _add(errors, "assessed_on", _("Give a date."))
    elif day > today_in(organization):
        _add(errors, "assessed_on", _("The date lies in the future."))
    text = _text(note)
    check_length(errors, "note", text, NOTE_LENGTH)
    if value is None:
        raise ValidationError(errors)
    _raise(errors)
    entry = ReadinessEntry.objects.create(
        organization=organization,
        programme=programme,
        factor_key=factor_key,
        score=value,
        source=ReadinessSource.WORKSHOP,
        assessed_on=day,
        note=text,
        recorded_by=actor,
    )
    _changed(organization)
    return entry


def _check_campaign(programme: ChangeProgramme, campaign: Campaign) -> int:
    """The number of submitted responses, when the campaign may feed the programme's readiness."""
    if campaign is None or campaign.organization_id != programme.organization_id:
        raise ValidationError({"campaign": [_("The campaign belongs to another organisation.")]})
    if campaign.instrument_key != READINESS_INSTRUMENT or campaign.pack_version.pack.key != READINESS_PACK:
        raise ValidationError({"campaign": [_("Choose a campaign of the change readiness survey.")]})
    if campaign.status == CampaignStatus.DRAFT:
        raise ValidationError({"campaign": [_("The campaign has not opened yet.")]})
    respondents = Response.objects.filter(
        organization_id=campaign.organization_id, campaign=campaign, status=ResponseStatus.SUBMITTED
    ).count()
    if respondents < campaign.anonymity_threshold:
        raise ValidationError(
            {
                "campaign": [
                    _(
                        "The campaign has %(count)d submitted answers; its scores are shown from %(threshold)d "
                        "answers on, to protect the respondents' anonymity."
                    )
                    % {"count": respondents, "threshold": campaign.anonymity_threshold}
                ]
            }
        )
    return respondents


def _factor_means(campaign: Campaign) -> dict[str, float]:
    data: dict[str, Any] = current_results(campaign).data
    groups = data.get("groups") or [{}]
    whole = groups[0]
    if whole.get("suppressed"):
        return {}
    dimensions = whole.get("dimensions", {})
    return {
        key: float(entry["mean"])
        for key, entry in dimensions.items()
        if key in FACTORS and isinstance(entry, dict) and entry.get("mean") is not None
    }


@transaction.atomic
def record_readiness_from_campaign(
    *, programme: ChangeProgramme, campaign: Campaign, actor: User | None = None
) -> list[ReadinessEntry]:
    """Record the per-factor means of a readiness survey's submitted answers as the current scores.

    The campaign must be of the ``change_readiness`` instrument, of the programme's organisation,
    and have at least its anonymity threshold of submitted answers. A closed campaign counts from
    its closing day, an open one from today. Factors nobody scored are left as they were.
    """
    _check_campaign(programme, campaign)
    means = _factor_means(campaign)
    if not means:
        raise ValidationError({"campaign": [_("The campaign has no scores to read yet.")]})
    organization = programme.organization
    day = (
        timezone.localtime(campaign.closed_at, organization_zone(organization)).date()
        if campaign.status == CampaignStatus.CLOSED and campaign.closed_at is not None
        else today_in(organization)
    )
    day = min(day, today_in(organization))
    low, high = Decimal(SCORE_MIN), Decimal(SCORE_MAX)
    entries = [
        ReadinessEntry(
            organization=organization,
            programme=programme,
            factor_key=factor,
            score=min(max(Decimal(str(means[factor])).quantize(CENT, rounding=ROUND_HALF_UP), low), high),
            source=ReadinessSource.CAMPAIGN,
            campaign=campaign,
            assessed_on=day,
            note=campaign.title[:NOTE_LENGTH],
            recorded_by=actor,
        )
        for factor in FACTORS
        if factor in means
    ]
    # Saved one by one so that the audit log records each entry.
    for entry in entries:
        entry.save()
    _changed(organization)
    return entries


@transaction.atomic
def check_evidence(
    *, programme: ChangeProgramme, item_key: str, done: bool, note: str = "", actor: User | None = None
) -> EvidenceCheck:
    """Tick (or untick) an item of a factor's evidence checklist; checking it again updates it."""
    organization = programme.organization
    errors: Errors = {}
    item = change_terms(organization, get_language() or "en").evidence.get(str(item_key))
    text = _text(note)
    check_length(errors, "note", text, NOTE_LENGTH)
    if item is None:
        _add(errors, "item_key", _("Choose an item of the evidence checklist."))
        raise ValidationError(errors)
    _raise(errors)
    check, _created = EvidenceCheck.objects.update_or_create(
        programme=programme,
        item_key=item.key,
        defaults={
            "organization": organization,
            "factor_key": item.factor,
            "done": bool(done),
            "note": text,
            "checked_by": actor,
            "checked_at": timezone.now(),
        },
    )
    _changed(organization)
    return check
