"""Stored results: each campaign's figures kept per grouping and recomputed in the background.

Every change to a campaign's submitted answers calls ``answers_changed``, which raises the
campaign's ``answers_version`` and, once the transaction commits, queues ``recompute_results``
for ``sfc worker``. Pages, the API and exports read ``current_results``: the stored figures when
they match the answers. When they do not, a small campaign (up to ``INLINE_LIMIT`` respondents) is
recomputed on the spot, which takes milliseconds; a large one shows its stored figures, marked as
being brought up to date, so no page ever waits for a big scoring run. The same holds before any
worker has run: results never depend on a worker being up for small campaigns.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from spaceforchange.assessments import result_selectors
from spaceforchange.assessments.models import Campaign, Response, ResponseStatus, ResultSnapshot
from spaceforchange.assessments.results import campaign_results, parse_group_by
from spaceforchange.core.tasks import enqueue_on_commit

logger = logging.getLogger(__name__)

# Scoring this many respondents takes well under a tenth of a second (benchmarks/survey_scoring.py).
INLINE_LIMIT = 20_000
MAX_GROUP_BY = ResultSnapshot._meta.get_field("group_by").max_length or 100


@dataclass(frozen=True)
class StoredResults:
    """A campaign's results as last computed; ``stale`` when answers arrived since."""

    data: dict[str, Any]
    computed_at: datetime
    stale: bool


def answers_changed(campaign_id: int) -> None:
    """Record that the campaign's submitted answers changed, and queue their recomputation.

    Call it inside the transaction that changed them: the task is queued only if it commits.
    """
    Campaign.objects.filter(pk=campaign_id).update(answers_version=F("answers_version") + 1)
    enqueue_on_commit(recompute_results, campaign_id=campaign_id)


@task()
def recompute_results(*, campaign_id: int) -> int:
    """Recompute the whole campaign and every grouping stored before, where out of date; returns how many."""
    campaign = Campaign.objects.select_related("pack_version__pack").filter(pk=campaign_id).first()
    if campaign is None:
        logger.info("Campaign %s is gone; nothing to recompute.", campaign_id)
        return 0
    groupings = {""} | set(ResultSnapshot.objects.filter(campaign=campaign).values_list("group_by", flat=True))
    version = _answers_version(campaign)
    stale = {
        group_by
        for group_by in groupings
        if not ResultSnapshot.objects.filter(
            campaign=campaign, group_by=group_by, answers_version__gte=version
        ).exists()
    }
    # Each submission queues a run; a run that finds everything up to date (an earlier run of the
    # queue already saw the same answers) costs a query per grouping and nothing else.
    for group_by in sorted(stale):
        _compute_and_store(campaign, group_by)
    return len(stale)


def current_results(campaign: Campaign, *, group_by: str | None = None) -> StoredResults:
    """The campaign's results for a grouping (see the module); ValueError for a malformed ``group_by``."""
    grouping = parse_group_by(group_by)
    key = group_by or ""
    if len(key) > MAX_GROUP_BY:
        raise ValueError(_("A grouping may be at most %(limit)d characters long.") % {"limit": MAX_GROUP_BY})
    stored = ResultSnapshot.objects.filter(campaign=campaign, group_by=key).first()
    # Only attributes the respondents have get a stored result: a made-up name would otherwise add a
    # row that every later answer recomputes.
    if (
        stored is None
        and grouping is not None
        and grouping[0] == "attribute"
        and grouping[1] not in result_selectors.attribute_names(campaign)
    ):
        raise ValueError(_("The respondents have no attribute “%(name)s”.") % {"name": grouping[1]})
    version = _answers_version(campaign)
    if stored is not None and stored.answers_version >= version:
        return StoredResults(stored.data, stored.computed_at, stale=False)
    if stored is not None and _respondents(campaign) > INLINE_LIMIT:
        return StoredResults(stored.data, stored.computed_at, stale=True)
    snapshot = _compute_and_store(campaign, key)
    return StoredResults(snapshot.data, snapshot.computed_at, stale=False)


def _answers_version(campaign: Campaign) -> int:
    # Read afresh: the campaign in hand may have been loaded before the latest answers arrived.
    return Campaign.objects.filter(pk=campaign.pk).values_list("answers_version", flat=True).first() or 0


def _respondents(campaign: Campaign) -> int:
    return Response.objects.filter(
        organization_id=campaign.organization_id, campaign=campaign, status=ResponseStatus.SUBMITTED
    ).count()


def _compute_and_store(campaign: Campaign, group_by: str) -> ResultSnapshot:
    # The version is read before the answers, so answers arriving during the run leave it stale.
    version = _answers_version(campaign)
    data = campaign_results(campaign, group_by=group_by or None)
    values = {"answers_version": version, "data": data, "computed_at": timezone.now()}
    try:
        with transaction.atomic():
            snapshot, _created = ResultSnapshot.objects.update_or_create(
                campaign=campaign,
                group_by=group_by,
                defaults=values,
                create_defaults={**values, "organization_id": campaign.organization_id},
            )
    except IntegrityError:
        # Another process stored the same grouping first; ours is at least as new.
        ResultSnapshot.objects.filter(campaign=campaign, group_by=group_by).update(**values)
        snapshot = ResultSnapshot.objects.get(campaign=campaign, group_by=group_by)
    return snapshot
