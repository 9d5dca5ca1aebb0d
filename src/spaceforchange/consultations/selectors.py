"""Reads of consultations shaped for the pages, the participant page, the API, the CLI and the policies' tension.

Staff reads take the organisation explicitly (another organisation's id is a 404); participant
reads start from the consultation's public token or an invitation token, which identify it.
Results are read from the latest ``OpinionSnapshot``; the participant page reads only the
``comment_priority`` key of it, not the whole (possibly large) document.
"""

from __future__ import annotations

import datetime
import secrets
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone

from spaceforchange.analytics.opinion import polis_format
from spaceforchange.analytics.opinion.matrix import Vote as PolisVote
from spaceforchange.analytics.opinion.priority import choose_next_statement
from spaceforchange.consultations.models import (
    Consultation,
    Invitation,
    Moderation,
    OpinionSnapshot,
    Participant,
    Statement,
    Vote,
)
from spaceforchange.consultations.participant_services import is_votable
from spaceforchange.core.models import Organization, Role, User
from spaceforchange.core.permissions import roles_in
from spaceforchange.core.selectors import organization_zone

SEES_ALL = frozenset({Role.INNOVATION_LEAD, Role.LEADER, Role.OVERSIGHT})
# Polis's ``moderated`` column: 1 accepted, 0 not yet moderated, -1 rejected.
POLIS_MODERATION: dict[str, int] = {Moderation.ACCEPTED: 1, Moderation.PENDING: 0, Moderation.REJECTED: -1}


def _counted(queryset: QuerySet[Consultation]) -> QuerySet[Consultation]:
    participants = Participant.objects.filter(consultation=OuterRef("pk")).values("consultation")
    statements = Statement.objects.filter(consultation=OuterRef("pk")).values("consultation")
    pending = statements.filter(moderation=Moderation.PENDING)
    return queryset.annotate(
        participant_count=Coalesce(Subquery(participants.annotate(n=Count("pk")).values("n")[:1]), 0),
        statement_count=Coalesce(Subquery(statements.annotate(n=Count("pk")).values("n")[:1]), 0),
        pending_count=Coalesce(Subquery(pending.annotate(n=Count("pk")).values("n")[:1]), 0),
    )


def consultations_for(organization: Organization, user: User) -> QuerySet[Consultation]:
    """The consultations ``user`` may see (``permissions``: all for innovation leads, leaders and oversight;
    otherwise those they created, or linked to a policy they manage or an initiative they own),
    newest first, with their policy, initiative and participant, statement and pending counts."""
    queryset = Consultation.objects.filter(organization=organization).select_related("policy", "initiative")
    if not roles_in(user, organization) & SEES_ALL:
        if not roles_in(user, organization):
            return queryset.none()
        queryset = queryset.filter(Q(created_by=user) | Q(policy__manager=user) | Q(initiative__owner=user))
    return _counted(queryset).order_by("-opens_at", "-pk")


def consultation_detail(organization: Organization, pk: int) -> Consultation:
    """One consultation of the organisation with its links loaded; 404 for any other id."""
    queryset = Consultation.objects.filter(organization=organization).select_related(
        "organization", "policy", "initiative", "created_by"
    )
    return get_object_or_404(_counted(queryset), pk=pk)


def consultation_by_token(public_token: str) -> Consultation:
    """The consultation behind a public link; 404 for an unknown token."""
    return get_object_or_404(Consultation.objects.select_related("organization"), public_token=public_token)


def invitation_by_token(token: str) -> Invitation:
    """The invitation behind a personal link, with its consultation; 404 for an unknown token."""
    return get_object_or_404(
        Invitation.objects.select_related("consultation", "consultation__organization"), token=token
    )


def participant_by_secret(consultation: Consultation, secret: str) -> Participant | None:
    """The consultation's participant whose cookie holds ``secret``, if any (nothing is created)."""
    from spaceforchange.consultations.participant_services import hash_secret

    if not secret:
        return None
    return (
        Participant.objects.filter(consultation=consultation, token_hash=hash_secret(secret))
        .select_related("consultation", "consultation__organization")
        .first()
    )


def statements_of(consultation: Consultation) -> QuerySet[Statement]:
    """Every statement of the consultation, in order of adding, with its vote counts."""
    return (
        Statement.objects.filter(consultation=consultation)
        .annotate(
            agrees=Count("votes", filter=Q(votes__value=1)),
            disagrees=Count("votes", filter=Q(votes__value=-1)),
            passes=Count("votes", filter=Q(votes__value=0)),
        )
        .order_by("pk")
    )


def moderation_queue(consultation: Consultation) -> QuerySet[Statement]:
    """Statements waiting for moderation, oldest first."""
    return statements_of(consultation).filter(moderation=Moderation.PENDING).order_by("created_at", "pk")


def invitations_of(consultation: Consultation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(consultation=consultation).order_by("pk")


def latest_snapshot(consultation: Consultation) -> OpinionSnapshot | None:
    """The latest stored opinion map (without its warm-start state, which no page needs)."""
    return (
        OpinionSnapshot.objects.filter(consultation=consultation).defer("state").order_by("-computed_at", "-pk").first()
    )


def votes_of(participant: Participant) -> dict[int, int]:
    """Statement id → the participant's current vote."""
    return dict(Vote.objects.filter(participant=participant).values_list("statement_id", "value"))


def _priorities(consultation: Consultation) -> dict[int, float]:
    rows = (
        OpinionSnapshot.objects.filter(consultation=consultation)
        .order_by("-computed_at", "-pk")
        .values_list("result__comment_priority", flat=True)
        .first()
    )
    return {int(pair[0]): float(pair[1]) for pair in rows or ()}


def next_statement(participant: Participant, *, random_value: float | None = None) -> Statement | None:
    """The statement to show the participant next, or None when they have voted on every one shown.

    Drawn with probability proportional to the latest map's comment priority (Polis's rule);
    a statement added since that map gets the pipeline's priority for new statements.
    ``random_value`` (uniform in [0, 1)) makes the draw reproducible in tests.
    """
    consultation = participant.consultation
    shown = [
        statement
        for statement in Statement.objects.filter(consultation=consultation).exclude(moderation=Moderation.REJECTED)
        if is_votable(statement, consultation)
    ]
    known = _priorities(consultation)
    priorities: dict[Hashable, float | None] = {statement.pk: known.get(statement.pk) for statement in shown}
    draw = secrets.randbelow(2**53) / 2**53 if random_value is None else random_value
    chosen = choose_next_statement(priorities, votes_of(participant).keys(), random_value=draw)
    return next((statement for statement in shown if statement.pk == chosen), None)


@dataclass
class ParticipationDay:
    day: datetime.date
    joined: int
    votes: int
    participants_total: int
    votes_total: int


def participation_over_time(consultation: Consultation) -> list[ParticipationDay]:
    """Per day (in the organisation's time zone) with any activity: participants who joined and votes
    first cast that day, and the running totals. A changed vote counts on the day first cast."""
    zone = organization_zone(consultation.organization)
    joined = Counter(
        dict(
            Participant.objects.filter(consultation=consultation)
            .annotate(day=TruncDate("created_at", tzinfo=zone))
            .values("day")
            .annotate(n=Count("pk"))
            .values_list("day", "n")
        )
    )
    votes = Counter(
        dict(
            Vote.objects.filter(consultation=consultation)
            .annotate(day=TruncDate("created_at", tzinfo=zone))
            .values("day")
            .annotate(n=Count("pk"))
            .values_list("day", "n")
        )
    )
    days, total_joined, total_votes = [], 0, 0
    for day in sorted(set(joined) | set(votes)):
        total_joined, total_votes = total_joined + joined[day], total_votes + votes[day]
        days.append(ParticipationDay(day, joined[day], votes[day], total_joined, total_votes))
    return days


def policy_divisions(organization: Organization, policy_ids: list[int] | None = None) -> dict[int, float]:
    """Policy id → the division its tension index reads (issue #6, FRAMEWORKS.md §5).

    The division of the latest opinion map of the policy's most recently opened consultation that
    has opened (open or closed, not a draft) and has a map. Two queries whatever the number of
    policies; policies without such a consultation are absent (the index counts them as undivided).
    """
    latest = OpinionSnapshot.objects.filter(consultation=OuterRef("pk")).order_by("-computed_at", "-pk")
    consultations = Consultation.objects.filter(
        organization=organization, policy__isnull=False, opens_at__lte=timezone.now()
    )
    if policy_ids is not None:
        consultations = consultations.filter(policy_id__in=policy_ids)
    rows = (
        consultations.annotate(division=Subquery(latest.values("division")[:1]))
        .filter(division__isnull=False)
        .order_by("policy_id", "-opens_at", "-pk")
        .values_list("policy_id", "division")
    )
    divisions: dict[int, float] = {}
    for policy_id, division in rows:
        divisions.setdefault(policy_id, float(division))
    return divisions


def polis_conversation(consultation: Consultation) -> polis_format.PolisConversation:
    """The consultation in the Polis export's terms: Polis ids where imported, database ids otherwise."""
    participants = dict(Participant.objects.filter(consultation=consultation).values_list("pk", "external_id"))
    pids = {pk: external if external is not None else pk for pk, external in participants.items()}
    statements = list(statements_of(consultation))
    tids = {
        statement.pk: statement.external_id if statement.external_id is not None else statement.pk
        for statement in statements
    }
    comments = tuple(_polis_comment(statement, tids[statement.pk], pids) for statement in statements)
    votes = tuple(
        sorted(
            (
                PolisVote(pids[participant], tids[statement], value, updated.timestamp() * 1000)
                for participant, statement, value, updated in Vote.objects.filter(consultation=consultation)
                .values_list("participant_id", "statement_id", "value", "updated_at")
                .iterator(chunk_size=5000)
            ),
            key=lambda vote: (vote.participant, vote.statement),
        )
    )
    return polis_format.PolisConversation(
        topic=consultation.title,
        description=consultation.description,
        comments=comments,
        votes=votes,
        participants=tuple(sorted(pids.values())),
        timed_votes=True,
    )


def _polis_comment(statement: Statement, tid: int, pids: dict[int, int]) -> polis_format.PolisComment:
    return polis_format.PolisComment(
        id=tid,
        text=statement.text,
        author=pids.get(statement.author_participant_id) if statement.author_participant_id else None,
        moderated=POLIS_MODERATION[statement.moderation],
        timestamp=int(statement.created_at.timestamp() * 1000),
        agrees=statement.agrees,  # type: ignore[attr-defined]  # annotated by statements_of
        disagrees=statement.disagrees,  # type: ignore[attr-defined]
        is_seed=statement.is_seed,
    )
