"""Every write of the idea box: submitting, supporting and deciding ideas, sponsors and the answer guarantee.

Units, people and ideas must belong to the idea's organisation; every refusal is a
``ValidationError`` naming the field and changes nothing. Deciding is a rule of the idea box
(the sponsor, an innovation lead or an initiative owner answers), so the service checks it too:
a script or task cannot decide in someone's name what the pages would refuse.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from spaceforchange.alerts.tasks import alerts_may_have_changed
from spaceforchange.analytics.portfolio.ranking import SCORE_MAX, SCORE_MIN
from spaceforchange.core.models import Organization, Unit, User
from spaceforchange.portfolio import challenge_selectors, idea_selectors, services
from spaceforchange.portfolio.models import (
    Challenge,
    Idea,
    IdeaEvaluation,
    IdeaSettings,
    IdeaSponsor,
    IdeaStatus,
    Initiative,
)

TITLE_MAX, TEXT_MAX, SHORT_TEXT_MAX = 200, 4000, 2000
COMMENT_MAX = 2000
# A parked idea may be taken up again later; the other decisions are final.
OPEN_STATUSES = frozenset({IdeaStatus.SUBMITTED, IdeaStatus.PARKED})
DECISIONS = (IdeaStatus.ADOPTED, IdeaStatus.MERGED, IdeaStatus.DECLINED, IdeaStatus.PARKED)


def _check_text(errors: services.Errors, fields: dict[str, str]) -> None:
    limits = {
        "title": TITLE_MAX,
        "problem": TEXT_MAX,
        "proposal": TEXT_MAX,
        "beneficiaries": SHORT_TEXT_MAX,
        "public_value": SHORT_TEXT_MAX,
    }
    for name, limit in limits.items():
        services.check_length(errors, name, fields[name], limit)
    for name, message in (
        ("title", _("Give the idea a title.")),
        ("problem", _("Describe the problem.")),
        ("proposal", _("Describe what you propose.")),
    ):
        if not fields[name] and name not in errors:
            errors[name] = [message]


@transaction.atomic
def submit_idea(
    *,
    organization: Organization,
    submitted_by: User,
    title: str,
    problem: str,
    proposal: str,
    beneficiaries: str = "",
    public_value: str = "",
    unit: Unit | None = None,
    anonymous: bool = False,
    challenge: Challenge | None = None,
    submitted_at: datetime.datetime | None = None,
) -> Idea:
    """Record a member's idea and route it to the sponsor of its unit (or the organisation's default).

    An idea answering a ``challenge`` must come while the challenge is open.
    """
    fields = {
        "title": title.strip(),
        "problem": problem.strip(),
        "proposal": proposal.strip(),
        "beneficiaries": beneficiaries.strip(),
        "public_value": public_value.strip(),
    }
    errors: services.Errors = {}
    _check_text(errors, fields)
    if unit is not None and unit.organization_id != organization.pk:
        errors["unit"] = [_("The unit belongs to another organisation.")]
    if not services.is_member(organization, submitted_by):
        errors["submitted_by"] = [_("Only a member of the organisation can submit an idea.")]
    when = submitted_at or timezone.now()
    if when > timezone.now():
        errors["submitted_at"] = [_("The date lies in the future.")]
    _check_challenge(errors, organization, challenge, when)
    services._raise(errors)
    alerts_may_have_changed(organization.pk)
    return Idea.objects.create(
        organization=organization,
        challenge=challenge,
        submitted_by=submitted_by,
        unit=unit,
        anonymous=anonymous,
        submitted_at=when,
        sponsor=idea_selectors.sponsor_for(organization, unit),
        **fields,
    )


def _check_challenge(
    errors: services.Errors, organization: Organization, challenge: Challenge | None, when: datetime.datetime
) -> None:
    if challenge is None:
        return
    if challenge.organization_id != organization.pk:
        errors["challenge"] = [_("The challenge belongs to another organisation.")]
    elif not idea_selectors.challenge_open(challenge, when):
        errors["challenge"] = [_("The challenge closed on %(date)s.") % {"date": challenge.closes_on.isoformat()}]


@transaction.atomic
def join_idea(*, idea: Idea, person: User) -> Idea:
    """Add ``person`` to an idea's supporters instead of a duplicate idea; joining twice changes nothing."""
    if not services.is_member(idea.organization, person):
        raise ValidationError({"person": [_("Only a member of the organisation can support an idea.")]})
    if idea.status not in OPEN_STATUSES:
        raise ValidationError({"idea": [_("This idea has been decided; it takes no more supporters.")]})
    if idea.submitted_by_id != person.pk:
        idea.supporters.add(person)
    return idea


def _check_decision(idea: Idea, decision: str, reason: str, merge_into: Idea | None) -> None:
    errors: services.Errors = {}
    if decision not in DECISIONS:
        errors["decision"] = [_("Choose a decision.")]
    if idea.status not in OPEN_STATUSES:
        errors["decision"] = [_("This idea has already been decided.")]
    services.check_length(errors, "reason", reason, services.REASON_MAX)
    if decision in (IdeaStatus.DECLINED, IdeaStatus.PARKED) and not reason:
        errors.setdefault("reason", []).append(_("Give the reason; the person who submitted the idea will read it."))
    if decision == IdeaStatus.MERGED:
        if merge_into is None:
            errors["merge_into"] = [_("Choose the idea to merge into.")]
        elif merge_into.organization_id != idea.organization_id or merge_into.pk == idea.pk:
            errors["merge_into"] = [_("Choose another idea of the organisation.")]
        elif merge_into.status == IdeaStatus.MERGED:
            errors["merge_into"] = [_("That idea was itself merged; choose the idea it was merged into.")]
    services._raise(errors)


def _adopt(idea: Idea, actor: User, initiative_title: str) -> Initiative:
    summary = "\n\n".join(part for part in (idea.problem, idea.proposal) if part)[: services.REASON_MAX]
    return services.create_initiative(
        organization=idea.organization,
        title=(initiative_title or idea.title).strip(),
        summary=summary,
        unit=idea.unit,
        owner=idea.sponsor,
        actor=actor,
    )


def _merge(idea: Idea, target: Idea) -> None:
    people = [person for person in idea.supporters.all() if person.pk != target.submitted_by_id]
    if idea.submitted_by is not None and idea.submitted_by_id != target.submitted_by_id:
        people.append(idea.submitted_by)
    target.supporters.add(*people)


@transaction.atomic
def decide_idea(
    *,
    idea: Idea,
    actor: User,
    decision: str,
    reason: str = "",
    merge_into: Idea | None = None,
    initiative_title: str = "",
    initiative: Initiative | None = None,
    decided_at: datetime.datetime | None = None,
) -> Idea:
    """Answer an idea: adopt it as an initiative at stage idea, merge it, decline or park it (with a reason).

    Adopting into ``initiative`` links an initiative the organisation already registered (an idea
    taken up before it reached the idea box) instead of creating one.
    """
    if not actor.has_perm("portfolio.decide_idea", idea):
        raise PermissionDenied(_("Only the sponsor, an innovation lead or an initiative owner may decide."))
    reason = reason.strip()
    _check_decision(idea, decision, reason, merge_into)
    if initiative is not None and initiative.organization_id != idea.organization_id:
        raise ValidationError({"initiative": [_("The initiative belongs to another organisation.")]})
    if decision == IdeaStatus.ADOPTED:
        idea.initiative = initiative or _adopt(idea, actor, initiative_title)
    if decision == IdeaStatus.MERGED:
        assert merge_into is not None  # _check_decision refused a merge without a target
        _merge(idea, merge_into)
        idea.merged_into = merge_into
    idea.status = decision
    idea.reason = reason
    idea.decided_by = actor
    idea.decided_at = decided_at or timezone.now()
    idea.save()
    alerts_may_have_changed(idea.organization_id)
    return idea


def set_idea_sponsor(*, organization: Organization, unit: Unit | None, person: User) -> IdeaSponsor:
    """Make ``person`` the sponsor of ``unit``'s ideas (no unit: the default); it replaces the former one."""
    errors: services.Errors = {}
    if unit is not None and unit.organization_id != organization.pk:
        errors["unit"] = [_("The unit belongs to another organisation.")]
    if not services.is_member(organization, person):
        errors["person"] = [_("The sponsor must be a member of the organisation.")]
    services._raise(errors)
    with transaction.atomic():
        sponsor, _created = IdeaSponsor.objects.update_or_create(
            organization=organization, unit=unit, defaults={"person": person}
        )
    return sponsor


@transaction.atomic
def remove_idea_sponsor(*, sponsor: IdeaSponsor) -> None:
    """Stop routing a unit's ideas to its sponsor; new ideas of the unit go to the next one up the tree."""
    sponsor.delete()


@transaction.atomic
def set_answer_days(*, organization: Organization, answer_days: int) -> IdeaSettings:
    """Set the organisation's answer guarantee: the days within which every idea gets a decision."""
    if not 1 <= answer_days <= 365:
        raise ValidationError({"answer_days": [_("Between 1 and 365 days.")]})
    settings, _created = IdeaSettings.objects.update_or_create(
        organization=organization, defaults={"answer_days": answer_days}
    )
    alerts_may_have_changed(organization.pk)
    return settings


@transaction.atomic
def open_challenge(
    *,
    organization: Organization,
    title: str,
    theme: str,
    closes_on: datetime.date,
    evaluators: Sequence[User] = (),
    actor: User | None = None,
) -> Challenge:
    """Open a call for ideas on ``theme`` until ``closes_on`` (inclusive, in the organisation's time zone)."""
    title, theme = title.strip(), theme.strip()
    errors: services.Errors = {}
    services.check_length(errors, "title", title, TITLE_MAX)
    services.check_length(errors, "theme", theme, TEXT_MAX)
    if not title and "title" not in errors:
        errors["title"] = [_("Give the challenge a title.")]
    elif Challenge.objects.filter(organization=organization, title__iexact=title).exists():
        errors["title"] = [_("A challenge with this title already exists.")]
    if not theme and "theme" not in errors:
        errors["theme"] = [_("Describe the theme.")]
    if closes_on < services.today_in(organization):
        errors["closes_on"] = [_("The closing date lies in the past.")]
    if any(not services.is_member(organization, person) for person in evaluators):
        errors["evaluators"] = [_("Every evaluator must be a member of the organisation.")]
    services._raise(errors)
    challenge = Challenge.objects.create(
        organization=organization, title=title, theme=theme, closes_on=closes_on, created_by=actor
    )
    challenge.evaluators.set(list(evaluators))
    return challenge


def _checked_scores(
    errors: services.Errors, organization: Organization, scores: Mapping[str, object]
) -> dict[str, int]:
    criteria = challenge_selectors.evaluation_criteria(organization, get_language() or "en")
    if not criteria:
        errors["scores"] = [_("The organisation has no evaluation criteria: its idea_evaluation pack is missing.")]
        return {}
    unknown = sorted(set(scores) - {criterion.key for criterion in criteria})
    if unknown:
        errors["scores"] = [_("Unknown criteria: %(keys)s.") % {"keys": ", ".join(unknown)}]
    checked: dict[str, int] = {}
    for criterion in criteria:
        value = scores.get(criterion.key)
        if value is None or value == "":
            errors[criterion.key] = [_("Give a score for “%(criterion)s”.") % {"criterion": criterion.name}]
        elif isinstance(value, bool) or not isinstance(value, int) or not SCORE_MIN <= value <= SCORE_MAX:
            errors[criterion.key] = [
                _("A score is a whole number from %(low)d to %(high)d.") % {"low": SCORE_MIN, "high": SCORE_MAX}
            ]
        else:
            checked[criterion.key] = value
    return checked


@transaction.atomic
def evaluate_idea(*, idea: Idea, evaluator: User, scores: Mapping[str, object], comment: str = "") -> IdeaEvaluation:
    """Record, or revise, ``evaluator``'s scores for an idea of a challenge: one per criterion of the pack.

    Only the challenge's evaluators score, on every criterion, each from 1 to 5. An idea merged
    into another is no longer scored; its merged-into idea is.
    """
    challenge = idea.challenge
    if challenge is None:
        raise ValidationError({"idea": [_("Only ideas submitted to a challenge are scored.")]})
    if not services.is_member(idea.organization, evaluator) or not challenge_selectors.evaluates(challenge, evaluator):
        raise PermissionDenied(_("Only the challenge's evaluators score its ideas."))
    if idea.status == IdeaStatus.MERGED:
        raise ValidationError({"idea": [_("The idea was merged into another; score that one instead.")]})
    errors: services.Errors = {}
    checked = _checked_scores(errors, idea.organization, scores)
    comment = comment.strip()
    services.check_length(errors, "comment", comment, COMMENT_MAX)
    services._raise(errors)
    evaluation, _created = IdeaEvaluation.objects.update_or_create(
        idea=idea,
        evaluator=evaluator,
        defaults={"organization_id": idea.organization_id, "scores": checked, "comment": comment},
    )
    return evaluation
