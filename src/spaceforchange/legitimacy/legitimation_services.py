"""Every write to the legitimation plan and log: planning an action, changing the plan, recording it done.

An action is planned with its strategy, goal and mode (keys of the ``legitimation`` pack), what
is to be done, whom it addresses and who owns it; when done, its date and outcome are recorded.
Actions are not deleted: a plan that changes is updated, and the audit log keeps what it was.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from spaceforchange.alerts.tasks import alerts_may_have_changed
from spaceforchange.core.models import Organization, User
from spaceforchange.legitimacy.models import LegitimationAction, Stakeholder
from spaceforchange.legitimacy.services import (
    TEXT_MAX,
    Errors,
    add_error,
    check_key,
    check_person,
    check_subject,
    check_text,
    finish,
    subject_fields,
)
from spaceforchange.legitimacy.terms import pack_terms
from spaceforchange.policies.models import Policy
from spaceforchange.portfolio.models import Initiative
from spaceforchange.portfolio.services import today_in


def _check_plan(organization: Organization, fields: dict[str, Any]) -> None:
    errors: Errors = {}
    terms = pack_terms(organization)
    check_key(errors, terms, "strategies", "strategy", fields["strategy"])
    check_key(errors, terms, "goals", "goal", fields["goal"])
    check_key(errors, terms, "modes", "mode", fields["mode"])
    check_text(errors, "description", fields["description"], TEXT_MAX, required=True)
    check_person(errors, organization, "owner", fields["owner"])
    if any(holder.organization_id != organization.pk for holder in fields["stakeholders"]):
        add_error(errors, "stakeholders", _("A stakeholder belongs to another organisation."))
    finish(errors)


@transaction.atomic
def plan_action(
    *,
    strategy: str,
    goal: str,
    mode: str,
    description: str,
    initiative: Initiative | None = None,
    policy: Policy | None = None,
    stakeholders: Sequence[Stakeholder] = (),
    planned_on: datetime.date | None = None,
    owner: User | None = None,
    actor: User | None = None,
) -> LegitimationAction:
    """Put an action on the subject's legitimation plan."""
    subject = initiative if initiative is not None else policy
    organization = subject.organization if subject is not None else None
    errors: Errors = {}
    if organization is None:
        add_error(errors, "subject", _("Name either an initiative or a policy."))
        finish(errors)
    assert organization is not None
    check_subject(errors, organization, initiative, policy)
    finish(errors)
    fields: dict[str, Any] = {
        "strategy": strategy,
        "goal": goal,
        "mode": mode,
        "description": description.strip(),
        "owner": owner,
        "stakeholders": list(stakeholders),
    }
    _check_plan(organization, fields)
    targets = fields.pop("stakeholders")
    action = LegitimationAction.objects.create(
        organization=organization,
        planned_on=planned_on,
        created_by=actor,
        **fields,
        **subject_fields(subject),  # type: ignore[arg-type]
    )
    action.stakeholders.set(targets)
    alerts_may_have_changed(organization.pk)
    return action


PLAN_FIELDS = ("strategy", "goal", "mode", "description", "planned_on", "owner", "stakeholders")


@transaction.atomic
def update_action(*, action: LegitimationAction, actor: User | None = None, **changes: Any) -> LegitimationAction:
    """Change the plan of an action (any of ``PLAN_FIELDS``); fields not given keep their values."""
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        errors: Errors = {}
        for name in sorted(unknown):
            add_error(errors, name, _("This field cannot be changed."))
        finish(errors)
    fields: dict[str, Any] = {name: getattr(action, name) for name in PLAN_FIELDS if name != "stakeholders"}
    fields["stakeholders"] = list(action.stakeholders.all())
    fields.update(changes)
    fields["description"] = str(fields["description"]).strip()
    fields["stakeholders"] = list(fields["stakeholders"])
    _check_plan(action.organization, fields)
    for name in PLAN_FIELDS:
        if name != "stakeholders":
            setattr(action, name, fields[name])
    action.save()
    if "stakeholders" in changes:
        action.stakeholders.set(fields["stakeholders"])
    alerts_may_have_changed(action.organization_id)
    return action


@transaction.atomic
def record_action_done(
    *,
    action: LegitimationAction,
    outcome: str,
    done_on: datetime.date | None = None,
    actor: User | None = None,
) -> LegitimationAction:
    """Record that the action was carried out, when, and what came of it (the log)."""
    organization = action.organization
    done_on = done_on or today_in(organization)
    outcome = outcome.strip()
    errors: Errors = {}
    check_text(errors, "outcome", outcome, TEXT_MAX, required=True)
    if done_on > today_in(organization):
        add_error(errors, "done_on", _("The date lies in the future."))
    finish(errors)
    action.done_on, action.outcome = done_on, outcome
    action.save(update_fields=["done_on", "outcome", "updated_at"])
    alerts_may_have_changed(organization.pk)
    return action
