"""Computing and storing a consultation's opinion map (re-exported by ``services``).

The votes are read as three integer columns straight into numpy (no model instances), the pure
pipeline (``analytics.opinion``) runs warm-started from the previous snapshot's state, and the
result is stored as an ``OpinionSnapshot``. Snapshots are derived and not audited; only the latest
``SNAPSHOTS_KEPT`` of a consultation are kept, since a large map is megabytes of JSON and a busy
consultation is recomputed every few seconds.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from django.db import transaction

from spaceforchange.analytics.opinion.matrix import VoteMatrix
from spaceforchange.analytics.opinion.parameters import OpinionParameters
from spaceforchange.analytics.opinion.pipeline import analyze
from spaceforchange.analytics.opinion.result import OpinionState
from spaceforchange.consultations.models import Consultation, Moderation, OpinionSnapshot, Statement, Vote
from spaceforchange.consultations.tasks import policy_division_may_have_changed

SNAPSHOTS_KEPT = 3
DIVISION_TOLERANCE = 1e-9


def hidden_statements(consultation: Consultation, moderation: dict[int, str]) -> set[int]:
    """Statements the analysis zeroes: rejected ones, and with strict moderation also those not yet accepted."""
    hidden = {Moderation.REJECTED.value}
    if consultation.strict_moderation:
        hidden.add(Moderation.PENDING.value)
    return {pk for pk, state in moderation.items() if state in hidden}


def vote_matrix(consultation: Consultation) -> VoteMatrix:
    """The consultation's votes (one per participant and statement) as a matrix keyed by database ids.

    Participants appear in order of joining (ascending id), statements in order of adding, so the
    result is the same whatever order the database returns the votes in.
    """
    moderation = dict(
        Statement.objects.filter(consultation=consultation).order_by("pk").values_list("pk", "moderation")
    )
    statement_ids = np.fromiter(moderation, dtype=np.int64, count=len(moderation))
    # In the matrix's own order (the vote index's), so building it needs no sort of millions of cells.
    rows = (
        Vote.objects.filter(consultation=consultation)
        .order_by("participant_id", "statement_id")
        .values_list("participant_id", "statement_id", "value")
    )
    votes = np.array(list(rows), dtype=np.int64).reshape(-1, 3)
    participant_ids, participant_index = np.unique(votes[:, 0], return_inverse=True)
    return VoteMatrix.from_arrays(
        participant_index=participant_index,
        statement_index=np.searchsorted(statement_ids, votes[:, 1]),
        values=votes[:, 2],
        participant_ids=[int(pk) for pk in participant_ids],
        statement_ids=[int(pk) for pk in statement_ids],
        moderated_out=hidden_statements(consultation, moderation),
    )


def latest_state(consultation: Consultation) -> tuple[OpinionSnapshot | None, Any]:
    """The latest snapshot and its warm-start state (None when there is none or it cannot be read)."""
    previous = OpinionSnapshot.objects.filter(consultation=consultation).order_by("-computed_at", "-pk").first()
    if previous is None or not previous.state:
        return previous, None
    try:
        return previous, OpinionState.from_dict(previous.state)
    except (KeyError, TypeError, ValueError):
        # A state written by an older version of the pipeline: start cold rather than fail.
        return previous, None


def stored_result(data: dict[str, Any]) -> dict[str, Any]:
    """The result as stored: without its warm-start state, which has a column of its own."""
    return {key: value for key, value in data.items() if key != "state"}


def recompute_opinion(*, consultation: Consultation) -> OpinionSnapshot:
    """Compute the consultation's opinion map from its current votes and store it as the latest snapshot.

    The votes are read and analysed outside any transaction, so that a computation of several
    seconds holds no transaction open; the snapshot, the pruning of old ones and the queueing of
    the policy's tension index (when the division changed and a policy is linked) are one.
    """
    started = time.perf_counter()
    matrix = vote_matrix(consultation)
    previous, state = latest_state(consultation)
    result = analyze(matrix, OpinionParameters(), previous=state)
    seconds = time.perf_counter() - started
    with transaction.atomic():
        snapshot = OpinionSnapshot.objects.create(
            organization_id=consultation.organization_id,
            consultation=consultation,
            votes_counted=matrix.vote_count,
            result=stored_result(result.to_dict()),
            state=result.state.to_dict(),
            division=float(result.division),
            seconds=seconds,
        )
        kept = OpinionSnapshot.objects.filter(consultation=consultation).order_by("-computed_at", "-pk")
        OpinionSnapshot.objects.filter(pk__in=list(kept[SNAPSHOTS_KEPT:].values_list("pk", flat=True))).delete()
        changed = previous is None or abs(previous.division - snapshot.division) > DIVISION_TOLERANCE
        if changed and consultation.policy_id is not None:
            policy_division_may_have_changed(consultation.organization_id, [consultation.policy_id])
    return snapshot
