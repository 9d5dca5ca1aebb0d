"""A person's policy data in an access request, and what erasure keeps."""

from __future__ import annotations

import pytest

from spaceforchange.core import privacy
from spaceforchange.policies import services
from spaceforchange.policies.models import ScrutinyReport
from tests.factories import make_scrutiny_report
from tests.integration.policies.conftest import World

pytestmark = pytest.mark.django_db


def test_access_request_lists_reports_answers_and_managed_policies(world: World) -> None:
    report = make_scrutiny_report(world.policy, world.member, anonymous=True)
    services.answer_scrutiny_report(report=report, answered_by=world.manager, answer="Thanks.")
    member = privacy.export_person(user=world.member)
    manager = privacy.export_person(user=world.manager)
    assert [row["anonymous"] for row in member["sections"]["policies"]["scrutiny_reports"]] == [True]
    assert [row["answer"] for row in manager["sections"]["policies"]["answers_given"]] == ["Thanks."]
    assert [row["policy"] for row in manager["sections"]["policies"]["policies_managed"]] == ["Standard visit times"]


def test_erasure_keeps_reports_unlinked_and_leaves_the_policy_unmanaged(world: World) -> None:
    make_scrutiny_report(world.policy, world.manager, what_happened="manager@northbay.example saw it.")
    privacy.erase_person(user=world.manager)
    report = ScrutinyReport.objects.get()
    assert report.reported_by_id is None and "manager@northbay.example" not in report.what_happened
    world.policy.refresh_from_db()
    assert world.policy.manager_id is None and world.policy.unmanaged_since is not None
