"""The idea box's personal data: the ideas a person submitted, supports or sponsors, and challenges.

Registered from ``PortfolioConfig.ready``. Ideas belong to the organisation, so erasure keeps
them: it drops the link to the person (submitter, sponsor, decider, supporter) and scrubs the
person's name and email from the texts, where colleagues may have written them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from spaceforchange.core import privacy
from spaceforchange.portfolio.models import Challenge, Idea, IdeaEvaluation

TEXT_FIELDS = ("title", "problem", "proposal", "beneficiaries", "public_value", "reason")


def export_ideas(user: Any) -> list[dict[str, Any]]:
    ideas = Idea.objects.filter(Q(submitted_by=user) | Q(supporters=user) | Q(sponsor=user)).distinct()
    return [
        {
            "organization": idea.organization.slug,
            "title": idea.title,
            "status": idea.status,
            "submitted_at": idea.submitted_at.isoformat(),
            "submitted_by_you": idea.submitted_by_id == user.pk,
            "anonymous": idea.anonymous,
            "you_sponsor": idea.sponsor_id == user.pk,
            "reason": idea.reason,
        }
        for idea in ideas.select_related("organization").order_by("submitted_at", "pk")
    ]


def export_challenges(user: Any) -> list[dict[str, Any]]:
    challenges = Challenge.objects.filter(Q(created_by=user) | Q(evaluators=user)).distinct()
    return [
        {
            "organization": challenge.organization.slug,
            "title": challenge.title,
            "opened_by_you": challenge.created_by_id == user.pk,
            "evaluator": challenge.evaluators.filter(pk=user.pk).exists(),
        }
        for challenge in challenges.select_related("organization").order_by("pk")
    ]


def export_evaluations(user: Any) -> list[dict[str, Any]]:
    evaluations = IdeaEvaluation.objects.filter(evaluator=user).select_related("organization", "idea")
    return [
        {
            "organization": evaluation.organization.slug,
            "idea": evaluation.idea.title,
            "scores": evaluation.scores,
            "comment": evaluation.comment,
            "evaluated_at": evaluation.evaluated_at.isoformat(),
        }
        for evaluation in evaluations.order_by("pk")
    ]


def export_ideas_and_challenges(user: Any) -> dict[str, Any]:
    return {"ideas": export_ideas(user), "challenges": export_challenges(user), "evaluations": export_evaluations(user)}


def erase_ideas(erasure: Any) -> dict[str, int]:
    user = erasure.user
    linked = 0
    for field in ("submitted_by", "sponsor", "decided_by"):
        linked += Idea.objects.filter(**{field: user}).update(**{field: None})
    supported = Idea.supporters.through.objects.filter(user=user).delete()[0]
    linked += Challenge.objects.filter(created_by=user).update(created_by=None)
    supported += Challenge.evaluators.through.objects.filter(user=user).delete()[0]
    # Scores stay in the ranking, unlinked; the comment is the evaluator's own words, so it goes.
    linked += IdeaEvaluation.objects.filter(evaluator=user).update(evaluator=None, comment="")
    scrubbed = 0
    for idea in Idea.objects.filter(erasure.text_filter(*TEXT_FIELDS)):
        Idea.objects.filter(pk=idea.pk).update(**{name: erasure.scrub(getattr(idea, name)) for name in TEXT_FIELDS})
        scrubbed += 1
    return {"unlinked": linked, "supports_and_evaluations_removed": supported, "scrubbed": scrubbed}


def register() -> None:
    privacy.register(
        "ideas",
        exporter=export_ideas_and_challenges,
        eraser=erase_ideas,
        description=(
            "Ideas the person submitted, supports or sponsors; challenges they opened or evaluate; their evaluations."
        ),
    )
