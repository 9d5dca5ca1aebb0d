"""Importing a Polis open-data export as a consultation (re-exported by ``services``); reading one back out.

The whole directory is read and validated (``analytics.opinion.polis_format``) before anything is
written, and the import is one transaction: a bad file reports every problem with its file and
line and leaves the database unchanged. An imported conversation is history, so the consultation is
created closed: it opens at the earliest time the export records and closes at the import. Polis
ids are kept as ``external_id`` (comment tid, participant pid) so that an export writes them back;
imported participants have no secret, so nobody can vote as them. Statements, participants and
votes are bulk-inserted (a large conversation has hundreds of thousands of votes); the audit log
records the consultation's creation by the importing person.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spaceforchange.analytics.opinion import polis_format
from spaceforchange.analytics.opinion.matrix import Vote as PolisVote
from spaceforchange.consultations.models import (
    STATEMENT_STORED_MAX,
    TITLE_MAX,
    Consultation,
    Moderation,
    Participant,
    Statement,
    Vote,
)
from spaceforchange.consultations.tasks import opinion_may_have_changed
from spaceforchange.core.models import Organization, User
from spaceforchange.policies.models import Policy

BATCH = 5000
MODERATION = {1: Moderation.ACCEPTED, 0: Moderation.PENDING, -1: Moderation.REJECTED}


def _read(directory: str | Path) -> polis_format.PolisConversation:
    try:
        return polis_format.read_polis_export(directory)
    except polis_format.PolisFormatError as error:
        messages = [str(problem) for problem in error.problems]
        if error.more:
            messages.append(_("… and %(count)d more problems.") % {"count": error.more})
        raise ValidationError({"directory": messages}) from error


def _check(conversation: polis_format.PolisConversation, title: str) -> None:
    errors: list[str] = []
    if len(title) > TITLE_MAX:
        errors.append(_("The title has more than %(limit)d characters.") % {"limit": TITLE_MAX})
    errors.extend(
        _("%(file)s, comment %(id)d: more than %(limit)d characters.")
        % {"file": polis_format.COMMENTS, "id": comment.id, "limit": STATEMENT_STORED_MAX}
        for comment in conversation.comments
        if len(comment.text) > STATEMENT_STORED_MAX
    )
    if errors:
        raise ValidationError({"directory": errors})


def _moments(conversation: polis_format.PolisConversation, now: datetime.datetime) -> list[datetime.datetime]:
    moments = [comment.created for comment in conversation.comments if comment.created is not None]
    if conversation.timed_votes:
        moments.extend(_at(vote, now) for vote in conversation.votes)
    return [moment for moment in moments if moment < now]


def _at(vote: PolisVote, fallback: datetime.datetime) -> datetime.datetime:
    if not vote.at:
        return fallback
    return datetime.datetime.fromtimestamp(vote.at / 1000, tz=datetime.UTC)


@transaction.atomic
def import_polis_consultation(
    *,
    organization: Organization,
    directory: str | Path,
    title: str = "",
    policy: Policy | None = None,
    strict_moderation: bool = False,
    actor: User | None = None,
) -> Consultation:
    """Create a closed consultation holding the conversation in the Polis export ``directory``.

    ``title`` replaces the export's topic (the directory name when both are empty). The opinion map
    is queued for computation like after any change of votes.
    """
    conversation = _read(directory)
    name = (title or conversation.topic or Path(directory).name).strip()
    _check(conversation, name)
    if policy is not None and policy.organization_id != organization.pk:
        raise ValidationError({"policy": [_("The policy belongs to another organisation.")]})
    now = timezone.now()
    moments = _moments(conversation, now)
    consultation = Consultation.objects.create(
        organization=organization,
        title=name,
        description=conversation.description.strip(),
        policy=policy,
        opens_at=min(moments, default=now - datetime.timedelta(seconds=1)),
        closes_at=now,
        strict_moderation=strict_moderation,
        allow_participant_statements=False,
        created_by=actor,
    )
    participants = _import_participants(consultation, conversation)
    statements = _import_statements(consultation, conversation, participants)
    _import_votes(consultation, conversation, participants, statements)
    opinion_may_have_changed(consultation)
    return consultation


def _import_participants(consultation: Consultation, conversation: polis_format.PolisConversation) -> dict[int, int]:
    """Polis pid → participant id; each joins at their first vote (the opening without vote times)."""
    first: dict[int, datetime.datetime] = {}
    for vote in conversation.votes:
        moment = _at(vote, consultation.opens_at)
        pid = int(vote.participant)
        if pid not in first or moment < first[pid]:
            first[pid] = moment
    rows = [
        Participant(
            organization_id=consultation.organization_id,
            consultation=consultation,
            external_id=pid,
            created_at=first.get(pid, consultation.opens_at),
        )
        for pid in conversation.participants
    ]
    Participant.objects.bulk_create(rows, batch_size=BATCH)
    stored = Participant.objects.filter(consultation=consultation).values_list("external_id", "pk")
    return {external: pk for external, pk in stored if external is not None}


def _import_statements(
    consultation: Consultation, conversation: polis_format.PolisConversation, participants: dict[int, int]
) -> dict[int, int]:
    """Polis tid → statement id."""
    rows = [
        Statement(
            organization_id=consultation.organization_id,
            consultation=consultation,
            text=comment.text,
            is_seed=comment.is_seed,
            author_participant_id=participants.get(comment.author) if comment.author is not None else None,
            moderation=MODERATION.get(comment.moderated, Moderation.PENDING),
            external_id=comment.id,
            created_at=comment.created or consultation.opens_at,
        )
        for comment in conversation.comments
    ]
    Statement.objects.bulk_create(rows, batch_size=BATCH)
    stored = Statement.objects.filter(consultation=consultation).values_list("external_id", "pk")
    return {external: pk for external, pk in stored if external is not None}


def _import_votes(
    consultation: Consultation,
    conversation: polis_format.PolisConversation,
    participants: dict[int, int],
    statements: dict[int, int],
) -> None:
    """Insert the votes with one prepared statement run over all rows (``executemany``).

    ``bulk_create`` builds a model instance and prepares every value of every row in Python, which
    took most of a 225,000-vote import; the rows here are plain tuples of already adapted values.
    The votes are new rows of a consultation created in this transaction, so no model behaviour
    (signals, defaults) is skipped that matters: votes are not audited.
    """
    adapt = connection.ops.adapt_datetimefield_value
    opened = adapt(consultation.opens_at)
    known: dict[float, Any] = {}
    rows = []
    for vote in conversation.votes:
        if vote.at not in known:
            known[vote.at] = adapt(_at(vote, consultation.opens_at)) if vote.at else opened
        moment = known[vote.at]
        participant, statement = participants[int(vote.participant)], statements[int(vote.statement)]
        rows.append((consultation.organization_id, consultation.pk, participant, statement, vote.value, moment, moment))
    columns = (
        "organization_id",
        "consultation_id",
        "participant_id",
        "statement_id",
        "value",
        "created_at",
        "updated_at",
    )
    quote = connection.ops.quote_name
    # Identifiers from the model, quoted by the backend; the values are bound parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(Vote._meta.db_table), ", ".join(quote(name) for name in columns), ", ".join(["%s"] * len(columns))
    )
    with connection.cursor() as cursor:
        for begin in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[begin : begin + BATCH])
