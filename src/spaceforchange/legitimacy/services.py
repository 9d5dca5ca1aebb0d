"""Every write to stakeholders and legitimacy judgments.

Legitimation actions are written by ``legitimation_services``, the gray-zone register by
``gray_zone_services``. Pack keys are checked against the organisation's effective packs
(``terms``); stakeholders, initiatives, policies and people must belong to the organisation.
Every refusal is a ``ValidationError`` naming the field, and changes nothing.

Judgments are appended, never edited: ``record_judgment`` inserts a row, moves the cell's
``is_current`` flag to it and recounts the subject's ``SubjectStanding`` (see both models). The
only later change is a condition marked at risk.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spaceforchange.alerts.tasks import alerts_may_have_changed
from spaceforchange.core.models import Organization, User
from spaceforchange.legitimacy.models import (
    SCALE_MAX,
    SCALE_MIN,
    Judgment,
    JudgmentCondition,
    Stakeholder,
    StakeholderCategory,
    StakeholderKind,
    SubjectStanding,
    UnknownCause,
)
from spaceforchange.legitimacy.terms import CAUSE_OF_UNKNOWN, CONDITIONS, MITIGATING_FACTORS, Terms, pack_terms
from spaceforchange.policies.models import Policy
from spaceforchange.policies.tasks import tension_may_have_changed
from spaceforchange.portfolio.models import Initiative
from spaceforchange.portfolio.services import Errors, check_length, is_member

NAME_MAX, TEXT_MAX, CONDITION_MAX, MAX_CONDITIONS = 200, 4000, 2000, 20
Subject = Initiative | Policy


def add_error(errors: Errors, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def finish(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def check_key(errors: Errors, terms: Terms, attribute: str, name: str, value: str, *, required: bool = True) -> None:
    if not value:
        if required:
            add_error(errors, name, _("Choose a value."))
        return
    if value not in terms.keys(attribute):
        add_error(errors, name, _("“%(value)s” is not in the organisation's framework.") % {"value": value})


def check_text(errors: Errors, name: str, value: str, limit: int, *, required: bool = False) -> None:
    if required and not value.strip():
        add_error(errors, name, _("This field is required."))
    check_length(errors, name, value, limit)


def check_person(errors: Errors, organization: Organization, name: str, person: User | None) -> None:
    if person is not None and not is_member(organization, person):
        add_error(errors, name, _("The person must be a member of the organisation."))


def check_subject(
    errors: Errors, organization: Organization, initiative: Initiative | None, policy: Policy | None
) -> Subject | None:
    """The one subject (an initiative or a policy) of the organisation; records an error otherwise."""
    if (initiative is None) == (policy is None):
        add_error(errors, "subject", _("Name either an initiative or a policy."))
        return None
    subject: Subject = initiative if initiative is not None else policy  # type: ignore[assignment]
    if subject.organization_id != organization.pk:
        field = "initiative" if initiative is not None else "policy"
        add_error(errors, field, _("It belongs to another organisation."))
        return None
    return subject


def subject_fields(subject: Subject) -> dict[str, Any]:
    """The two subject foreign keys for a row about ``subject``."""
    if isinstance(subject, Initiative):
        return {"initiative": subject, "policy": None}
    return {"initiative": None, "policy": subject}


# --- Stakeholders -------------------------------------------------------------------------------


def _check_scale(errors: Errors, name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not SCALE_MIN <= value <= SCALE_MAX:
        add_error(errors, name, _("A whole number from %(low)d to %(high)d.") % {"low": SCALE_MIN, "high": SCALE_MAX})


def _check_stakeholder(organization: Organization, fields: dict[str, Any], *, exclude_pk: int | None = None) -> None:
    errors: Errors = {}
    name = fields["name"]
    check_text(errors, "name", name, NAME_MAX, required=True)
    if (
        name
        and Stakeholder.objects.filter(organization=organization, name__iexact=name)
        .exclude(pk=exclude_pk or 0)
        .exists()
    ):
        add_error(errors, "name", _("A stakeholder with this name already exists."))
    if fields["category"] not in StakeholderCategory.values:
        add_error(errors, "category", _("Choose a category from the list."))
    if fields["kind"] not in StakeholderKind.values:
        add_error(errors, "kind", _("Choose a person or an organisation."))
    _check_scale(errors, "influence", fields["influence"])
    _check_scale(errors, "interest", fields["interest"])
    check_text(errors, "notes", fields["notes"], TEXT_MAX)
    check_person(errors, organization, "contact_owner", fields["contact_owner"])
    if any(item.organization_id != organization.pk for item in fields["initiatives"]):
        add_error(errors, "initiatives", _("An initiative belongs to another organisation."))
    if any(item.organization_id != organization.pk for item in fields["policies"]):
        add_error(errors, "policies", _("A policy belongs to another organisation."))
    finish(errors)


@transaction.atomic
def create_stakeholder(
    *,
    organization: Organization,
    name: str,
    category: str,
    influence: int,
    interest: int,
    kind: str = StakeholderKind.ORGANIZATION,
    internal: bool = False,
    controls_resources: bool = False,
    contact_owner: User | None = None,
    notes: str = "",
    initiatives: Sequence[Initiative] = (),
    policies: Sequence[Policy] = (),
    actor: User | None = None,
) -> Stakeholder:
    """Add a person or organisation whose judgment matters, linked to the subjects they judge."""
    fields: dict[str, Any] = {
        "name": name.strip(),
        "category": category,
        "kind": kind,
        "internal": bool(internal),
        "influence": influence,
        "interest": interest,
        "controls_resources": bool(controls_resources),
        "contact_owner": contact_owner,
        "notes": notes.strip(),
        "initiatives": list(initiatives),
        "policies": list(policies),
    }
    _check_stakeholder(organization, fields)
    links = {key: fields.pop(key) for key in ("initiatives", "policies")}
    stakeholder = Stakeholder.objects.create(organization=organization, **fields)
    stakeholder.initiatives.set(links["initiatives"])
    stakeholder.policies.set(links["policies"])
    alerts_may_have_changed(organization.pk)
    return stakeholder


UPDATABLE = (
    "name",
    "category",
    "kind",
    "internal",
    "influence",
    "interest",
    "controls_resources",
    "contact_owner",
    "notes",
    "initiatives",
    "policies",
)


@transaction.atomic
def update_stakeholder(*, stakeholder: Stakeholder, actor: User | None = None, **changes: Any) -> Stakeholder:
    """Change any of ``UPDATABLE``; fields not given keep their values."""
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in sorted(unknown)})
    fields: dict[str, Any] = {name: getattr(stakeholder, name) for name in UPDATABLE[:9]}
    fields["initiatives"] = list(stakeholder.initiatives.all())
    fields["policies"] = list(stakeholder.policies.all())
    fields.update(changes)
    fields["name"], fields["notes"] = str(fields["name"]).strip(), str(fields["notes"]).strip()
    fields["initiatives"], fields["policies"] = list(fields["initiatives"]), list(fields["policies"])
    _check_stakeholder(stakeholder.organization, fields, exclude_pk=stakeholder.pk)
    for name in UPDATABLE[:9]:
        setattr(stakeholder, name, fields[name])
    stakeholder.save()
    if "initiatives" in changes:
        stakeholder.initiatives.set(fields["initiatives"])
    if "policies" in changes:
        stakeholder.policies.set(fields["policies"])
    if "influence" in changes:  # the tension index weighs every policy's judgments by influence
        tension_may_have_changed(stakeholder.organization_id)
    alerts_may_have_changed(stakeholder.organization_id)
    return stakeholder


@transaction.atomic
def archive_stakeholder(*, stakeholder: Stakeholder, active: bool = False, actor: User | None = None) -> Stakeholder:
    """Archive (or, with ``active=True``, restore) a stakeholder; their judgments stay in the history."""
    stakeholder.active = active
    stakeholder.save(update_fields=["active", "updated_at"])
    tension_may_have_changed(stakeholder.organization_id)  # archived stakeholders no longer count
    alerts_may_have_changed(stakeholder.organization_id)
    return stakeholder


@transaction.atomic
def link_stakeholder(
    *,
    stakeholder: Stakeholder,
    initiative: Initiative | None = None,
    policy: Policy | None = None,
    actor: User | None = None,
) -> Stakeholder:
    """Link the stakeholder to one more initiative or policy (a row on its heat map)."""
    errors: Errors = {}
    subject = check_subject(errors, stakeholder.organization, initiative, policy)
    finish(errors)
    if isinstance(subject, Initiative):
        stakeholder.initiatives.add(subject)
    elif isinstance(subject, Policy):
        stakeholder.policies.add(subject)
    return stakeholder


# --- Judgments ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConditionInput:
    """A condition of conditional legitimacy, with the date it is to be reviewed."""

    text: str
    review_on: datetime.date | None


def _check_conditions(errors: Errors, conditions: Sequence[ConditionInput], needed: bool) -> None:
    if not needed:
        if conditions:
            add_error(errors, "conditions", _("Conditions belong to conditional legitimacy only."))
        return
    if not conditions:
        add_error(errors, "conditions", _("Name at least one condition, with its review date."))
    if len(conditions) > MAX_CONDITIONS:
        add_error(errors, "conditions", _("At most %(count)d conditions.") % {"count": MAX_CONDITIONS})
    for number, condition in enumerate(conditions, start=1):
        if not condition.text.strip():
            add_error(errors, "conditions", _("Condition %(number)d has no text.") % {"number": number})
        elif len(condition.text) > CONDITION_MAX:
            add_error(
                errors,
                "conditions",
                _("Condition %(number)d is longer than %(limit)d characters.")
                % {"number": number, "limit": CONDITION_MAX},
            )
        if condition.review_on is None:
            add_error(errors, "conditions", _("Condition %(number)d has no review date.") % {"number": number})


def _check_elements(
    errors: Errors, needs: frozenset[str], conditions: Sequence[ConditionInput], mitigating: str, cause: str
) -> None:
    """What the state needs (its pack links) is required; what belongs to another state is refused."""
    _check_conditions(errors, conditions, CONDITIONS in needs)
    if MITIGATING_FACTORS in needs:
        check_text(errors, "mitigating_factors", mitigating, TEXT_MAX, required=True)
    elif mitigating:
        add_error(errors, "mitigating_factors", _("Mitigating factors belong to conditional illegitimacy only."))
    if CAUSE_OF_UNKNOWN in needs:
        if cause not in UnknownCause.values:
            add_error(errors, "unknown_cause", _("Say why it is unknown: a pending decision or conflicting views."))
    elif cause:
        add_error(errors, "unknown_cause", _("A cause belongs to unknown legitimacy only."))


def _check_judgment(
    errors: Errors, stakeholder: Stakeholder, organization: Organization, recorded_at: datetime.datetime
) -> None:
    if stakeholder.organization_id != organization.pk:
        add_error(errors, "stakeholder", _("The stakeholder belongs to another organisation."))
    elif not stakeholder.active:
        add_error(errors, "stakeholder", _("The stakeholder is archived; restore them first."))
    if timezone.is_naive(recorded_at):
        add_error(errors, "recorded_at", _("Give a time with its time zone."))
    elif recorded_at > timezone.now():
        add_error(errors, "recorded_at", _("The time lies in the future."))


@transaction.atomic
def record_judgment(
    *,
    stakeholder: Stakeholder,
    legitimacy_type: str,
    state: str,
    initiative: Initiative | None = None,
    policy: Policy | None = None,
    conditions: Sequence[ConditionInput] = (),
    mitigating_factors: str = "",
    unknown_cause: str = "",
    evidence: str = "",
    recorded_at: datetime.datetime | None = None,
    actor: User | None = None,
) -> Judgment:
    """Append a judgment of the subject by the stakeholder on one type; it becomes the cell's current
    judgment unless an earlier time is given and a later judgment already stands."""
    organization = stakeholder.organization
    errors: Errors = {}
    subject = check_subject(errors, organization, initiative, policy)
    terms = pack_terms(organization)
    check_key(errors, terms, "types", "legitimacy_type", legitimacy_type)
    check_key(errors, terms, "states", "state", state)
    mitigating_factors, evidence = mitigating_factors.strip(), evidence.strip()
    _check_elements(errors, terms.state_needs(state), conditions, mitigating_factors, unknown_cause)
    check_text(errors, "evidence", evidence, TEXT_MAX)
    recorded_at = recorded_at or timezone.now()
    _check_judgment(errors, stakeholder, organization, recorded_at)
    finish(errors)
    assert subject is not None  # checked above
    about = subject_fields(subject)
    becomes_current = _move_current(stakeholder, about, legitimacy_type, state, recorded_at)
    judgment = Judgment.objects.create(
        organization=organization,
        stakeholder=stakeholder,
        legitimacy_type=legitimacy_type,
        state=state,
        unknown_cause=unknown_cause,
        mitigating_factors=mitigating_factors,
        evidence=evidence,
        recorded_by=actor,
        recorded_at=recorded_at,
        is_current=becomes_current,
        **about,
    )
    for condition in conditions:  # one by one, so that each is in the audit log
        JudgmentCondition.objects.create(
            organization=organization,
            judgment=judgment,
            text=condition.text.strip(),
            review_on=condition.review_on,  # type: ignore[misc]  # checked above: never None here
        )
    link_stakeholder(stakeholder=stakeholder, **about)
    if policy is not None and becomes_current:
        tension_may_have_changed(organization.pk, policy.pk)
    alerts_may_have_changed(organization.pk)
    return judgment


def _move_current(
    stakeholder: Stakeholder, about: dict[str, Any], legitimacy_type: str, state: str, recorded_at: datetime.datetime
) -> bool:
    """Whether a judgment recorded at ``recorded_at`` becomes its cell's current one; if so, the flag
    leaves the old current judgment and the subject's standing is recounted."""
    # Judgments of one stakeholder are recorded one at a time, so the current flag moves safely.
    Stakeholder.objects.select_for_update().filter(pk=stakeholder.pk).first()
    cell = Judgment.objects.filter(stakeholder=stakeholder, legitimacy_type=legitimacy_type, **about)
    current = cell.filter(is_current=True).first()
    if current is not None and recorded_at < current.recorded_at:
        return False
    if current is not None:
        cell.filter(pk=current.pk).update(is_current=False)
    _recount(stakeholder.organization, about, None if current is None else current.state, state)
    return True


def _recount(organization: Organization, about: dict[str, Any], old: str | None, new: str) -> None:
    """Move one current judgment of the subject from state ``old`` (None: a new cell) to ``new``."""
    standing, _created = SubjectStanding.objects.get_or_create(organization=organization, **about)
    standing = SubjectStanding.objects.select_for_update().get(pk=standing.pk)
    counts = dict(standing.counts)
    if old is not None:
        counts[old] = counts.get(old, 0) - 1
    counts[new] = counts.get(new, 0) + 1
    standing.counts = {key: number for key, number in counts.items() if number > 0}
    standing.save(update_fields=["counts", "updated_at"])


@transaction.atomic
def mark_condition_at_risk(
    *, condition: JudgmentCondition, at_risk: bool = True, actor: User | None = None
) -> JudgmentCondition:
    """Mark that a condition may no longer hold (or, with ``at_risk=False``, that it holds again)."""
    condition.at_risk = at_risk
    condition.save(update_fields=["at_risk"])
    alerts_may_have_changed(condition.organization_id)
    return condition
