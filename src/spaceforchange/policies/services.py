"""Every write to policies: the register, scrutiny reports and their answers, signals, the tension index.

Pack keys (legitimacy types, signals) are checked against the organisation's effective packs
(``terms``); people, units and initiatives must belong to the policy's organisation. Every
refusal is a ``ValidationError`` naming the field, and changes nothing.

**When the tension index is recomputed.** Inline, for the one policy, in the same transaction as
every write that changes what it reads (a report filed, a signal recorded): that is a handful of
queries, and the policy page the writer lands on shows the new figure at once. Judgments are
written by the ``legitimacy`` app, which queues ``tasks.tension_may_have_changed`` for the
policy; the alerts evaluator stores the day's index of every policy that lacks one before it
reads the levels, so the nightly ``sfc alerts evaluate`` keeps the history daily. The whole
organisation is recomputed by ``compute_tension(organization=...)`` in a fixed number of
queries (``sfc policies tension --recompute``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import JSONField, Value
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from spaceforchange.alerts.tasks import alerts_may_have_changed
from spaceforchange.core.models import Organization, Unit, User
from spaceforchange.policies import domain, selectors
from spaceforchange.policies.models import Policy, PolicySignal, ReportFrequency, ScrutinyReport, TensionSnapshot
from spaceforchange.policies.terms import PolicyTerms, policy_terms
from spaceforchange.portfolio.models import Initiative
from spaceforchange.portfolio.services import check_length, is_member, today_in

Errors = dict[str, list[str]]
TITLE_MAX, TEXT_MAX, BASIS_MAX, NOTE_MAX = 200, 4000, 2000, 2000
COUNT_MAX = 1_000_000
RELATIONS = ("enforcing_units", "initiatives")
EDITABLE = (
    "title",
    "summary",
    "legal_basis",
    "manager",
    "enforcing_units",
    "initiatives",
    "last_reviewed_on",
    "next_review_on",
)


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _terms(organization: Organization) -> PolicyTerms:
    return policy_terms(organization, get_language() or "en")


def _check_title(errors: Errors, organization: Organization, title: str, exclude_pk: int | None) -> None:
    if not title:
        errors["title"] = [_("Give the policy a title.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("At most %(limit)d characters.") % {"limit": TITLE_MAX}]
    elif Policy.objects.filter(organization=organization, title__iexact=title).exclude(pk=exclude_pk or 0).exists():
        errors["title"] = [_("A policy with this title already exists.")]


def _check_links(errors: Errors, organization: Organization, fields: Mapping[str, Any]) -> None:
    manager: User | None = fields.get("manager")
    if manager is not None and not is_member(organization, manager):
        errors["manager"] = [_("The policy manager must be a member of the organisation.")]
    units: Iterable[Unit] = fields.get("enforcing_units", ())
    if any(unit.organization_id != organization.pk for unit in units):
        errors["enforcing_units"] = [_("A unit belongs to another organisation.")]
    initiatives: Iterable[Initiative] = fields.get("initiatives", ())
    if any(initiative.organization_id != organization.pk for initiative in initiatives):
        errors["initiatives"] = [_("An initiative belongs to another organisation.")]


def _check_fields(organization: Organization, fields: Mapping[str, Any], *, exclude_pk: int | None = None) -> None:
    errors: Errors = {}
    _check_title(errors, organization, fields["title"], exclude_pk)
    check_length(errors, "summary", fields["summary"], TEXT_MAX)
    check_length(errors, "legal_basis", fields["legal_basis"], BASIS_MAX)
    _check_links(errors, organization, fields)
    last, next_ = fields.get("last_reviewed_on"), fields.get("next_review_on")
    if last is not None and last > today_in(organization):
        errors["last_reviewed_on"] = [_("The date lies in the future.")]
    if last is not None and next_ is not None and next_ < last:
        errors["next_review_on"] = [_("The next review comes after the last one.")]
    _raise(errors)


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    for name in ("title", "summary", "legal_basis"):
        fields[name] = str(fields.get(name) or "").strip()
    return fields


@transaction.atomic
def register_policy(
    *,
    organization: Organization,
    title: str,
    summary: str = "",
    legal_basis: str = "",
    manager: User | None = None,
    enforcing_units: Sequence[Unit] = (),
    initiatives: Sequence[Initiative] = (),
    last_reviewed_on: datetime.date | None = None,
    next_review_on: datetime.date | None = None,
    registered_on: datetime.date | None = None,
    actor: User | None = None,
) -> Policy:
    """Register a policy (today, or on an earlier ``registered_on`` for a policy in force before it was
    registered here); without a manager it counts as unmanaged from its registration."""
    fields = _clean(
        {
            "title": title,
            "summary": summary,
            "legal_basis": legal_basis,
            "manager": manager,
            "enforcing_units": list(enforcing_units),
            "initiatives": list(initiatives),
            "last_reviewed_on": last_reviewed_on,
            "next_review_on": next_review_on,
        }
    )
    _check_fields(organization, fields)
    today = today_in(organization)
    if registered_on is not None and registered_on > today:
        raise ValidationError({"registered_on": [_("The date lies in the future.")]})
    registered = registered_on or today
    scalar = {key: value for key, value in fields.items() if key not in RELATIONS}
    policy = Policy.objects.create(
        organization=organization,
        registered_on=registered,
        unmanaged_since=None if manager is not None else registered,
        created_by=actor,
        **scalar,
    )
    policy.enforcing_units.set(fields["enforcing_units"])
    policy.initiatives.set(fields["initiatives"])
    store_tension(organization, [policy.pk], today)
    alerts_may_have_changed(organization.pk)
    return policy


@transaction.atomic
def update_policy(*, policy: Policy, actor: User | None = None, **changes: Any) -> Policy:
    """Change a policy's description, manager, links and review dates; only the fields given change.

    ``unmanaged_since`` follows the manager: set to today when the last manager goes, cleared
    when one is named.
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in sorted(unknown)})
    current: dict[str, Any] = {name: getattr(policy, name) for name in EDITABLE if name not in RELATIONS}
    current.update({name: list(getattr(policy, name).all()) for name in RELATIONS})
    fields = _clean({**current, **{key: list(value) if key in RELATIONS else value for key, value in changes.items()}})
    organization = policy.organization
    _check_fields(organization, fields, exclude_pk=policy.pk)
    had_manager = policy.manager_id is not None
    for name in EDITABLE:
        if name not in RELATIONS:
            setattr(policy, name, fields[name])
    if fields["manager"] is not None:
        policy.unmanaged_since = None
    elif had_manager or policy.unmanaged_since is None:
        policy.unmanaged_since = today_in(organization)
    policy.save()
    for name in RELATIONS:
        if name in changes:
            getattr(policy, name).set(fields[name])
    alerts_may_have_changed(organization.pk)
    return policy


def _check_report(errors: Errors, terms: PolicyTerms, values: Mapping[str, str]) -> None:
    if not values["what_happened"]:
        errors["what_happened"] = [_("Say what happened.")]
    check_length(errors, "what_happened", values["what_happened"], TEXT_MAX)
    check_length(errors, "proposed_change", values["proposed_change"], TEXT_MAX)
    if not values["legitimacy_type"]:
        errors["legitimacy_type"] = [_("Choose a value.")]
    elif values["legitimacy_type"] not in {term.key for term in terms.types}:
        errors["legitimacy_type"] = [
            _("“%(value)s” is not in the organisation's framework.") % {"value": values["legitimacy_type"][:63]}
        ]
    if values["frequency"] not in ReportFrequency.values:
        errors["frequency"] = [_("Choose how often it happens.")]


@transaction.atomic
def file_scrutiny_report(
    *,
    policy: Policy,
    reported_by: User,
    what_happened: str,
    legitimacy_type: str,
    frequency: str,
    proposed_change: str = "",
    anonymous: bool = False,
    reported_at: datetime.datetime | None = None,
) -> ScrutinyReport:
    """A member reports a problem with a policy they apply.

    ``anonymous`` hides the reporter from colleagues (pages, API, warnings); the row keeps them
    for their own list and the audit log keeps them for oversight.
    """
    organization = policy.organization
    if not is_member(organization, reported_by):
        raise PermissionDenied(_("Only members of the organisation report on its policies."))
    values = {
        "what_happened": what_happened.strip(),
        "legitimacy_type": legitimacy_type.strip(),
        "frequency": frequency,
        "proposed_change": proposed_change.strip(),
    }
    errors: Errors = {}
    _check_report(errors, _terms(organization), values)
    moment = reported_at or timezone.now()
    if moment > timezone.now():
        errors["reported_at"] = [_("The date lies in the future.")]
    _raise(errors)
    report = ScrutinyReport.objects.create(
        organization=organization,
        policy=policy,
        reported_by=reported_by,
        anonymous=bool(anonymous),
        reported_at=moment,
        **values,
    )
    store_tension(organization, [policy.pk], today_in(organization))
    alerts_may_have_changed(organization.pk)
    return report


@transaction.atomic
def answer_scrutiny_report(*, report: ScrutinyReport, answered_by: User, answer: str) -> ScrutinyReport:
    """The policy manager answers a report (again, to change the answer); the reporter reads it."""
    if report.policy.manager_id is None or report.policy.manager_id != answered_by.pk:
        raise PermissionDenied(_("Only the policy manager answers its scrutiny reports."))
    text = answer.strip()
    errors: Errors = {}
    if not text:
        errors["answer"] = [_("Write the answer.")]
    check_length(errors, "answer", text, TEXT_MAX)
    _raise(errors)
    report.answer, report.answered_by, report.answered_at = text, answered_by, timezone.now()
    report.save(update_fields=["answer", "answered_by", "answered_at"])
    return report


@transaction.atomic
def record_signal(
    *,
    policy: Policy,
    signal: str,
    period_start: datetime.date,
    count: int,
    note: str = "",
    recorded_by: User | None = None,
) -> PolicySignal:
    """Record a month's count of a signal; a second count for the same month replaces the first.

    ``period_start`` may be any day of the month; the first day is stored.
    """
    organization = policy.organization
    errors: Errors = {}
    if signal not in {term.key for term in _terms(organization).recordable}:
        errors["signal"] = [_("Choose a signal the organisation's framework counts.")]
    month = period_start.replace(day=1)
    if month > today_in(organization).replace(day=1):
        errors["period_start"] = [_("The month lies in the future.")]
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= COUNT_MAX:
        errors["count"] = [_("A whole number from 0 to %(limit)d.") % {"limit": COUNT_MAX}]
    text = note.strip()
    check_length(errors, "note", text, NOTE_MAX)
    _raise(errors)
    row, _created = PolicySignal.objects.update_or_create(
        policy=policy,
        signal=signal,
        period_start=month,
        defaults={"organization": organization, "count": count, "note": text, "recorded_by": recorded_by},
    )
    store_tension(organization, [policy.pk], today_in(organization))
    alerts_may_have_changed(organization.pk)
    return row


@transaction.atomic
def compute_tension(
    *, organization: Organization, policy: Policy | None = None, today: datetime.date | None = None
) -> dict[int, domain.TensionIndex]:
    """Compute and store today's tension index of one policy, or of every policy of the organisation.

    A fixed number of queries however many policies there are; a second run on the same day
    replaces that day's figures.
    """
    if policy is not None and policy.organization_id != organization.pk:
        raise ValidationError({"policy": [_("The policy belongs to another organisation.")]})
    day = today or today_in(organization)
    ids = [policy.pk] if policy is not None else None
    computed = store_tension(organization, ids, day)
    alerts_may_have_changed(organization.pk)
    return computed


def store_tension(
    organization: Organization, policy_ids: list[int] | None, today: datetime.date
) -> dict[int, domain.TensionIndex]:
    """Compute and upsert the day's snapshot of the policies (all when ``policy_ids`` is None); derived, not audited."""
    computed = selectors.tension_indexes(organization, today, policy_ids=policy_ids)
    rows = [
        TensionSnapshot(
            organization=organization,
            policy_id=pk,
            computed_on=today,
            index=result.index,
            level=result.level,
            # A Value, so that Django binds each row's JSON on its own: in the array form it otherwise
            # uses on PostgreSQL, psycopg quotes every document with a regular expression, which
            # took most of the time for 5,000 policies.
            detail=Value(result.as_dict(), output_field=JSONField()),
        )
        for pk, result in computed.items()
    ]
    TensionSnapshot.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["policy", "computed_on"],
        update_fields=["index", "level", "detail"],
    )
    return computed
