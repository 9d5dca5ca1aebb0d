"""Writes to policies: the register, scrutiny reports and answers, signals, and the stored index."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from spaceforchange.policies import domain, selectors, services
from spaceforchange.policies.models import PolicySignal, ScrutinyReport, TensionSnapshot
from spaceforchange.portfolio import services as portfolio_services
from tests.factories import make_member, make_organization, make_registered_policy, make_scrutiny_report, make_unit
from tests.integration.policies.conftest import World, judge, stakeholder

pytestmark = pytest.mark.django_db


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(excinfo.value.message_dict)


def test_a_policy_without_manager_is_unmanaged_from_registration(world: World) -> None:
    policy = make_registered_policy(
        world.organization, "Library age limit", registered_on=world.today - datetime.timedelta(40)
    )
    assert (policy.manager_id, policy.unmanaged_since) == (None, world.today - datetime.timedelta(40))
    assert world.policy.unmanaged_since is None


def test_unmanaged_since_follows_the_manager(world: World) -> None:
    services.update_policy(policy=world.policy, manager=None)
    world.policy.refresh_from_db()
    assert world.policy.unmanaged_since == world.today
    services.update_policy(policy=world.policy, manager=world.member)
    world.policy.refresh_from_db()
    assert (world.policy.manager_id, world.policy.unmanaged_since) == (world.member.pk, None)


def test_register_refuses_every_bad_field_at_once_and_changes_nothing(world: World) -> None:
    other = make_organization()
    stranger = make_member(other).user
    with pytest.raises(ValidationError) as excinfo:
        services.register_policy(
            organization=world.organization,
            title="standard VISIT times",
            summary="x" * 4001,
            manager=stranger,
            enforcing_units=[make_unit(other)],
            next_review_on=world.today - datetime.timedelta(days=10),
            last_reviewed_on=world.today,
        )
    assert errors_of(excinfo) == {"title", "summary", "manager", "enforcing_units", "next_review_on"}
    assert world.organization.policies.count() == 1


def test_initiatives_of_another_organisation_are_refused(world: World) -> None:
    other = make_organization()
    initiative = portfolio_services.create_initiative(organization=other, title="Elsewhere")
    with pytest.raises(ValidationError) as excinfo:
        services.update_policy(policy=world.policy, initiatives=[initiative])
    assert errors_of(excinfo) == {"initiatives"}


def test_update_refuses_unknown_fields(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.update_policy(policy=world.policy, organization=make_organization())
    assert errors_of(excinfo) == {"organization"}


def test_filing_a_report_keeps_the_anonymous_reporter_and_stores_the_index(world: World) -> None:
    report = make_scrutiny_report(world.policy, world.member, anonymous=True)
    assert (report.reported_by_id, report.anonymous, report.answer) == (world.member.pk, True, "")
    snapshot = TensionSnapshot.objects.get(policy=world.policy, computed_on=world.today)
    assert snapshot.detail["components"][1]["reason"]["params"]["recent_count"] == 1


def test_bad_reports_name_their_fields(world: World) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.file_scrutiny_report(
            policy=world.policy,
            reported_by=world.member,
            what_happened="  ",
            legitimacy_type="feelings",
            frequency="hourly",
            proposed_change="x" * 4001,
            reported_at=timezone.now() + datetime.timedelta(days=1),
        )
    assert errors_of(excinfo) == {"what_happened", "legitimacy_type", "frequency", "proposed_change", "reported_at"}
    assert not ScrutinyReport.objects.exists()


def test_only_members_report(world: World) -> None:
    outsider = make_member(make_organization()).user
    with pytest.raises(PermissionDenied):
        make_scrutiny_report(world.policy, outsider)


def test_only_the_policy_manager_answers(world: World) -> None:
    report = make_scrutiny_report(world.policy, world.member)
    for someone in (world.lead, world.member, world.oversight):
        with pytest.raises(PermissionDenied):
            services.answer_scrutiny_report(report=report, answered_by=someone, answer="No.")
    with pytest.raises(ValidationError) as excinfo:
        services.answer_scrutiny_report(report=report, answered_by=world.manager, answer=" ")
    assert errors_of(excinfo) == {"answer"}
    services.answer_scrutiny_report(report=report, answered_by=world.manager, answer="We will change it.")
    report.refresh_from_db()
    assert (report.answer, report.answered_by_id) == ("We will change it.", world.manager.pk)
    assert report.answered_at is not None


def test_a_signal_is_one_row_per_month_and_recording_again_replaces_it(world: World) -> None:
    day = world.today.replace(day=1) - datetime.timedelta(days=20)
    services.record_signal(policy=world.policy, signal="complaints", period_start=day, count=4)
    services.record_signal(policy=world.policy, signal="complaints", period_start=day.replace(day=2), count=7)
    rows = list(PolicySignal.objects.values_list("signal", "period_start", "count"))
    assert rows == [("complaints", day.replace(day=1), 7)]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"signal": "scrutiny_report"}, "signal"),
        ({"signal": "gossip"}, "signal"),
        ({"count": -1}, "count"),
        ({"count": 1_000_001}, "count"),
        ({"count": True}, "count"),
        ({"note": "x" * 2001}, "note"),
        ({"period_start": datetime.date(2999, 1, 1)}, "period_start"),
    ],
)
def test_bad_signals_name_their_field(world: World, changes: dict[str, object], field: str) -> None:
    values: dict[str, object] = {"signal": "complaints", "period_start": world.today, "count": 3, **changes}
    with pytest.raises(ValidationError) as excinfo:
        services.record_signal(policy=world.policy, **values)  # type: ignore[arg-type]
    assert errors_of(excinfo) == {field}
    assert not PolicySignal.objects.exists()


def test_compute_tension_reads_current_judgments_reports_and_signals(world: World) -> None:
    union, regulator, gone = (stakeholder(world.organization, influence=i) for i in (4, 5, 2))
    earlier = timezone.now() - datetime.timedelta(days=3)
    judge(world.policy, union, "normative", "legitimate", at=earlier)
    judge(world.policy, union, "normative", "illegitimate")  # the current one
    judge(world.policy, regulator, "regulatory", "legitimate")
    judge(world.policy, regulator, "pragmatic", "conditional_illegitimacy")
    judge(world.policy, gone, "normative", "illegitimate")
    gone.active = False
    gone.save()
    make_scrutiny_report(world.policy, world.member)
    make_scrutiny_report(world.policy, world.colleague)
    services.record_signal(policy=world.policy, signal="media_attention", period_start=world.today, count=1)
    computed = services.compute_tension(organization=world.organization, policy=world.policy)[world.policy.pk]
    strain = domain.PolicyStrain(
        (
            domain.Judgment(union.pk, "normative", "illegitimate", 4),
            domain.Judgment(regulator.pk, "regulatory", "legitimate", 5),
            domain.Judgment(regulator.pk, "pragmatic", "conditional_illegitimacy", 5),
        ),
        (
            domain.SignalCount(domain.SCRUTINY_REPORT, world.today),
            domain.SignalCount(domain.SCRUTINY_REPORT, world.today),
            domain.SignalCount(domain.MEDIA_ATTENTION, world.today.replace(day=1)),
        ),
    )
    assert computed == domain.tension_index(strain, world.today)
    assert computed.level == 3
    stored = TensionSnapshot.objects.get(policy=world.policy, computed_on=world.today)
    assert (stored.index, stored.level, stored.detail) == (computed.index, 3, computed.as_dict())


def test_compute_tension_for_the_organisation_takes_a_fixed_number_of_queries(world: World) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            services.compute_tension(organization=world.organization)
        return len(captured)

    few = queries()
    for _number in range(8):
        policy = make_registered_policy(world.organization, manager=world.manager)
        make_scrutiny_report(policy, world.member)
        judge(policy, stakeholder(world.organization), "cognitive", "unknown_legitimacy")
    assert queries() == few
    assert TensionSnapshot.objects.filter(computed_on=world.today).count() == 9


def test_compute_tension_refuses_another_organisations_policy(world: World) -> None:
    with pytest.raises(ValidationError):
        services.compute_tension(organization=make_organization(), policy=world.policy)


def test_current_judgments_keep_the_latest_per_cell_ties_to_the_higher_id(world: World) -> None:
    holder = stakeholder(world.organization)
    moment = timezone.now() - datetime.timedelta(hours=1)
    judge(world.policy, holder, "normative", "legitimate", at=moment)
    judge(world.policy, holder, "normative", "illegitimate", at=moment)
    judge(world.policy, holder, "cognitive", "unknown_legitimacy")
    current = selectors.current_judgments(world.organization)[world.policy.pk]
    assert sorted((j.legitimacy_type, j.state) for j in current) == [
        ("cognitive", "unknown_legitimacy"),
        ("normative", "illegitimate"),
    ]


def test_another_organisations_judgments_do_not_count(world: World) -> None:
    other = make_organization()
    policy = make_registered_policy(other)
    judge(policy, stakeholder(other), "normative", "illegitimate")
    assert selectors.current_judgments(world.organization) == {}
