"""Answer imports on a real database: all or nothing, progress, mappings, and refusals that change nothing."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from spaceforchange.assessments import import_running, import_selectors, import_services
from spaceforchange.assessments.models import (
    Answer,
    Campaign,
    ColumnMapping,
    ImportProblem,
    ImportStatus,
    Response,
    SurveyImport,
)
from spaceforchange.assessments.results import campaign_results
from tests.factories import make_campaign, make_organization, make_pack, make_unit

pytestmark = pytest.mark.django_db

SAMPLE = (Path(__file__).resolve().parents[2] / "data" / "scan_answers.csv").read_bytes()
COLUMNS = {
    "statements": {"r1": "r1", "r2": "r2", "o1": "o1", "o2": "o2"},
    "attributes": {"team": "team"},
    "weight": "weight",
    "unit": None,
    "dont_know": ["X"],
}


@pytest.fixture
def version(db):  # type: ignore[no-untyped-def]
    return make_pack("import_pack")


@pytest.fixture
def campaign(version):  # type: ignore[no-untyped-def]
    return make_campaign(make_organization(slug="northbay"), version=version, anonymity_threshold=2)


def run(campaign: Campaign, data: bytes = SAMPLE, **options: object) -> SurveyImport:
    options.setdefault("mapping", COLUMNS)
    started = import_services.start_survey_import(
        campaign=campaign, uploaded_name="answers.csv", data=data, run_in_background=False, **options
    )
    return import_services.import_survey(started.pk)


def nothing_stored() -> bool:
    return not (SurveyImport.objects.exists() or Response.objects.exists() or Answer.objects.exists())


def test_a_valid_file_is_imported_whole(campaign, django_capture_on_commit_callbacks):
    before = Campaign.objects.get(pk=campaign.pk).answers_version
    with django_capture_on_commit_callbacks(execute=True):
        started = import_services.start_survey_import(
            campaign=campaign, uploaded_name="C:\\exports\\answers.csv", data=SAMPLE, mapping=COLUMNS
        )
    done = SurveyImport.objects.get(pk=started.pk)
    assert (done.status, done.rows_total, done.rows_done, done.problem_count) == (ImportStatus.DONE, 6, 6, 0)
    assert (done.filename, done.file_size, bytes(done.content)) == ("answers.csv", len(SAMPLE), b"")
    assert done.started_at <= done.finished_at
    responses = Response.objects.filter(campaign=campaign).order_by("pk")
    assert [(r.status, r.source, r.survey_import_id) for r in responses] == [("submitted", "import", done.pk)] * 6
    assert [r.weight for r in responses] == [1.0, 2.0, 1.5, 1.0, 0.5, 1.0]
    assert [r.attributes for r in responses][:2] == [{"team": "Alpha"}, {"team": "Alpha"}]
    second = responses[1]
    assert dict(second.answers.values_list("statement_key", "value")) == {"r1": 5, "r2": 1, "o1": None, "o2": 4}
    assert dict(responses[3].answers.values_list("statement_key", "value")) == {"r1": 2, "o1": 5, "o2": 5}
    assert Campaign.objects.get(pk=campaign.pk).answers_version == before + 1
    results = campaign_results(campaign, group_by="attribute:team")
    assert results["campaign"]["respondents"] == 6
    groups = {group["group"]: group for group in results["groups"]}
    assert (groups["Alpha"]["n"], groups["Beta"]["n"]) == (3, 3)
    # r1 in Alpha: 4 (w 1), 5 (w 2), 4 (w 0.5): all favourable; Beta: 3 (1.5), 2 (1), 5 (1) → 1/3.5.
    assert groups["Alpha"]["items"]["r1"]["share_favourable"] == pytest.approx(1.0)
    assert groups["Beta"]["items"]["r1"]["share_favourable"] == pytest.approx(1 / 3.5)


def test_one_bad_row_among_good_ones_imports_nothing_and_names_the_line(campaign):
    bad = SAMPLE.replace(b"c,3,3,4,4,Beta,1.5", b"c,3,7,4,X,Beta,0")
    before = Campaign.objects.get(pk=campaign.pk).answers_version
    rejected = run(campaign, bad)
    assert (rejected.status, rejected.rows_total, rejected.problem_count) == (ImportStatus.REJECTED, None, 3)
    assert rejected.rows_done == 6
    problems = list(import_selectors.problems_of(rejected).values_list("line", "column", "reason"))
    assert problems == [
        (4, "r2", "7 is outside the answer scale 1 to 5."),
        (4, "o2", "This statement has no “don't know” answer, but the cell says “X”."),
        (4, "weight", "The weight must be above 0, not 0."),
    ]
    assert not Response.objects.exists() and not Answer.objects.exists()
    assert Campaign.objects.get(pk=campaign.pk).answers_version == before


def test_problems_are_capped_but_all_counted(campaign, monkeypatch):
    monkeypatch.setattr(import_running, "MAX_STORED_PROBLEMS", 2)
    rows = b"".join(f"x{n},9,9,9,9,A,1\n".encode() for n in range(3))
    rejected = run(campaign, b"respondent,r1,r2,o1,o2,team,weight\n" + rows)
    assert (rejected.status, rejected.problem_count, rejected.problems.count()) == ("rejected", 12, 2)
    assert rejected.message == "Only the first 2 problems are listed."


def test_progress_is_reported_while_checking_and_importing(campaign, monkeypatch):
    monkeypatch.setattr(import_running, "PROGRESS_EVERY", 2)
    monkeypatch.setattr(import_running, "BATCH_ROWS", 4)
    seen: list[tuple[str, int, int | None]] = []
    started = import_services.start_survey_import(
        campaign=campaign, uploaded_name="a.csv", data=SAMPLE, mapping=COLUMNS, run_in_background=False
    )
    assert (started.status, started.rows_done, started.rows_total) == (ImportStatus.QUEUED, 0, None)
    import_services.import_survey(
        started.pk,
        progress=lambda survey_import: seen.append(
            (survey_import.status, survey_import.rows_done, survey_import.rows_total)
        ),
    )
    assert seen == [
        ("validating", 2, None),
        ("validating", 4, None),
        ("validating", 6, None),
        ("importing", 0, 6),
        ("importing", 4, 6),
        ("importing", 6, 6),
    ]
    # Before the final step the rows are drafts: the results never see half a file.
    assert SurveyImport.objects.get(pk=started.pk).status == ImportStatus.DONE


def test_a_finished_import_is_not_run_again(campaign):
    done = run(campaign)
    again = import_services.import_survey(done.pk)
    assert (again.status, Response.objects.count()) == (ImportStatus.DONE, 6)


def test_a_failure_while_inserting_leaves_nothing(campaign, monkeypatch):
    def explode(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_running, "_submit", explode)
    failed = run(campaign)
    assert (failed.status, failed.message) == (
        ImportStatus.FAILED,
        "The import failed unexpectedly; nothing was imported.",
    )
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_a_campaign_closed_before_the_import_runs_gets_nothing(campaign):
    started = import_services.start_survey_import(
        campaign=campaign, uploaded_name="a.csv", data=SAMPLE, mapping=COLUMNS, run_in_background=False
    )
    Campaign.objects.filter(pk=campaign.pk).update(status="closed")
    failed = import_services.import_survey(started.pk)
    assert failed.status == ImportStatus.FAILED
    assert "closed" in failed.message
    assert not Response.objects.exists()


def test_closed_campaigns_refuse_imports_and_draft_ones_take_them(version):
    organization = make_organization()
    closed = make_campaign(organization, version=version, status="closed")
    with pytest.raises(ValidationError) as refused:
        run(closed)
    assert refused.value.code == "closed"
    assert "closed" in refused.value.messages[0]
    assert nothing_stored()
    draft = make_campaign(organization, version=version, status="draft")
    assert run(draft).status == ImportStatus.DONE


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"respondent,r1,r2,o1,o2\n", "The file has column names but no rows of answers."),
        (b"respondent,r1\n\xff\xfe\xfd,4\n", "Line 2: The file is not UTF-8 text."),
        (b"\x00\x01\x02\x03binary", "The file is not a CSV text file"),
        (b"PK\x03\x04not really a workbook", "The file looks like an Excel workbook but cannot be read."),
        (b"\x1f\x8bnot gzip", "The file looks gzip-compressed but cannot be uncompressed."),
        (b'r1,r2\n"4"x,2\n', "Line 2: The file is not valid CSV"),
    ],
)
def test_bad_uploads_are_refused_before_anything_is_stored(campaign, data, message):
    with pytest.raises(ValidationError) as refused:
        run(campaign, data)
    assert refused.value.message_dict["file"][0].startswith(message)
    assert nothing_stored()


def test_files_over_the_size_limit_are_refused(campaign, settings):
    settings.SFC_MAX_IMPORT_BYTES = 100
    for data in (SAMPLE, gzip.compress(SAMPLE)):
        with pytest.raises(ValidationError) as refused:
            run(campaign, data)
        assert refused.value.message_dict["file"] == [
            "The file is too big: imports take files of up to 0 MB (uncompressed)."
        ]
    assert nothing_stored()


def test_gzip_and_xlsx_files_import_like_csv(campaign):
    assert run(campaign, gzip.compress(SAMPLE)).status == ImportStatus.DONE
    workbook = openpyxl.Workbook()
    for row in SAMPLE.decode().splitlines():
        workbook.active.append([int(cell) if cell.isdigit() else cell for cell in row.split(",")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    done = run(campaign, buffer.getvalue())
    assert (done.status, done.rows_done) == (ImportStatus.DONE, 6)
    assert Response.objects.filter(survey_import=done, weight=1.5).count() == 1


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({**COLUMNS, "weight": "WT"}, "The file has no column “WT” (mapped to the weight)."),
        ({**COLUMNS, "statements": {"zz": "r1"}}, "The instrument has no statement zz."),
        ({**COLUMNS, "statements": {}}, "Map at least one statement to a column."),
        ({"statements": ["r1"]}, "The column mapping is not in the expected form."),
    ],
)
def test_bad_mappings_are_refused_before_anything_is_stored(campaign, mapping, message):
    with pytest.raises(ValidationError) as refused:
        run(campaign, mapping=mapping)
    assert message in refused.value.message_dict["mapping"]
    assert nothing_stored()


def test_without_a_mapping_statements_are_read_from_same_named_columns(campaign):
    done = run(campaign, b"r1,o2,other\n4,5,x\n", mapping=None)
    assert done.status == ImportStatus.DONE
    assert dict(Answer.objects.values_list("statement_key", "value")) == {"r1": 4, "o2": 5}


def test_saved_mappings_are_found_by_name_and_stay_in_their_organisation(campaign, version):
    saved = import_services.save_column_mapping(
        organization=campaign.organization,
        name=" Survey tool ",
        pack_key=version.pack.key,
        instrument_key="scan",
        columns=COLUMNS,
    )
    assert (saved.name, saved.columns) == ("Survey tool", COLUMNS)
    done = run(campaign, mapping=None, mapping_name="Survey tool")
    assert (done.status, done.mapping_name, done.mapping) == (ImportStatus.DONE, "Survey tool", COLUMNS)
    other = make_campaign(make_organization(), version=version)
    with pytest.raises(ValidationError) as refused:
        run(other, mapping=None, mapping_name="Survey tool")
    assert refused.value.message_dict["mapping"] == ["There is no column mapping called Survey tool."]
    assert not SurveyImport.objects.filter(campaign=other).exists()


def test_saving_a_mapping_again_replaces_it_and_names_are_checked(campaign, version):
    organization, key = campaign.organization, version.pack.key
    first = import_services.save_column_mapping(
        organization=organization, name="Tool", pack_key=key, instrument_key="scan", columns=COLUMNS
    )
    changed = {**COLUMNS, "weight": None}
    second = import_services.save_column_mapping(
        organization=organization, name="Tool", pack_key=key, instrument_key="scan", columns=changed
    )
    assert (second.pk, ColumnMapping.objects.get().columns["weight"]) == (first.pk, None)
    refusals = [
        ({"name": ""}, "name", "Give the mapping a name."),
        ({"name": "x" * 101}, "name", "Use at most 100 characters, and no control characters."),
        ({"columns": {"statements": {"nope": "a"}}}, "mapping", "The instrument has no statement nope."),
        ({"instrument_key": "missing"}, "instrument_key", f"The pack {key} has no instrument missing."),
        ({"pack_key": "missing"}, "pack_key", "There is no framework pack missing."),
    ]
    for change, field, message in refusals:
        arguments = {"name": "New", "pack_key": key, "instrument_key": "scan", "columns": COLUMNS, **change}
        with pytest.raises(ValidationError) as refused:
            import_services.save_column_mapping(organization=organization, **arguments)
        assert refused.value.message_dict[field] == [message]
    assert ColumnMapping.objects.count() == 1
    import_services.delete_column_mapping(mapping=second)
    assert not ColumnMapping.objects.exists()


def test_a_saved_mapping_for_another_instrument_is_refused(campaign):
    ColumnMapping.objects.create(
        organization=campaign.organization, name="Other", pack_key="x", instrument_key="other", columns=COLUMNS
    )
    with pytest.raises(ValidationError) as refused:
        run(campaign, mapping=None, mapping_name="Other")
    assert refused.value.message_dict["mapping"] == [
        "The mapping Other is for the instrument other, not this campaign's."
    ]


def test_a_pack_mapping_is_used_when_no_saved_one_has_the_name():
    organization = make_organization()
    campaign = make_campaign(organization, version=None, instrument_key="fevs-2018-innovation", pack_key="fevs_2018")
    data = b"AGENCY,LEVEL1,POSTWT,Q3,Q8,Q30,Q32\nAR,ARCE,1.5,4,5,X,2\n"
    done = run(campaign, data, mapping=None, mapping_name="fevs-2018")
    assert done.status == ImportStatus.DONE
    response = Response.objects.get(survey_import=done)
    assert (response.weight, response.attributes) == (1.5, {"AGENCY": "AR", "LEVEL1": "ARCE"})
    assert dict(response.answers.values_list("statement_key", "value")) == {"Q3": 4, "Q8": 5, "Q30": None, "Q32": 2}
    x_in_q3 = run(campaign, data.replace(b"1.5,4,", b"1.5,X,"), mapping=None, mapping_name="fevs-2018")
    assert list(x_in_q3.problems.values_list("line", "column")) == [(2, "Q3")]


def test_units_are_matched_by_name(campaign):
    finance = make_unit(campaign.organization, name="Finance")
    make_unit(campaign.organization, name="IT")
    make_unit(campaign.organization, name="IT", parent=make_unit(campaign.organization, name="Branch"))
    data = b"r1,unit\n4,finance\n5,\n3,Nowhere\n2,IT\n"
    columns = {"statements": {"r1": "r1"}, "unit": "unit"}
    rejected = run(campaign, data, mapping=columns)
    assert list(rejected.problems.values_list("line", "column")) == [(4, "unit"), (5, "unit")]
    done = run(campaign, b"r1,unit\n4,finance\n5,\n", mapping=columns)
    assert list(Response.objects.filter(survey_import=done).values_list("unit_id", flat=True)) == [finance.pk, None]


def test_upload_then_map_then_run(campaign, version, django_capture_on_commit_callbacks):
    staged = import_services.upload_survey_file(campaign=campaign, uploaded_name="a.csv", data=SAMPLE)
    assert import_services.awaits_mapping(staged)
    assert import_selectors.header_of(staged) == ("respondent", "r1", "r2", "o1", "o2", "team", "weight")
    assert import_services.import_survey(staged.pk).status == ImportStatus.QUEUED  # not ready: no mapping yet
    with pytest.raises(ValidationError):
        import_services.map_survey_import(survey_import=staged, mapping={**COLUMNS, "weight": "nope"})
    with django_capture_on_commit_callbacks(execute=True):
        import_services.map_survey_import(survey_import=staged, mapping=COLUMNS, save_as="From the web")
    assert SurveyImport.objects.get(pk=staged.pk).status == ImportStatus.DONE
    assert ColumnMapping.objects.get().name == "From the web"
    with pytest.raises(ValidationError):
        import_services.cancel_survey_import(survey_import=staged)
    other = import_services.upload_survey_file(campaign=campaign, uploaded_name="b.csv", data=SAMPLE)
    import_services.cancel_survey_import(survey_import=other)
    assert not SurveyImport.objects.filter(pk=other.pk).exists()
    assert ImportProblem.objects.count() == 0
