"""Stored results: recomputed in the background when answers arrive, read fresh or marked stale."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from spaceforchange.assessments import snapshots
from spaceforchange.assessments.models import Campaign, Response, ResultSnapshot
from spaceforchange.assessments.results import campaign_results
from tests.factories import make_campaign, make_organization, make_response

pytestmark = pytest.mark.django_db(transaction=True)


def _campaign():  # type: ignore[no-untyped-def]
    return make_campaign(make_organization(), anonymity_threshold=2)


def _version(campaign: Campaign) -> int:
    return Campaign.objects.get(pk=campaign.pk).answers_version


def test_each_submission_raises_the_version_and_the_task_stores_fresh_results():
    campaign = _campaign()
    make_response(campaign)
    make_response(campaign, {"r1": 2, "r2": 4, "o1": 1, "o2": 5})
    assert _version(campaign) == 2
    # Tests run tasks at once (ImmediateBackend): the commit of each submission queued a recompute.
    stored = ResultSnapshot.objects.get(campaign=campaign, group_by="")
    assert stored.answers_version == 2
    assert stored.organization_id == campaign.organization_id
    assert stored.data == campaign_results(campaign)
    assert stored.data["campaign"]["respondents"] == 2


def test_a_draft_changes_nothing():
    campaign = _campaign()
    make_response(campaign, submit=False)
    assert _version(campaign) == 0
    assert not ResultSnapshot.objects.filter(campaign=campaign).exists()


def test_fresh_results_are_read_as_stored_without_recomputing():
    campaign = _campaign()
    make_response(campaign)
    long_ago = timezone.now() - datetime.timedelta(days=3)
    ResultSnapshot.objects.filter(campaign=campaign).update(computed_at=long_ago)
    current = snapshots.current_results(campaign)
    assert (current.computed_at, current.stale) == (long_ago, False)
    assert current.data["campaign"]["respondents"] == 1


def test_stale_results_of_a_small_campaign_are_recomputed_on_the_spot():
    campaign = _campaign()
    make_response(campaign)
    make_response(campaign)
    # As if the second submission's task had not run yet (no worker).
    ResultSnapshot.objects.filter(campaign=campaign).update(
        answers_version=1, data={"stale": True}, computed_at=timezone.now() - datetime.timedelta(hours=1)
    )
    current = snapshots.current_results(campaign)
    assert current.stale is False
    assert current.data["campaign"]["respondents"] == 2
    assert ResultSnapshot.objects.get(campaign=campaign, group_by="").answers_version == 2


def test_stale_results_of_a_large_campaign_are_shown_marked_until_the_worker_catches_up(monkeypatch):
    campaign = _campaign()
    make_response(campaign)
    make_response(campaign)
    ResultSnapshot.objects.filter(campaign=campaign).update(answers_version=1, data={"old": True})
    monkeypatch.setattr(snapshots, "INLINE_LIMIT", 1)
    current = snapshots.current_results(campaign)
    assert (current.data, current.stale) == ({"old": True}, True)
    assert snapshots.recompute_results.call(campaign_id=campaign.pk) == 1
    current = snapshots.current_results(campaign)
    assert current.stale is False
    assert current.data["campaign"]["respondents"] == 2


def test_a_grouping_is_stored_when_first_asked_and_kept_up_to_date_afterwards():
    campaign = _campaign()
    make_response(campaign)
    Response.objects.filter(campaign=campaign).update(attributes={"AGENCY": "AR"})
    first = snapshots.current_results(campaign, group_by="attribute:AGENCY")
    assert first.data == campaign_results(campaign, group_by="attribute:AGENCY")
    make_response(campaign)
    stored = ResultSnapshot.objects.get(campaign=campaign, group_by="attribute:AGENCY")
    assert stored.answers_version == 2
    assert stored.data["campaign"]["respondents"] == 2


def test_a_malformed_grouping_is_refused_and_nothing_is_stored():
    campaign = _campaign()
    with pytest.raises(ValueError, match="Group by"):
        snapshots.current_results(campaign, group_by="colour")
    make_response(campaign)
    with pytest.raises(ValueError, match="no attribute “AGENCY”"):
        snapshots.current_results(campaign, group_by="attribute:AGENCY")
    with pytest.raises(ValueError, match="at most 100 characters"):
        snapshots.current_results(campaign, group_by="attribute:" + "x" * 91)
    assert list(ResultSnapshot.objects.filter(campaign=campaign).values_list("group_by", flat=True)) == [""]


def test_recomputing_a_deleted_campaign_does_nothing():
    campaign = _campaign()
    campaign_id = campaign.pk
    campaign.delete()
    assert snapshots.recompute_results.call(campaign_id=campaign_id) == 0


def test_an_empty_campaign_has_results_with_no_respondents():
    campaign = _campaign()
    current = snapshots.current_results(campaign)
    assert current.data["campaign"]["respondents"] == 0
    assert [group["n"] for group in current.data["groups"]] == [0]


def test_a_queued_run_that_finds_the_results_up_to_date_computes_nothing():
    campaign = _campaign()
    make_response(campaign)
    computed_at = ResultSnapshot.objects.get(campaign=campaign).computed_at
    assert snapshots.recompute_results.call(campaign_id=campaign.pk) == 0
    assert ResultSnapshot.objects.get(campaign=campaign).computed_at == computed_at
