"""Background recomputation of opinion maps, debounced, and the policy tension it feeds.

Votes arrive many per second on a busy consultation, and one computation of a large map takes
seconds, so a vote never computes anything: it calls :func:`opinion_may_have_changed`, which
queues at most one recomputation per consultation at a time.

**Debouncing.** ``Consultation.opinion_requested_at`` is the claim: the first vote that finds it
empty sets it (a conditional ``UPDATE``, atomic on PostgreSQL and SQLite alike) and queues
:func:`recompute_consultation_opinion` once its transaction commits; later votes find it set and
queue nothing. The task empties the claim *before* it reads the votes, so a vote arriving during
the computation queues the next one and is never lost. The queued task runs no earlier than the
last computation plus ``max(SFC_OPINION_DEBOUNCE_SECONDS, 2 × that computation's duration)``: a
worker then spends at most a third of its time on one consultation, however busy it is, and the map
is never staler than the delay plus one computation. A claim older than ``STALE_CLAIM`` (a worker
died with the task) is taken over.

A backend that cannot run a task later (the immediate backend of the tests and of a setup without
``sfc worker``) computes at once when the last map is older than the delay and skips otherwise; the
map then catches up with the next vote after the delay.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from spaceforchange.core.tasks import enqueue_on_commit

DEFAULT_DEBOUNCE_SECONDS = 10.0
STALE_CLAIM = datetime.timedelta(minutes=15)
DURATION_FACTOR = 2.0


def debounce_seconds() -> float:
    return float(getattr(settings, "SFC_OPINION_DEBOUNCE_SECONDS", DEFAULT_DEBOUNCE_SECONDS))


def next_due(consultation_id: int, now: datetime.datetime) -> datetime.datetime:
    """The earliest moment the next computation of the consultation's map should run."""
    from spaceforchange.consultations.models import OpinionSnapshot

    last = (
        OpinionSnapshot.objects.filter(consultation_id=consultation_id)
        .order_by("-computed_at", "-pk")
        .values_list("computed_at", "seconds")
        .first()
    )
    if last is None:
        return now
    delay = max(debounce_seconds(), DURATION_FACTOR * last[1])
    return max(now, last[0] + datetime.timedelta(seconds=delay))


def opinion_may_have_changed(consultation: Any) -> None:
    """Queue one recomputation of the consultation's opinion map, unless one is already queued (see above)."""
    from spaceforchange.consultations.models import Consultation

    now = timezone.now()
    claimed = (
        Consultation.objects.filter(pk=consultation.pk)
        .filter(Q(opinion_requested_at__isnull=True) | Q(opinion_requested_at__lt=now - STALE_CLAIM))
        .update(opinion_requested_at=now)
    )
    if not claimed:
        return
    due = next_due(consultation.pk, now)
    if recompute_consultation_opinion.get_backend().supports_defer:
        queued = recompute_consultation_opinion.using(run_after=due) if due > now else recompute_consultation_opinion
        enqueue_on_commit(queued, consultation_id=consultation.pk)
    elif due > now:
        Consultation.objects.filter(pk=consultation.pk).update(opinion_requested_at=None)
    else:
        enqueue_on_commit(recompute_consultation_opinion, consultation_id=consultation.pk)


def policy_division_may_have_changed(organization_id: int, policy_ids: Iterable[int | None]) -> None:
    """Queue the tension index of each policy whose consultation division may have changed."""
    from spaceforchange.policies.tasks import tension_may_have_changed

    for policy_id in sorted({pk for pk in policy_ids if pk is not None}):
        tension_may_have_changed(organization_id, policy_id)


@task()
def recompute_consultation_opinion(consultation_id: int) -> dict[str, Any]:
    """Compute and store the consultation's opinion map; returns its size, division and duration."""
    from spaceforchange.consultations.models import Consultation
    from spaceforchange.consultations.opinion_services import recompute_opinion

    consultation = Consultation.objects.filter(pk=consultation_id).select_related("organization").first()
    if consultation is None:
        return {"consultation": None}
    Consultation.objects.filter(pk=consultation_id).update(opinion_requested_at=None)
    snapshot = recompute_opinion(consultation=consultation)
    return {
        "consultation": consultation_id,
        "snapshot": snapshot.pk,
        "votes_counted": snapshot.votes_counted,
        "division": snapshot.division,
        "seconds": snapshot.seconds,
    }
