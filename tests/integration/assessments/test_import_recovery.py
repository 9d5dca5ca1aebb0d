"""Imports whose worker died: ``recover_stalled_imports``, the task that runs it first, the command,
and the audit log entries of imports and mappings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from spaceforchange.assessments import import_running, import_services, import_writing
from spaceforchange.assessments.import_domain import ParsedRow
from spaceforchange.assessments.models import (
    Answer,
    Campaign,
    ColumnMapping,
    ImportStatus,
    Response,
    SurveyImport,
)
from spaceforchange.core.models import AuditScope
from tests.factories import make_campaign, make_member, make_organization, make_pack, make_user
from tests.integration.assessments.test_imports import COLUMNS, SAMPLE

pytestmark = pytest.mark.django_db

STALLED = "The import stopped unexpectedly; upload the file again."


@pytest.fixture
def campaign(db) -> Campaign:  # type: ignore[no-untyped-def]
    return make_campaign(make_organization(slug="northbay"), version=make_pack("recovery_pack"))


def queued(campaign: Campaign, **options: object) -> SurveyImport:
    return import_services.start_survey_import(
        campaign=campaign, uploaded_name="answers.csv", data=SAMPLE, mapping=COLUMNS, run_in_background=False, **options
    )


def running(
    campaign: Campaign, *, minutes_ago: int, status: str = ImportStatus.IMPORTING, drafts: int = 2
) -> SurveyImport:
    """An import left as a killed worker leaves it: running, with some draft responses written."""
    survey_import = queued(campaign)
    moment = timezone.now() - timedelta(minutes=minutes_ago)
    SurveyImport.objects.filter(pk=survey_import.pk).update(
        status=status, started_at=moment, progressed_at=moment, rows_total=6, rows_done=drafts
    )
    rows = [ParsedRow(n, [("r1", 4), ("o1", None)], 1.0, {}, None) for n in range(drafts)]
    survey_import.refresh_from_db()
    if rows:
        import_writing.insert_batch(survey_import, rows, after_id=0, started=import_writing.start_time())
    return survey_import


def test_a_stalled_import_is_failed_and_its_drafts_are_deleted(campaign):
    stalled = running(campaign, minutes_ago=31)
    assert Response.objects.filter(survey_import=stalled, status="draft").count() == 2
    assert Answer.objects.count() == 4

    assert import_running.recover_stalled_imports() == 1

    stalled.refresh_from_db()
    assert (stalled.status, stalled.message, bytes(stalled.content)) == (ImportStatus.FAILED, STALLED, b"")
    assert stalled.finished_at is not None and stalled.finished_at >= stalled.progressed_at - timedelta(seconds=1)
    assert not Response.objects.exists() and not Answer.objects.exists()
    assert import_running.recover_stalled_imports() == 0  # once ended, an import is left alone


def test_imports_still_progressing_queued_or_finished_are_left_alone(campaign):
    fresh = running(campaign, minutes_ago=5)
    checking = running(campaign, minutes_ago=5, status=ImportStatus.VALIDATING, drafts=0)
    waiting = queued(campaign)
    SurveyImport.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(days=2))
    done = import_services.import_survey(queued(campaign).pk)
    SurveyImport.objects.filter(pk=done.pk).update(progressed_at=timezone.now() - timedelta(days=2))

    assert import_running.recover_stalled_imports() == 0

    statuses = dict(SurveyImport.objects.values_list("pk", "status"))
    assert statuses == {
        fresh.pk: ImportStatus.IMPORTING,
        checking.pk: ImportStatus.VALIDATING,
        waiting.pk: ImportStatus.QUEUED,
        done.pk: ImportStatus.DONE,
    }
    assert Response.objects.filter(survey_import=fresh, status="draft").count() == 2
    assert Response.objects.filter(survey_import=done, status="submitted").count() == 6


def test_the_limit_is_configurable_and_a_recovery_of_another_import_spares_submitted_rows(campaign):
    done = import_services.import_survey(queued(campaign).pk)
    recent = running(campaign, minutes_ago=10)
    assert import_running.recover_stalled_imports(older_than=timedelta(minutes=15)) == 0
    assert import_running.recover_stalled_imports(older_than=timedelta(minutes=9)) == 1
    assert SurveyImport.objects.get(pk=recent.pk).status == ImportStatus.FAILED
    assert Response.objects.filter(survey_import=done, status="submitted").count() == 6
    assert not Response.objects.filter(survey_import=recent).exists()


def test_an_import_from_before_progress_was_recorded_falls_back_on_its_start(campaign):
    legacy = running(campaign, minutes_ago=45)
    SurveyImport.objects.filter(pk=legacy.pk).update(progressed_at=None)
    assert import_running.recover_stalled_imports() == 1
    assert SurveyImport.objects.get(pk=legacy.pk).status == ImportStatus.FAILED


@pytest.mark.parametrize("limit", [timedelta(0), timedelta(seconds=59), timedelta(minutes=-5)])
def test_a_limit_under_a_minute_is_refused_and_changes_nothing(campaign, limit):
    stalled = running(campaign, minutes_ago=31)
    with pytest.raises(ValueError, match="at least a minute"):
        import_running.recover_stalled_imports(older_than=limit)
    assert SurveyImport.objects.get(pk=stalled.pk).status == ImportStatus.IMPORTING
    assert Response.objects.filter(survey_import=stalled).count() == 2


def test_a_run_ended_as_stalled_while_it_was_only_slow_stops_and_leaves_nothing(campaign, monkeypatch):
    monkeypatch.setattr(import_running, "BATCH_ROWS", 2)
    started = queued(campaign)
    recovered: list[int] = []

    def hang_after_first_batch(survey_import: SurveyImport) -> None:
        if survey_import.status == ImportStatus.IMPORTING and survey_import.rows_done == 2 and not recovered:
            long_ago = timezone.now() - timedelta(hours=1)
            SurveyImport.objects.filter(pk=survey_import.pk).update(progressed_at=long_ago)
            recovered.append(import_running.recover_stalled_imports())

    finished = import_services.import_survey(started.pk, progress=hang_after_first_batch)

    assert recovered == [1]
    assert (finished.status, finished.message) == (ImportStatus.FAILED, STALLED)
    assert not Response.objects.exists() and not Answer.objects.exists()
    assert Campaign.objects.get(pk=campaign.pk).answers_version == campaign.answers_version


def test_each_import_task_first_recovers_stalled_imports(campaign, django_capture_on_commit_callbacks):
    stalled = running(campaign, minutes_ago=40)
    with django_capture_on_commit_callbacks(execute=True):
        fresh = import_services.start_survey_import(
            campaign=campaign, uploaded_name="next.csv", data=SAMPLE, mapping=COLUMNS
        )
    assert SurveyImport.objects.get(pk=stalled.pk).status == ImportStatus.FAILED
    assert SurveyImport.objects.get(pk=fresh.pk).status == ImportStatus.DONE
    assert set(Response.objects.values_list("survey_import_id", flat=True)) == {fresh.pk}


# --- The command --------------------------------------------------------------------------------


def test_the_command_ends_stalled_imports_and_says_how_many(campaign, capsys):
    stalled = running(campaign, minutes_ago=31)
    alive = running(campaign, minutes_ago=1)
    call_command("assessments", "recover-imports")
    assert capsys.readouterr().out == "Ended 1 stalled import.\n"
    assert SurveyImport.objects.get(pk=stalled.pk).status == ImportStatus.FAILED
    assert SurveyImport.objects.get(pk=alive.pk).status == ImportStatus.IMPORTING
    call_command("assessments", "recover-imports", "--older-than", "1")
    assert capsys.readouterr().out == "Ended 1 stalled import.\n"
    call_command("assessments", "recover-imports")
    assert capsys.readouterr().out == "Ended 0 stalled imports.\n"


@pytest.mark.parametrize("minutes", ["0", "-3", "527041", "99999999999999999"])
def test_the_command_refuses_a_bad_limit_and_changes_nothing(campaign, minutes):
    stalled = running(campaign, minutes_ago=31)
    with pytest.raises(CommandError, match="--older-than"):
        call_command("assessments", "recover-imports", "--older-than", minutes)
    assert SurveyImport.objects.get(pk=stalled.pk).status == ImportStatus.IMPORTING


def test_the_command_refuses_a_limit_that_is_not_a_number(campaign):
    with pytest.raises(CommandError, match="invalid int value"):
        call_command("assessments", "recover-imports", "--older-than", "soon")


# --- The audit log ------------------------------------------------------------------------------


def entries_of(model: type, pk: int) -> list[LogEntry]:
    kind = ContentType.objects.get_for_model(model)
    return list(LogEntry.objects.filter(content_type=kind, object_pk=str(pk)).order_by("pk"))


def test_saving_and_deleting_a_mapping_is_in_the_audit_log(campaign):
    mapping = import_services.save_column_mapping(
        organization=campaign.organization,
        name="Survey tool",
        pack_key=campaign.pack_version.pack.key,
        instrument_key="scan",
        columns=COLUMNS,
    )
    import_services.save_column_mapping(
        organization=campaign.organization,
        name="Survey tool",
        pack_key=campaign.pack_version.pack.key,
        instrument_key="scan",
        columns={**COLUMNS, "weight": None},
    )
    import_services.delete_column_mapping(mapping=mapping)
    entries = entries_of(ColumnMapping, mapping.pk)
    assert [entry.action for entry in entries] == [
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
        LogEntry.Action.DELETE,
    ]
    assert entries[0].changes_dict["name"] == ["None", "Survey tool"]
    assert "columns" in entries[1].changes_dict
    scopes = AuditScope.objects.filter(log_entry__in=entries).values_list("organization_id", flat=True)
    assert set(scopes) == {campaign.organization_id}


def test_an_import_is_logged_at_upload_and_at_each_change_of_status_but_not_row_by_row(campaign, monkeypatch):
    monkeypatch.setattr(import_running, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(import_running, "BATCH_ROWS", 1)
    person = make_user("ola@example.org")
    make_member(campaign.organization, user=person)
    started = queued(campaign, created_by=person)
    done = import_services.import_survey(started.pk)
    assert done.status == ImportStatus.DONE

    created, importing, finished = entries_of(SurveyImport, done.pk)
    assert created.action == LogEntry.Action.CREATE
    assert created.changes_dict["filename"] == ["None", "answers.csv"]
    assert created.changes_dict["campaign"] == ["None", str(campaign.pk)]
    assert created.changes_dict["created_by"] == ["None", str(person.pk)]
    assert importing.changes_dict == {"status": ["validating", "importing"], "rows_total": ["None", "6"]}
    assert finished.changes_dict["status"] == ["importing", "done"]
    # Progress, the stored file and the message stay out of the log.
    for entry in (created, importing, finished):
        assert not {"content", "rows_done", "started_at", "progressed_at", "message"} & set(entry.changes_dict)
    # The imported responses are written in bulk, without an entry each.
    assert not LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Response)).exists()
    assert set(
        AuditScope.objects.filter(log_entry__in=[created, importing, finished]).values_list(
            "organization_id", flat=True
        )
    ) == {campaign.organization_id}


def test_a_rejected_and_a_recovered_import_are_logged_with_their_outcome(campaign):
    rejected = import_services.start_survey_import(
        campaign=campaign,
        uploaded_name="bad.csv",
        data=b"r1\n9\n",
        mapping={"statements": {"r1": "r1"}},
        run_in_background=False,
    )
    import_services.import_survey(rejected.pk)
    last = entries_of(SurveyImport, rejected.pk)[-1]
    assert last.changes_dict["status"] == ["validating", "rejected"]
    assert last.changes_dict["problem_count"] == ["0", "1"]

    stalled = running(campaign, minutes_ago=31)
    import_running.recover_stalled_imports()
    assert entries_of(SurveyImport, stalled.pk)[-1].changes_dict["status"] == ["importing", "failed"]
