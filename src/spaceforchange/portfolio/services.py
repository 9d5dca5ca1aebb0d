"""Every write to initiatives, their goals, stage transitions and gates.

Constraints, backing and setbacks are written by ``record_services``. Pack keys are checked
against the organisation's effective packs (``terms``); people, units and goals must belong to
the organisation. Every refusal is a ``ValidationError`` naming the field, and changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from spaceforchange.alerts.tasks import alerts_may_have_changed
from spaceforchange.analytics import portfolio as rules
from spaceforchange.core.models import Organization, Unit, User
from spaceforchange.core.selectors import organization_zone
from spaceforchange.portfolio import selectors
from spaceforchange.portfolio.domain import describe_problem
from spaceforchange.portfolio.models import Goal, Initiative, Stage, StageGate, StageTransition
from spaceforchange.portfolio.terms import Terms, pack_terms

Errors = dict[str, list[str]]

# Initiative fields holding a pack key, and the ``Terms`` list that offers them.
KEY_FIELDS = {"change_form": "forms", "initiator_level": "initiators", "trigger": "triggers"}


def today_in(organization: Organization) -> datetime.date:
    return timezone.localtime(timezone.now(), organization_zone(organization)).date()


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def check_key(errors: Errors, terms: Terms, attribute: str, name: str, value: str, *, required: bool) -> None:
    if not value:
        if required:
            errors.setdefault(name, []).append(_("Choose a value."))
        return
    if value not in terms.keys(attribute):
        errors.setdefault(name, []).append(_("“%(value)s” is not in the organisation's framework.") % {"value": value})


REASON_MAX, REFERENCE_MAX = 4000, 200


def check_length(errors: Errors, name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors.setdefault(name, []).append(
            _("At most %(limit)d characters; this has %(count)d.") % {"limit": limit, "count": len(value)}
        )


def is_member(organization: Organization, person: User) -> bool:
    return person.memberships.filter(organization=organization, is_active=True).exists()


def _check_people(errors: Errors, organization: Organization, field: str, people: Iterable[User]) -> None:
    if any(not is_member(organization, person) for person in people):
        errors.setdefault(field, []).append(_("Everyone named must be a member of the organisation."))


def _check_links(errors: Errors, organization: Organization, fields: Mapping[str, Any]) -> None:
    unit: Unit | None = fields.get("unit")
    if unit is not None and unit.organization_id != organization.pk:
        errors.setdefault("unit", []).append(_("The unit belongs to another organisation."))
    if any(other.organization_id != organization.pk for other in fields.get("units", ())):
        errors.setdefault("units", []).append(_("A unit belongs to another organisation."))
    if any(goal.organization_id != organization.pk for goal in fields.get("goals", ())):
        errors.setdefault("goals", []).append(_("A goal belongs to another organisation."))
    owner: User | None = fields.get("owner")
    if owner is not None and not is_member(organization, owner):
        errors.setdefault("owner", []).append(_("The owner must be a member of the organisation."))
    _check_people(errors, organization, "team", fields.get("team", ()))


def _check_fields(organization: Organization, fields: Mapping[str, Any], *, exclude_pk: int | None = None) -> None:
    errors: Errors = {}
    title = fields["title"]
    check_length(errors, "summary", fields.get("summary", ""), 4000)
    if len(title) > 200:
        errors["title"] = [_("At most 200 characters.")]
    elif not title:
        errors["title"] = [_("Give the initiative a title.")]
    elif _same_title(organization, title).exclude(pk=exclude_pk or 0).exists():
        errors["title"] = [_("An initiative with this title already exists.")]
    terms = pack_terms(organization, get_language() or "en")
    for name, attribute in KEY_FIELDS.items():
        check_key(errors, terms, attribute, name, fields.get(name, ""), required=False)
    _check_links(errors, organization, fields)
    _raise(errors)


def _same_title(organization: Organization, title: str) -> QuerySet[Initiative]:
    return Initiative.objects.filter(organization=organization, title__iexact=title)


def _save_relations(initiative: Initiative, fields: Mapping[str, Any]) -> None:
    for name in ("units", "team"):
        if name in fields:
            getattr(initiative, name).set(list(fields[name]))
    if "goals" in fields:
        # A goal link is a strategy contribution row (budgeting.GoalContribution), scored later.
        initiative.goals.set(list(fields["goals"]), through_defaults={"organization_id": initiative.organization_id})


@transaction.atomic
def create_initiative(
    *,
    organization: Organization,
    title: str,
    summary: str = "",
    unit: Unit | None = None,
    owner: User | None = None,
    stage: str = Stage.IDEA,
    units: Sequence[Unit] = (),
    team: Sequence[User] = (),
    goals: Sequence[Goal] = (),
    change_form: str = "",
    initiator_level: str = "",
    trigger: str = "",
    uses_ai: bool = False,
    started_on: datetime.date | None = None,
    actor: User | None = None,
) -> Initiative:
    """Register an initiative at ``stage``; its first transition records the registration on ``started_on``."""
    fields: dict[str, Any] = {
        "title": title.strip(),
        "summary": summary.strip(),
        "unit": unit,
        "owner": owner,
        "units": units,
        "team": team,
        "goals": goals,
        "change_form": change_form,
        "initiator_level": initiator_level,
        "trigger": trigger,
        "uses_ai": uses_ai,
    }
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Unknown stage.")})
    _check_fields(organization, fields)
    started = started_on or today_in(organization)
    if started > today_in(organization):
        raise ValidationError({"started_on": _("The start date lies in the future.")})
    scalar = {key: value for key, value in fields.items() if key not in ("units", "team", "goals")}
    initiative = Initiative.objects.create(organization=organization, stage=stage, **scalar)
    _save_relations(initiative, fields)
    alerts_may_have_changed(organization.pk)
    StageTransition.objects.create(
        organization=organization,
        initiative=initiative,
        to_stage=stage,
        decided_by=actor,
        decided_on=started,
        reason=_("Registered."),
        recorded_by=actor,
    )
    return initiative


EDITABLE = (
    "title",
    "summary",
    "unit",
    "owner",
    "units",
    "team",
    "goals",
    "change_form",
    "initiator_level",
    "trigger",
    "uses_ai",
)


@transaction.atomic
def update_initiative(*, initiative: Initiative, actor: User | None = None, **changes: Any) -> Initiative:
    """Change an initiative's description and links; its stage changes only through ``move_initiative``."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in sorted(unknown)})
    current = {name: getattr(initiative, name) for name in EDITABLE if name not in ("units", "team", "goals")}
    current.update({name: list(getattr(initiative, name).all()) for name in ("units", "team", "goals")})
    fields = {**current, **changes}
    fields["title"] = str(fields["title"]).strip()
    fields["summary"] = str(fields["summary"]).strip()
    _check_fields(initiative.organization, fields, exclude_pk=initiative.pk)
    for name in EDITABLE:
        if name not in ("units", "team", "goals"):
            setattr(initiative, name, fields[name])
    initiative.save()
    _save_relations(initiative, fields)
    alerts_may_have_changed(initiative.organization_id)
    return initiative


# --- Goals ------------------------------------------------------------------------------------


@transaction.atomic
def create_goal(*, organization: Organization, title: str, actor: User | None = None) -> Goal:
    title = title.strip()
    if not title or len(title) > 200:
        raise ValidationError({"title": _("Give the goal a title of at most 200 characters.")})
    if Goal.objects.filter(organization=organization, title__iexact=title).exists():
        raise ValidationError({"title": _("A goal with this title already exists.")})
    return Goal.objects.create(organization=organization, title=title)


@transaction.atomic
def set_goal_active(*, goal: Goal, active: bool, actor: User | None = None) -> Goal:
    """Retire a goal (it stays on the initiatives linked to it) or bring it back."""
    goal.active = active
    goal.save(update_fields=["active"])
    return goal


# --- Gates ------------------------------------------------------------------------------------


@transaction.atomic
def configure_gate(
    *, organization: Organization, stage: str, conditions: Sequence[Mapping[str, object]], actor: User | None = None
) -> StageGate:
    """Set the conditions for entering ``stage``; an empty list opens the gate."""
    if stage not in {str(gated) for gated in selectors.GATED_STAGES}:
        raise ValidationError({"stage": _("Only experiment, scaling and integrated can have a gate.")})
    parsed: list[rules.GateCondition] = []
    for entry in conditions:
        try:
            parsed.append(rules.parse_condition(entry))
        except ValueError as error:
            raise ValidationError({"conditions": [_("A condition is invalid: %(error)s") % {"error": error}]}) from None
    kinds = [condition.kind for condition in parsed]
    if len(set(kinds)) != len(kinds):
        raise ValidationError({"conditions": [_("Each kind of condition may appear only once.")]})
    gate, _created = StageGate.objects.update_or_create(
        organization=organization,
        stage=stage,
        defaults={"conditions": [condition.as_dict() for condition in parsed], "updated_by": actor},
    )
    return gate


# --- Stage transitions ------------------------------------------------------------------------


@transaction.atomic
def move_initiative(
    *,
    initiative: Initiative,
    target: str,
    decided_by: User | None,
    decided_on: datetime.date | None,
    reason: str = "",
    reference: str = "",
    actor: User | None = None,
) -> StageTransition:
    """Move an initiative to ``target`` when the life cycle and the organisation's gate allow it.

    A refusal lists every problem found, each in the person's language, under ``target``.
    """
    organization = initiative.organization
    # Lock the row: two decisions recorded at once must not both pass the gate from the same stage.
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if target not in Stage.values:
        raise ValidationError({"target": [_("Unknown stage.")]})
    if decided_by is not None and not is_member(organization, decided_by):
        raise ValidationError({"decided_by": [_("The decider must be a member of the organisation.")]})
    errors: Errors = {}
    check_length(errors, "reason", reason, REASON_MAX)
    check_length(errors, "reference", reference, REFERENCE_MAX)
    _raise(errors)
    move = rules.Move(
        rules.Stage(target),
        decided_by=decided_by.pk if decided_by is not None else None,
        decided_on=decided_on,
        reason=reason.strip(),
        reference=reference.strip(),
    )
    terms = pack_terms(organization, get_language() or "en")
    check = rules.check_move(
        selectors.initiative_snapshot(initiative),
        move,
        gates=selectors.gates_for(organization),
        today=today_in(organization),
        vocabulary=terms.vocabulary,
    )
    if not check.allowed:
        naming = terms.naming
        raise ValidationError(
            {"target": [describe_problem(problem, target=target, naming=naming) for problem in check.problems]}
        )
    assert decided_on is not None  # check_move refuses a move without a decision date
    transition = StageTransition.objects.create(
        organization=organization,
        initiative=initiative,
        from_stage=initiative.stage,
        to_stage=target,
        decided_by=decided_by,
        decided_on=decided_on,
        reason=move.reason,
        reference=move.reference,
        recorded_by=actor,
    )
    initiative.stage = target
    initiative.save(update_fields=["stage", "updated_at"])
    alerts_may_have_changed(organization.pk)
    return transition
